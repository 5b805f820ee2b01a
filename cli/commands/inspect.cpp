// layerscope inspect ARCHIVE [--json] [--verify]: the archive, its layout and
// every image with its layers (a table, or the versioned inspect document).
#include <cstdio>

#include "command.h"
#include "layerscope/analysis.h"
#include "layerscope/text.h"
#include "output.h"

namespace lscli {
namespace {

void print_archive(const Session& s) {
  const Archive& ar = s.archive();
  std::printf("Archive:   %s (%s bytes, outer compression %s, %u members)\n", escape_text(ar.name).c_str(),
              std::to_string(ar.size).c_str(), compression_name(ar.outer_compression), ar.member_count);
  std::printf("Layout:    %s — %s\n", layout_id(ar.layout), layout_title(ar.layout));
  std::printf("Producer:  %s (best guess)\n", escape_text(ar.producer).c_str());
  std::printf("Read:      %s of %s bytes (%.2f%%)\n", std::to_string(s.source().bytes_read()).c_str(),
              std::to_string(ar.size).c_str(),
              ar.size ? 100.0 * static_cast<double>(s.source().bytes_read()) / static_cast<double>(ar.size) : 0.0);
  if (ar.warnings.empty()) std::printf("Warnings:  none\n");
  else {
    std::printf("Warnings:  %zu\n", ar.warnings.size());
    for (auto& w : ar.warnings)
      std::printf("  [%s] %s%s%s\n", w.code.c_str(), escape_text(w.message).c_str(), w.where.empty() ? "" : " — ",
                  escape_text(w.where).c_str());
  }
}

void print_image(const Session& s, size_t i) {
  const Archive& ar = s.archive();
  const Image& img = ar.images[i];
  std::printf("\nImage #%zu\n", i);
  std::string tags;
  for (auto& t : img.tags) tags += (tags.empty() ? "" : ", ") + escape_text(t);
  std::printf("  Tags:      %s\n", tags.empty() ? "<none>" : tags.c_str());
  std::printf("  ID:        %s\n", img.config_digest.empty() ? "<unknown>" : escape_text(img.config_digest).c_str());
  if (!img.manifest_digest.empty()) std::printf("  Manifest:  %s\n", escape_text(img.manifest_digest).c_str());
  std::printf("  Platform:  %s\n", escape_text(img.platform.to_string()).c_str());
  std::printf("  Created:   %s\n", img.created.empty() ? "N/A" : escape_text(img.created).c_str());
  if (!img.author.empty()) std::printf("  Author:    %s\n", escape_text(img.author).c_str());
  std::printf("  Source:    %s\n", escape_text(img.source).c_str());
  auto cc = s.change_counts(static_cast<int>(i));
  std::printf("  Layers:    %zu\n", img.layers.size());
  std::printf("    %-3s %-13s %-6s %10s %10s %7s %5s %5s %5s %4s %4s\n", "#", "DIGEST", "COMP", "SIZE", "UNPACKED",
              "ENTRIES", "A", "M", "D", "WH", "OPQ");
  for (auto& l : img.layers) {
    const Blob* b = l.blob >= 0 ? &ar.blobs[l.blob] : nullptr;
    const LayerIndex* idx = s.layer_index(static_cast<int>(i), l.index);
    const ChangeCounts* k = cc.ok() && l.index < static_cast<int>(cc.value().size()) ? &cc.value()[l.index] : nullptr;
    std::printf("    %-3d %-13s %-6s %10s %10s %7u %5u %5u %5u %4u %4u%s\n", l.index,
                escape_text(short_id(l.digest, false)).c_str(),
                b && b->indexed ? compression_name(b->compression) : (b && !b->present ? "absent" : "?"),
                l.size >= 0 ? human_size(l.size).c_str() : "?",
                b && b->uncompressed_size >= 0 ? human_size(b->uncompressed_size).c_str() : "?",
                idx ? idx->counts.total : 0, k ? k->added : 0, k ? k->modified : 0, k ? k->deleted : 0,
                idx ? idx->counts.whiteouts : 0, idx ? idx->counts.opaque_dirs : 0,
                b && !b->error.empty() ? "  (unreadable)" : "");
  }
}

// Space figures (README.md, "Space figures") and the biggest dead copies.
// Computed once per distinct layer stack (`spaces`): images sharing their layers share the figures.
void print_space(const Session& s, int i, SpaceByStack* spaces) {
  const auto& r = spaces->of(s, i);
  if (!r.ok()) return;
  const SpaceFigures& f = r.value();
  std::printf("  Space:     efficiency %.2f%%, wasted %s (%s deleted but shipped), user wasted %.2f%%\n",
              100.0 * f.efficiency, human_size(f.wasted_bytes).c_str(), human_size(f.deleted_shipped_bytes).c_str(),
              100.0 * f.user_wasted_percent);
  for (const SpaceRow& w : f.top_wasted)
    std::printf("    %9s  /%s (layer %d, %s by layer %d)\n", human_size(w.bytes).c_str(), escape_text(w.path, 200).c_str(),
                w.layer, w.how.c_str(), w.killed_by);
}

int run(const Context& ctx, const Args& a) {
  if (!a.pos.empty()) return usage_error("inspect takes only ARCHIVE", a.command);
  auto opened = ctx.open(a.archives[0], a.has("--verify"));
  if (!opened.ok()) return fail(opened.error());
  const Session& s = *opened.value();
  if (a.has("--json")) {
    print_document(s.inspect_json());
  } else {
    print_archive(s);
    SpaceByStack spaces(5);
    for (size_t i = 0; i < s.archive().images.size(); ++i) {
      print_image(s, i);
      print_space(s, static_cast<int>(i), &spaces);
    }
    for (auto& at : s.archive().attestations)
      std::printf("\nAttestation %s for %s\n", escape_text(at.manifest_digest).c_str(),
                  escape_text(at.reference_digest).c_str());
  }
  // An archive that holds no image is described, then reported as a failure
  // (not-an-image, the error every command that needs an image gives).
  if (!s.archive().images.empty()) return 0;
  auto none = s.resolve_image("");
  return none.ok() ? 0 : fail(none.error());
}

}  // namespace

const Command& inspect_command() {
  static const Command c{
      "inspect", "ARCHIVE [--json] [--verify]",
      "the archive's layout, images, layers and warnings", 1,
      {{{"--json"}, nullptr, "print the versioned inspect document (docs/json-schema.md)"},
       {{"--verify"}, nullptr, "hash every blob and uncompressed layer; report digest and diff_id mismatches"}},
      run};
  return c;
}

}  // namespace lscli
