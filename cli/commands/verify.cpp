// layerscope verify ARCHIVE [--json] [-q]: every digest the archive claims
// (layer blobs, diff_ids, sizes, configs, manifests), one line or JSON row per
// blob: ok, mismatch (expected, actual) or missing. Exit 0 only when all check out.
#include <cstdio>
#include <optional>
#include <thread>

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

// Every blob hashed, every layer indexed (a layer whose tar does not read fails
// its row). When every blob is stored uncompressed (a docker save), those are
// two independent reads of the file: one session hashes the blobs from their
// byte ranges while another indexes on a second thread, and the index's session
// takes the digests (Session::verify with stored digests). 1.5 GB bench set:
// 1.73-1.80 -> 1.17-1.18 s (openssl dgst 1.18-1.19 s); 0.4 GB set 0.41-0.45 ->
// 0.32 s (openssl 0.33 s). A compressed layer is decoded to be indexed and to
// be hashed, so such archives stay one session: the headers-only one, indexed
// in place (an archive compressed as a whole was indexed by its one-pass open).
Result<VerifyReport> verify_archive(const Context& ctx, const std::string& archive) {
  LS_ASSIGN_OR_RETURN(auto hashing, ctx.open_headers(archive));
  const Archive& ha = hashing->archive();
  size_t present = 0;
  for (const Blob& b : ha.blobs) present += b.present ? 1 : 0;
  if (present == 0 || hashing->plain_blobs().size() != present) {
    LS_RETURN_IF_ERROR(hashing->index_layers(-1, -1, ctx.progress_fn()));
    return hashing->verify_report(ctx.progress_fn());
  }
  Context quiet = ctx;
  quiet.progress = false;  // one progress line: the hashing's
  std::optional<Result<std::unique_ptr<Session>>> indexed;
  std::thread indexer([&] { indexed.emplace(quiet.open(archive)); });
  Status hashed = hashing->verify(ctx.progress_fn());
  indexer.join();
  if (!indexed->ok()) return indexed->take_error();
  if (!hashed.ok()) return hashed.take_error();
  Session& s = *indexed->value();
  const Archive& ia = s.archive();
  if (ia.blobs.size() != ha.blobs.size()) return make_error(Code::kInternal, "the two opens disagree on the blobs", archive);
  std::vector<Session::StoredDigest> digests;
  for (size_t bi = 0; bi < ha.blobs.size(); ++bi) {
    if (ia.blobs[bi].member != ha.blobs[bi].member)
      return make_error(Code::kInternal, "the two opens disagree on blob #" + std::to_string(bi), archive);
    if (!ha.blobs[bi].computed_digest.empty()) digests.push_back({static_cast<int>(bi), ha.blobs[bi].computed_digest});
  }
  // a blob the hashing could not read is read again here, and fails alike
  LS_RETURN_IF_ERROR(s.verify({}, digests));
  return s.verify_report({});
}

int run(const Context& ctx, const Args& a) {
  if (!a.pos.empty()) return usage_error("verify takes only ARCHIVE", a.command);
  auto rep = verify_archive(ctx, a.archives[0]);
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
