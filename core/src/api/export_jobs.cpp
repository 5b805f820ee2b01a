#include "api/export_jobs.h"

#include "api/session_impl.h"
#include "api/verify_report.h"
#include "export/layer_bytes.h"
#include "export/rootfs.h"
#include "export/save_plan.h"
#include "export/strip.h"
#include "layerscope/byte_sink.h"
#include "manifest/documents.h"
#include "manifest/media_types.h"
#include "layerscope/session.h"

namespace layerscope {

Error verify_failure(const VerifyRow& row) {
  std::string msg = row.kind + " " + (row.digest.empty() ? row.member : row.digest) + ": " +
                    (row.problems.empty() ? "does not verify" : row.problems.front());
  std::string where = row.member.empty() ? row.where : row.member;
  return make_error(row.state == VerifyState::kMissing ? Code::kNotFound : Code::kCorrupt, msg, where);
}

Result<VerifyReport> Session::verify_report(const ProgressFn& progress) {
  LS_RETURN_IF_ERROR(verify_blobs(*impl_->L, progress));
  return build_verify_report(*impl_->L);
}

Status need_random_access(const Loaded& L, const char* job) {
  if (L.random_access) return Status::Ok();
  return make_error(Code::kUnsupported,
                    std::string(job) + " reads layers by offset: decompress the archive first (e.g. gunzip)",
                    L.archive.name);
}

// Writers read layers by offset, and copy only what verifies.
Status check_source(Session& s, const Loaded& L, const char* job, const ProgressFn& progress) {
  LS_RETURN_IF_ERROR(need_random_access(L, job));
  LS_ASSIGN_OR_RETURN(VerifyReport rep, s.verify_report(progress));
  for (const VerifyRow& r : rep.rows)
    if (r.state != VerifyState::kOk) return verify_failure(r);
  return Status::Ok();
}

Status Session::save(const SaveOptions& options, ByteSink& sink, const ProgressFn& progress) {
  Loaded& L = *impl_->L;
  LS_RETURN_IF_ERROR(check_source(*this, L, "save", progress));
  SaveLayers how{options.recompress, options.compression, progress, options.drop_tags, options.scratch, options.run, {},
                 measured_elsewhere(options.recompressed, options.compression)};
  LS_ASSIGN_OR_RETURN(LayoutPlan plan, plan_save(L, options.images, options.format == SaveFormat::kDocker, how));
  BlobOpener open = [&L](const std::string& member) { return L.member_source(member); };
  return write_image_layout(plan, open, L.options.limits, sink, progress);
}

std::function<std::optional<LayerMeasure>(const std::string&)> measured_elsewhere(
    const std::vector<RecompressedLayer>& layers, Compression compression) {
  if (layers.empty()) return nullptr;
  return [layers, compression](const std::string& member) -> std::optional<LayerMeasure> {
    for (const RecompressedLayer& r : layers)
      if (r.member == member && r.compression == compression) return LayerMeasure{r.digest, r.diff_id, r.size, r.bytes};
    return std::nullopt;
  };
}

std::vector<LayerToRecompress> to_recompress(const Loaded& L, const std::vector<PendingLayer>& pending) {
  std::vector<LayerToRecompress> out;
  for (const PendingLayer& p : pending) out.push_back({p.member, p.size, p.blob, L.archive.blobs[p.blob].compression});
  return out;
}

Result<std::vector<LayerToRecompress>> Session::layers_to_recompress(const SaveOptions& options) const {
  SaveLayers how;
  how.recompress = options.recompress;
  how.compression = options.compression;
  LS_ASSIGN_OR_RETURN(auto pending, layers_to_measure(*impl_->L, options.images, how));
  return to_recompress(*impl_->L, pending);
}

Result<RecompressedLayer> Session::recompress_layer(const std::string& member, Compression compression,
                                                    const ScratchFactory& scratch, const ProgressFn& progress) const {
  const Loaded& L = *impl_->L;
  if (!scratch) return make_error(Code::kInvalidArgument, "a layer compressed anew needs scratch storage", member);
  if (compression != Compression::kNone && compression != Compression::kGzip && compression != Compression::kZstd)
    return make_error(Code::kUnsupported, "layers are compressed anew as none, gzip or zstd only", member);
  LS_RETURN_IF_ERROR(need_random_access(L, "recompress"));
  bool layer = false;  // only a layer blob of the archive is decoded as one
  for (const Image& img : L.archive.images)
    for (const Layer& l : img.layers)
      if (l.blob >= 0 && L.archive.blobs[l.blob].present && L.archive.blobs[l.blob].member == member) layer = true;
  if (!layer) return make_error(Code::kNotFound, "no layer of the archive is stored as this member", member);
  LS_ASSIGN_OR_RETURN(auto src, L.member_source(member));
  const uint64_t total = src->size();
  LS_ASSIGN_OR_RETURN(LayerMeasure m, measure_member(L, member, compression, scratch, [&](uint64_t n) {
                        return !progress || progress(Progress{"measure", n, total, member});
                      }));
  if (!m.kept) return make_error(Code::kInternal, "the scratch kept nothing", member);
  return RecompressedLayer{member, compression, m.digest, m.size, m.kept, m.diff_id};
}

namespace {

// Layer N's tar as stored, decompressed: its exact uncompressed bytes.
Status export_layer_bytes(const Loaded& L, const Layer& l, ByteSink& sink, const ProgressFn& progress) {
  std::string where = "layer " + std::to_string(l.index);
  if (l.blob < 0 || !L.archive.blobs[l.blob].present)
    return make_error(Code::kNotFound, "the layer is not stored in the archive", where);
  const Blob& b = L.archive.blobs[l.blob];
  LS_ASSIGN_OR_RETURN(auto src, L.member_source(b.member));
  LayerBytes how{true, Compression::kNone, L.options.limits, {}};
  const uint64_t total = src->size();
  how.tick = [&](uint64_t n) { return !progress || progress(Progress{"export", n, total, b.member}); };
  return write_layer_bytes(src, how, b.member, sink);
}

}  // namespace

Status Session::export_tar(const ExportOptions& o, ByteSink& sink, const ProgressFn& progress) const {
  const Loaded& L = *impl_->L;
  LS_RETURN_IF_ERROR(need_random_access(L, "export"));
  if (o.image < 0 || o.image >= static_cast<int>(L.archive.images.size()))
    return make_error(Code::kInvalidArgument, "no image #" + std::to_string(o.image));
  const Image& img = L.archive.images[o.image];
  if (o.layer >= static_cast<int>(img.layers.size()))
    return make_error(Code::kInvalidArgument, "the image has " + std::to_string(img.layers.size()) + " layers",
                      "layer " + std::to_string(o.layer));
  std::string prefix;
  if (!o.path.empty() && !normalize_path(o.path, &prefix))
    return make_error(Code::kInvalidArgument, "not a path inside an image", o.path);
  if (o.layer >= 0 && prefix.empty()) return export_layer_bytes(L, img.layers[o.layer], sink, progress);
  RootfsJob job;
  job.image = o.image;
  if (o.layer >= 0) {
    job.layers = {o.layer};
    job.keep = [prefix](int, const std::string& p, bool) { return at_or_below(p, prefix); };
    return write_rootfs(L, job, sink, progress);
  }
  ListOptions lo;
  lo.merged = true;
  lo.prefix = prefix;
  LS_ASSIGN_OR_RETURN(auto listing, impl_->listings.listing(o.image, lo));
  auto from = std::make_shared<std::unordered_map<std::string, int>>();
  std::vector<bool> used(img.layers.size(), false);
  for (uint64_t i = 0; i < listing->size(); ++i) {
    ListedEntry e = listing->entry(i);
    if (e.implicit) job.implicit_dirs.push_back(e.path);
    else if (e.layer >= 0 && e.layer < static_cast<int>(used.size())) {
      (*from)[e.path] = e.layer;
      used[e.layer] = true;
    }
  }
  if (listing->size() == 0 && !prefix.empty()) return make_error(Code::kNotFound, "no such path in the image", o.path);
  for (size_t k = 0; k < used.size(); ++k)
    if (used[k]) job.layers.push_back(static_cast<int>(k));
  job.keep = [from](int layer, const std::string& p, bool marker) {
    auto it = from->find(p);
    return !marker && it != from->end() && it->second == layer;
  };
  return write_rootfs(L, job, sink, progress);
}

namespace {

// The squashed config: one diff_id, every step empty, a last step noting the squash.
Result<std::string> squashed_config(const Image& img, const std::string& diff_id) {
  LS_ASSIGN_OR_RETURN(ImageConfig cfg, ImageConfig::parse(img.config_json, img.source + " config"));
  std::vector<HistoryEntry> h = cfg.history();
  for (HistoryEntry& e : h) e.empty_layer = true;
  cfg.set_history(h);
  HistoryEntry note;
  note.created = img.created;
  note.created_by = "layerscope squash";
  note.comment = "squashed " + std::to_string(img.layers.size()) + " layers into one";
  cfg.append_history(note);
  cfg.set_diff_ids({diff_id});
  return cfg.write();
}

}  // namespace

Status Session::squash(const SquashOptions& o, ByteSink& sink, const ProgressFn& progress) {
  Loaded& L = *impl_->L;
  LS_RETURN_IF_ERROR(check_source(*this, L, "squash", progress));
  if (o.image < 0 || o.image >= static_cast<int>(L.archive.images.size()))
    return make_error(Code::kInvalidArgument, "no image #" + std::to_string(o.image));
  const Image& img = L.archive.images[o.image];
  ExportOptions merged;
  merged.image = o.image;
  LayerOut layer;
  layer.media_type = kMtOciLayer;
  layer.source = "squashed layer";
  layer.produce = [this, merged, progress](ByteSink& out) { return export_tar(merged, out, progress); };
  HashingSink measure;  // pass 1: the layer's digest (= diff_id, uncompressed) and size
  LS_RETURN_IF_ERROR(layer.produce(measure));
  LS_RETURN_IF_ERROR(measure.finish());
  layer.digest = measure.digest();
  layer.size = measure.count();
  ImageOut out;
  LS_ASSIGN_OR_RETURN(out.config_json, squashed_config(img, layer.digest));
  out.tags = img.tags;
  out.layers.push_back(std::move(layer));
  LayoutPlan plan;
  plan.docker_manifest = o.format == SaveFormat::kDocker;
  plan.images.push_back(std::move(out));
  BlobOpener none = [](const std::string& s) -> Result<std::shared_ptr<ByteSource>> {
    return make_error(Code::kInternal, "no source", s);
  };
  return write_image_layout(plan, none, L.options.limits, sink, progress);
}

}  // namespace layerscope
