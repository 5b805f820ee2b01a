// Session::strip: the chosen image without some paths. The layers holding
// them are found in the layer indexes (before any byte is written), each is
// filtered twice by export/strip (pass 1 into a hashing sink: digest, size
// and diff_id; pass 2 into the output), and the config gets the new diff_ids
// and one empty-layer history step after each rewritten layer's own step.
#include "api/export_jobs.h"
#include "api/session_impl.h"
#include "base/sha256.h"
#include "export/image_layout.h"
#include "export/save_plan.h"
#include "export/strip.h"
#include "manifest/documents.h"

namespace layerscope {
namespace {

std::string layer_where(const Image& img, size_t i) {
  return (img.tags.empty() ? img.source : img.tags.front()) + " layer " + std::to_string(i);
}

bool holds(const Loaded& L, const Layer& l, PathId id) {
  if (l.blob < 0) return false;
  for (const Entry& e : L.indexes[l.blob].entries)
    if (e.path == id || L.paths.is_ancestor(id, e.path)) return true;
  return false;
}

// Which layers hold one of `paths` (normalised; `given` as the caller spelt them).
Result<std::vector<bool>> layers_holding(const Loaded& L, const Image& img, const std::vector<std::string>& paths,
                                         const std::vector<std::string>& given) {
  LS_RETURN_IF_ERROR(L.layers_readable());
  std::vector<bool> hit(img.layers.size(), false);
  for (size_t k = 0; k < paths.size(); ++k) {
    PathId id = L.paths.find(paths[k]);
    bool held = false;
    for (size_t i = 0; id != kNoPath && i < img.layers.size(); ++i)
      if (holds(L, img.layers[i], id)) hit[i] = held = true;
    if (!held) return make_error(Code::kNotFound, "no layer of the image holds this path", given[k]);
  }
  return hit;
}

Result<std::vector<std::string>> normalised(const std::vector<std::string>& given) {
  if (given.empty()) return make_error(Code::kInvalidArgument, "strip needs at least one path");
  std::vector<std::string> out;
  for (const std::string& g : given) {
    std::string n;
    if (!normalize_path(g, &n)) return make_error(Code::kInvalidArgument, "names the root, not a path below it", g);
    out.push_back(std::move(n));
  }
  return out;
}

// Position in the history array just after layer i's own step (the i-th step
// that is not empty_layer); the end when the history has fewer steps.
size_t after_step(const OrderedJson& hist, size_t layer) {
  size_t seen = 0;
  for (size_t k = 0; k < hist.size(); ++k) {
    const OrderedJson& h = hist[k];
    bool empty = h.is_object() && h.contains("empty_layer") && h["empty_layer"].is_boolean() &&
                 h["empty_layer"].get<bool>();
    if (h.is_object() && !empty && seen++ == layer) return k + 1;
  }
  return hist.size();
}

struct Rewrite {
  size_t layer;
  std::string old_diff_id, new_diff_id;
};

Result<std::string> stripped_config(const Image& img, const std::vector<Rewrite>& rewrites,
                                    const std::string& created_by, const std::string& paths) {
  LS_ASSIGN_OR_RETURN(ImageConfig cfg, ImageConfig::parse(img.config_json, img.source + " config"));
  std::vector<std::string> ids = cfg.diff_ids();
  if (ids.size() != img.layers.size())
    return make_error(Code::kCorrupt, "rootfs.diff_ids does not list one diff_id per layer", img.source + " config");
  OrderedJson& hist = cfg.json()["history"];
  if (!hist.is_array()) hist = OrderedJson::array();
  for (auto it = rewrites.rbegin(); it != rewrites.rend(); ++it) {  // from the top: positions below stay valid
    ids[it->layer] = it->new_diff_id;
    OrderedJson note = OrderedJson::object();
    if (!img.created.empty()) note["created"] = img.created;
    note["created_by"] = created_by;
    note["comment"] = "layer " + std::to_string(it->layer) + " rewritten without " + paths + " (was " +
                      it->old_diff_id + ")";
    note["empty_layer"] = true;
    hist.insert(hist.begin() + static_cast<std::ptrdiff_t>(after_step(hist, it->layer)), note);
  }
  cfg.set_diff_ids(ids);
  return cfg.write();
}

Compression output_compression(const StripOptions& o, Compression stored) {
  if (o.recompress) return o.compression;
  return oci_layer_media_type(stored).empty() ? Compression::kGzip : stored;
}

// Pass 1 of a rewritten layer (its digest, size and diff_id); the LayerOut
// writes pass 2.
Result<LayerOut> rewritten_layer(const Loaded& L, const Blob& b, StripJob job, const std::string& where,
                                 std::string* diff_id) {
  LS_ASSIGN_OR_RETURN(auto src, L.member_source(b.member));
  HashingSink measure;
  LS_RETURN_IF_ERROR(write_stripped_layer(src, job, where, measure, diff_id));
  LS_RETURN_IF_ERROR(measure.finish());
  LayerOut out;
  out.digest = measure.digest();
  out.size = measure.count();
  out.media_type = oci_layer_media_type(job.compression);
  out.source = where;
  job.tick = nullptr;
  out.produce = [src, job, where](ByteSink& sink) { return write_stripped_layer(src, job, where, sink, nullptr); };
  return out;
}

}  // namespace

Result<std::vector<LayerToRecompress>> Session::layers_to_recompress(const StripOptions& o) const {
  const Loaded& L = *impl_->L;
  if (o.image < 0 || o.image >= static_cast<int>(L.archive.images.size()))
    return make_error(Code::kInvalidArgument, "no image #" + std::to_string(o.image));
  const Image& img = L.archive.images[o.image];
  LS_ASSIGN_OR_RETURN(std::vector<std::string> paths, normalised(o.paths));
  LS_ASSIGN_OR_RETURN(std::vector<bool> hit, layers_holding(L, img, paths, o.paths));
  SaveLayers how;
  how.recompress = o.recompress;
  how.compression = o.compression;
  for (size_t i = 0; i < hit.size(); ++i)
    if (hit[i]) how.replaced.push_back(img.layers[i].blob);
  LS_ASSIGN_OR_RETURN(auto pending, layers_to_measure(L, {o.image}, how));
  return to_recompress(L, pending);
}

Result<WriteSummary> Session::strip(const StripOptions& o, ByteSink& sink, const ProgressFn& progress) {
  Loaded& L = *impl_->L;
  if (o.image < 0 || o.image >= static_cast<int>(L.archive.images.size()))
    return make_error(Code::kInvalidArgument, "no image #" + std::to_string(o.image));
  const Image& img = L.archive.images[o.image];
  LS_ASSIGN_OR_RETURN(std::vector<std::string> paths, normalised(o.paths));
  LS_ASSIGN_OR_RETURN(std::vector<bool> hit, layers_holding(L, img, paths, o.paths));
  LS_RETURN_IF_ERROR(check_source(*this, L, "strip", progress));
  SaveLayers how{o.recompress, o.compression, progress, {}, o.scratch, o.run, {}, measured_elsewhere(o.recompressed, o.compression)};
  for (size_t i = 0; i < hit.size(); ++i)
    if (hit[i]) how.replaced.push_back(img.layers[i].blob);  // rewritten below: not recompressed as they are
  LS_ASSIGN_OR_RETURN(LayoutPlan plan, plan_save(L, {o.image}, o.format == SaveFormat::kDocker, how));
  std::string shown;
  for (const std::string& p : paths) shown += (shown.empty() ? "/" : " /") + p;
  std::vector<Rewrite> rewrites;
  for (size_t i = 0; i < hit.size(); ++i) {
    if (!hit[i]) continue;
    const Blob& b = L.archive.blobs[img.layers[i].blob];
    StripJob job{paths, output_compression(o, b.compression), L.options.limits, {}};
    const uint64_t total = b.stored_size;
    job.tick = [&](uint64_t n) { return !progress || progress(Progress{"strip", n, total, b.member}); };
    Rewrite r{i, b.computed_diff_id, {}};
    LS_ASSIGN_OR_RETURN(plan.images[0].layers[i], rewritten_layer(L, b, job, layer_where(img, i), &r.new_diff_id));
    rewrites.push_back(std::move(r));
  }
  LS_ASSIGN_OR_RETURN(plan.images[0].config_json, stripped_config(img, rewrites, "layerscope strip " + shown, shown));
  BlobOpener open = [&L](const std::string& member) { return L.member_source(member); };
  LS_RETURN_IF_ERROR(write_image_layout(plan, open, L.options.limits, sink, progress));
  WriteSummary done{Sha256::digest_of(plan.images[0].config_json), {}, static_cast<int>(hit.size())};
  for (const Rewrite& r : rewrites) done.rewritten.push_back(static_cast<int>(r.layer));
  return done;
}

}  // namespace layerscope
