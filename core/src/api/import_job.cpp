// import_image (layerscope/export.h): docker import of a rootfs tarball. The
// config is built from scratch (os/architecture as asked, "created" from the
// options or the tarball's newest mtime, so the same input gives the same
// bytes), the -c instructions applied to its "config", one history step.
#include "base/sha256.h"
#include "export/dockerfile_changes.h"
#include "export/image_layout.h"
#include "export/import.h"
#include "layerscope/export.h"
#include "manifest/documents.h"

namespace layerscope {
namespace {

// "repo" -> "repo:latest"; "" stays (untagged).
Result<std::string> full_tag(const std::string& tag) {
  if (tag.empty()) return tag;
  for (char c : tag)
    if (c == '@' || static_cast<unsigned char>(c) <= ' ')
      return make_error(Code::kInvalidArgument, "not a REPO[:TAG] reference", tag);
  size_t slash = tag.rfind('/'), colon = tag.rfind(':');
  bool has_tag = colon != std::string::npos && (slash == std::string::npos || colon > slash);
  if (tag[0] == ':' || tag.back() == ':' || tag.back() == '/')
    return make_error(Code::kInvalidArgument, "not a REPO[:TAG] reference", tag);
  return has_tag ? tag : tag + ":latest";
}

Result<std::string> imported_config(const ImportOptions& o, const std::string& diff_id, int64_t created) {
  ImageConfig cfg = ImageConfig::make(o.os, o.architecture);
  for (const std::string& c : o.changes) LS_RETURN_IF_ERROR(apply_dockerfile_change(c, &cfg.json()["config"]));
  cfg.json()["created"] = rfc3339_utc(created);
  cfg.set_diff_ids({diff_id});
  HistoryEntry h;
  h.created = rfc3339_utc(created);
  h.comment = o.message.empty() ? "Imported from " + o.source_name : o.message;
  cfg.append_history(h);
  return cfg.write();
}

}  // namespace

Status check_import_options(const ImportOptions& o) {
  OrderedJson scratch = OrderedJson::object();
  for (const std::string& c : o.changes) LS_RETURN_IF_ERROR(apply_dockerfile_change(c, &scratch));
  return full_tag(o.tag).status();
}

Result<WriteSummary> import_image(const std::shared_ptr<ByteSource>& rootfs, const ImportOptions& o, ByteSink& sink,
                                  const ProgressFn& progress) {
  LS_RETURN_IF_ERROR(check_import_options(o));
  ImageOut img;
  LS_ASSIGN_OR_RETURN(std::string tag, full_tag(o.tag));
  if (!tag.empty()) img.tags.push_back(tag);
  const std::string where = o.source_name.empty() ? rootfs->name() : o.source_name;
  const uint64_t total = rootfs->size();
  auto tick = [&](uint64_t n) { return !progress || progress(Progress{"import", n, total, where}); };
  Limits limits;
  LS_ASSIGN_OR_RETURN(RootfsMeasure m, measure_rootfs(rootfs, limits, tick, where));
  LS_ASSIGN_OR_RETURN(img.config_json, imported_config(o, m.diff_id, o.created >= 0 ? o.created : m.newest_mtime));
  LayerOut layer;
  layer.digest = m.diff_id;
  layer.size = m.size;
  layer.media_type = oci_layer_media_type(Compression::kNone);
  layer.source = where;
  layer.recompress = true;  // decoded, stored uncompressed
  img.layers.push_back(std::move(layer));
  LayoutPlan plan;
  plan.docker_manifest = o.format == SaveFormat::kDocker;
  plan.images.push_back(std::move(img));
  BlobOpener open = [&rootfs](const std::string&) -> Result<std::shared_ptr<ByteSource>> { return rootfs; };
  LS_RETURN_IF_ERROR(write_image_layout(plan, open, limits, sink, progress));
  return WriteSummary{Sha256::digest_of(plan.images[0].config_json), {}, 1};
}

}  // namespace layerscope
