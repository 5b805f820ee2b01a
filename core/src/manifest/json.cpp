#include "manifest/json.h"

namespace layerscope {
namespace {

// nlohmann quotes the input around a syntax error ("last read: '...'"): those
// are archive bytes. Control characters and bytes that are not UTF-8 become
// \xNN so the message is safe to print and to put in JSON.
std::string printable(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    bool ok = len > 0 && c >= 0x20 && c != 0x7f && i + len <= s.size() && !(len == 2 && c < 0xc2);
    for (size_t k = 1; ok && k < len; ++k) ok = (static_cast<unsigned char>(s[i + k]) >> 6) == 2;
    if (ok && len == 2 && c == 0xc2 && static_cast<unsigned char>(s[i + 1]) < 0xa0) ok = false;  // C1 controls
    if (ok && len == 3 && ((c == 0xe0 && static_cast<unsigned char>(s[i + 1]) < 0xa0) ||
                           (c == 0xed && static_cast<unsigned char>(s[i + 1]) >= 0xa0)))
      ok = false;
    if (ok && len == 4 && (c > 0xf4 || (c == 0xf0 && static_cast<unsigned char>(s[i + 1]) < 0x90) ||
                           (c == 0xf4 && static_cast<unsigned char>(s[i + 1]) >= 0x90)))
      ok = false;
    if (!ok) {
      static const char* hx = "0123456789abcdef";
      out += "\\x";
      out += hx[c >> 4];
      out += hx[c & 15];
      continue;
    }
    out.append(s, i, len);
    i += len - 1;
  }
  return out;
}

// Validating SAX handler: tracks depth, records the first error.
struct Checker : nlohmann::json_sax<Json> {
  uint32_t depth = 0, max_depth = 0;
  bool too_deep = false;
  size_t err_pos = 0;
  std::string err;
  bool up() {
    if (++depth > max_depth) { too_deep = true; return false; }
    return true;
  }
  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return up(); }
  bool key(string_t&) override { return true; }
  bool end_object() override { --depth; return true; }
  bool start_array(std::size_t) override { return up(); }
  bool end_array() override { --depth; return true; }
  bool parse_error(std::size_t position, const std::string& last_token,
                   const nlohmann::detail::exception& ex) override {
    err_pos = position;
    err = ex.what();
    // nlohmann prefixes "[json.exception.parse_error.101] parse error at line 1, column 2: "
    // or "[json.exception.out_of_range.406] number overflow parsing '1e999'"
    auto colon = err.find(": ");
    auto bracket = err.find("] ");
    if (err.rfind("[json.exception.parse_error", 0) == 0 && colon != std::string::npos) err = err.substr(colon + 2);
    else if (err.rfind("[json.exception", 0) == 0 && bracket != std::string::npos) err = err.substr(bracket + 2);
    err = printable(err);
    (void)last_token;
    return false;
  }
};

}  // namespace

Result<Json> parse_json(std::string_view text, std::string_view where, uint32_t max_depth) {
  Checker c;
  c.max_depth = max_depth;
  bool ok = Json::sax_parse(text.begin(), text.end(), &c, nlohmann::detail::input_format_t::json, true, false);
  if (!ok) {
    if (c.too_deep) {
      return make_error(Code::kLimit, "JSON nested deeper than " + std::to_string(max_depth) + " levels",
                        std::string(where));
    }
    std::string msg = "invalid JSON";
    if (!c.err.empty()) msg += ": " + c.err;
    return make_error(Code::kCorrupt, msg, std::string(where) + " byte " + std::to_string(c.err_pos));
  }
  Json j = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false, false);
  if (j.is_discarded()) return make_error(Code::kCorrupt, "invalid JSON", std::string(where));
  return j;
}

const Json* jget(const Json& j, std::string_view key) {
  if (!j.is_object()) return nullptr;
  auto it = j.find(key);
  if (it == j.end()) return nullptr;
  return &*it;
}

std::string jstr(const Json& j, std::string_view key, std::string fallback) {
  const Json* v = jget(j, key);
  if (!v || !v->is_string()) return fallback;
  return v->get_ref<const std::string&>();
}

bool jbool(const Json& j, std::string_view key, bool fallback) {
  const Json* v = jget(j, key);
  if (!v || !v->is_boolean()) return fallback;
  return v->get<bool>();
}

int64_t jint(const Json& j, std::string_view key, int64_t fallback) {
  const Json* v = jget(j, key);
  if (!v) return fallback;
  if (v->is_number_integer()) return v->get<int64_t>();
  if (v->is_number_unsigned()) {
    uint64_t u = v->get<uint64_t>();
    return u > static_cast<uint64_t>(INT64_MAX) ? fallback : static_cast<int64_t>(u);
  }
  return fallback;
}

std::vector<std::string> jstrings(const Json& j, std::string_view key) {
  std::vector<std::string> out;
  const Json* v = jget(j, key);
  if (!v || !v->is_array()) return out;
  for (const auto& x : *v)
    if (x.is_string()) out.push_back(x.get_ref<const std::string&>());
  return out;
}

std::string jdump(const Json& j, int indent) {
  return j.dump(indent, ' ', false, Json::error_handler_t::replace);
}

}  // namespace layerscope
