#include "image/config.h"

#include "base/sha256.h"

namespace layerscope {

void apply_config(LoadContext& ctx, Image& img, const std::string& config_text, const std::string& where) {
  img.config_json = config_text;
  img.config_digest = Sha256::digest_of(config_text);
  const int idx = static_cast<int>(&img - ctx.L.archive.images.data());
  auto pj = parse_json(config_text, where, ctx.lim.max_json_depth);
  if (!pj.ok()) {
    ctx.warn_image(idx, "invalid-config", pj.error().message, pj.error().where);
    return;
  }
  const Json& c = pj.value();
  if (!c.is_object()) {
    ctx.warn_image(idx, "invalid-config", "image config is not a JSON object", where);
    return;
  }
  if (img.platform.os.empty()) img.platform.os = jstr(c, "os");
  if (img.platform.architecture.empty()) img.platform.architecture = jstr(c, "architecture");
  if (img.platform.variant.empty()) img.platform.variant = jstr(c, "variant");
  if (img.platform.os_version.empty()) img.platform.os_version = jstr(c, "os.version");
  img.created = jstr(c, "created");
  img.author = jstr(c, "author");
  if (img.parent.empty()) img.parent = jstr(c, "parent");
  if (const Json* h = jget(c, "history"); h && h->is_array()) {
    for (const auto& e : *h) {
      HistoryEntry he;
      he.created = jstr(e, "created");
      he.created_by = jstr(e, "created_by");
      he.author = jstr(e, "author");
      he.comment = jstr(e, "comment");
      he.empty_layer = jbool(e, "empty_layer");
      img.history.push_back(std::move(he));
    }
  }
  std::vector<std::string> diff_ids;
  if (const Json* r = jget(c, "rootfs")) diff_ids = jstrings(*r, "diff_ids");
  // diff_ids are matched to layers after the layers are known.
  ctx.img_diff_ids[idx] = std::move(diff_ids);
}

void finish_image(LoadContext& ctx, int idx) {
  Image& img = ctx.L.archive.images[idx];
  auto& d = ctx.img_diff_ids[idx];
  std::string where = img.tags.empty() ? img.source : img.tags.front();
  for (size_t i = 0; i < img.layers.size() && i < d.size(); ++i) img.layers[i].diff_id = d[i];
  if (!img.config_json.empty() && d.size() != img.layers.size()) {
    ctx.warn_image(idx, "diff-ids-count-mismatch",
             "config lists " + std::to_string(d.size()) + " diff_ids but the manifest has " +
                 std::to_string(img.layers.size()) + " layers",
             where);
  }
  int li = 0, non_empty = 0;
  for (auto& h : img.history) {
    if (h.empty_layer) continue;
    ++non_empty;
    h.layer = li < static_cast<int>(img.layers.size()) ? li : -1;
    ++li;
  }
  if (!img.history.empty() && non_empty != static_cast<int>(img.layers.size())) {
    ctx.warn_image(idx, "history-layer-mismatch",
             "history has " + std::to_string(non_empty) + " steps that made a layer, but the image has " +
                 std::to_string(img.layers.size()) + " layers",
             where);
  }
}

}  // namespace layerscope
