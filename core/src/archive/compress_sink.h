// A ByteSink that compresses what it is given onto another sink: gzip through
// ISA-L's deflate (level 3) where the build has ISA-L, else libarchive's gzip
// filter (zlib, level 4, or `level`); zstd through libarchive's zstd filter
// (level 3, or `level`). Deterministic: the same
// bytes in give the same bytes out (no timestamp in the gzip header), so a
// writer may compress a layer once to learn its digest and size and again to
// write it. finish() ends the compressed stream and finishes `next`.
#pragma once

#include <memory>

#include "layerscope/byte_sink.h"
#include "layerscope/model.h"

namespace layerscope {

// `next` must outlive the sink. kNone gives a pass-through.
Result<std::unique_ptr<ByteSink>> make_compressing_sink(ByteSink* next, Compression c, int level = 0);

}  // namespace layerscope
