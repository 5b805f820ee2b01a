// layerscope images ARCHIVE [-a] [-q] [--no-trunc] [-f FILTER]... [--platform P] [--json]:
// docker's `images` table (one row per tag), its IDs (-q), or the images document.
#include <algorithm>
#include <cstdio>

#include "command.h"
#include "layerscope/text.h"
#include "output.h"

namespace lscli {
namespace {

void print_table(const Session& s, const std::vector<ImageSummary>& rows, bool no_trunc) {
  const Archive& ar = s.archive();
  // A PLATFORM column when the archive holds more than one platform (a multi-platform
  // index lists the same tag once per platform).
  bool platforms = false;
  for (size_t i = 1; i < ar.images.size(); ++i)
    platforms = platforms || ar.images[i].platform.to_string() != ar.images[0].platform.to_string();
  std::printf(platforms ? "%-40s %-16s %-20s %-20s %-10s PLATFORM\n" : "%-40s %-16s %-20s %-20s %s\n", "REPOSITORY",
              "TAG", "IMAGE ID", "CREATED", "SIZE");
  for (const ImageSummary& img : rows) {
    std::string id = short_id(img.id, no_trunc);
    std::vector<std::string> tags = img.tags;
    if (tags.empty()) tags.push_back("<none>:<none>");
    for (auto& t : tags) {
      std::string repo, tag;
      if (t == "<none>:<none>") { repo = "<none>"; tag = "<none>"; }
      else split_tag(t, &repo, &tag);
      std::printf(platforms ? "%-40s %-16s %-20s %-20s %-10s " : "%-40s %-16s %-20s %-20s %s", escape_text(repo).c_str(),
                  escape_text(tag).c_str(), id.c_str(), ago(img.created).c_str(), human_size(img.size).c_str());
      std::printf("%s\n", platforms ? escape_text(img.platform.to_string()).c_str() : "");
    }
  }
}

int run(const Context& ctx, const Args& a) {
  if (!a.pos.empty()) return usage_error("images takes only ARCHIVE and options", a.command);
  ImagesQuery q;
  auto filters = parse_image_filters(a.values("--filter"));
  if (!filters.ok()) return usage_error(filters.error().message, a.command);
  q.filters = std::move(filters).value();
  q.platform = a.value("--platform");
  q.all = a.has("--all");
  // -q prints only IDs: no layer is read (sizes need compressed layers decoded).
  const bool ids_only = a.has("--quiet") && !a.has("--json");
  auto opened = ids_only ? ctx.open_headers(a.archives[0]) : ctx.open_summary(a.archives[0]);
  if (!opened.ok()) return fail(opened.error());
  const Session& s = *opened.value();
  if (a.has("--json")) {
    auto doc = s.images_json(q);
    if (!doc.ok()) return fail(doc.error());
    print_document(doc.value());
    return 0;
  }
  auto rows = s.images(q);
  if (!rows.ok()) return fail(rows.error());
  bool no_trunc = a.has("--no-trunc");
  print_warnings(s.images_warnings(rows.value()));
  if (!a.has("--quiet")) {
    print_table(s, rows.value(), no_trunc);
    return 0;
  }
  std::vector<std::string> seen;
  for (const ImageSummary& img : rows.value()) {
    std::string id = short_id(img.id, no_trunc);
    if (std::find(seen.begin(), seen.end(), id) == seen.end()) {
      std::printf("%s\n", id.c_str());
      seen.push_back(id);
    }
  }
  return 0;
}

}  // namespace

const Command& images_command() {
  static const Command c{
      "images", "ARCHIVE [-a] [-q] [--no-trunc] [-f FILTER]... [--platform P] [--json]",
      "the images of the archive, one row per tag, as docker images shows them", 1,
      {{{"-a", "--all"}, nullptr, "also the intermediate images a legacy docker save records (<layer-id>/json)"},
       {{"-q", "--quiet"}, nullptr, "only the image IDs, once each"},
       {{"--no-trunc"}, nullptr, "whole image IDs"},
       {{"-f", "--filter"}, "FILTER",
        "dangling=true|false, label=KEY[=VALUE], before=IMAGE, since=IMAGE (repeatable: all must hold)"},
       {{"--platform"}, "OS[/ARCH[/VARIANT]]", "keep that platform's images"},
       {{"--json"}, nullptr, "print the versioned images document (docs/json-schema.md)"}},
      run};
  return c;
}

}  // namespace lscli
