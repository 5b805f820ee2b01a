// export/import — a root filesystem tarball (plain, or gzip/xz/bzip2/zstd:
// libarchive sniffs the filter) as the one layer of a new image. Pass 1 reads
// every entry (a corrupt tarball fails here, before any output byte) and
// measures the decoded stream; pass 2 (the layout writer) copies the decoded
// bytes as the layer blob, stored uncompressed, so its digest is its diff_id.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "layerscope/byte_source.h"
#include "layerscope/options.h"
#include "layerscope/status.h"

namespace layerscope {

struct RootfsMeasure {
  std::string diff_id;     // sha256 of the decoded tar
  uint64_t size = 0;       // decoded bytes
  int64_t newest_mtime = 0;  // the newest entry mtime (0 when none is later than the epoch)
  uint64_t entries = 0;
};

Result<RootfsMeasure> measure_rootfs(const std::shared_ptr<ByteSource>& src, const Limits& limits,
                                     const std::function<bool(uint64_t)>& tick, const std::string& where);

// RFC 3339 UTC time of `seconds` since the epoch ("2024-05-01T12:00:00Z").
std::string rfc3339_utc(int64_t seconds);

}  // namespace layerscope
