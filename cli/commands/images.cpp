// layerscope images ARCHIVE [-a] [-q] [-s] [--no-trunc] [-f FILTER]... [--platform P] [--json]:
// docker's `images` table (one row per tag), its IDs (-q), or the images document.
// Only the documents and each layer's first bytes are read: a compressed layer's
// uncompressed size is unknown until it is decoded, which -s/--size asks for.
#include <algorithm>
#include <cstdio>

#include "command.h"
#include "layerscope/text.h"
#include "output.h"

namespace lscli {
namespace {

// SIZE: the uncompressed size; else the stored one marked "*" (an image with
// a compressed layer not decoded); else "?" (an intermediate image, whose
// stored size is not counted, above such a layer).
std::string size_cell(const ImageSummary& img) {
  if (img.size >= 0) return human_size(img.size);
  if (img.content_size >= 0) return human_size(img.content_size) + "*";
  return "?";
}

// Which marks the SIZE column showed, for the footnotes.
struct SizeMarks {
  bool stored = false;   // "*"
  bool unknown = false;  // "?"
};

SizeMarks print_table(const Session& s, const std::vector<ImageSummary>& rows, bool no_trunc) {
  const Archive& ar = s.archive();
  // A PLATFORM column when the archive holds more than one platform (a multi-platform
  // index lists the same tag once per platform).
  bool platforms = false;
  for (size_t i = 1; i < ar.images.size(); ++i)
    platforms = platforms || ar.images[i].platform.to_string() != ar.images[0].platform.to_string();
  std::printf(platforms ? "%-40s %-16s %-20s %-20s %-10s PLATFORM\n" : "%-40s %-16s %-20s %-20s %s\n", "REPOSITORY",
              "TAG", "IMAGE ID", "CREATED", "SIZE");
  SizeMarks marks;
  for (const ImageSummary& img : rows) {
    std::string id = short_id(img.id, no_trunc);
    if (img.size < 0) (img.content_size >= 0 ? marks.stored : marks.unknown) = true;
    std::vector<std::string> tags = img.tags;
    if (tags.empty()) tags.push_back("<none>:<none>");
    for (auto& t : tags) {
      std::string repo, tag;
      if (t == "<none>:<none>") { repo = "<none>"; tag = "<none>"; }
      else split_tag(t, &repo, &tag);
      std::printf(platforms ? "%-40s %-16s %-20s %-20s %-10s " : "%-40s %-16s %-20s %-20s %s", escape_text(repo).c_str(),
                  escape_text(tag).c_str(), id.c_str(), ago(img.created).c_str(), size_cell(img).c_str());
      std::printf("%s\n", platforms ? escape_text(img.platform.to_string()).c_str() : "");
    }
  }
  return marks;
}

int run(const Context& ctx, const Args& a) {
  if (!a.pos.empty()) return usage_error("images takes only ARCHIVE and options", a.command);
  ImagesQuery q;
  auto filters = parse_image_filters(a.values("--filter"));
  if (!filters.ok()) return usage_error(filters.error().message, a.command);
  q.filters = std::move(filters).value();
  q.platform = a.value("--platform");
  q.all = a.has("--all");
  // No layer is decoded unless --size asks: a compressed layer's uncompressed
  // size is all that would need it (-q prints only IDs and never does).
  const bool decode = a.has("--size") && !(a.has("--quiet") && !a.has("--json"));
  auto opened = decode ? ctx.open_summary(a.archives[0]) : ctx.open_headers(a.archives[0]);
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
    const SizeMarks marks = print_table(s, rows.value(), no_trunc);
    if (marks.stored)
      std::fprintf(stderr, decode ? "*: stored size: a layer could not be decoded for its size (see the warnings)\n"
                                  : "*: stored size (compressed layers); their uncompressed size needs them decoded: "
                                    "images --size\n");
    if (marks.unknown)
      std::fprintf(stderr, decode ? "?: size unknown: a layer at or below this intermediate image could not be decoded "
                                    "(see the warnings)\n"
                                  : "?: size unknown: a layer at or below this intermediate image is compressed; "
                                    "images --size decodes it\n");
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
      "images", "ARCHIVE [-a] [-q] [-s] [--no-trunc] [-f FILTER]... [--platform P] [--json]",
      "the images of the archive, one row per tag, as docker images shows them", 1,
      {{{"-a", "--all"}, nullptr, "also the intermediate images a legacy docker save records (<layer-id>/json)"},
       {{"-q", "--quiet"}, nullptr, "only the image IDs, once each"},
       {{"-s", "--size"}, nullptr,
        "decode compressed layers for the uncompressed SIZE (without it their size is the stored one, marked *, "
        "an -a intermediate's is ?; in --json, size is null)"},
       {{"--no-trunc"}, nullptr, "whole image IDs"},
       {{"-f", "--filter"}, "FILTER",
        "dangling=true|false, label=KEY[=VALUE], before=IMAGE, since=IMAGE (repeatable: all must hold)"},
       {{"--platform"}, "OS[/ARCH[/VARIANT]]", "keep that platform's images"},
       {{"--json"}, nullptr, "print the versioned images document (docs/json-schema.md)"}},
      run};
  return c;
}

}  // namespace lscli
