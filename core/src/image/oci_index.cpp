#include "image/oci_index.h"

#include <algorithm>
#include <set>

#include "digest/names.h"
#include "image/config.h"
#include "layerscope/text.h"
#include "manifest/media_types.h"

namespace layerscope {
namespace {

struct IndexWalk {
  LoadContext& ctx;
  Loaded& L;
  const Limits& lim;
  uint64_t index_descriptors = 0, nested_indexes = 0;
  std::set<std::string> walked_indexes;
  std::vector<std::string> index_stack;

  explicit IndexWalk(LoadContext& c) : ctx(c), L(c.L), lim(c.lim) {}

  void image_from_manifest_desc(const Json& desc, const std::string& where, const std::vector<std::string>& tags,
                                const Platform* platform) {
    std::string digest = jstr(desc, "digest");
    auto it = ctx.image_by_manifest.find(digest);
    if (it != ctx.image_by_manifest.end()) {
      auto& img = L.archive.images[it->second];
      for (auto& t : tags)
        if (std::find(img.tags.begin(), img.tags.end(), t) == img.tags.end()) img.tags.push_back(t);
      return;
    }
    std::string bp = blob_path(digest);
    if (bp.empty()) {
      ctx.warn("invalid-descriptor", "manifest descriptor has a malformed digest '" + escape_text(digest, kQuoteBytes) + "'",
               where);
      return;
    }
    auto text = L.read_member(bp, lim.max_json_bytes);
    if (!text.ok()) {
      ctx.warn("missing-blob",
               "image manifest " + escape_text(digest, kQuoteBytes) + " is not stored in the archive: " + text.error().message,
               where);
      return;
    }
    auto pm = parse_json(text.value(), bp, lim.max_json_depth);
    if (!pm.ok()) {
      ctx.warn("invalid-manifest", pm.error().message, pm.error().where);
      return;
    }
    const Json& m = pm.value();
    Image img;
    img.source = where;
    img.tags = tags;
    img.manifest_digest = digest;
    img.manifest_media_type = jstr(m, "mediaType", jstr(desc, "mediaType"));
    img.manifest_json = text.value();
    if (platform) img.platform = *platform;
    int idx = static_cast<int>(L.archive.images.size());
    L.archive.images.push_back(std::move(img));
    ctx.image_by_manifest[digest] = idx;
    const Json* cfg = jget(m, "config");
    if (!cfg || !cfg->is_object()) {
      ctx.warn_image(idx, "missing-config", "manifest has no config descriptor", bp);
    } else {
      std::string cd = jstr(*cfg, "digest");
      std::string cp = blob_path(cd);
      auto ct = cp.empty() ? Result<std::string>(make_error(Code::kCorrupt, "malformed digest"))
                           : L.read_member(cp, lim.max_json_bytes);
      if (!ct.ok()) {
        ctx.warn_image(idx, "missing-config", "config " + escape_text(cd, kQuoteBytes) + ": " + ct.error().message, bp);
        L.archive.images[idx].config_digest = cd;
      } else {
        apply_config(ctx, L.archive.images[idx], ct.value(), cp);
        if (L.archive.images[idx].config_digest != cd)
          ctx.warn_image(idx, "config-digest-mismatch",
                   "config blob hashes to " + L.archive.images[idx].config_digest + ", manifest says " + cd, cp);
      }
    }
    if (const Json* ls = jget(m, "layers"); ls && ls->is_array()) {
      for (size_t k = 0; k < ls->size(); ++k) {
        const Json& d = (*ls)[k];
        Layer l;
        l.index = static_cast<int>(k);
        l.digest = jstr(d, "digest");
        l.media_type = jstr(d, "mediaType");
        std::string lw = bp + ".layers[" + std::to_string(k) + "]";
        l.size = ctx.descriptor_size(d, lw);
        std::string p = blob_path(l.digest);
        if (p.empty())
          ctx.warn("invalid-descriptor", "layer descriptor has a malformed digest '" + escape_text(l.digest, kQuoteBytes) + "'",
                   lw);
        l.blob = ctx.blob_for(p, l.digest, lw);
        L.archive.images[idx].layers.push_back(std::move(l));
      }
    }
  }

