// Verification: hashing a layer stream to its end, and comparing what was
// computed with what the documents declare. The walk over an archive's blobs
// (which needs its member table) is image/verify.
#pragma once

#include <cstdint>
#include <functional>

#include "archive/layer_stream.h"
#include "layerscope/model.h"
#include "layerscope/options.h"

namespace layerscope {

// A LayerStream configuration that hashes everything (stored digest, diff_id)
// under the decompression limits; `tick` gets the raw bytes consumed so far.
LayerStreamOptions hashing_options(const Limits& limits, std::function<bool(uint64_t)> tick);

// THE drain-and-hash helper: reads `ls` to its end through the tar parser (so
// the decoded stream is hashed whole, trailing padding included). Afterwards
// ls.stored_digest(), ls.diff_id() and ls.uncompressed_size() cover every byte.
Status drain_and_hash(LayerStream& ls);

// Warnings a previous verification left (verifying again replaces them).
void clear_verify_warnings(Archive& a);

// diff-id-mismatch / digest-mismatch warnings for every image layer whose blob
// was hashed and whose declared digests differ.
void check_layer_digests(Archive& a);

}  // namespace layerscope
