#include "export/dockerfile_changes.h"

#include <cctype>
#include <map>
#include <vector>

#include "base/paths.h"

namespace layerscope {
namespace {

bool space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && space(s[b])) ++b;
  while (e > b && space(s[e - 1])) --e;
  return s.substr(b, e - b);
}

// Splits on unquoted whitespace; quotes removed, backslash escapes resolved.
Result<std::vector<std::string>> words(const std::string& s, const std::string& where) {
  std::vector<std::string> out;
  std::string cur;
  bool in_word = false;
  char quote = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (quote == '\'' && c != '\'') cur += c;
    else if (c == '\\' && i + 1 < s.size()) cur += s[++i];
    else if (quote && c == quote) quote = 0;
    else if (quote) cur += c;
    else if (c == '"' || c == '\'') quote = c;
    else if (space(c)) {
      if (in_word) out.push_back(std::move(cur));
      cur.clear();
      in_word = false;
      continue;
    } else cur += c;
    in_word = true;
  }
  if (quote) return make_error(Code::kInvalidArgument, std::string("unmatched ") + quote + " quote", where);
  if (in_word) out.push_back(std::move(cur));
  return out;
}

// The exec form (a JSON array of strings), or nothing when `arg` is not one.
bool json_array(const std::string& arg, std::vector<std::string>* out) {
  if (arg.empty() || arg[0] != '[') return false;
  auto j = parse_ordered_json(arg, "instruction", 8);
  if (!j.ok() || !j.value().is_array()) return false;
  out->clear();
  for (const OrderedJson& e : j.value()) {
    if (!e.is_string()) return false;
    out->push_back(e.get<std::string>());
  }
  return true;
}

// ENV and LABEL: k=v pairs, or the old form "k v…" (one pair, the rest the value).
Result<std::vector<std::pair<std::string, std::string>>> pairs(const std::string& arg, const std::string& where) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t first_end = 0;
  while (first_end < arg.size() && !space(arg[first_end])) ++first_end;
  if (arg.substr(0, first_end).find('=') == std::string::npos) {
    std::string rest = trim(arg.substr(first_end));
    if (rest.empty()) return make_error(Code::kInvalidArgument, "needs KEY=VALUE or KEY VALUE", where);
    out.emplace_back(arg.substr(0, first_end), rest);
    return out;
  }
  LS_ASSIGN_OR_RETURN(auto ws, words(arg, where));
  for (const std::string& w : ws) {
    size_t eq = w.find('=');
    if (eq == std::string::npos || eq == 0)
      return make_error(Code::kInvalidArgument, "'" + w + "' is not KEY=VALUE", where);
    out.emplace_back(w.substr(0, eq), w.substr(eq + 1));
  }
  return out;
}

OrderedJson& object_at(OrderedJson* config, const char* key) {
  OrderedJson& o = (*config)[key];
  if (!o.is_object()) o = OrderedJson::object();
  return o;
}

Status set_env(const std::string& arg, const std::string& where, OrderedJson* config) {
  LS_ASSIGN_OR_RETURN(auto kv, pairs(arg, where));
  OrderedJson& env = (*config)["Env"];
  if (!env.is_array()) env = OrderedJson::array();
  for (const auto& [k, v] : kv) {
    std::string line = k + "=" + v;
    bool replaced = false;
    for (OrderedJson& e : env) {
      if (!e.is_string() || e.get<std::string>().rfind(k + "=", 0) != 0) continue;
      e = line;
      replaced = true;
    }
    if (!replaced) env.push_back(line);
  }
  return Status::Ok();
}

Status set_labels(const std::string& arg, const std::string& where, OrderedJson* config) {
  LS_ASSIGN_OR_RETURN(auto kv, pairs(arg, where));
  OrderedJson& labels = object_at(config, "Labels");
  for (const auto& [k, v] : kv) labels[k] = v;
  return Status::Ok();
}

Status set_command(const char* key, const std::string& arg, OrderedJson* config) {
  std::vector<std::string> argv;
  if (!json_array(arg, &argv)) argv = {"/bin/sh", "-c", arg};
  (*config)[key] = argv;
  return Status::Ok();
}

Status set_workdir(const std::string& arg, OrderedJson* config) {
  std::string dir = arg;
  if (dir[0] != '/') {
    auto cur = config->find("WorkingDir");
    dir = (cur != config->end() && cur->is_string() ? cur->get<std::string>() : std::string()) + "/" + dir;
  }
  (*config)["WorkingDir"] = "/" + resolve_dots(dir);
  return Status::Ok();
}

bool port_number(const std::string& s, long* out) {
  if (s.empty() || s.size() > 5) return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  *out = std::stol(s);
  return *out >= 1 && *out <= 65535;
}

