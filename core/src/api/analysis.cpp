// api/analysis — space figures and findings of one image (layerscope/analysis.h):
// gathers what the rooms below need (layer indexes, history, the config's Env
// and Labels) and turns their PathIds into strings.
#include "layerscope/analysis.h"

#include <map>

#include "archive/layer_stream.h"
#include "diff/space.h"
#include "findings/scanners.h"
#include "manifest/json.h"

namespace layerscope {
namespace {

Status check_image(const Session& s, int image) {
  if (image < 0 || image >= static_cast<int>(s.archive().images.size()))
    return make_error(Code::kInvalidArgument, "no image #" + std::to_string(image));
  return Status::Ok();
}

std::vector<const LayerIndex*> layer_indexes(const Session& s, int image) {
  std::vector<const LayerIndex*> out;
  for (size_t l = 0; l < s.archive().images[image].layers.size(); ++l)
    out.push_back(s.layer_index(image, static_cast<int>(l)));
  return out;
}

// The odd entries of each layer of `image`: the archive's warnings about its
// blob whose code is a findings rule (where = "MEMBER: ENTRY").
std::vector<std::vector<EntryIssue>> entry_issues(const Session& s, int image) {
  const Archive& a = s.archive();
  std::vector<std::vector<EntryIssue>> out;
  for (const Layer& l : a.images[image].layers) {
    out.emplace_back();
    if (l.blob < 0) continue;
    const std::string prefix = a.blobs[l.blob].member + ": ";
    for (const Warning& w : a.warnings)
      if (w.blob == l.blob && find_rule(w.code))
        out.back().push_back(
            EntryIssue{w.code, w.message, w.where.starts_with(prefix) ? w.where.substr(prefix.size()) : w.where});
  }
  return out;
}

SpaceRow row(const PathTable& paths, PathId p, int64_t bytes, int layer) {
  SpaceRow r;
  r.path = paths.path(p);
  r.bytes = bytes;
  r.layer = layer;
  return r;
}

// Env and Labels of the image's config ("config" or, in old configs, "container_config").
void config_texts(const Image& img, ImageFacts* f) {
  auto parsed = parse_json(img.config_json, "config", 256);
  if (!parsed.ok() || !parsed.value().is_object()) return;
  const Json& root = parsed.value();
  const Json* cfg = root.contains("config") && root["config"].is_object() ? &root["config"] : nullptr;
  if (!cfg) return;
  if (cfg->contains("Env") && (*cfg)["Env"].is_array())
    for (const Json& e : (*cfg)["Env"])
      if (e.is_string()) f->env.push_back(e.get<std::string>());
  if (cfg->contains("Labels") && (*cfg)["Labels"].is_object())
    for (auto it = (*cfg)["Labels"].begin(); it != (*cfg)["Labels"].end(); ++it)
      if (it.value().is_string()) f->labels.emplace_back(it.key(), it.value().get<std::string>());
}

// secret-in-content: one pass over the archive, every layer of the image read
// once from its start (entries matched to the index by their data offset).
class ContentPass {
 public:
  ContentPass(const Session& s, int image, const FindingsOptions& opt) : s_(s), image_(image), opt_(opt) {
    const Image& img = s.archive().images[image];
    for (size_t l = 0; l < img.layers.size(); ++l)
      if (img.layers[l].blob >= 0 && s.layer_index(image, static_cast<int>(l)))
        by_member_[s.archive().blobs[img.layers[l].blob].member].push_back(static_cast<int>(l));
  }

  Status run(std::vector<Finding>* out) {
    LS_ASSIGN_OR_RETURN(auto outer, TarReader::open(share(s_.source()), s_.source().name()));
    TarHeader oh;
    std::string name;
    for (;;) {
      LS_ASSIGN_OR_RETURN(bool more, outer->next(&oh));
      if (!more) return Status::Ok();
      normalize_path(oh.path, &name);
      auto it = by_member_.find(name);
      if (it == by_member_.end()) continue;
      LS_RETURN_IF_ERROR(scan_layer(*outer, name, it->second, out));
    }
  }

 private:
  static std::shared_ptr<ByteSource> share(ByteSource& src) {
    return std::shared_ptr<ByteSource>(&src, [](ByteSource*) {});  // the Session owns it
  }

