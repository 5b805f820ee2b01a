#include "image/legacy_v1.h"

#include <algorithm>

#include "manifest/json.h"

namespace layerscope {
namespace {

bool is_hex64(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

}  // namespace

std::vector<LegacyV1Image> read_legacy_v1(const Loaded& L) {
  std::vector<LegacyV1Image> out;
  const Limits& lim = L.options.limits;
  for (const Member& m : L.members) {
    if (m.path.size() != 69 || m.path.compare(64, 5, "/json") != 0 || !is_hex64(std::string_view(m.path).substr(0, 64)))
      continue;
    LegacyV1Image r;
    r.id = m.path.substr(0, 64);
    std::string resolved;
    if (const Member* lm = L.resolve(r.id + "/layer.tar", &resolved); lm && lm->type == EntryType::kFile) {
      r.layer_member = lm->path;
      r.layer_size = lm->size;
    }
    auto text = L.read_member(m.path, lim.max_json_bytes);
    if (!text.ok()) {
      r.error = text.error().to_string();
      out.push_back(std::move(r));
      continue;
    }
    auto j = parse_json(text.value(), m.path, lim.max_json_depth);
    if (!j.ok() || !j.value().is_object()) {
      r.error = j.ok() ? "not a JSON object (at " + m.path + ")" : j.error().to_string();
      out.push_back(std::move(r));
      continue;
    }
    const Json& v = j.value();
    std::string parent = jstr(v, "parent");
    if (parent.rfind("sha256:", 0) == 0) parent.erase(0, 7);
    r.parent = parent;
    r.created = jstr(v, "created");
    r.platform.os = jstr(v, "os");
    r.platform.architecture = jstr(v, "architecture");
    r.platform.variant = jstr(v, "variant");
    if (const Json* c = jget(v, "config"); c && c->is_object())
      if (const Json* l = jget(*c, "Labels"); l && l->is_object()) r.labels_json = jdump(*l);
    out.push_back(std::move(r));
  }
  return out;
}

std::string legacy_top_id(const Image& image, uint32_t max_json_depth) {
  if (image.manifest_json.empty()) return {};
  auto j = parse_json(image.manifest_json, "", max_json_depth);
  if (!j.ok() || !j.value().is_object()) return {};
  std::vector<std::string> layers = jstrings(j.value(), "Layers");
  if (layers.empty()) return {};
  std::string top = layers.back();
  if (top.rfind("./", 0) == 0) top.erase(0, 2);
  auto slash = top.find('/');
  if (slash == std::string::npos) return {};
  top.resize(slash);
  return is_hex64(top) ? top : std::string();
}

}  // namespace layerscope
