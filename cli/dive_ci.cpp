#include "dive_ci.h"

#include <yaml.h>

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>

namespace lscli {
namespace {

std::string lower_trim(std::string_view s) {
  std::string out;
  for (char c : s)
    if (!std::isspace(static_cast<unsigned char>(c))) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The leading number of `s`, and where it ends.
bool leading_number(const std::string& s, double* v, size_t* end) {
  if (s.empty() || !(std::isdigit(static_cast<unsigned char>(s[0])) || s[0] == '.')) return false;
  char* e = nullptr;
  *v = std::strtod(s.c_str(), &e);
  *end = static_cast<size_t>(e - s.c_str());
  return *end > 0 && std::isfinite(*v);
}

std::string scalar(yaml_node_t* n) {
  return std::string(reinterpret_cast<const char*>(n->data.scalar.value), n->data.scalar.length);
}

}  // namespace

Result<double> parse_ratio(std::string_view text) {
  std::string s = lower_trim(text);
  double v = 0;
  size_t end = 0;
  if (!leading_number(s, &v, &end) || end != s.size())
    return make_error(Code::kInvalidArgument, "'" + std::string(text) + "' is not a ratio (e.g. 0.95)");
  return v;
}

Result<double> parse_bytes(std::string_view text) {
  std::string s = lower_trim(text);
  double v = 0;
  size_t end = 0;
  if (!leading_number(s, &v, &end))
    return make_error(Code::kInvalidArgument, "'" + std::string(text) + "' is not a size (e.g. 20MB, 1.5GiB, 4096)");
  std::string unit = s.substr(end);
  static const char* kPrefixes = "kmgtpe";
  double mult = 1;
  if (!unit.empty() && unit != "b") {
    const char* p = std::strchr(kPrefixes, unit[0]);
    std::string rest = unit.substr(1);
    bool binary = rest == "i" || rest == "ib";
    if (!p || !(rest.empty() || rest == "b" || binary))
      return make_error(Code::kInvalidArgument, "'" + std::string(text) + "': unknown unit '" + unit + "'");
    mult = std::pow(binary ? 1024.0 : 1000.0, static_cast<double>(p - kPrefixes + 1));
  }
  return v * mult;
}

Status set_threshold(CiThreshold* which, std::string_view text, bool bytes, const std::string& origin) {
  if (lower_trim(text) == "disabled") {
    *which = CiThreshold{true, 0, origin};
    return Status::Ok();
  }
  auto v = bytes ? parse_bytes(text) : parse_ratio(text);
  if (!v.ok()) return make_error(Code::kInvalidArgument, v.error().message, origin);
  *which = CiThreshold{false, v.value(), origin};
  return Status::Ok();
}

Status read_dive_ci(const std::string& path, CiRules* rules) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(Code::kNotFound, "cannot read the ci rules file", path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  if (text.size() > (1u << 20)) return make_error(Code::kLimit, "ci rules file is over 1 MiB", path);
  yaml_parser_t parser;
  yaml_document_t doc;
  yaml_parser_initialize(&parser);
  std::unique_ptr<yaml_parser_t, void (*)(yaml_parser_t*)> pguard(&parser, yaml_parser_delete);
  yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  if (!yaml_parser_load(&parser, &doc))
    return make_error(Code::kInvalidArgument,
                      std::string("not YAML: ") + (parser.problem ? parser.problem : "parse error"),
                      path + ":" + std::to_string(parser.problem_mark.line + 1));
  std::unique_ptr<yaml_document_t, void (*)(yaml_document_t*)> dguard(&doc, yaml_document_delete);
  yaml_node_t* root = yaml_document_get_root_node(&doc);
  if (!root) return Status::Ok();  // an empty file: the defaults
  if (root->type != YAML_MAPPING_NODE) return make_error(Code::kInvalidArgument, "expected a mapping with 'rules:'", path);
  for (yaml_node_pair_t* p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; ++p) {
    yaml_node_t* k = yaml_document_get_node(&doc, p->key);
    yaml_node_t* v = yaml_document_get_node(&doc, p->value);
    if (!k || k->type != YAML_SCALAR_NODE || scalar(k) != "rules") continue;
    std::string where = path + ":" + std::to_string(v->start_mark.line + 1);
    if (v->type == YAML_SCALAR_NODE && scalar(v).empty()) continue;  // "rules:" with nothing under it
    if (v->type != YAML_MAPPING_NODE) return make_error(Code::kInvalidArgument, "'rules' must be a mapping", where);
    for (yaml_node_pair_t* r = v->data.mapping.pairs.start; r < v->data.mapping.pairs.top; ++r) {
      yaml_node_t* rk = yaml_document_get_node(&doc, r->key);
      yaml_node_t* rv = yaml_document_get_node(&doc, r->value);
      if (!rk || !rv || rk->type != YAML_SCALAR_NODE) continue;
      std::string at = path + ":" + std::to_string(rv->start_mark.line + 1);
      std::string name = scalar(rk);
      CiThreshold* t = name == "lowestEfficiency"           ? &rules->lowest_efficiency
                       : name == "highestWastedBytes"       ? &rules->highest_wasted_bytes
                       : name == "highestUserWastedPercent" ? &rules->highest_user_wasted_percent
                                                            : nullptr;
      if (!t) continue;
      if (rv->type != YAML_SCALAR_NODE) return make_error(Code::kInvalidArgument, name + " must be a value", at);
      Status st = set_threshold(t, scalar(rv), t == &rules->highest_wasted_bytes, at);
      if (!st.ok()) return make_error(Code::kInvalidArgument, name + ": " + st.error().message, at);
    }
  }
  return Status::Ok();
}

}  // namespace lscli
