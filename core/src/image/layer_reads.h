// A layer blob's read held apart from the archive's model: read ahead on a
// thread of its own (image/layers.cpp prefetch_blobs), or by another instance
// of the core (a helper worker of the page) and carried here as bytes
// (encode_read / decode_read), then adopted into the model (adopt_blob).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "image/loader.h"

namespace layerscope {

// What reading one blob found besides its entries: its error, or in `found`
// what record_blob_result learnt (compression, sizes, digests).
struct BlobRead {
  Status st = Status::Ok();
  Blob found;
};

// One blob read ahead on a thread (prefetch_blobs), into a path table and
// from an entry budget of its own.
struct Prefetched {
  size_t bi = 0;
  PathTable paths;
  LayerIndex index;
  uint64_t budget_before = 0, budget = 0;
  BlobRead read;
  std::atomic<uint64_t> done{0};  // bytes of the blob read so far
};

// Blob `p.bi`'s read as bytes, with the limits it was made under.
std::string encode_read(const Prefetched& p, const Limits& lim);

// The read `bytes` (encode_read) of blob `bi`, or why it cannot be adopted:
// kInvalidArgument when the bytes are not a well-formed read of that blob, or
// true in `stale` (and no read) when it was made under other limits.
Result<std::unique_ptr<Prefetched>> decode_read(std::string_view bytes, size_t bi, const Limits& lim, bool* stale);

}  // namespace layerscope
