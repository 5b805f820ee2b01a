// layerscope save ARCHIVE [IMAGE…] -o OUT [--format docker|oci] [--compress none|gzip|zstd]:
// the chosen images (default all) as a docker-archive (`docker load`) or an
// oci-archive; shared layers once, tags kept, the same bytes for the same input.
#include <algorithm>

#include "command.h"
#include "image_args.h"
#include "layerscope/export.h"
#include "output.h"
#include "output_file.h"

namespace lscli {
namespace {

int parse_format(const Args& a, SaveOptions* o) {
  if (int rc = format_option(a, false, &o->format); rc != kContinue) return rc;
  return compress_option(a, &o->recompress, &o->compression);
}

int run(const Context& ctx, const Args& a) {
  SaveOptions o;
  o.scratch = output_scratch(a);
  o.run = parallel_runner();
  if (int rc = parse_format(a, &o); rc != kContinue) return rc;
  std::unique_ptr<ByteSink> sink;  // unfinished until the end: any failure leaves nothing
  if (int rc = open_output(a, &sink); rc != kContinue) return rc;
  auto opened = ctx.open(a.archives[0]);
  if (!opened.ok()) return fail(opened.error());
  Session& s = *opened.value();
  if (a.pos.empty() && a.has("--platform")) {
    auto r = s.images_for_platform(a.value("--platform"));
    if (!r.ok()) return fail(r.error());
    if (r.value().empty()) return fail(make_error(Code::kNotFound, "no image of platform " + a.value("--platform")));
    o.images = r.value();
  }
  for (const std::string& ref : a.pos) {
    int im = 0;
    if (int rc = pick_image(a, s, ref, &im); rc != kContinue) return rc;
    if (std::find(o.images.begin(), o.images.end(), im) == o.images.end()) o.images.push_back(im);
  }
  Status st = s.save(o, *sink, ctx.progress_fn());  // before the sink is handed over
  return finish_output(std::move(st), std::move(sink));
}

}  // namespace

const Command& save_command() {
  static const Command c{
      "save", "ARCHIVE [IMAGE...] -o OUT [--format docker|oci] [--compress none|gzip|zstd]",
      "write the chosen images (default all) as a docker-archive or an oci-archive", 1,
      {{{"-o", "--output"}, "OUT", "the archive to write (- for standard output, never a terminal)"},
       {{"--format"}, "docker|oci", "docker-archive (default; docker load) or oci-archive"},
       {{"--compress"}, "none|gzip|zstd", "recompress the layers (default: copied as stored)"},
       {{"--platform"}, "OS[/ARCH[/VARIANT]]", "pick the images of that platform"}},
      run};
  return c;
}

}  // namespace lscli