  void walk(const Json& idx, const std::string& where, const std::vector<std::string>& parent_tags, int depth) {
    if (depth > 8) {
      ctx.warn("index-too-deep", "image indexes nested more than 8 levels; deeper ones ignored", where);
      return;
    }
    const Json* ms = jget(idx, "manifests");
    if (!ms || ms->is_null()) return;
    if (!ms->is_array()) {
      ctx.warn("invalid-index", "\"manifests\" is not an array", where);
      return;
    }
    for (size_t i = 0; i < ms->size(); ++i) {
      const Json& d = (*ms)[i];
      std::string w = where + ".manifests[" + std::to_string(i) + "]";
      if (++index_descriptors > lim.max_index_descriptors) {
        ctx.warn("invalid-index",
                 "the image indexes list more than " + std::to_string(lim.max_index_descriptors) +
                     " descriptors in all; the rest are ignored",
                 w);
        return;
      }
      if (!d.is_object()) continue;
      std::string mt = jstr(d, "mediaType");
      std::vector<std::string> tags = parent_tags;
      const Json* ann = jget(d, "annotations");
      std::string ref_type;
      if (ann && ann->is_object()) {
        std::string full = jstr(*ann, "io.containerd.image.name");
        std::string ref = jstr(*ann, "org.opencontainers.image.ref.name");
        ref_type = jstr(*ann, "vnd.docker.reference.type");
        if (!full.empty()) tags.push_back(full);
        else if (!ref.empty()) tags.push_back(ref);
      }
      Platform plat;
      bool has_plat = false;
      if (const Json* p = jget(d, "platform"); p && p->is_object()) {
        plat.os = jstr(*p, "os");
        plat.architecture = jstr(*p, "architecture");
        plat.variant = jstr(*p, "variant");
        plat.os_version = jstr(*p, "os.version");
        has_plat = true;
      }
      if (ref_type == "attestation-manifest") {
        Attestation a;
        a.manifest_digest = jstr(d, "digest");
        a.reference_type = ref_type;
        a.reference_digest = jstr(*ann, "vnd.docker.reference.digest");
        auto bp = blob_path(a.manifest_digest);
        if (!bp.empty()) {
          if (auto t = L.read_member(bp, lim.max_json_bytes); t.ok()) {
            if (auto pj = parse_json(t.value(), bp, lim.max_json_depth); pj.ok()) {
              if (const Json* ls = jget(pj.value(), "layers"); ls && ls->is_array())
                for (const auto& l : *ls)
                  if (const Json* la = jget(l, "annotations"))
                    if (auto pt = jstr(*la, "in-toto.io/predicate-type"); !pt.empty()) a.predicate_types.push_back(pt);
            }
          }
        }
        L.archive.attestations.push_back(std::move(a));
        continue;
      }
      if (mt == kMtOciIndex || mt == kMtDockerList) {
        std::string bp = blob_path(jstr(d, "digest"));
        // A nested index is walked once per set of inherited tags (a fan-out of
        // repeated descriptors would otherwise multiply at every level), never
        // inside itself (blob names are not verified, so cycles are possible).
        if (!bp.empty() && std::find(index_stack.begin(), index_stack.end(), bp) != index_stack.end()) {
          ctx.warn("invalid-index", "nested index " + escape_text(bp, kQuoteBytes) + " lists an index that contains it (a cycle)",
                   w);
          continue;
        }
        std::string key = bp;
        for (auto& t : tags) key += '\0' + t;
        if (!bp.empty() && !walked_indexes.insert(key).second) continue;
        if (++nested_indexes > lim.max_nested_indexes) {
          if (nested_indexes == lim.max_nested_indexes + 1)
            ctx.warn("invalid-index",
                     "more than " + std::to_string(lim.max_nested_indexes) + " nested indexes; the rest are ignored", w);
          continue;
        }
        auto sub = bp.empty() ? Result<Json>(make_error(Code::kCorrupt, "malformed digest", w)) : ctx.read_json(bp);
        if (!sub.ok()) {
          ctx.warn("missing-blob", "nested index " + escape_text(jstr(d, "digest"), kQuoteBytes) + ": " + sub.error().message,
                   w);
          continue;
        }
        index_stack.push_back(bp);
        walk(sub.value(), bp, tags, depth + 1);
        index_stack.pop_back();
        continue;
      }
      image_from_manifest_desc(d, w, tags, has_plat ? &plat : nullptr);
    }
  }
};

}  // namespace

void read_oci_index(LoadContext& ctx, const Json& index, const std::string& where) {
  IndexWalk(ctx).walk(index, where, {}, 0);
}

}  // namespace layerscope
