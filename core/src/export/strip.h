// export/strip — one layer's tar without chosen paths: read entry by entry
// from the layer's source and written straight into a sink (the bytes of a
// removed entry never reach the output; no whiteout is added). Nothing is
// held but the current chunk and, per removed regular file, its header.
//
// Hard links keep working: the first surviving link to a removed file is
// written as a regular file with that file's content (read again from the
// source: a second pass over the layer up to that entry), and later links to
// the removed file point at it.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "layerscope/byte_sink.h"
#include "layerscope/byte_source.h"
#include "layerscope/model.h"
#include "layerscope/options.h"

namespace layerscope {

struct StripJob {
  std::vector<std::string> paths;       // normalised; each removed with everything below it
  Compression compression = Compression::kNone;  // of the written blob: kNone, kGzip or kZstd
  Limits limits;                        // decompression bounds of the source
  std::function<bool(uint64_t)> tick;   // source bytes consumed; false cancels
};

// True when `path` is `prefix` or below it (both normalised; "" is the root).
bool at_or_below(const std::string& path, const std::string& prefix);
// True when `path` (normalised) is one of `paths` or below one of them.
bool strip_removes(const std::vector<std::string>& paths, const std::string& path);

// Writes the layer's tar without the job's paths, compressed as the job says,
// onto `out` (not finished). `diff_id` (may be null) gets the sha256 of the
// uncompressed tar written.
Status write_stripped_layer(const std::shared_ptr<ByteSource>& src, const StripJob& job, const std::string& where,
                            ByteSink& out, std::string* diff_id);

}  // namespace layerscope
