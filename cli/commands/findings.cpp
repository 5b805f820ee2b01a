// layerscope findings ARCHIVE [IMAGE] [--content] [--json]: deleted-but-shipped
// files, secrets (by name, in history, Env and labels; in file contents with
// --content), setuid/setgid and world-writable entries. Secret values are
// masked. Exit 0 when the scan ran, whatever it found (`ci --fail-on` gates).
#include <cstdio>

#include "findings_text.h"
#include "output.h"

namespace lscli {
namespace {

int run(const Context& ctx, const Args& a) {
  ImagePath ip;
  if (int rc = open_image_operand(ctx, a, &ip); rc != kContinue) return rc;
  FindingsOptions opt;
  opt.content = a.has("--content");
  opt.progress = ctx.progress_fn();
  opt.limits = ctx.limits;
  if (a.has("--json")) {
    auto j = findings_json(*ip.session, ip.image, opt);
    if (!j.ok()) return fail(j.error());
    print_document(j.value());
    return 0;
  }
  auto r = image_findings(*ip.session, ip.image, opt);
  if (!r.ok()) return fail(r.error());
  print_findings(r.value());
  return 0;
}

}  // namespace

const Command& findings_command() {
  static const Command c{
      "findings", "ARCHIVE [IMAGE] [--content] [--platform P] [--json]",
      "secrets, deleted-but-shipped files, setuid/setgid and world-writable entries (values masked)", 1,
      {{{"--content"}, nullptr, "also read every file's bytes for private keys, tokens and passwords"},
       {{"--platform"}, "OS[/ARCH[/VARIANT]]", "pick the image of that platform"},
       {{"--json"}, nullptr, "print the versioned findings document (docs/schema/findings.schema.json)"}},
      run};
  return c;
}

}  // namespace lscli
