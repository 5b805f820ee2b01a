// layerscope history ARCHIVE [IMAGE] [--no-trunc] [--platform P] [--json]:
// docker's `history` table (newest step first), or the history document.
#include <cstdio>

#include "command.h"
#include "image_args.h"
#include "layerscope/text.h"
#include "output.h"

namespace lscli {
namespace {

int run(const Context& ctx, const Args& a) {
  if (a.pos.size() > 1) return usage_error("history takes ARCHIVE [IMAGE]", a.command);
  auto opened = ctx.open_summary(a.archives[0]);
  if (!opened.ok()) return fail(opened.error());
  const Session& s = *opened.value();
  int im = 0;
  if (int rc = pick_image(a, s, a.pos.empty() ? "" : a.pos[0], &im); rc != kContinue) return rc;
  if (a.has("--json")) {
    auto doc = s.history_json(im);
    if (!doc.ok()) return fail(doc.error());
    print_document(doc.value());
    return 0;
  }
  print_warnings(s.warnings_for(im));
  const Image& img = s.archive().images[im];
  bool no_trunc = a.has("--no-trunc");
  std::printf("%-14s %-20s %-46s %-10s %s\n", "IMAGE", "CREATED", "CREATED BY", "SIZE", "COMMENT");
  // docker history lists the newest step first.
  for (int k = static_cast<int>(img.history.size()) - 1; k >= 0; --k) {
    const HistoryEntry& h = img.history[k];
    std::string id = k == static_cast<int>(img.history.size()) - 1 ? short_id(img.config_digest, no_trunc) : "<missing>";
    int64_t size = 0;
    if (h.layer >= 0) {
      const Blob* b = img.layers[h.layer].blob >= 0 ? &s.archive().blobs[img.layers[h.layer].blob] : nullptr;
      if (b && b->uncompressed_size > 0) size = b->uncompressed_size;
    }
    std::string by = escape_text(h.created_by);
    if (!no_trunc && by.size() > 45) {
      size_t cut = 44;
      while (cut > 0 && (static_cast<unsigned char>(by[cut]) & 0xc0) == 0x80) --cut;  // not inside a UTF-8 sequence
      by = by.substr(0, cut) + "…";
    }
    std::printf("%-14s %-20s %-46s %-10s %s\n", id.c_str(), ago(h.created).c_str(), by.c_str(),
                human_size(size).c_str(), escape_text(h.comment).c_str());
  }
  return 0;
}

}  // namespace

const Command& history_command() {
  static const Command c{
      "history", "ARCHIVE [IMAGE] [--no-trunc] [--platform P] [--json]",
      "an image's build steps, newest first, as docker history shows them", 1,
      {{{"--no-trunc"}, nullptr, "whole image ID and CREATED BY text"},
       {{"--platform"}, "OS[/ARCH[/VARIANT]]", "pick the image of that platform"},
       {{"--json"}, nullptr, "print the versioned history document, oldest step first (docs/json-schema.md)"}},
      run};
  return c;
}

}  // namespace lscli