  Status scan_layer(TarReader& outer, const std::string& member, const std::vector<int>& layers,
                    std::vector<Finding>* out) {
    const LayerIndex* idx = s_.layer_index(image_, layers.front());
    std::map<uint64_t, uint32_t> by_offset;
    for (uint32_t e = 0; e < idx->entries.size(); ++e)
      if (idx->entries[e].type == EntryType::kFile && idx->entries[e].size > 0)
        by_offset[idx->entries[e].data_offset] = e;
    LayerStreamOptions lo;
    lo.max_expansion_floor = opt_.limits.max_expansion_floor;
    lo.max_expansion_ratio = opt_.limits.max_expansion_ratio;
    LS_ASSIGN_OR_RETURN(auto ls, LayerStream::open_stream({}, outer.member_pull(), lo, member));
    TarHeader h;
    std::vector<uint8_t> buf(1 << 16);
    for (;;) {
      LS_ASSIGN_OR_RETURN(bool more, ls->next(&h));
      if (!more) return Status::Ok();
      auto e = by_offset.find(h.data_offset);
      if (e == by_offset.end() || h.type != EntryType::kFile) continue;
      ContentScanner scan;
      for (;;) {
        LS_ASSIGN_OR_RETURN(size_t n, ls->read(buf.data(), buf.size()));
        if (n == 0) break;
        scan.feed(buf.data(), n);
        LS_RETURN_IF_ERROR(tick(outer.raw_position(), member));
      }
      for (int l : layers) add(l, e->second, scan.found(), out);
    }
  }

  Status tick(uint64_t done, const std::string& member) {
    if (!opt_.progress) return Status::Ok();
    Progress p;
    p.phase = "findings";
    p.done = done;
    p.total = s_.archive().size;
    p.detail = member;
    if (!opt_.progress(p)) return make_error(Code::kCancelled, "cancelled", member);
    return Status::Ok();
  }

  void add(int layer, uint32_t entry, const std::vector<std::string>& labels, std::vector<Finding>* out) {
    if (labels.empty()) return;
    const Entry& e = s_.layer_index(image_, layer)->entries[entry];
    Finding x;
    x.rule = "secret-in-content";
    x.severity = find_rule(x.rule)->severity;
    x.place = "layer " + std::to_string(layer);
    x.path = s_.paths().path(e.path);
    x.layer = layer;
    x.bytes = e.size;
    for (auto& l : labels) x.detail += (x.detail.empty() ? "" : ", ") + l;
    out->push_back(std::move(x));
  }

  const Session& s_;
  int image_;
  const FindingsOptions& opt_;
  std::map<std::string, std::vector<int>> by_member_;
};

}  // namespace

Result<SpaceFigures> image_space(const Session& s, int image, size_t top) {
  LS_RETURN_IF_ERROR(check_image(s, image));
  // An unread layer would count as empty: no figures rather than wrong ones.
  LS_RETURN_IF_ERROR(s.layers_readable(image, -1));
  const PathTable& paths = s.paths();
  SpaceReport r = compute_space(paths, layer_indexes(s, image), top);
  SpaceFigures f;
  f.stored_bytes = r.stored_bytes;
  f.wasted_bytes = r.wasted_bytes;
  f.deleted_shipped_bytes = r.deleted_shipped_bytes;
  f.user_stored_bytes = r.user_stored_bytes;
  f.user_wasted_bytes = r.user_wasted_bytes;
  f.efficiency = r.efficiency;
  f.user_wasted_percent = r.user_wasted_percent;
  for (size_t l = 0; l < r.layers.size(); ++l)
    f.layers.push_back(LayerSpaceRow{static_cast<int>(l), r.layers[l].bytes_added, r.layers[l].bytes_made_dead,
                                     r.layers[l].bytes_killed});
  for (const DeadCopy& d : r.top_wasted) {
    SpaceRow x = row(paths, d.path, d.bytes, d.layer);
    x.killed_by = d.killed_by;
    x.how = kill_name(d.how);
    f.top_wasted.push_back(std::move(x));
  }
  for (const SizedPath& p : r.biggest_files) f.biggest_files.push_back(row(paths, p.path, p.bytes, p.layer));
  for (const SizedPath& p : r.biggest_dirs) f.biggest_dirs.push_back(row(paths, p.path, p.bytes, -1));
  return f;
}

std::vector<int> layer_stack(const Image& img) {
  std::vector<int> stack;
  for (const Layer& l : img.layers) stack.push_back(l.blob);
  return stack;
}

const Result<SpaceFigures>& SpaceByStack::of(const Session& s, int image) {
  std::vector<int> stack;
  if (image >= 0 && image < static_cast<int>(s.archive().images.size())) stack = layer_stack(s.archive().images[image]);
  else stack = {-2, image};  // no such image: its own (error) entry
  auto it = by_stack_.find(stack);
  if (it == by_stack_.end()) it = by_stack_.emplace(std::move(stack), image_space(s, image, top_)).first;
  return it->second;
}

Result<std::vector<Finding>> image_findings(const Session& s, int image, const FindingsOptions& opt) {
  LS_RETURN_IF_ERROR(check_image(s, image));
  const Image& img = s.archive().images[image];
  ImageFacts facts;
  facts.paths = &s.paths();
  facts.layers = layer_indexes(s, image);
  facts.issues = entry_issues(s, image);
  facts.history = img.history;
  config_texts(img, &facts);
  std::vector<Finding> out = scan_image(facts);
  if (opt.content) LS_RETURN_IF_ERROR(ContentPass(s, image, opt).run(&out));
  return out;
}

}  // namespace layerscope
