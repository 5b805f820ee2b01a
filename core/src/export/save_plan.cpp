#include "export/save_plan.h"

#include <algorithm>
#include <map>

#include "export/layer_bytes.h"

namespace layerscope {
namespace {

std::string image_name(const Image& img) { return img.tags.empty() ? img.source : img.tags.front(); }

// Pass 1 of a recompressed layer: its digest and size as it will be written.
Status measure(const Loaded& L, const SaveLayers& how, LayerOut* o) {
  LS_ASSIGN_OR_RETURN(auto src, L.member_source(o->source));
  LayerBytes lb{true, how.compression, L.options.limits, {}};
  uint64_t total = src->size();
  lb.tick = [&](uint64_t n) { return !how.progress || how.progress(Progress{"measure", n, total, o->source}); };
  std::unique_ptr<Scratch> scratch;
  if (how.scratch) {
    LS_ASSIGN_OR_RETURN(scratch, how.scratch(o->source));
  }
  LS_ASSIGN_OR_RETURN(LayerMeasure m, measure_layer(src, lb, o->source, scratch.get()));
  o->made = m.kept;
  o->recompress = true;
  o->compression = how.compression;
  o->digest = m.digest;
  o->size = m.size;
  o->media_type = oci_layer_media_type(how.compression);
  return Status::Ok();
}

Result<LayerOut> layer_out(const Loaded& L, const Image& img, const Layer& l, const SaveLayers& how) {
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
  if (how.recompress && b.compression != how.compression) {
    LS_RETURN_IF_ERROR(measure(L, how, &o));
    return o;
  }
  if (o.media_type.empty())
    return make_error(Code::kUnsupported,
                      std::string("a ") + compression_name(b.compression) +
                          " layer has no OCI media type; save it with --compress none|gzip|zstd",
                      where);
  return o;
}

}  // namespace

Result<LayoutPlan> plan_save(const Loaded& L, const std::vector<int>& images, bool docker_manifest,
                             const SaveLayers& how) {
  std::map<int, LayerOut> done;  // each blob measured once
  LayoutPlan plan;
  plan.docker_manifest = docker_manifest;
  std::vector<int> chosen = images;
  if (chosen.empty())
    for (int i = 0; i < static_cast<int>(L.archive.images.size()); ++i) chosen.push_back(i);
  for (int i : chosen) {
    if (i < 0 || i >= static_cast<int>(L.archive.images.size()))
      return make_error(Code::kInvalidArgument, "no image #" + std::to_string(i));
    const Image& img = L.archive.images[i];
    if (img.config_json.empty())
      return make_error(Code::kNotFound, "the image's config is not stored in the archive", image_name(img));
    ImageOut o;
    o.config_json = img.config_json;
    for (const std::string& t : img.tags)
      if (std::find(how.drop_tags.begin(), how.drop_tags.end(), t) == how.drop_tags.end()) o.tags.push_back(t);
    for (const Layer& l : img.layers) {
      auto it = l.blob >= 0 ? done.find(l.blob) : done.end();
      if (it == done.end()) {
        LS_ASSIGN_OR_RETURN(LayerOut lo, layer_out(L, img, l, how));
        it = done.emplace(l.blob, std::move(lo)).first;
      }
      o.layers.push_back(it->second);
    }
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
