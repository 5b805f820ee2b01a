#include "manifest/media_types.h"

namespace layerscope {

Compression compression_from_media_type(const std::string& mt) {
  if (mt.empty()) return Compression::kUnknown;
  if (mt.find("zstd") != std::string::npos) return Compression::kZstd;
  if (mt.find("gzip") != std::string::npos) return Compression::kGzip;
  if (mt.size() >= 4 && (mt.compare(mt.size() - 4, 4, ".tar") == 0)) return Compression::kNone;
  return Compression::kUnknown;
}

}  // namespace layerscope
