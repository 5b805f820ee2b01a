// Archive structure: outer members -> layout -> images -> layer indexes.
// Orchestration only; each step is a room of image/ (see loader.h).
#include "image/loader.h"

#include <algorithm>

#include "archive/tar_reader.h"
#include "image/config.h"
#include "image/docker_manifest.h"
#include "image/layout.h"
#include "image/load_context.h"
#include "image/oci_index.h"
#include "image/scan.h"
#include "layerscope/text.h"

namespace layerscope {
namespace {

// The images of the archive, read from the documents its layout has.
Status read_images(LoadContext& ctx) {
  Loaded& L = ctx.L;
  std::vector<int> made;
  switch (detect_image_source(L)) {
    case ImageSource::kOciIndex: {
      bool has_manifest = L.by_path.count("manifest.json") != 0;
      if (!L.by_path.count("oci-layout")) ctx.warn("missing-oci-layout", "index.json present but no oci-layout file", "oci-layout");
      LS_ASSIGN_OR_RETURN(L.archive.index_json, L.read_member("index.json", ctx.lim.max_json_bytes));
      LS_ASSIGN_OR_RETURN(Json idx, parse_json(L.archive.index_json, "index.json", ctx.lim.max_json_depth));
      if (!idx.is_object()) return make_error(Code::kCorrupt, "index.json is not a JSON object", "index.json");
      read_oci_index(ctx, idx, "index.json");
      if (has_manifest) LS_RETURN_IF_ERROR(merge_docker_manifest(ctx, &made));
      break;
    }
    case ImageSource::kDockerManifest:
      LS_RETURN_IF_ERROR(read_docker_manifest(ctx, &made));
      // Which tool's manifest.json it is shows only in the images it lists.
      L.archive.layout = L.archive.images.empty() ? Layout::kUnknown : classify_docker_family(L);
      break;
    case ImageSource::kNone:
      return no_image_error(L);
  }
  for (int i = 0; i < static_cast<int>(L.archive.images.size()); ++i) finish_image(ctx, i);
  if (ctx.symlinked_layers > 0)
    ctx.warn("symlinked-layer",
             std::to_string(ctx.symlinked_layers) + " layer reference(s) are symlinks to another member "
                                                    "(how containers/image stores a layer once)",
             "");
  if (L.archive.images.empty() && L.archive.attestations.empty())
    ctx.warn("no-images", "the archive's manifest lists no images",
             L.by_path.count("manifest.json") ? "manifest.json" : "index.json");
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<Loaded>> load_archive(std::shared_ptr<ByteSource> src, const OpenOptions& options) {
  auto L = std::make_unique<Loaded>();
  L->src = src;
  L->options = options;
  // Bounds that also protect 32-bit fields cannot be raised past them: PathTable's
  // ids and name offsets are 32-bit, and link hops are counted in an int.
  Limits& lm = L->options.limits;
  lm.max_paths = std::min<uint64_t>(lm.max_paths, 0xfffffff0u);
  lm.max_path_table_bytes = std::min<uint64_t>(lm.max_path_table_bytes, 0xfffffff0u);
  lm.max_member_link_hops = std::min<uint32_t>(lm.max_member_link_hops, 1024);
  L->archive.name = src->name();
  L->archive.size = src->size();
  const uint64_t total = src->size();
  if (total == 0) return make_error(Code::kTruncated, "the file is empty", src->name());
  uint8_t head[8] = {0};
  auto hr = src->read_at(0, head, sizeof head);
  if (!hr.ok()) return hr.take_error();
  L->archive.outer_compression = sniff_compression(head, hr.value());
  L->random_access = L->archive.outer_compression == Compression::kNone;
  L->entry_budget = options.limits.max_entries;
  LoadContext ctx(*L);
  // The scan and the layer indexing take the limits as asked (as they always
  // have); the rooms reading documents take the clamped ones in ctx.lim.
  const Limits& lim = options.limits;
  if (L->random_access && total < 512)
    return make_error(Code::kTruncated,
                      "the file is " + std::to_string(total) +
                          " bytes, shorter than one 512-byte tar header: an archive cut short, or not one at all",
                      src->name());

  // 1. The outer members (streaming: layers are indexed on the way).
  OuterScan scan;
  LS_RETURN_IF_ERROR(scan_outer(ctx, lim, &scan));
  std::string cut_note;
  if (!scan.clean_end && !L->members.empty())
    cut_note = "the archive ends after member '" + escape_text(scan.last_entry, kQuoteBytes) +
               "' without a complete end-of-archive marker (two zero blocks): it may have been cut short";
  // 2. The images, from the documents the layout has.
  if (Status st = read_images(ctx); !st.ok()) {
    Error e = st.take_error();
    if (e.code == Code::kNotImage && !cut_note.empty()) {
      e.code = Code::kTruncated;
      e.message = cut_note + " before any manifest.json or index.json (" + std::to_string(L->members.size()) +
                  " members read)";
    }
    return e;
  }
  if (!cut_note.empty()) ctx.warn("tar-warning", cut_note, src->name());
  guess_producer(L->archive);
  // 3. Every present layer blob, then the checks across layers; for the
  // summary, only what sizes the layers (a streaming pass has indexed them all).
  const bool summary = L->options.layers != LayerReading::kIndexAll && L->random_access && !options.verify;
  if (summary) {
    LS_RETURN_IF_ERROR(size_layers(ctx, lim, L->options.layers));
    // Unread, except a blob whose error the sizing found: that is all a full open knows of it.
    L->readable.assign(L->archive.blobs.size(), 0);
    for (size_t b = 0; b < L->archive.blobs.size(); ++b)
      if (!L->archive.blobs[b].present || !L->archive.blobs[b].error.empty()) L->readable[b] = 1;
  } else {
    L->options.layers = LayerReading::kIndexAll;
    LS_RETURN_IF_ERROR(index_layers(ctx, lim));
    LS_RETURN_IF_ERROR(check_stacked_entries(*L, lim));
    L->readable.assign(L->archive.blobs.size(), 1);
  }
  cross_check_layers(ctx);
  ctx.summarize_warnings();
  // 4. Optionally, every byte hashed.
  if (options.verify) LS_RETURN_IF_ERROR(verify_blobs(*L, options.progress));
  return L;
}

}  // namespace layerscope
