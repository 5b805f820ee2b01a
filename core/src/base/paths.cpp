#include "base/paths.h"

#include <vector>

namespace layerscope {

std::string dirname_of(const std::string& p) {
  auto s = p.rfind('/');
  return s == std::string::npos ? std::string() : p.substr(0, s);
}

std::string basename_of(const std::string& p) {
  auto s = p.rfind('/');
  return s == std::string::npos ? p : p.substr(s + 1);
}

std::string resolve_dots(const std::string& p) {
  std::vector<std::string> parts;
  size_t pos = 0;
  while (pos <= p.size()) {
    size_t s = p.find('/', pos);
    if (s == std::string::npos) s = p.size();
    std::string c = p.substr(pos, s - pos);
    pos = s + 1;
    if (c.empty() || c == ".") continue;
    if (c == "..") {
      if (!parts.empty()) parts.pop_back();
      continue;
    }
    parts.push_back(c);
  }
  std::string out;
  for (auto& c : parts) {
    if (!out.empty()) out += '/';
    out += c;
  }
  return out;
}

}  // namespace layerscope
