// api/documents — the JSON documents of a Session (schema: docs/json-schema.md):
// inspect, ls, log, images, history. Serialised in one place (dump()).
#include <algorithm>
#include <map>

#include <nlohmann/json.hpp>

#include "api/analysis_json.h"
#include "api/json_text.h"
#include "api/session_impl.h"
#include "api/view_warnings.h"
#include "layerscope/session.h"
#include "layerscope/text.h"
#include "manifest/json.h"

namespace layerscope {
namespace {

using OJson = nlohmann::ordered_json;

using jsontext::dump;
using jsontext::opt_str;
using jsontext::text;

OJson parse_or_null(const std::string& s, uint32_t depth) {
  if (s.empty()) return nullptr;
  auto r = parse_json(s, "", depth);
  if (!r.ok()) return nullptr;
  // Re-parse as ordered to keep the document's key order.
  OJson o = OJson::parse(s, nullptr, false);
  if (o.is_discarded()) return nullptr;
  return o;
}

// The `warnings` array of every document: {code, message, where}.
OJson warnings_json(const std::vector<Warning>& ws) {
  OJson out = OJson::array();
  for (auto& w : ws) out.push_back({{"code", w.code}, {"message", text(w.message)}, {"where", text(w.where)}});
  return out;
}

using jsontext::octal_mode;

// A layer's whiteouts, opaque_dirs and hardlinks arrays: they depend on its
// blob alone, so they are built once per blob, not once per image using it
// (a scan of the layer's entries; 1,500 images over one layer made inspect
// --json quadratic).
struct LayerPaths {
  OJson whiteouts = OJson::array(), opaque_dirs = OJson::array(), hardlinks = OJson::array();
};
class LayerPathsByBlob {
 public:
  const LayerPaths& of(const PathTable& paths, const LayerIndex* idx, int blob) {
    if (!idx) return none_;
    auto [it, fresh] = by_blob_.try_emplace(blob);
    if (fresh) fill(paths, *idx, &it->second);
    return it->second;
  }

 private:
  static void fill(const PathTable& paths, const LayerIndex& idx, LayerPaths* lp) {
    for (PathId p : idx.whiteouts) lp->whiteouts.push_back(text(paths.path(p)));
    for (PathId p : idx.opaque_dirs) lp->opaque_dirs.push_back(text(paths.path(p)));
    if (idx.counts.hardlinks == 0) return;
    for (auto& e : idx.entries)
      if (e.type == EntryType::kHardlink)
        lp->hardlinks.push_back({{"path", text(paths.path(e.path))}, {"target", text(paths.path(e.link))}});
  }