// "80", "443/tcp", "53/udp", "8000-8002/tcp" -> the keys of ExposedPorts.
Status add_ports(const std::string& spec, const std::string& where, OrderedJson* ports) {
  size_t slash = spec.find('/');
  std::string range = spec.substr(0, slash);
  std::string proto = slash == std::string::npos ? "tcp" : spec.substr(slash + 1);
  for (char& c : proto) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  size_t dash = range.find('-');
  long lo = 0, hi = 0;
  bool ok = port_number(range.substr(0, dash), &lo);
  if (ok) ok = dash == std::string::npos ? (hi = lo, true) : port_number(range.substr(dash + 1), &hi) && hi >= lo;
  if (!ok || (proto != "tcp" && proto != "udp" && proto != "sctp") || hi - lo > 65535)
    return make_error(Code::kInvalidArgument, "'" + spec + "' is not a port, a range or PORT/tcp|udp|sctp", where);
  for (long p = lo; p <= hi; ++p) (*ports)[std::to_string(p) + "/" + proto] = OrderedJson::object();
  return Status::Ok();
}

Status set_ports(const std::string& arg, const std::string& where, OrderedJson* config) {
  LS_ASSIGN_OR_RETURN(auto ws, words(arg, where));
  OrderedJson& ports = object_at(config, "ExposedPorts");
  for (const std::string& w : ws) LS_RETURN_IF_ERROR(add_ports(w, where, &ports));
  return Status::Ok();
}

Status set_volumes(const std::string& arg, const std::string& where, OrderedJson* config) {
  std::vector<std::string> vols;
  if (!json_array(arg, &vols)) {
    LS_ASSIGN_OR_RETURN(vols, words(arg, where));
  }
  OrderedJson& v = object_at(config, "Volumes");
  for (const std::string& p : vols) {
    if (trim(p).empty()) return make_error(Code::kInvalidArgument, "an empty volume path", where);
    v[p] = OrderedJson::object();
  }
  return Status::Ok();
}

Status add_onbuild(const std::string& arg, const std::string& where, OrderedJson* config) {
  std::string trigger = arg.substr(0, arg.find_first_of(" \t"));
  for (char& c : trigger) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (trigger == "ONBUILD" || trigger == "FROM" || trigger == "MAINTAINER")
    return make_error(Code::kInvalidArgument, trigger + " is not allowed as an ONBUILD trigger", where);
  OrderedJson& ob = (*config)["OnBuild"];
  if (!ob.is_array()) ob = OrderedJson::array();
  ob.push_back(arg);
  return Status::Ok();
}

Status set_word(const char* key, const std::string& arg, const std::string& where, OrderedJson* config) {
  LS_ASSIGN_OR_RETURN(auto ws, words(arg, where));
  if (ws.size() != 1) return make_error(Code::kInvalidArgument, "takes one word", where);
  (*config)[key] = ws[0];
  return Status::Ok();
}

}  // namespace

Status apply_dockerfile_change(const std::string& instruction, OrderedJson* config) {
  std::string text = trim(instruction);
  size_t end = 0;
  while (end < text.size() && !space(text[end])) ++end;
  std::string kw = text.substr(0, end);
  for (char& c : kw) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  std::string arg = trim(text.substr(end));
  const std::string& where = instruction;
  static const char* const kKnown[] = {"ENV",   "LABEL",  "CMD",     "ENTRYPOINT", "WORKDIR",
                                       "USER",  "EXPOSE", "VOLUME",  "ONBUILD",    "STOPSIGNAL"};
  bool known = false;
  for (const char* k : kKnown) known = known || kw == k;
  if (!known)
    return make_error(Code::kInvalidArgument,
                      "unknown instruction '" + kw +
                          "' (ENV, CMD, ENTRYPOINT, WORKDIR, USER, EXPOSE, LABEL, VOLUME, ONBUILD, STOPSIGNAL)",
                      where);
  if (arg.empty()) return make_error(Code::kInvalidArgument, kw + " needs an argument", where);
  if (kw == "ENV") return set_env(arg, where, config);
  if (kw == "LABEL") return set_labels(arg, where, config);
  if (kw == "CMD") return set_command("Cmd", arg, config);
  if (kw == "ENTRYPOINT") return set_command("Entrypoint", arg, config);
  if (kw == "WORKDIR") return set_workdir(arg, config);
  if (kw == "USER") return set_word("User", arg, where, config);
  if (kw == "EXPOSE") return set_ports(arg, where, config);
  if (kw == "VOLUME") return set_volumes(arg, where, config);
  if (kw == "ONBUILD") return add_onbuild(arg, where, config);
  return set_word("StopSignal", arg, where, config);
}

}  // namespace layerscope
