// A ByteSink that compresses what it is given onto another sink, through
// libarchive's filters over its raw format: gzip (zlib, level 4 unless `level`
// says), zstd (level 3 unless `level` says). Deterministic: the same
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
