// Decoders a LayerStream uses instead of libarchive's filters where the build
// has them: gzip through ISA-L's inflate, zstd through libzstd's streaming
// decoder. Each pulls the blob's raw bytes through a callback (the pipeline's,
// which hashes and counts them) and hands out decoded blocks; errors name the
// compressed byte, as libarchive's filters' do in layer_stream.cpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "layerscope/model.h"
#include "layerscope/status.h"

namespace layerscope {

/** Where a direct decoder's raw bytes come from: the next chunk (0 at the end
 *  of the blob; valid until the next call) and how many were handed out so far. */
struct RawInput {
  std::function<Result<size_t>(const void**)> next;
  std::function<uint64_t()> consumed;
};

class DirectDecoder {
 public:
  virtual ~DirectDecoder() = default;
  /** The next decoded bytes (valid until the next call); 0 at the end of the stream. */
  virtual Result<size_t> block(const void** data) = 0;
};

/** A direct decoder for `c` in this build, or null (libarchive's filter then).
 *  `partial`: a reader that may stop early, which skips checksums only the
 *  stream's end could check (zstd's frame XXH64). */
Result<std::unique_ptr<DirectDecoder>> make_direct_decoder(Compression c, bool partial, RawInput in,
                                                           std::string where);

}  // namespace layerscope
