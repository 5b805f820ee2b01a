#include "layerscope/text.h"

#include <algorithm>

namespace layerscope {
namespace {

// Printable ASCII: copied as it is, a run at a time (the common case; `ls` of
// long paths spent a third of its time here one byte at a time).
size_t plain_run(std::string_view s, size_t i, size_t room) {
  size_t j = i;
  while (j < s.size() && j - i < room && s[j] >= 0x20 && s[j] < 0x7f) ++j;
  return j - i;
}

}  // namespace

size_t utf8_sequence_length(std::string_view s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
  if (len == 0 || i + len > s.size()) return 0;
  for (size_t k = 1; k < len; ++k)
    if ((static_cast<unsigned char>(s[i + k]) >> 6) != 2) return 0;
  unsigned char c1 = len > 1 ? static_cast<unsigned char>(s[i + 1]) : 0;
  if (len == 2 && c < 0xc2) return 0;                                                // overlong
  if (len == 3 && ((c == 0xe0 && c1 < 0xa0) || (c == 0xed && c1 >= 0xa0))) return 0;  // overlong, surrogates
  if (len == 4 && (c > 0xf4 || (c == 0xf0 && c1 < 0x90) || (c == 0xf4 && c1 >= 0x90))) return 0;
  return len;
}

std::string escape_text(std::string_view s, size_t max) {
  std::string out;
  out.reserve(std::min(s.size(), max));
  size_t i = 0;
  for (; i < s.size() && out.size() < max; ++i) {
    if (size_t n = plain_run(s, i, max - out.size())) {
      out.append(s.substr(i, n));
      i += n - 1;
      continue;
    }
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t len = utf8_sequence_length(s, i);
    bool ok = len > 0 && c >= 0x20 && c != 0x7f;  // not C0 nor DEL
    if (ok && len == 2 && c == 0xc2 && static_cast<unsigned char>(s[i + 1]) < 0xa0) ok = false;  // C1 controls
    if (!ok) {
      static const char* hx = "0123456789abcdef";
      out += "\\x";
      out += hx[c >> 4];
      out += hx[c & 15];
      continue;
    }
    out.append(s.substr(i, len));
    i += len - 1;
  }
  if (i < s.size()) out += "…";
  return out;
}

std::string escape_json_controls(std::string json) {
  static const char* hx = "0123456789abcdef";
  size_t n = 0;
  for (size_t i = 0; i < json.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(json[i]);
    if (c == 0x7f || (c == 0xc2 && i + 1 < json.size() && static_cast<unsigned char>(json[i + 1]) < 0xa0 &&
                      static_cast<unsigned char>(json[i + 1]) >= 0x80))
      ++n;
  }
  if (n == 0) return json;
  std::string out;
  out.reserve(json.size() + 5 * n);
  for (size_t i = 0; i < json.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(json[i]);
    unsigned cp = 0;
    if (c == 0x7f) cp = 0x7f;
    else if (c == 0xc2 && i + 1 < json.size()) {
      unsigned char c1 = static_cast<unsigned char>(json[i + 1]);
      if (c1 >= 0x80 && c1 < 0xa0) { cp = c1; ++i; }
    }
    if (!cp) { out += static_cast<char>(c); continue; }
    out += "\\u00";
    out += hx[cp >> 4];
    out += hx[cp & 15];
  }
  return out;
}

}  // namespace layerscope
