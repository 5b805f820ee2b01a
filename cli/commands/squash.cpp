// layerscope squash ARCHIVE [IMAGE] -o OUT [--format docker|oci]: the image as
// one layer of its merged filesystem; config kept (new rootfs, a history step
// noting the squash), tags kept.
#include "command.h"
#include "image_args.h"
#include "layerscope/export.h"
#include "output.h"
#include "output_file.h"

namespace lscli {
namespace {

int run(const Context& ctx, const Args& a) {
  if (a.pos.size() > 1) return usage_error("squash takes ARCHIVE [IMAGE]", a.command);
  std::unique_ptr<ByteSink> sink;  // unfinished until the end: any failure leaves nothing
  if (int rc = open_output(a, &sink); rc != kContinue) return rc;
  auto opened = ctx.open(a.archives[0]);
  if (!opened.ok()) return fail(opened.error());
  Session& s = *opened.value();
  SquashOptions o;
  if (int rc = format_option(a, s.archive().layout == Layout::kOciArchive, &o.format); rc != kContinue) return rc;
  if (int rc = pick_image(a, s, a.pos.empty() ? "" : a.pos[0], &o.image); rc != kContinue) return rc;
  Status st = s.squash(o, *sink, ctx.progress_fn());  // before the sink is handed over
  return finish_output(std::move(st), std::move(sink));
}

}  // namespace

const Command& squash_command() {
  static const Command c{
      "squash", "ARCHIVE [IMAGE] -o OUT [--format docker|oci]",
      "the image as one layer of its merged filesystem (config and tags kept)", 1,
      {{{"-o", "--output"}, "OUT", "the archive to write (- for standard output, never a terminal)"},
       {{"--format"}, "docker|oci", "output layout (default: oci for an oci-archive, else docker)"},
       {{"--platform"}, "OS[/ARCH[/VARIANT]]", "pick the image of that platform"}},
      run};
  return c;
}

}  // namespace lscli
