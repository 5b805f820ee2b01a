#include "api/analysis_json.h"

namespace layerscope {
namespace {

using jsontext::dump;
using jsontext::text;

OJson index_or_null(int i) { return i >= 0 ? OJson(i) : OJson(nullptr); }

OJson rows(const std::vector<SpaceRow>& v, bool dead, bool file) {
  OJson a = OJson::array();
  for (const SpaceRow& r : v) {
    OJson x;
    x["path"] = text(r.path);
    x["bytes"] = r.bytes;
    if (file) x["layer"] = r.layer;
    if (dead) {
      x["killed_by"] = r.killed_by;
      x["how"] = r.how;
    }
    a.push_back(std::move(x));
  }
  return a;
}

}  // namespace

OJson space_object(const Session& s, int image, size_t top) {
  auto r = image_space(s, image, top);
  if (!r.ok()) return nullptr;
  const SpaceFigures& f = r.value();
  OJson j;
  j["stored_bytes"] = f.stored_bytes;
  j["wasted_bytes"] = f.wasted_bytes;
  j["efficiency"] = f.efficiency;
  j["user_stored_bytes"] = f.user_stored_bytes;
  j["user_wasted_bytes"] = f.user_wasted_bytes;
  j["user_wasted_percent"] = f.user_wasted_percent;
  j["deleted_shipped_bytes"] = f.deleted_shipped_bytes;
  OJson layers = OJson::array();
  for (const LayerSpaceRow& l : f.layers)
    layers.push_back({{"layer", l.layer},
                      {"bytes_added", l.bytes_added},
                      {"bytes_made_dead", l.bytes_made_dead},
                      {"bytes_killed", l.bytes_killed}});
  j["layers"] = layers;
  j["top_wasted"] = rows(f.top_wasted, true, true);
  j["biggest_files"] = rows(f.biggest_files, false, true);
  j["biggest_dirs"] = rows(f.biggest_dirs, false, false);
  return j;
}

const OJson& SpaceObjects::of(const Session& s, int image) {
  std::vector<int> stack = layer_stack(s.archive().images[image]);
  auto it = by_stack_.find(stack);
  if (it == by_stack_.end()) it = by_stack_.emplace(std::move(stack), space_object(s, image)).first;
  return it->second;
}

OJson findings_array(const std::vector<Finding>& findings) {
  OJson a = OJson::array();
  for (const Finding& f : findings) {
    OJson x;
    x["rule"] = f.rule;
    x["severity"] = severity_name(f.severity);
    x["place"] = text(f.place);
    x["path"] = f.path.empty() ? OJson(nullptr) : OJson(text(f.path));
    x["layer"] = index_or_null(f.layer);
    x["killed_by"] = index_or_null(f.killed_by);
    x["history"] = index_or_null(f.history);
    x["bytes"] = f.bytes >= 0 ? OJson(f.bytes) : OJson(nullptr);
    x["detail"] = text(f.detail);
    a.push_back(std::move(x));
  }
  return a;
}

Result<std::string> space_json(const Session& s, int image, size_t top) {
  LS_RETURN_IF_ERROR(s.layers_readable(image, -1));  // every layer's entries, never a part taken for the whole
  OJson space = space_object(s, image, top);
  if (space.is_null()) return make_error(Code::kInvalidArgument, "no image #" + std::to_string(image));
  OJson j;
  j["schema_version"] = kSchemaVersion;
  j["image"] = image;
  j["space"] = std::move(space);
  return dump(j, 2);
}

Result<std::string> findings_json(const Session& s, int image, const FindingsOptions& opt) {
  LS_RETURN_IF_ERROR(s.layers_readable(image, -1));
  LS_ASSIGN_OR_RETURN(auto found, image_findings(s, image, opt));
  OJson j;
  j["schema_version"] = kSchemaVersion;
  j["image"] = image;
  j["content"] = opt.content;
  OJson counts = OJson::object();
  for (const Finding& f : found) counts[severity_name(f.severity)] = counts.value(severity_name(f.severity), 0) + 1;
  j["counts"] = counts;
  OJson rules_j = OJson::array();
  for (const Rule& r : rules())
    rules_j.push_back({{"id", r.id}, {"severity", severity_name(r.severity)}, {"explanation", r.explanation}});
  j["rules"] = rules_j;
  j["findings"] = findings_array(found);
  return dump(j, 2);
}

}  // namespace layerscope
