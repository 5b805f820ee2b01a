#include "export/save_plan.h"

#include <algorithm>
#include <map>
#include <mutex>

#include "export/layer_bytes.h"

namespace layerscope {
namespace {

std::string image_name(const Image& img) { return img.tags.empty() ? img.source : img.tags.front(); }

// A layer compressed anew as `c`, measured (here or elsewhere): written from `m.kept` when set.
void adopt(LayerOut* o, const LayerMeasure& m, Compression c) {
  o->made = m.kept;
  o->recompress = true;
  o->compression = c;
  o->digest = m.digest;
  o->size = m.size;
  o->media_type = oci_layer_media_type(c);
}

// Pass 1 of a recompressed layer: its digest and size as it will be written.
// `tick` reports the bytes of the source read so far (false cancels).
Status measure(const Loaded& L, const SaveLayers& how, LayerOut* o, const std::function<bool(uint64_t)>& tick) {
  LS_ASSIGN_OR_RETURN(LayerMeasure m, measure_member(L, o->source, how.compression, how.scratch, tick));
  adopt(o, m, how.compression);
  return Status::Ok();
}

// Whether blob `b` is written in another compression than stored.
bool changes_compression(const Blob& b, const SaveLayers& how) {
  return how.recompress && b.compression != how.compression;
}

// Whether blob `blob` (b) is compressed anew: measured before it is written.
bool anew(const Blob& b, int blob, const SaveLayers& how) {
  return changes_compression(b, how) && std::find(how.replaced.begin(), how.replaced.end(), blob) == how.replaced.end();
}

// The layer as it will be written; `*pending` set: it is recompressed and must be measured first.
Result<LayerOut> layer_out(const Loaded& L, const Image& img, const Layer& l, const SaveLayers& how, bool* pending) {
  std::string where = image_name(img) + " layer " + std::to_string(l.index);
  if (l.blob < 0 || !L.archive.blobs[l.blob].present)
    return make_error(Code::kNotFound, "the layer is not stored in the archive: nothing to copy", where);
  const Blob& b = L.archive.blobs[l.blob];
  if (b.computed_digest.empty()) return make_error(Code::kInternal, "layer was not hashed before saving", where);
  LayerOut o;
  o.digest = b.computed_digest;
  o.size = b.stored_size;
  o.source = b.member;
  o.media_type = oci_layer_media_type(b.compression);
  *pending = anew(b, l.blob, how);
  if (changes_compression(b, how)) return o;  // (planned anew, or replaced by the caller)
  if (o.media_type.empty())
    return make_error(Code::kUnsupported,
                      std::string("a ") + compression_name(b.compression) +
                          " layer has no OCI media type; save it with --compress none|gzip|zstd",
                      where);
  return o;
}

// `images` (empty: all of the archive's), each checked.
Result<std::vector<int>> chosen_images(const Loaded& L, const std::vector<int>& images) {
  std::vector<int> chosen = images;
  if (chosen.empty())
    for (int i = 0; i < static_cast<int>(L.archive.images.size()); ++i) chosen.push_back(i);
  for (int i : chosen)
    if (i < 0 || i >= static_cast<int>(L.archive.images.size()))
      return make_error(Code::kInvalidArgument, "no image #" + std::to_string(i));
  return chosen;
}

// Measures the pending layers, through how.run when given (maybe at once), with
// one progress over all of them ("measure": bytes of their sources read).
Status measure_all(const Loaded& L, const SaveLayers& how, std::vector<LayerOut*> pending) {
  // Those compressed anew elsewhere are taken as they are.
  if (how.measured)
    pending.erase(std::remove_if(pending.begin(), pending.end(),
                                 [&](LayerOut* o) {
                                   std::optional<LayerMeasure> m = how.measured(o->source);
                                   if (!m || !m->kept || m->kept->size() != m->size || m->digest.empty()) return false;
                                   adopt(o, *m, how.compression);
                                   return true;
                                 }),
                  pending.end());
  if (pending.empty()) return Status::Ok();
  uint64_t total = 0;
  for (LayerOut* o : pending) {
    auto src = L.member_source(o->source);
    if (src.ok()) total += src.value()->size();
  }
  std::mutex mu;  // progress comes from every task
  uint64_t done = 0;
  bool cancelled = false;
  std::vector<std::function<Status()>> tasks;
  for (LayerOut* o : pending) {
    tasks.push_back([&, o]() {
      uint64_t mine = 0;
      return measure(L, how, o, [&, o](uint64_t n) {
        std::lock_guard<std::mutex> lock(mu);
        done += n - mine;
        mine = n;
        if (!cancelled && how.progress && !how.progress(Progress{"measure", done, total, o->source})) cancelled = true;
        return !cancelled;
      });
    });
  }
  if (how.run) return how.run(tasks);
  for (auto& t : tasks) LS_RETURN_IF_ERROR(t());
  return Status::Ok();
}

}  // namespace

Result<LayerMeasure> measure_member(const Loaded& L, const std::string& member, Compression compression,
                                    const ScratchFactory& scratch, const std::function<bool(uint64_t)>& tick) {
  LS_ASSIGN_OR_RETURN(auto src, L.member_source(member));
  LayerBytes lb{true, compression, L.options.limits, {}};
  lb.tick = tick;
  std::unique_ptr<Scratch> kept;
  if (scratch) {
    LS_ASSIGN_OR_RETURN(kept, scratch(member));
  }
  return measure_layer(src, lb, member, kept.get());
}

Result<std::vector<PendingLayer>> layers_to_measure(const Loaded& L, const std::vector<int>& images,
                                                         const SaveLayers& how) {
  // Without random access no layer is read on its own (the writers refuse).
  if (!L.random_access) return std::vector<PendingLayer>{};
  LS_ASSIGN_OR_RETURN(std::vector<int> chosen, chosen_images(L, images));
  std::vector<int> seen;
  std::vector<PendingLayer> out;
  for (int i : chosen) {
    for (const Layer& l : L.archive.images[i].layers) {
      if (l.blob < 0 || !L.archive.blobs[l.blob].present) continue;  // (plan_save fails on it)
      if (std::find(seen.begin(), seen.end(), l.blob) != seen.end()) continue;
      seen.push_back(l.blob);
      const Blob& b = L.archive.blobs[l.blob];
      if (anew(b, l.blob, how)) out.push_back({b.member, b.stored_size, l.blob});
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const auto& x, const auto& y) { return x.size > y.size; });
  return out;
}

Result<LayoutPlan> plan_save(const Loaded& L, const std::vector<int>& images, bool docker_manifest,
                             const SaveLayers& how) {
  std::map<int, LayerOut> done;  // each blob planned (and measured) once
  std::vector<LayerOut*> pending;
  LayoutPlan plan;
  plan.docker_manifest = docker_manifest;
  LS_ASSIGN_OR_RETURN(std::vector<int> chosen, chosen_images(L, images));
  std::vector<std::vector<int>> blobs_of(chosen.size());
  for (size_t k = 0; k < chosen.size(); ++k) {
    const Image& img = L.archive.images[chosen[k]];
    if (img.config_json.empty())
      return make_error(Code::kNotFound, "the image's config is not stored in the archive", image_name(img));
    for (const Layer& l : img.layers) {
      if (l.blob < 0 || done.find(l.blob) == done.end()) {
        bool wait = false;
        LS_ASSIGN_OR_RETURN(LayerOut lo, layer_out(L, img, l, how, &wait));
        // (a layer with no blob fails above, so the key is a real blob)
        LayerOut& kept = done.emplace(l.blob, std::move(lo)).first->second;
        if (wait) pending.push_back(&kept);
      }
      blobs_of[k].push_back(l.blob);
    }
  }
  LS_RETURN_IF_ERROR(measure_all(L, how, pending));
  for (size_t k = 0; k < chosen.size(); ++k) {
    const Image& img = L.archive.images[chosen[k]];
    ImageOut o;
    o.config_json = img.config_json;
    for (const std::string& t : img.tags)
      if (std::find(how.drop_tags.begin(), how.drop_tags.end(), t) == how.drop_tags.end()) o.tags.push_back(t);
    for (int b : blobs_of[k]) o.layers.push_back(done.at(b));  // a layer shared by images (or twice in one): one plan
    plan.images.push_back(std::move(o));
  }
  // docker's parent links (manifest.json "Parent") where both ends are written (configs are kept as they are).
  for (size_t k = 0; k < chosen.size(); ++k) {
    const std::string& p = L.archive.images[chosen[k]].parent;
    for (int j : chosen)
      if (!p.empty() && L.archive.images[j].config_digest == p) plan.images[k].parent = p;
  }
  return plan;
}

}  // namespace layerscope
