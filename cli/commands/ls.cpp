// layerscope ls ARCHIVE [IMAGE] [PATH] [--layer N] [--merged] [--platform P] [--json]:
// the merged filesystem, or what one layer added, modified and deleted.
#include <cstdio>

#include "command.h"
#include "image_args.h"
#include "layerscope/text.h"
#include "output.h"

namespace lscli {
namespace {

int run(const Context& ctx, const Args& a) {
  int layer = -1;
  if (int rc = layer_option(a, &layer); rc != kContinue) return rc;
  ImagePath ip;
  if (int rc = open_image_path(ctx, a, false, &ip, layer); rc != kContinue) return rc;
  const Session& s = *ip.session;
  const int im = ip.image;
  const std::string& path = ip.path;
  ListOptions o;
  o.layer = layer;
  o.merged = a.has("--merged") || !a.has("--layer");
  o.prefix = path;
  // One listing, resolved an entry at a time: output of any length in memory of one entry.
  auto r = s.listing(im, o);
  if (!r.ok()) return fail(r.error());
  const Listing& l = *r.value();
  if (a.has("--json")) {
    l.write_json(0, 0, [](std::string_view piece) { write_stdout(piece); });
    std::printf("\n");
    return view_status(l.warnings());
  }
  for (uint64_t i = 0; i < l.size(); ++i) {
    ListedEntry e = l.entry(i);
    if (e.change == Change::kDeleted) {
      std::printf("D %-10s %9s %-9s %9s  /%s\n", "", "", "", "", escape_text(e.path).c_str());
      continue;
    }
    std::string own = std::to_string(e.uid) + "/" + std::to_string(e.gid);
    std::string line = std::string(1, o.merged ? ' ' : change_mark(e.change));
    if (o.merged) line = "L" + std::to_string(e.layer);
    std::printf("%-3s %s %-9s %9s  /%s", line.c_str(), mode_string(e.type, e.mode).c_str(), own.c_str(),
                e.type == EntryType::kFile ? human_size(e.size).c_str() : "-", escape_text(e.path).c_str());
    if (e.type == EntryType::kSymlink) std::printf(" -> %s", escape_text(e.link).c_str());
    if (e.type == EntryType::kHardlink) std::printf(" link to /%s", escape_text(e.link).c_str());
    std::printf("\n");
  }
  print_warnings(l.warnings());
  return view_status(l.warnings());
}

}  // namespace

const Command& ls_command() {
  static const Command c{
      "ls", "ARCHIVE [IMAGE] [PATH] [--layer N | --merged | --layer N --merged] [--platform P] [--json]",
      "the merged filesystem of the top layer; --layer N: what layer N added (A), modified (M), deleted (D)", 1,
      {{{"--layer"}, "N", "layer N's changes (with --merged: the filesystem as of layer N)"},
       {{"--merged"}, nullptr, "the merged filesystem (the default without --layer)"},
       {{"--platform"}, "OS[/ARCH[/VARIANT]]", "pick the image of that platform"},
       {{"--json"}, nullptr, "print the versioned ls document (docs/json-schema.md)"}},
      run};
  return c;
}

}  // namespace lscli
