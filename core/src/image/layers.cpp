#include "image/layers.h"

#include <algorithm>
#include <set>

#include "archive/layer_stream.h"
#include "archive/tar_reader.h"
#include "image/load_context.h"
#include "image/members.h"
#include "layerscope/text.h"
#include "manifest/media_types.h"
#include "tree/layer_index.h"

namespace layerscope {

Status index_layer(LayerStream& stream, PathTable& paths, LayerIndex* index, uint64_t* budget, const Limits& lim) {
  LayerIndexer indexer(paths, index, budget, lim);
  TarHeader h;
  for (;;) {
    auto r = stream.next(&h);
    if (!r.ok()) return r.take_error();
    if (!r.value()) break;
    RawEntry e;
    e.path = h.path;
    e.type = h.type;
    e.mode = h.mode;
    e.uid = h.uid;
    e.gid = h.gid;
    e.size = h.size;
    e.mtime = h.mtime;
    e.symlink = h.symlink;
    e.hardlink = h.hardlink;
    e.data_offset = h.data_offset;
    LS_RETURN_IF_ERROR(indexer.add(e));
  }
  return stream.finish();
}

void record_blob_result(Blob& b, const LayerStream& ls) {
  b.indexed = true;
  b.compression = ls.compression();
  b.uncompressed_size = static_cast<int64_t>(ls.uncompressed_size());
  if (!ls.stored_digest().empty()) b.computed_digest = ls.stored_digest();
  if (!ls.diff_id().empty()) b.computed_diff_id = ls.diff_id();
}

void report_entry_issues(LoadContext& ctx, int blob) {
  LayerIndex& idx = ctx.L.indexes[blob];
  const std::string& member = ctx.L.archive.blobs[blob].member;
  for (EntryIssue& i : idx.issues)
    ctx.warn(Warning{i.code, std::move(i.message), member + ": " + i.entry, blob});
  for (auto& [code, n] : idx.issue_overflow) ctx.count_unmade(code, n);
  // The model keeps them as warnings; the index need not hold them twice.
  idx.issues = {};
  idx.issue_overflow = {};
}

namespace {

// Indexes present blob `bi` from random access: its entries, compression and
// sizes, or its error. Only cancellation and the archive-wide entry limit fail
// (and, with `io_fatal`, a failed read of the source: a layer read later from a
// server may succeed next time), leaving the blob's index empty. Progress:
// `base` + the bytes of the blob read, of `total`.
Status index_blob(LoadContext& ctx, const Limits& lim, size_t bi, const ProgressFn& pf, uint64_t base,
                  uint64_t total, bool io_fatal = false) {
  Loaded& L = ctx.L;
  const OpenOptions& options = L.options;
  Blob& b = L.archive.blobs[bi];
  L.indexes[bi] = LayerIndex{};  // (indexing adds to it: never onto an earlier attempt's entries)
  auto ws = L.member_source(b.member);
  Status st = Status::Ok();
  std::unique_ptr<LayerStream> ls;
  if (!ws.ok()) {
    st = ws.error();
  } else {
    LayerStreamOptions lo;
    lo.hash = options.verify;
    lo.max_expansion_floor = lim.max_expansion_floor;
    lo.max_expansion_ratio = lim.max_expansion_ratio;
    lo.start_thread = options.start_thread;
    std::string name = b.member;
    lo.tick = [&pf, base, total, name](uint64_t done) {
      return emit_progress(pf, "index", base + done, total, name);
    };
    auto r = LayerStream::open(ws.value(), lo, b.member);
    if (!r.ok()) st = r.error();
    else {
      ls = std::move(r).value();
      st = index_layer(*ls, L.paths, &L.indexes[bi], &ctx.entry_budget, lim);
    }
  }
  if (!st.ok()) {
    const Code code = st.error().code;
    const bool fatal = code == Code::kCancelled || (code == Code::kLimit && ctx.entry_budget == 0) ||
                       (io_fatal && code == Code::kIo);
    if (fatal) {
      L.indexes[bi] = LayerIndex{};
      return st.take_error();
    }
    b.error = in_member(st.error(), b.member).to_string();
    b.indexed = false;  // (a summary's sizing may have read it: it has no entries now)
    L.indexes[bi] = LayerIndex{};
  } else {
    record_blob_result(b, *ls);
  }
  if (!emit_progress(pf, "index", base + b.stored_size, total, b.member))
    return make_error(Code::kCancelled, "cancelled while indexing layers", b.member);
  return Status::Ok();
}

// Progress of blob `bi` read in place during an open: where it lies in the archive.
Status index_blob_in_open(LoadContext& ctx, const Limits& lim, size_t bi) {
  const Loaded& L = ctx.L;
  const Blob& b = L.archive.blobs[bi];
  auto it = L.by_path.find(b.member);
  uint64_t base = it == L.by_path.end() ? 0 : (L.members[it->second].data_offset & ~kSparseDataOffset);
  return index_blob(ctx, lim, bi, L.options.progress, base, L.src->size());
}

// What indexing a blob leaves in the model besides its index: its warnings and counts.
void report_blob(LoadContext& ctx, size_t bi) {
  Blob& b = ctx.L.archive.blobs[bi];
  if (!b.error.empty()) ctx.warn(Warning{"layer-unreadable", b.error, b.member, static_cast<int>(bi)});
  report_entry_issues(ctx, static_cast<int>(bi));
  b.counts = ctx.L.indexes[bi].counts;
}

// The compression of blob `bi` from its first bytes, when they are those of a
// compressed stream or of a plain tar (a valid first header, or a zero block:
// an empty layer); kUnknown otherwise, or when they cannot be read.
Compression sniff_blob(const Loaded& L, const Blob& b) {
  auto ws = L.member_source(b.member);
  if (!ws.ok()) return Compression::kUnknown;
  uint8_t head[512] = {0};
  auto r = ws.value()->read_at(0, head, sizeof head);
  if (!r.ok()) return Compression::kUnknown;
  return looks_like_layer(head, r.value()) ? sniff_compression(head, r.value()) : Compression::kUnknown;
}

}  // namespace

Status index_layers(LoadContext& ctx, const Limits& lim) {
  Loaded& L = ctx.L;
  for (size_t bi = 0; bi < L.archive.blobs.size(); ++bi) {
    Blob& b = L.archive.blobs[bi];
    if (!b.present) continue;
    if (!L.random_access) {
      auto it = ctx.pre_blob.find(b.member);
      if (it == ctx.pre_blob.end()) {
        b.error = "member is not a tar stream";
        ctx.warn(Warning{"layer-unreadable", "layer member does not look like a tar archive (or compressed tar)",
                         b.member, static_cast<int>(bi)});
        continue;
      }
      Blob pre = std::move(it->second);
      b.indexed = pre.indexed;
      b.compression = pre.compression;
      b.uncompressed_size = pre.uncompressed_size;
      b.computed_digest = pre.computed_digest;
      b.computed_diff_id = pre.computed_diff_id;
      b.error = pre.error;
      L.indexes[bi] = std::move(ctx.pre_index[b.member]);
    } else {
      LS_RETURN_IF_ERROR(index_blob_in_open(ctx, lim, bi));
    }
    report_blob(ctx, bi);
  }
  return Status::Ok();
}

Status size_layers(LoadContext& ctx, const Limits& lim, LayerReading reading) {
  Loaded& L = ctx.L;
  for (size_t bi = 0; bi < L.archive.blobs.size(); ++bi) {
    Blob& b = L.archive.blobs[bi];
    if (!b.present) continue;
    Compression c = sniff_blob(L, b);
    if (c == Compression::kNone) {
      // A plain tar's uncompressed size is its stored size, as indexing would find.
      b.compression = c;
      b.uncompressed_size = static_cast<int64_t>(b.stored_size);
      continue;
    }
    if (c != Compression::kUnknown && reading == LayerReading::kHeadersOnly) {
      b.compression = c;
      continue;
    }
    // Compressed (its size needs the whole stream) or not recognised from its
    // first bytes (indexing says what is wrong with it, as a full open would).
    // The summary carries what makes its size unknown, not the oddities of the
    // entries (those belong to the views of files, which a plain layer's
    // summary never reads either); the entries themselves are not kept.
    const uint64_t budget = ctx.entry_budget;
    LS_RETURN_IF_ERROR(index_blob_in_open(ctx, lim, bi));
    L.indexes[bi].issues = {};
    L.indexes[bi].issue_overflow = {};
    report_blob(ctx, bi);
    L.indexes[bi] = LayerIndex{};
    ctx.entry_budget = budget;  // the entries are not kept: indexing them later (index_more) counts them then
  }
  return Status::Ok();
}

Status index_more(Loaded& L, const std::vector<int>& blobs, const ProgressFn& progress) {
  if (!L.random_access) return Status::Ok();  // the one pass read every layer
  std::vector<int> todo;
  uint64_t total = 0;
  for (int bi : blobs) {
    if (bi < 0 || static_cast<size_t>(bi) >= L.archive.blobs.size() || L.readable[bi]) continue;
    if (std::find(todo.begin(), todo.end(), bi) != todo.end()) continue;
    if (!L.archive.blobs[bi].present) {
      L.readable[bi] = 1;
      continue;
    }
    todo.push_back(bi);
    total += L.archive.blobs[bi].stored_size;
  }
  if (todo.empty()) return Status::Ok();
  // Refused before for holding more entries than the limits allow: the same again, unread.
  std::vector<int> key = todo;
  std::sort(key.begin(), key.end());
  if (auto it = L.refused_reads.find(key); it != L.refused_reads.end()) return it->second;
  LoadContext ctx(L);
  const Limits& lim = L.options.limits;
  const size_t warnings_before = L.archive.warnings.size();
  const auto counts_before = L.warn_counts;
  const uint64_t budget_before = L.entry_budget;
  uint64_t done = 0;
  Status failed = Status::Ok();
  for (int bi : todo) {
    const uint64_t budget = L.entry_budget;
    if (Status st = index_blob(ctx, lim, bi, progress, done, total, /*io_fatal=*/true); !st.ok()) {
      // (a cancel may come after the blob was read: it is left unread, its entries uncounted)
      L.indexes[bi] = LayerIndex{};
      L.entry_budget = budget;
      failed = std::move(st);
      break;
    }
    report_blob(ctx, bi);
    L.readable[bi] = 1;
    done += L.archive.blobs[bi].stored_size;
  }
  if (failed.ok()) {
    // As an open would refuse the archive, more layers than the stacks may hold
    // are refused here: the ones just read go back to unread, with their
    // warnings and entry counts, and asking for them again gives the same error.
    if (Status st = check_stacked_entries(L, lim); !st.ok()) {
      for (int bi : todo) {
        L.indexes[bi] = LayerIndex{};
        L.readable[bi] = 0;
      }
      L.archive.warnings.resize(warnings_before);
      L.warn_counts = counts_before;
      L.entry_budget = budget_before;
      L.refused_reads.emplace(std::move(key), st.error());
      return st;
    }
  }
  ctx.summarize_warnings();
  return failed;
}

Status check_stacked_entries(const Loaded& L, const Limits& lim) {
  const std::shared_ptr<ByteSource>& src = L.src;
  std::set<std::vector<int>> stacks;
  uint64_t stacked = 0;
  for (auto& img : L.archive.images) {
    std::vector<int> key;
    for (auto& l : img.layers) key.push_back(l.blob);
    if (!stacks.insert(key).second) continue;
    for (int b : key)
      if (b >= 0) stacked += L.indexes[b].entries.size() + L.indexes[b].whiteouts.size();
  }
  if (stacked > lim.max_stacked_entries)
    return make_error(Code::kLimit,
                      "the archive's " + std::to_string(stacks.size()) + " distinct layer stacks hold " +
                          std::to_string(stacked) + " entries in all, over the limit of " +
                          std::to_string(lim.max_stacked_entries) + " (each image's filesystem is merged on its own)",
                      src->name());
  return Status::Ok();
}

void cross_check_layers(LoadContext& ctx) {
  Loaded& L = ctx.L;
  for (auto& img : L.archive.images) {
    for (auto& l : img.layers) {
      if (l.blob < 0) continue;
      Blob& b = L.archive.blobs[l.blob];
      // Neither indexed nor sniffed (indexing always names the compression).
      if (!b.present || b.compression == Compression::kUnknown) continue;
      Compression said = compression_from_media_type(l.media_type);
      if (said != Compression::kUnknown && said != b.compression)
        ctx.warn(Warning{"media-type-mismatch",
                         "media type " + l.media_type + " says " + compression_name(said) + " but the bytes are " +
                             compression_name(b.compression),
                         b.member, l.blob});
      if (b.stored_digest.empty()) {
        if (!l.digest.empty()) b.stored_digest = l.digest;
        else if (b.compression == Compression::kNone && !l.diff_id.empty()) b.stored_digest = l.diff_id;
      }
      if (l.digest.empty()) l.digest = b.stored_digest;
      if (l.size < 0) l.size = static_cast<int64_t>(b.stored_size);
      if (l.size >= 0 && static_cast<uint64_t>(l.size) != b.stored_size)
        ctx.warn(Warning{"size-mismatch",
                         "descriptor says " + std::to_string(l.size) + " bytes, the stored blob has " +
                             std::to_string(b.stored_size),
                         b.member, l.blob});
    }
  }
}

}  // namespace layerscope
