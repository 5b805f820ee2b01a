#include "api/json_text.h"

#include <charconv>

#include "layerscope/text.h"

namespace layerscope::jsontext {

std::string dump(const OJson& j, int indent) {
  return escape_json_controls(j.dump(indent, ' ', false, OJson::error_handler_t::replace));
}

namespace {
constexpr char kHex[] = "0123456789abcdef";
}  // namespace

std::string text(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    size_t j = i;  // ASCII goes a run at a time
    while (j < s.size() && static_cast<unsigned char>(s[j]) < 0x80) ++j;
    out.append(s, i, j - i);
    i = j;
    if (i == s.size()) break;
    size_t len = utf8_sequence_length(s, i);
    if (len == 0) {
      unsigned char c = static_cast<unsigned char>(s[i]);
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
      ++i;
      continue;
    }
    out.append(s, i, len);
    i += len;
  }
  return out;
}

void append_text(std::string& out, std::string_view s) {
  out += '"';
  size_t i = 0;
  while (i < s.size()) {
    // A run of printable ASCII other than '"' and '\\' goes at once.
    size_t j = i;
    while (j < s.size()) {
      unsigned char c = static_cast<unsigned char>(s[j]);
      if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') break;
      ++j;
    }
    out.append(s.data() + i, j - i);
    i = j;
    if (i == s.size()) break;
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t len = utf8_sequence_length(s, i);
    if (len == 0) {  // text()'s "\xNN", its backslash escaped by dump
      out += "\\\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
      ++i;
      continue;
    }
    unsigned cp = 0x100;  // a control to write as \u00XX, when below 0x100
    if (len == 1) {
      switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case 0x08: out += "\\b"; break;
        case 0x09: out += "\\t"; break;
        case 0x0a: out += "\\n"; break;
        case 0x0c: out += "\\f"; break;
        case 0x0d: out += "\\r"; break;
        default: cp = c;  // another C0 control, or DEL
      }
    } else if (len == 2 && c == 0xc2 && static_cast<unsigned char>(s[i + 1]) < 0xa0) {
      cp = static_cast<unsigned char>(s[i + 1]);  // a C1 control
    } else {
      out.append(s.data() + i, len);
    }
    if (cp < 0x100) {
      out += "\\u00";
      out += kHex[cp >> 4];
      out += kHex[cp & 15];
    }
    i += len;
  }
  out += '"';
}

void append_int(std::string& out, int64_t v) {
  char b[24];
  auto r = std::to_chars(b, b + sizeof b, v);
  out.append(b, r.ptr);
}

void write_array(std::string head, uint64_t from, uint64_t to,
                 const std::function<void(std::string&, uint64_t)>& item,
                 const std::function<void(std::string_view)>& out) {
  std::string piece = std::move(head);
  piece += '[';
  for (uint64_t i = from; i < to; ++i) {
    if (i > from) piece += ',';
    item(piece, i);
    if (piece.size() >= (64 << 10)) {
      out(piece);
      piece.clear();
    }
  }
  piece += "]}";
  out(piece);
}

OJson opt_str(const std::string& s) { return s.empty() ? OJson(nullptr) : OJson(text(s)); }

std::string octal_mode(uint32_t m) {
  std::string out(4, '0');
  for (int k = 0; k < 4; ++k) out[3 - k] = static_cast<char>('0' + ((m >> (3 * k)) & 7));
  return out;
}

}  // namespace layerscope::jsontext
