#include "tree/whiteout.h"

namespace layerscope {

Marker classify_marker(std::string_view base) {
  if (base.size() < kWhiteoutPrefix.size() || base.compare(0, kWhiteoutPrefix.size(), kWhiteoutPrefix) != 0)
    return {};
  if (base == ".wh." || base == ".wh.." || base == ".wh...") return {MarkerKind::kIgnored, {}};
  if (base == kOpaqueMarker) return {MarkerKind::kOpaque, {}};
  if (base.compare(0, 8, ".wh..wh.") == 0) return {MarkerKind::kIgnored, {}};
  return {MarkerKind::kWhiteout, base.substr(kWhiteoutPrefix.size())};
}

std::string whiteout_marker_for(std::string_view name) {
  std::string out(kWhiteoutPrefix);
  out += name;
  return out;
}

}  // namespace layerscope
