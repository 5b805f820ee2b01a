// layerscope strip ARCHIVE [IMAGE] PATH... -o OUT [--format docker|oci] [--compress none|gzip|zstd]:
// the image without those paths: the layers holding them rewritten (the bytes
// gone, not whiteouts on top), digests, config, manifests and image ID anew.
#include <cstdio>

#include "command.h"
#include "image_args.h"
#include "layerscope/export.h"
#include "output.h"
#include "output_file.h"

namespace lscli {
namespace {

// [IMAGE] PATH...: the first operand is the image when more follow and it names one.
int image_and_paths(const Args& a, const Session& s, StripOptions* o) {
  if (a.pos.empty()) return usage_error("strip needs at least one PATH", a.command);
  size_t first = a.pos.size() >= 2 && s.resolve_image(a.pos[0], a.value("--platform")).ok() ? 1 : 0;
  o->paths.assign(a.pos.begin() + static_cast<std::ptrdiff_t>(first), a.pos.end());
  return pick_image(a, s, first ? a.pos[0] : "", &o->image);
}

void print_written(const Args& a, const WriteSummary& w) {
  std::string layers;
  for (int i : w.rewritten) layers += (layers.empty() ? "" : ", ") + std::to_string(i);
  std::fprintf(stderr, "layerscope: wrote %s: image %s, %d layers, rewritten: %s\n", a.value("--output").c_str(),
               w.image_id.c_str(), w.layers, layers.c_str());
}

int run(const Context& ctx, const Args& a) {
  StripOptions o;
  o.scratch = output_scratch(a);
  o.run = parallel_runner();
  if (int rc = compress_option(a, &o.recompress, &o.compression); rc != kContinue) return rc;
  std::unique_ptr<ByteSink> sink;  // unfinished until the end: any failure leaves nothing
  if (int rc = open_output(a, &sink); rc != kContinue) return rc;
  auto opened = ctx.open(a.archives[0]);
  if (!opened.ok()) return fail(opened.error());
  Session& s = *opened.value();
  if (int rc = format_option(a, s.archive().layout == Layout::kOciArchive, &o.format); rc != kContinue) return rc;
  if (int rc = image_and_paths(a, s, &o); rc != kContinue) return rc;
  auto written = s.strip(o, *sink, ctx.progress_fn());  // before the sink is handed over
  int rc = finish_output(written.status(), std::move(sink));
  if (rc == 0) print_written(a, written.value());
  return rc;
}

}  // namespace

const Command& strip_command() {
  static const Command c{
      "strip", "ARCHIVE [IMAGE] PATH... -o OUT [--format docker|oci] [--compress none|gzip|zstd]",
      "the image without those paths (and everything below them): each layer holding one is rewritten\n"
      "without its entries (the bytes gone, no whiteout on top); diff_ids, digests, config (a history\n"
      "step per rewritten layer), manifests and image ID recomputed. Only the chosen image is written,\n"
      "even when the archive holds others. A PATH no layer holds is an error (exit 1, no output).",
      1,
      {{{"-o", "--output"}, "OUT", "the archive to write (- for standard output, never a terminal)"},
       {{"--format"}, "docker|oci", "output layout (default: oci for an oci-archive, else docker)"},
       {{"--compress"}, "none|gzip|zstd",
        "compress every layer so (default: untouched layers as stored, rewritten ones as their source)"},
       {{"--platform"}, "OS[/ARCH[/VARIANT]]", "pick the image of that platform"}},
      run};
  return c;
}

}  // namespace lscli
