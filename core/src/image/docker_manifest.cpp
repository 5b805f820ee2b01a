#include "image/docker_manifest.h"

#include <algorithm>

#include "digest/names.h"
#include "image/config.h"
#include "layerscope/text.h"

namespace layerscope {

Status read_docker_manifest(LoadContext& ctx, std::vector<int>* made) {
  Loaded& L = ctx.L;
  LS_ASSIGN_OR_RETURN(Json mj, ctx.read_json("manifest.json"));
  if (!mj.is_array()) {
    if (mj.is_null()) return Status::Ok();
    return make_error(Code::kCorrupt, "manifest.json is not a JSON array", "manifest.json");
  }
  for (size_t i = 0; i < mj.size(); ++i) {
    const Json& e = mj[i];
    std::string where = "manifest.json[" + std::to_string(i) + "]";
    if (!e.is_object()) {
      ctx.warn("invalid-manifest", "entry is not an object", where);
      continue;
    }
    Image img;
    img.source = where;
    img.tags = jstrings(e, "RepoTags");
    img.parent = jstr(e, "Parent");
    img.manifest_json = jdump(e, 2);  // the manifest.json entry stands in for a manifest
    std::string cfg = jstr(e, "Config");
    int idx = static_cast<int>(L.archive.images.size());
    L.archive.images.push_back(std::move(img));
    if (cfg.empty()) {
      ctx.warn_image(idx, "missing-config", "manifest entry names no Config", where);
    } else {
      auto text = L.read_member(cfg, ctx.lim.max_json_bytes);
      if (!text.ok()) {
        ctx.warn_image(idx, "missing-config", "config " + escape_text(cfg, kQuoteBytes) + ": " + text.error().message, where);
        L.archive.images[idx].config_digest = digest_from_name(cfg);
      } else {
        apply_config(ctx, L.archive.images[idx], text.value(), cfg);
      }
    }
    std::unordered_map<std::string, const Json*> sources;
    if (const Json* ls = jget(e, "LayerSources"); ls && ls->is_object())
      for (auto it = ls->begin(); it != ls->end(); ++it) sources[it.key()] = &it.value();
    auto layers = jstrings(e, "Layers");
    auto& diff = ctx.img_diff_ids[idx];
    for (size_t k = 0; k < layers.size(); ++k) {
      Layer l;
      l.index = static_cast<int>(k);
      std::string lw = where + ".Layers[" + std::to_string(k) + "]";
      l.digest = digest_from_name(layers[k]);
      if (k < diff.size()) {
        auto s = sources.find(diff[k]);
        if (s != sources.end()) {
          l.media_type = jstr(*s->second, "mediaType");
          l.size = ctx.descriptor_size(*s->second, lw + ".LayerSources");
          std::string d = jstr(*s->second, "digest");
          if (!d.empty()) l.digest = d;
        }
      }
      l.blob = ctx.blob_for(layers[k], l.digest, lw);
      if (l.size < 0 && l.blob >= 0 && L.archive.blobs[l.blob].present)
        l.size = static_cast<int64_t>(L.archive.blobs[l.blob].stored_size);
      L.archive.images[idx].layers.push_back(std::move(l));
    }
    made->push_back(idx);
  }
  return Status::Ok();
}

Status merge_docker_manifest(LoadContext& ctx, std::vector<int>* made) {
  Loaded& L = ctx.L;
  size_t before = L.archive.images.size();
  std::vector<int> extra;
  LS_RETURN_IF_ERROR(read_docker_manifest(ctx, &extra));
  std::vector<int> drop;
  for (int e : extra) {
    Image& mimg = L.archive.images[e];
    bool merged = false;
    for (size_t k = 0; k < before; ++k) {
      Image& oimg = L.archive.images[k];
      if (!mimg.config_digest.empty() && oimg.config_digest == mimg.config_digest) {
        // RepoTags are what `docker load` restores; an index name that is only
        // the fully-qualified form of one of them ("docker.io/x:1" for "x:1") goes.
        std::vector<std::string> tags = mimg.tags;
        for (auto& t : oimg.tags) {
          bool dup = false;
          for (auto& r : mimg.tags) dup = dup || t == r || t == "docker.io/" + r || t == "docker.io/library/" + r;
          if (!dup) tags.push_back(t);
        }
        oimg.tags = std::move(tags);
        oimg.source += ", " + mimg.source;
        merged = true;
        break;
      }
    }
    if (merged) drop.push_back(e);
    else made->push_back(e);
  }
  // Remove merged duplicates (from the back so indexes stay valid).
  std::sort(drop.rbegin(), drop.rend());
  for (int d : drop) {
    L.archive.images.erase(L.archive.images.begin() + d);
    ctx.img_diff_ids.erase(d);
    for (int k = d; k < static_cast<int>(L.archive.images.size()); ++k) {
      auto n = ctx.img_diff_ids.extract(k + 1);
      if (!n.empty()) {
        n.key() = k;
        ctx.img_diff_ids.insert(std::move(n));
      }
    }
  }
  if (!extra.empty() && before > 0 && drop.size() < extra.size())
    ctx.warn("trimmed-manifest", "manifest.json and index.json list different images", "manifest.json");
  return Status::Ok();
}

}  // namespace layerscope