  LayerPaths none_;
  std::map<int, LayerPaths> by_blob_;
};

}  // namespace

std::string Session::inspect_json() const {
  const Archive& a = archive();
  const Loaded& L = *impl_->L;
  OJson j;
  j["schema_version"] = kSchemaVersion;
  j["archive"] = {{"name", text(a.name)},
                  {"size", a.size},
                  {"outer_compression", compression_name(a.outer_compression)},
                  {"members", a.member_count},
                  {"members_of_note", a.members_of_note}};
  j["layout"] = layout_id(a.layout);
  j["layout_description"] = layout_title(a.layout);
  j["producer"] = a.producer;
  j["warnings"] = warnings_json(a.warnings);
  OJson images = OJson::array();
  SpaceObjects spaces;
  LayerPathsByBlob layer_paths;
  for (size_t i = 0; i < a.images.size(); ++i) {
    const Image& img = a.images[i];
    OJson im;
    im["index"] = i;
    OJson tags = OJson::array();
    for (auto& t : img.tags) tags.push_back(text(t));
    im["tags"] = std::move(tags);
    im["config_digest"] = opt_str(img.config_digest);
    im["id"] = img.config_digest.size() > 19 ? OJson(img.config_digest.substr(7, 12)) : OJson(nullptr);
    im["manifest_digest"] = opt_str(img.manifest_digest);
    im["manifest_media_type"] = opt_str(img.manifest_media_type);
    im["source"] = img.source;
    im["platform"] = {{"os", img.platform.os},
                      {"architecture", img.platform.architecture},
                      {"variant", opt_str(img.platform.variant)},
                      {"os_version", opt_str(img.platform.os_version)}};
    im["created"] = opt_str(img.created);
    im["author"] = opt_str(img.author);
    im["config"] = parse_or_null(img.config_json, L.options.limits.max_json_depth);
    OJson hist = OJson::array();
    for (auto& h : img.history) {
      hist.push_back({{"created", opt_str(h.created)},
                      {"created_by", text(h.created_by)},
                      {"author", opt_str(h.author)},
                      {"comment", opt_str(h.comment)},
                      {"empty_layer", h.empty_layer},
                      {"layer", h.layer >= 0 ? OJson(h.layer) : OJson(nullptr)}});
    }
    im["history"] = std::move(hist);
    // (the layers read so far: a summary open's unread upper layers have none yet)
    Result<std::vector<ChangeCounts>> cc = impl_->listings.read_change_counts(static_cast<int>(i));
    OJson layers = OJson::array();
    int64_t total_size = 0, total_unc = 0;
    for (auto& l : img.layers) {
      const Blob* b = l.blob >= 0 ? &a.blobs[l.blob] : nullptr;
      const LayerIndex* idx = layer_index(static_cast<int>(i), l.index);
      OJson lj;
      lj["index"] = l.index;
      lj["digest"] = opt_str(l.digest);
      lj["diff_id"] = opt_str(l.diff_id);
      lj["media_type"] = opt_str(l.media_type);
      lj["compression"] = b && b->indexed ? compression_name(b->compression) : "unknown";
      lj["size"] = l.size;
      lj["uncompressed_size"] = b && b->uncompressed_size >= 0 ? OJson(b->uncompressed_size) : OJson(nullptr);
      lj["member"] = b ? opt_str(b->member.empty() ? b->referenced_as : b->member) : OJson(nullptr);
      lj["present"] = b && b->present;
      if (l.size > 0) total_size += l.size;
      if (b && b->uncompressed_size > 0) total_unc += b->uncompressed_size;
      if (b && !b->error.empty()) lj["error"] = text(b->error);
      if (b && !b->computed_digest.empty()) lj["computed_digest"] = b->computed_digest;
      if (b && !b->computed_diff_id.empty()) lj["computed_diff_id"] = b->computed_diff_id;
      const EntryCounts c = idx ? idx->counts : EntryCounts{};
      lj["entries"] = c.total;
      lj["entry_types"] = {{"file", c.files}, {"dir", c.dirs}, {"symlink", c.symlinks},
                           {"hardlink", c.hardlinks}, {"other", c.other}};
      const LayerPaths& lp = layer_paths.of(paths(), idx, l.blob);
      lj["whiteouts"] = lp.whiteouts;
      lj["opaque_dirs"] = lp.opaque_dirs;
      lj["hardlinks"] = lp.hardlinks;
      if (cc.ok() && l.index < static_cast<int>(cc.value().size())) {
        auto& k = cc.value()[l.index];
        lj["changes"] = {{"added", k.added}, {"modified", k.modified}, {"deleted", k.deleted},
                         {"added_bytes", k.added_bytes}, {"modified_bytes", k.modified_bytes}};
      }
      layers.push_back(std::move(lj));
    }
    im["layers"] = std::move(layers);
    im["size"] = total_size;
    im["uncompressed_size"] = total_unc;
    im["space"] = spaces.of(*this, static_cast<int>(i));
    images.push_back(std::move(im));
  }
  j["images"] = std::move(images);
  OJson att = OJson::array();
  for (auto& at : a.attestations) {
    att.push_back({{"manifest_digest", at.manifest_digest},
                   {"reference_digest", opt_str(at.reference_digest)},
                   {"reference_type", at.reference_type},
                   {"predicate_types", at.predicate_types}});
  }
  j["attestations"] = att;
  j["bytes_read"] = L.src->bytes_read();
  return dump(j, 2);
}

namespace {
// One entry of a listing (ls, log's events) as the JSON object the schema
// gives, written straight into `out`: the same bytes dump() would write for
// the object, at a fraction of the cost (a page of 16,384 entries went through
// one json value each).
void append_entry(std::string& out, const ListedEntry& e) {
  using jsontext::append_int;
  using jsontext::append_text;
  out += "{\"path\":";
  append_text(out, e.path);
  out += ",\"type\":";
  append_text(out, e.change == Change::kDeleted ? "deleted" : entry_type_name(e.type));
  out += ",\"change\":";
  append_text(out, change_name(e.change));
  out += ",\"layer\":";
  append_int(out, e.layer);
  if (e.change != Change::kDeleted) {
    out += ",\"size\":";
    append_int(out, e.size);
    out += ",\"mode\":";
    append_text(out, octal_mode(e.mode));
    out += ",\"uid\":";
    append_int(out, e.uid);
    out += ",\"gid\":";
    append_int(out, e.gid);
    out += ",\"mtime\":";
    append_int(out, e.mtime);
    if (!e.link.empty()) {
      out += ",\"link\":";
      append_text(out, e.link);
    }
    if (e.implicit) out += ",\"implicit\":true";
  }
  out += '}';
}

// `head` dumped without the closing "[]}" of its last key, an empty array: the
// entries follow, then "]}".
std::string open_last_array(const OJson& head) {
  std::string s = dump(head);
  s.resize(s.size() - 3);
  return s;
}
}  // namespace

Result<std::string> Session::path_history_json(int image, std::string_view path) const {
  LS_ASSIGN_OR_RETURN(auto events, path_history(image, path));
  OJson j;
  j["schema_version"] = kSchemaVersion;
  j["image"] = image;
  j["path"] = text(std::string(path));
  j["warnings"] = warnings_json(warnings_for(image));
  j["events"] = OJson::array();
  std::string doc;
  jsontext::write_array(open_last_array(j), 0, events.size(), [&](std::string& d, uint64_t i) { append_entry(d, events[i]); },
                        [&](std::string_view piece) { doc.append(piece); });
  return doc;
}

void Listing::write_json(uint64_t offset, uint64_t limit, const std::function<void(std::string_view)>& out) const {
  uint64_t total = size();
  uint64_t from = std::min<uint64_t>(offset, total);
  uint64_t to = limit && limit < total - from ? from + limit : total;
  OJson j;
  j["schema_version"] = kSchemaVersion;
  j["image"] = image_;
  j["layer"] = layer_;
  j["view"] = merged_ ? "merged" : "layer";
  j["total"] = total;
  j["offset"] = from;
  j["has_more"] = to < total;
  j["warnings"] = warnings_json(warnings_);
  j["entries"] = OJson::array();
  // ls --json streams the pieces.
  jsontext::write_array(open_last_array(j), from, to, [this](std::string& doc, uint64_t i) { append_entry(doc, entry(i)); },
                        out);
}

Result<std::string> Session::list_json(int image, const ListOptions& opt) const {
  LS_ASSIGN_OR_RETURN(auto l, listing(image, opt));
  std::string doc;
  l->write_json(opt.offset, opt.limit, [&](std::string_view piece) { doc.append(piece); });
  return doc;
}

namespace {
OJson platform_json(const Platform& p) {
  return {{"os", opt_str(p.os)}, {"architecture", opt_str(p.architecture)}, {"variant", opt_str(p.variant)}};
}
OJson short_id(const std::string& digest) {
  return digest.size() > 19 ? OJson(text(digest.substr(7, 12))) : OJson(nullptr);
}
}  // namespace

Result<std::string> Session::images_json(const ImagesQuery& query) const {
  LS_ASSIGN_OR_RETURN(auto rows, images(query));
  OJson j;
  j["schema_version"] = kImagesSchemaVersion;
  OJson arr = OJson::array();
  for (auto& r : rows) {
    OJson x;
    x["index"] = r.index >= 0 ? OJson(r.index) : OJson(nullptr);
    x["intermediate"] = r.intermediate;
    x["id"] = short_id(r.id);
    x["config_digest"] = r.intermediate ? OJson(nullptr) : opt_str(r.id);
    OJson tags = OJson::array();
    for (auto& t : r.tags) tags.push_back(text(t));
    x["tags"] = tags;
    x["created"] = opt_str(r.created);
    x["size"] = r.size >= 0 ? OJson(r.size) : OJson(nullptr);
    x["content_size"] = r.content_size >= 0 ? OJson(r.content_size) : OJson(nullptr);
    x["platform"] = platform_json(r.platform);
    x["v1_id"] = opt_str(r.v1_id);
    x["parent"] = opt_str(r.parent);
    if (!r.error.empty()) x["error"] = text(r.error);
    arr.push_back(x);
  }
  j["images"] = arr;
  j["warnings"] = warnings_json(images_warnings(rows));
  return dump(j, 2);
}

Result<std::string> Session::history_json(int image) const {
  const Archive& a = archive();
  if (image < 0 || image >= static_cast<int>(a.images.size()))
    return make_error(Code::kInvalidArgument, "no image #" + std::to_string(image));
  const Image& img = a.images[image];
  OJson j;
  j["schema_version"] = kSchemaVersion;
  j["image"] = image;
  j["id"] = short_id(img.config_digest);
  j["config_digest"] = opt_str(img.config_digest);
  j["warnings"] = warnings_json(warnings_for(image));
  OJson arr = OJson::array();
  for (auto& h : img.history) {
    int64_t size = 0;
    if (h.layer >= 0 && h.layer < static_cast<int>(img.layers.size())) {
      int b = img.layers[h.layer].blob;
      if (b >= 0 && a.blobs[b].uncompressed_size > 0) size = a.blobs[b].uncompressed_size;
    }
    arr.push_back({{"created", opt_str(h.created)},
                   {"created_by", text(h.created_by)},
                   {"author", opt_str(h.author)},
                   {"comment", opt_str(h.comment)},
                   {"empty_layer", h.empty_layer},
                   {"layer", h.layer >= 0 ? OJson(h.layer) : OJson(nullptr)},
                   {"size", size}});
  }
  j["history"] = arr;
  return dump(j, 2);
}

}  // namespace layerscope
