#include "api/json_text.h"

#include "layerscope/text.h"

namespace layerscope {

// Every document is serialised here: invalid UTF-8 replaced (text() has already
// escaped archive bytes), then DEL and C1 controls escaped for terminals.
std::string dump(const OJson& j, int indent) {
  return escape_json_controls(j.dump(indent, ' ', false, OJson::error_handler_t::replace));
}

// Archive names are bytes. Valid UTF-8 passes unchanged; any invalid byte is
// written as the four characters "\xNN", so the output stays valid JSON and
// the original bytes are recoverable.
std::string text(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    bool ok = len > 0 && i + len <= s.size();
    for (size_t k = 1; ok && k < len; ++k) ok = (static_cast<unsigned char>(s[i + k]) >> 6) == 2;
    if (ok && len == 2 && c < 0xc2) ok = false;
    if (ok && len == 3) {
      unsigned char c1 = static_cast<unsigned char>(s[i + 1]);
      if ((c == 0xe0 && c1 < 0xa0) || (c == 0xed && c1 >= 0xa0)) ok = false;
    }
    if (ok && len == 4) {
      unsigned char c1 = static_cast<unsigned char>(s[i + 1]);
      if (c > 0xf4 || (c == 0xf0 && c1 < 0x90) || (c == 0xf4 && c1 >= 0x90)) ok = false;
    }
    if (!ok) {
      static const char* hx = "0123456789abcdef";
      out += "\\x";
      out += hx[c >> 4];
      out += hx[c & 15];
      ++i;
      continue;
    }
    out.append(s, i, len);
    i += len;
  }
  return out;
}

}  // namespace layerscope
