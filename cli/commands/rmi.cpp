// layerscope rmi ARCHIVE IMAGE... -o OUT [--no-prune]: the archive without those
// images. As `docker rmi`: a tag of an image that has other tags only removes
// that tag; an image ID (or its last tag) removes the image; layers other
// images use stay. An image removed takes its untagged parents with it (the
// config's "parent", written by docker's classic builder; such a parent is in
// an archive when it was saved by ID) unless another image kept still builds on
// them — docker's pruning; --no-prune keeps them.
#include <algorithm>

#include "command.h"
#include "image_args.h"
#include "layerscope/export.h"
#include "output.h"
#include "output_file.h"

namespace lscli {
namespace {

// The tag `ref` names among `tags` ("" when it names none).
std::string tag_named(const std::vector<std::string>& tags, const std::string& ref) {
  for (const std::string& t : tags)
    if (t == ref || t == ref + ":latest") return t;
  return {};
}

// Removes, up each removed image's parent chain, every untagged parent that no
// image kept builds on (docker rmi without --no-prune).
void prune_parents(const std::vector<Image>& images, const std::vector<std::vector<std::string>>& tags,
                   std::vector<bool>* removed) {
  auto by_id = [&](const std::string& id) -> int {
    if (id.empty()) return -1;
    for (size_t i = 0; i < images.size(); ++i)
      if (images[i].config_digest == id) return static_cast<int>(i);
    return -1;
  };
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t i = 0; i < images.size(); ++i) {
      if (!(*removed)[i]) continue;
      int p = by_id(images[i].parent);
      if (p < 0 || (*removed)[p] || !tags[p].empty()) continue;
      bool child_kept = false;
      for (size_t k = 0; k < images.size(); ++k)
        if (!(*removed)[k] && static_cast<int>(k) != p && images[k].parent == images[p].config_digest) child_kept = true;
      if (child_kept) continue;
      (*removed)[p] = true;
      changed = true;
    }
  }
}

int run(const Context& ctx, const Args& a) {
  if (a.pos.empty()) return usage_error("rmi needs at least one IMAGE", a.command);
  std::unique_ptr<ByteSink> sink;  // unfinished until the end: any failure leaves nothing
  if (int rc = open_output(a, &sink); rc != kContinue) return rc;
  auto opened = ctx.open(a.archives[0]);
  if (!opened.ok()) return fail(opened.error());
  Session& s = *opened.value();
  const auto& images = s.archive().images;
  std::vector<bool> removed(images.size(), false);
  std::vector<std::vector<std::string>> tags;
  for (const Image& img : images) tags.push_back(img.tags);
  SaveOptions o;
  o.scratch = output_scratch(a);
  o.run = parallel_runner();
  if (int rc = format_option(a, s.archive().layout == Layout::kOciArchive, &o.format); rc != kContinue) return rc;
  for (const std::string& ref : a.pos) {
    int im = 0;
    if (int rc = pick_image(a, s, ref, &im); rc != kContinue) return rc;
    std::string t = tag_named(tags[im], ref);
    if (!t.empty() && tags[im].size() > 1) {
      tags[im].erase(std::find(tags[im].begin(), tags[im].end(), t));
      o.drop_tags.push_back(t);
    } else {
      removed[im] = true;
    }
  }
  if (!a.has("--no-prune")) prune_parents(images, tags, &removed);
  for (size_t i = 0; i < images.size(); ++i)
    if (!removed[i]) o.images.push_back(static_cast<int>(i));
  if (o.images.empty()) return fail(make_error(Code::kInvalidArgument, "rmi would remove every image of the archive"));
  Status st = s.save(o, *sink, ctx.progress_fn());  // before the sink is handed over
  return finish_output(std::move(st), std::move(sink));
}

}  // namespace

const Command& rmi_command() {
  static const Command c{
      "rmi", "ARCHIVE IMAGE... -o OUT [--no-prune] [--format docker|oci]",
      "the archive without those images (a tag of several: only the tag); shared layers stay", 1,
      {{{"-o", "--output"}, "OUT", "the archive to write (- for standard output, never a terminal)"},
       {{"--no-prune"}, nullptr, "keep the untagged parents of removed images (docker's flag)"},
       {{"--format"}, "docker|oci", "output layout (default: oci for an oci-archive, else docker)"},
       {{"--platform"}, "OS[/ARCH[/VARIANT]]", "pick the images of that platform"}},
      run};
  return c;
}

}  // namespace lscli
