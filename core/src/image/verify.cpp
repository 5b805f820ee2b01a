#include "image/verify.h"

#include <algorithm>
#include <memory>

#include "archive/tar_reader.h"
#include "digest/verify.h"
#include "image/load_context.h"
#include "base/sha256.h"

namespace layerscope {
namespace {

// Compressed outer archive: one more streaming pass hashes every layer member.
Status verify_streamed(Loaded& L, const ProgressFn& progress) {
  const uint64_t total = L.src->size();
  std::unordered_map<std::string, size_t> want;
  for (size_t bi = 0; bi < L.archive.blobs.size(); ++bi) {
    const Blob& b = L.archive.blobs[bi];
    if (b.present && b.computed_digest.empty()) want[b.member] = bi;
  }
  if (want.empty()) return Status::Ok();
  LS_ASSIGN_OR_RETURN(auto outer, TarReader::open(L.src, L.src->name()));
  TarHeader h;
  std::string norm;
  while (!want.empty()) {
    LS_ASSIGN_OR_RETURN(bool more, outer->next(&h));
    if (!more) break;
    if (!normalize_path(h.path, &norm)) continue;
    auto it = want.find(norm);
    if (it == want.end()) continue;
    const size_t bi = it->second;
    Blob& b = L.archive.blobs[bi];
    want.erase(it);
    TarReader* o = outer.get();
    std::string name = norm;
    auto lo = hashing_options(L.options.limits, [o, &progress, total, name](uint64_t) {
      return emit_progress(progress, "verify", o->raw_position(), total, name);
    });
    auto ls = LayerStream::open_stream({}, o->member_pull(), lo, norm);
    Status st = ls.ok() ? drain_and_hash(*ls.value()) : Status(ls.error());
    if (!st.ok()) {
      if (st.error().code == Code::kCancelled) return st.take_error();
      L.archive.warnings.push_back(Warning{"verify-failed", st.error().to_string(), b.member, static_cast<int>(bi)});
      continue;
    }
    b.computed_digest = ls.value()->stored_digest();
    b.computed_diff_id = ls.value()->diff_id();
  }
  return Status::Ok();
}

// A plain blob's stored bytes are its layer: one SHA-256 over its range of the
// file gives its digest and diff_id. No decoder and no tar parser in the way
// (indexing reads the tar inside and reports what is wrong with it). The CLI's
// verify of the 0.4 GB bench archive: 0.62 -> 0.44 s (openssl dgst 0.33 s);
// libarchive's tar reader had cost ~10 % of it (a wide-char path per entry).
Status hash_plain(Loaded& L, const PlainRange& r, const ProgressFn& progress) {
  const size_t slice = static_cast<size_t>(std::min<uint64_t>(1 << 20, r.size));
  std::unique_ptr<uint8_t[]> buf(new uint8_t[slice]);
  Blob& b = L.archive.blobs[r.blob];
  const uint64_t total = L.src->size();
  Sha256 sha;
  for (uint64_t done = 0; done < r.size;) {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(slice, r.size - done));
    Status rd = read_exact(*L.src, r.offset + done, buf.get(), n);
    if (!rd.ok()) return in_member(rd.take_error(), b.member);
    sha.update(buf.get(), n);
    done += n;
    if (!emit_progress(progress, "verify", r.offset + done, total, b.member))
      return make_error(Code::kCancelled, "cancelled", b.member);
  }
  b.computed_digest = sha.finish_digest();
  b.computed_diff_id = b.computed_digest;
  b.uncompressed_size = static_cast<int64_t>(b.stored_size);
  return Status::Ok();
}

}  // namespace

std::vector<PlainRange> plain_ranges(const Loaded& L) {
  std::vector<PlainRange> out;
  for (size_t bi = 0; bi < L.archive.blobs.size(); ++bi) {
    const Blob& b = L.archive.blobs[bi];
    if (!b.present || b.compression != Compression::kNone || !b.computed_digest.empty()) continue;
    // what member_source would read; a blob it refuses is the core's to report
    auto m = L.member_data(b.member);
    if (m.ok()) out.push_back(PlainRange{static_cast<int>(bi), m.value()->data_offset, m.value()->size});
  }
  return out;
}

Status verify_blobs(Loaded& L, const ProgressFn& progress, const std::vector<SuppliedDigest>& supplied) {
  const uint64_t total = L.src->size();
  for (size_t i = 0; i < supplied.size(); ++i) {
    const SuppliedDigest& d = supplied[i];
    const std::string where = "digests[" + std::to_string(i) + "]";
    if (d.blob < 0 || static_cast<size_t>(d.blob) >= L.archive.blobs.size())
      return make_error(Code::kInvalidArgument, "no blob #" + std::to_string(d.blob), where);
    if (!is_sha256_digest(d.digest))
      return make_error(Code::kInvalidArgument, "\"" + d.digest.substr(0, 80) + "\" is not sha256:<64 hex digits>", where);
  }
  // Verifying again replaces the previous verdicts instead of repeating them.
  clear_verify_warnings(L.archive);
  if (!supplied.empty()) {
    // Only blobs whose stored bytes are their layer: their digest is their diff_id.
    std::vector<char> plain(L.archive.blobs.size(), 0);
    for (const PlainRange& r : plain_ranges(L)) plain[r.blob] = 1;
    for (const SuppliedDigest& d : supplied) {
      if (!plain[d.blob]) continue;
      Blob& b = L.archive.blobs[d.blob];
      b.computed_digest = d.digest;
      b.computed_diff_id = d.digest;
      b.uncompressed_size = static_cast<int64_t>(b.stored_size);
    }
  }
  if (!L.random_access) LS_RETURN_IF_ERROR(verify_streamed(L, progress));
  std::vector<char> tried(L.archive.blobs.size(), 0);
  if (L.random_access) {
    for (const PlainRange& r : plain_ranges(L)) {
      tried[r.blob] = 1;
      Status st = hash_plain(L, r, progress);
      if (st.ok()) continue;
      if (st.error().code == Code::kCancelled) return st;
      L.archive.warnings.push_back(Warning{"verify-failed", st.error().to_string(), L.archive.blobs[r.blob].member, r.blob});
    }
  }
  for (size_t bi = 0; bi < L.archive.blobs.size(); ++bi) {
    Blob& b = L.archive.blobs[bi];
    if (!b.present) continue;
    if (b.computed_digest.empty() && L.random_access && !tried[bi]) {
      auto ws = L.member_source(b.member);
      if (!ws.ok()) continue;
      uint64_t base = L.members[L.by_path[b.member]].data_offset;
      std::string name = b.member;
      auto lo = hashing_options(L.options.limits, [&progress, base, total, name](uint64_t done) {
        return emit_progress(progress, "verify", base + done, total, name);
      });
      auto r = LayerStream::open(ws.value(), lo, b.member);
      if (!r.ok()) {
        if (r.error().code == Code::kCancelled) return r.take_error();
        continue;
      }
      Status st = drain_and_hash(*r.value());
      if (!st.ok()) {
        if (st.error().code == Code::kCancelled) return st.take_error();
        L.archive.warnings.push_back(Warning{"verify-failed", st.error().to_string(), b.member, static_cast<int>(bi)});
        continue;
      }
      b.computed_digest = r.value()->stored_digest();
      b.computed_diff_id = r.value()->diff_id();
      b.uncompressed_size = static_cast<int64_t>(r.value()->uncompressed_size());
    }
  }
  check_layer_digests(L.archive);
  return Status::Ok();
}

}  // namespace layerscope
