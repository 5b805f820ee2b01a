#include "manifest/json.h"

#include "layerscope/text.h"

namespace layerscope {
namespace {

// Validating SAX handler: tracks depth, records the first error.
template <class J>
struct Checker : nlohmann::json_sax<J> {
  using number_integer_t = typename J::number_integer_t;
  using number_unsigned_t = typename J::number_unsigned_t;
  using number_float_t = typename J::number_float_t;
  using string_t = typename J::string_t;
  using binary_t = typename J::binary_t;
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
    err = escape_text(err);  // nlohmann quotes archive bytes around the error ("last read: '...'")
    (void)last_token;
    return false;
  }
};

template <class J>
Result<J> parse_bounded(std::string_view text, std::string_view where, uint32_t max_depth) {
  Checker<J> c;
  c.max_depth = max_depth;
  bool ok = J::sax_parse(text.begin(), text.end(), &c, nlohmann::detail::input_format_t::json, true, false);
  if (!ok) {
    if (c.too_deep) {
      return make_error(Code::kLimit, "JSON nested deeper than " + std::to_string(max_depth) + " levels",
                        std::string(where));
    }
    std::string msg = "invalid JSON";
    if (!c.err.empty()) msg += ": " + c.err;
    return make_error(Code::kCorrupt, msg, std::string(where) + " byte " + std::to_string(c.err_pos));
  }
  J j = J::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false, false);
  if (j.is_discarded()) return make_error(Code::kCorrupt, "invalid JSON", std::string(where));
  return j;
}

}  // namespace

Result<Json> parse_json(std::string_view text, std::string_view where, uint32_t max_depth) {
  return parse_bounded<Json>(text, where, max_depth);
}

Result<OrderedJson> parse_ordered_json(std::string_view text, std::string_view where, uint32_t max_depth) {
  return parse_bounded<OrderedJson>(text, where, max_depth);
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

std::string jdump(const OrderedJson& j, int indent) {
  return j.dump(indent, ' ', false, OrderedJson::error_handler_t::replace);
}

Result<std::string> jdump_document(const OrderedJson& j, std::string_view where) {
  std::string out = j.dump(-1, ' ', false, OrderedJson::error_handler_t::replace);
  // Replacing writes U+FFFD; ignoring drops the bytes: the two differ exactly
  // when some string is not UTF-8 (a U+FFFD of the document's own is the same in both).
  if (out.find("\xEF\xBF\xBD") != std::string::npos &&
      out != j.dump(-1, ' ', false, OrderedJson::error_handler_t::ignore))
    return make_error(Code::kInvalidArgument, "the document holds a string that is not UTF-8", std::string(where));
  return out;
}

}  // namespace layerscope
