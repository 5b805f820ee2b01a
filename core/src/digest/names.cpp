#include "digest/names.h"

#include <cctype>

#include "base/paths.h"
#include "base/sha256.h"

namespace layerscope {

std::string blob_path(const std::string& digest) {
  auto colon = digest.find(':');
  if (colon == std::string::npos || colon == 0) return {};
  std::string alg = digest.substr(0, colon), hex = digest.substr(colon + 1);
  if (hex.empty()) return {};
  for (char c : alg)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '.' || c == '_' || c == '-')) return {};
  for (char c : hex)
    if (!std::isxdigit(static_cast<unsigned char>(c))) return {};
  return "blobs/" + alg + "/" + hex;
}

std::string digest_from_name(const std::string& path) {
  if (path.rfind("blobs/sha256/", 0) == 0 && is_hex64(path.substr(13))) return "sha256:" + path.substr(13);
  std::string b = basename_of(path);
  if (b.rfind("sha256:", 0) == 0 && is_hex64(b.substr(7, 64))) return b.substr(0, 71);
  if (b.size() >= 64 && is_hex64(b.substr(0, 64)) && (b.size() == 64 || b[64] == '.')) return "sha256:" + b.substr(0, 64);
  return {};
}

}  // namespace layerscope
