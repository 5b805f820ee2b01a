// layerscope verify ARCHIVE [--json] [-q]: every digest the archive claims
// (layer blobs, diff_ids, sizes, configs, manifests), one line or JSON row per
// blob: ok, mismatch (expected, actual) or missing. Exit 0 only when all check out.
#include <cstdio>

#include "command.h"
#include "layerscope/export.h"
#include "layerscope/text.h"
#include "output.h"

namespace lscli {
namespace {

void print_row(const VerifyRow& r) {
  std::string id = r.digest.empty() ? (r.member.empty() ? r.where : r.member) : r.digest;
  std::printf("%-8s %-8s %s", verify_state_name(r.state), r.kind.c_str(), escape_text(id).c_str());
  if (!r.member.empty() && r.member != id) std::printf("  (%s)", escape_text(r.member).c_str());
  std::printf("\n");
  for (const std::string& p : r.problems) std::printf("           %s\n", escape_text(p).c_str());
}

int run(const Context& ctx, const Args& a) {
  if (!a.pos.empty()) return usage_error("verify takes only ARCHIVE", a.command);
  auto opened = ctx.open(a.archives[0]);
  if (!opened.ok()) return fail(opened.error());
  auto rep = opened.value()->verify_report(ctx.progress_fn());
  if (ctx.progress) std::fprintf(stderr, "\r%40s\r", "");
  if (!rep.ok()) return fail(rep.error());
  const VerifyReport& r = rep.value();
  if (a.has("--json")) {
    print_document(verify_report_json(r));
  } else if (!a.has("--quiet")) {
    for (const VerifyRow& row : r.rows) print_row(row);
  }
  return r.ok() ? 0 : 1;
}

}  // namespace

const Command& verify_command() {
  static const Command c{
      "verify", "ARCHIVE [--json] [-q]",
      "check every digest, diff_id and size the archive claims; exit 1 when one does not check out", 1,
      {{{"--json"}, nullptr, "the verify document (schema_version, ok, rows)"},
       {{"-q", "--quiet"}, nullptr, "print nothing; the exit status says"}},
      run};
  return c;
}

}  // namespace lscli
