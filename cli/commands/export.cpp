// layerscope export ARCHIVE [IMAGE] [--layer N] [PATH] -o OUT.tar: the merged
// filesystem (or layer N's own tar, or the subtree at PATH of either) as a
// plain tar; hard links, symlinks, modes, owners and times kept.
#include "command.h"
#include "image_args.h"
#include "layerscope/export.h"
#include "output.h"
#include "output_file.h"

namespace lscli {
namespace {

int run(const Context& ctx, const Args& a) {
  ExportOptions o;
  if (int rc = layer_option(a, &o.layer); rc != kContinue) return rc;
  std::unique_ptr<ByteSink> sink;  // unfinished until the end: any failure leaves nothing
  if (int rc = open_output(a, &sink); rc != kContinue) return rc;
  ImagePath ip;
  if (int rc = open_image_path(ctx, a, false, &ip, o.layer); rc != kContinue) return rc;
  o.image = ip.image;
  o.path = ip.path;
  Status st = ip.session->export_tar(o, *sink, ctx.progress_fn());  // before the sink is handed over
  return finish_output(std::move(st), std::move(sink));
}

}  // namespace

const Command& export_command() {
  static const Command c{
      "export", "ARCHIVE [IMAGE] [--layer N] [PATH] -o OUT.tar",
      "the merged filesystem (or layer N's own tar, or a subtree) as a plain tar", 1,
      {{{"-o", "--output"}, "OUT.tar", "the tar to write (- for standard output, never a terminal)"},
       {{"--layer"}, "N", "layer N's own tar (its entries and whiteout markers) instead of the merged tree"},
       {{"--platform"}, "OS[/ARCH[/VARIANT]]", "pick the image of that platform"}},
      run};
  return c;
}

}  // namespace lscli
