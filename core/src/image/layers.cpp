#include "image/layers.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string_view>

#include "archive/layer_stream.h"
#include "archive/tar_reader.h"
#include "image/layer_reads.h"
#include "image/load_context.h"
#include "image/members.h"
#include "layerscope/text.h"
#include "manifest/media_types.h"
#include "tree/layer_index.h"

namespace layerscope {

Status index_layer(LayerStream& stream, PathTable& paths, LayerIndex* index, uint64_t* budget, const Limits& lim,
                   KeptFiles* keep, const std::string& member) {
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
    if (keep && h.type == EntryType::kFile && h.size >= 0 && keep->reserve(h.path, static_cast<uint64_t>(h.size))) {
      const uint64_t size = static_cast<uint64_t>(h.size);
      std::vector<uint8_t> bytes(static_cast<size_t>(size));
      size_t got = 0;
      while (got < bytes.size()) {
        auto n = stream.read(bytes.data() + got, bytes.size() - got);
        if (!n.ok() || n.value() == 0) break;  // (next() meets what stopped it, as without keeping)
        got += n.value();
      }
      if (got == bytes.size()) keep->put(member, h.data_offset, std::move(bytes));
      else keep->release(size);
    }
  }
  index->entries.shrink_to_fit();  // the growth's slack (up to half) would stay for the session
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


// Reads blob `b`'s entries into `index` over `paths`, drawing on `budget`;
// `tick` hears the bytes of the blob read so far (false cancels). Touches
// nothing else of the model: threads run it on blobs of their own. With
// `decode_ahead` a compressed blob is decoded on a thread of its own a few
// slices ahead of the tar parser: worth it when a core would be idle, not when
// every core already reads a blob (prefetch_blobs), where the hand-over of
// slices only adds copies and wake-ups (1.5 GB zstd set, 2 cores, 2 blob
// threads: 0.94-1.02 s with it, 0.91-0.92 s without).
BlobRead read_blob(const Loaded& L, const Blob& b, const Limits& lim, PathTable& paths, LayerIndex* index,
                   uint64_t* budget, std::function<bool(uint64_t)> tick, bool decode_ahead = true) {
  BlobRead out;
  auto ws = L.member_source(b.member);
  if (!ws.ok()) {
    out.st = ws.error();
    return out;
  }
  LayerStreamOptions lo;
  lo.hash = L.options.verify;
  lo.max_expansion_floor = lim.max_expansion_floor;
  lo.max_expansion_ratio = lim.max_expansion_ratio;
  if (decode_ahead) lo.start_thread = L.options.start_thread;
  lo.tick = std::move(tick);
  auto r = LayerStream::open(ws.value(), lo, b.member);
  if (!r.ok()) {
    out.st = r.error();
    return out;
  }
  auto ls = std::move(r).value();
  out.st = index_layer(*ls, paths, index, budget, lim, L.keep.get(), b.member);
  if (out.st.ok()) record_blob_result(out.found, *ls);
  return out;
}

// Blob `bi`'s index (already in L.indexes[bi]) and read `r` taken into the
// model: its result, or its error as the layer's (the index emptied). Only
// cancellation and the archive-wide entry limit (`budget_spent`) fail (and,
// with `io_fatal`, a failed read of the source: a layer read later from a
// server may succeed next time), leaving the blob's index empty. Progress:
// `base` + the blob's bytes, of `total`.
Status settle_blob(LoadContext& ctx, size_t bi, BlobRead r, bool budget_spent, bool io_fatal, const ProgressFn& pf,
                   uint64_t base, uint64_t total) {
  Loaded& L = ctx.L;
  Blob& b = L.archive.blobs[bi];
  if (!r.st.ok()) {
    const Code code = r.st.error().code;
    const bool fatal = code == Code::kCancelled || (code == Code::kLimit && budget_spent) || (io_fatal && code == Code::kIo);
    if (fatal) {
      L.indexes[bi] = LayerIndex{};
      return r.st.take_error();
    }
    b.error = in_member(r.st.error(), b.member).to_string();
    b.indexed = false;  // (a summary's sizing may have read it: it has no entries now)
    L.indexes[bi] = LayerIndex{};
  } else {
    b.indexed = true;
    b.compression = r.found.compression;
    b.uncompressed_size = r.found.uncompressed_size;
    if (!r.found.computed_digest.empty()) b.computed_digest = r.found.computed_digest;
    if (!r.found.computed_diff_id.empty()) b.computed_diff_id = r.found.computed_diff_id;
  }
  if (!emit_progress(pf, "index", base + b.stored_size, total, b.member))
    return make_error(Code::kCancelled, "cancelled while indexing layers", b.member);
  return Status::Ok();
}

// Indexes present blob `bi` from random access, over the archive's path table
// and entry budget (settle_blob says what fails). Progress: `base` + the bytes
// of the blob read, of `total`.
Status index_blob(LoadContext& ctx, const Limits& lim, size_t bi, const ProgressFn& pf, uint64_t base,
                  uint64_t total, bool io_fatal = false) {
  Loaded& L = ctx.L;
  L.indexes[bi] = LayerIndex{};  // (indexing adds to it: never onto an earlier attempt's entries)
  std::string name = L.archive.blobs[bi].member;
  BlobRead r = read_blob(L, L.archive.blobs[bi], lim, L.paths, &L.indexes[bi], &ctx.entry_budget,
                         [&pf, base, total, name](uint64_t done) { return emit_progress(pf, "index", base + done, total, name); });
  return settle_blob(ctx, bi, std::move(r), ctx.entry_budget == 0, io_fatal, pf, base, total);
}

// Where blob `bi` lies in the archive (the base of its progress during an open).
uint64_t open_base(const Loaded& L, size_t bi) {
  auto it = L.by_path.find(L.archive.blobs[bi].member);
  return it == L.by_path.end() ? 0 : (L.members[it->second].data_offset & ~kSparseDataOffset);
}

// Progress of blob `bi` read in place during an open: where it lies in the archive.
Status index_blob_in_open(LoadContext& ctx, const Limits& lim, size_t bi) {
  return index_blob(ctx, lim, bi, ctx.L.options.progress, open_base(ctx.L, bi), ctx.L.src->size());
}


// Reads blobs `todo` (random access) on up to OpenOptions::index_threads
// threads at once, largest first, while this thread reports the bytes read of
// them all through `report` (false cancels: every thread stops at its next
// read). Returns each blob's read, in `todo`'s order, for adopt_blob; none
// (the caller reads them one by one) without a thread starter, with one
// thread, or for fewer than two blobs.
std::vector<std::unique_ptr<Prefetched>> prefetch_blobs(LoadContext& ctx, const Limits& lim,
                                                        const std::vector<size_t>& todo,
                                                        const std::function<bool(uint64_t, std::string_view)>& report) {
  const Loaded& L = ctx.L;
  const OpenOptions& o = L.options;
  std::vector<std::unique_ptr<Prefetched>> jobs;
  if (!o.start_thread || o.index_threads < 2 || todo.size() < 2) return jobs;
  for (size_t bi : todo) {
    auto p = std::make_unique<Prefetched>();
    p->bi = bi;
    p->budget_before = p->budget = ctx.entry_budget;
    jobs.push_back(std::move(p));
  }
  auto stored = [&](const Prefetched& p) { return L.archive.blobs[p.bi].stored_size; };
  std::vector<size_t> order(jobs.size());
  for (size_t k = 0; k < order.size(); ++k) order[k] = k;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return stored(*jobs[a]) > stored(*jobs[b]); });
  std::atomic<size_t> next{0};
  std::atomic<bool> stop{false};
  std::mutex mu;
  std::condition_variable cv;
  size_t ended = 0;
  const size_t threads = std::min<size_t>(o.index_threads, jobs.size());
  const bool decode_ahead = 2 * threads <= o.index_threads;  // (a core left for each blob's decoder)
  auto work = [&] {
    for (;;) {
      const size_t k = next.fetch_add(1);
      if (k >= order.size()) break;
      Prefetched& p = *jobs[order[k]];
      p.read = read_blob(L, L.archive.blobs[p.bi], lim, p.paths, &p.index, &p.budget, [&p, &stop](uint64_t done) {
        p.done.store(done, std::memory_order_relaxed);
        return !stop.load(std::memory_order_relaxed);
      }, decode_ahead);
      {
        std::lock_guard<std::mutex> lk(mu);
        ++ended;
      }
      cv.notify_all();
    }
  };
  std::vector<std::function<void()>> joins;
  for (size_t t = 0; t < threads; ++t) joins.push_back(o.start_thread(work));
  bool cancelled = false;
  for (;;) {
    std::unique_lock<std::mutex> lk(mu);
    const bool all = cv.wait_for(lk, std::chrono::milliseconds(50), [&] { return ended == jobs.size(); });
    lk.unlock();
    if (!cancelled) {
      uint64_t done = 0;
      std::string_view detail;
      for (auto& p : jobs) {
        const uint64_t d = std::min(p->done.load(std::memory_order_relaxed), stored(*p));
        done += d;
        if (detail.empty() && d < stored(*p)) detail = L.archive.blobs[p->bi].member;
      }
      if (!report(done, detail)) {
        cancelled = true;
        stop.store(true);
      }
    }
    if (all) break;
  }
  for (auto& join : joins)
    if (join) join();
  return jobs;
}

// Blob `p.bi` as prefetch_blobs read it, taken into the model as index_blob
// would have left it: its paths adopted by the archive's table in the order
// they were met, its entries and markers moved onto those ids, the entries it
// read drawn from the archive's budget. Where the archive-wide limits could
// have stopped it part-way (the budget and path table it drew on were its
// own), it is read again by index_blob, which stops where reading the blobs one
// by one stops.
Status adopt_blob(LoadContext& ctx, const Limits& lim, Prefetched& p, const ProgressFn& pf, uint64_t base,
                  uint64_t total, bool io_fatal) {
  Loaded& L = ctx.L;
  const uint64_t used = p.budget_before - p.budget;
  const bool limit_hit = !p.read.st.ok() && p.read.st.error().code == Code::kLimit && p.budget == 0;
  const size_t more = p.paths.size() - 1;  // (the root is in both)
  const bool fits = used <= ctx.entry_budget && L.paths.size() + more <= lim.max_paths &&
                    L.paths.memory_bound(more, p.paths.name_bytes()) <= lim.max_path_table_bytes;
  if (limit_hit || !fits) return index_blob(ctx, lim, p.bi, pf, base, total, io_fatal);
  const std::vector<PathId> to = L.paths.adopt(p.paths);
  p.paths = PathTable{};
  LayerIndex& idx = p.index;
  for (Entry& e : idx.entries) {
    e.path = to[e.path];
    if (e.type == EntryType::kHardlink && e.link < to.size()) e.link = to[e.link];
  }
  for (PathId& w : idx.whiteouts) w = to[w];
  for (PathId& d : idx.opaque_dirs) d = to[d];
  ctx.entry_budget -= used;
  L.indexes[p.bi] = std::move(idx);
  return settle_blob(ctx, p.bi, std::move(p.read), ctx.entry_budget == 0, io_fatal, pf, base, total);
}

// The prefetched read of blob `bi`, or null.
Prefetched* prefetched(std::vector<std::unique_ptr<Prefetched>>& pre, size_t bi) {
  for (auto& p : pre)
    if (p->bi == bi) return p.get();
  return nullptr;
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
  std::vector<std::unique_ptr<Prefetched>> pre;
  if (L.random_access) {
    std::vector<size_t> todo;
    uint64_t todo_bytes = 0;
    for (size_t bi = 0; bi < L.archive.blobs.size(); ++bi)
      if (L.archive.blobs[bi].present) {
        todo.push_back(bi);
        todo_bytes += L.archive.blobs[bi].stored_size;
      }
    const uint64_t size = L.src->size();
    pre = prefetch_blobs(ctx, lim, todo, [&](uint64_t done, std::string_view detail) {
      const uint64_t left = todo_bytes - done;
      return emit_progress(L.options.progress, "index", size > left ? size - left : 0, size, detail);
    });
  }
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
      Blob pre_b = std::move(it->second);
      b.indexed = pre_b.indexed;
      b.compression = pre_b.compression;
      b.uncompressed_size = pre_b.uncompressed_size;
      b.computed_digest = pre_b.computed_digest;
      b.computed_diff_id = pre_b.computed_diff_id;
      b.error = pre_b.error;
      L.indexes[bi] = std::move(ctx.pre_index[b.member]);
    } else if (Prefetched* p = prefetched(pre, bi)) {
      LS_RETURN_IF_ERROR(adopt_blob(ctx, lim, *p, L.options.progress, open_base(L, bi), L.src->size(), false));
      p->index = LayerIndex{};
    } else {
      LS_RETURN_IF_ERROR(index_blob_in_open(ctx, lim, bi));
    }
    report_blob(ctx, bi);
  }
  return Status::Ok();
}

Status size_layers(LoadContext& ctx, const Limits& lim, LayerReading reading) {
  Loaded& L = ctx.L;
  // Which blobs are to be decoded (read first, some at once on threads).
  std::vector<Compression> sniffed(L.archive.blobs.size(), Compression::kUnknown);
  std::vector<size_t> todo;
  uint64_t todo_bytes = 0;
  for (size_t bi = 0; bi < L.archive.blobs.size(); ++bi) {
    const Blob& b = L.archive.blobs[bi];
    if (!b.present) continue;
    const Compression c = sniffed[bi] = sniff_blob(L, b);
    if (c == Compression::kNone || (c != Compression::kUnknown && reading == LayerReading::kHeadersOnly)) continue;
    todo.push_back(bi);
    todo_bytes += b.stored_size;
  }
  const uint64_t size = L.src->size();
  auto pre = prefetch_blobs(ctx, lim, todo, [&](uint64_t done, std::string_view detail) {
    const uint64_t left = todo_bytes - done;
    return emit_progress(L.options.progress, "index", size > left ? size - left : 0, size, detail);
  });
  for (size_t bi = 0; bi < L.archive.blobs.size(); ++bi) {
    Blob& b = L.archive.blobs[bi];
    if (!b.present) continue;
    Compression c = sniffed[bi];
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
    if (Prefetched* p = prefetched(pre, bi)) {
      LS_RETURN_IF_ERROR(adopt_blob(ctx, lim, *p, L.options.progress, open_base(L, bi), size, false));
      p->index = LayerIndex{};
    } else {
      LS_RETURN_IF_ERROR(index_blob_in_open(ctx, lim, bi));
    }
    L.indexes[bi].issues = {};
    L.indexes[bi].issue_overflow = {};
    report_blob(ctx, bi);
    L.indexes[bi] = LayerIndex{};
    ctx.entry_budget = budget;  // the entries are not kept: indexing them later (index_more) counts them then
  }
  return Status::Ok();
}

Status index_more(Loaded& L, const std::vector<int>& blobs, const ProgressFn& progress, const std::map<int, std::string_view>& reads) {
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
  // Blobs read elsewhere are adopted; the others are read here (some at once on threads).
  std::vector<std::unique_ptr<Prefetched>> handed;
  std::vector<size_t> todo_blobs;
  for (int bi : todo) {
    auto it = reads.find(bi);
    if (it == reads.end()) {
      todo_blobs.push_back(static_cast<size_t>(bi));
      continue;
    }
    bool stale = false;
    auto r = decode_read(it->second, static_cast<size_t>(bi), lim, &stale);
    if (!r.ok()) return r.error();
    if (stale) todo_blobs.push_back(static_cast<size_t>(bi));
    else handed.push_back(std::move(r).value());
  }
  auto pre = prefetch_blobs(ctx, lim, todo_blobs,
                            [&](uint64_t done, std::string_view detail) { return emit_progress(progress, "index", done, total, detail); });
  for (auto& h : handed) pre.push_back(std::move(h));
  uint64_t done = 0;
  Status failed = Status::Ok();
  for (int bi : todo) {
    const uint64_t budget = L.entry_budget;
    Prefetched* p = prefetched(pre, static_cast<size_t>(bi));
    Status st = p ? adopt_blob(ctx, lim, *p, progress, done, total, /*io_fatal=*/true)
                  : index_blob(ctx, lim, bi, progress, done, total, /*io_fatal=*/true);
    if (p) p->index = LayerIndex{};
    if (!st.ok()) {
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

Result<std::string> read_blob_alone(const Loaded& L, int blob, const ProgressFn& progress) {
  if (!L.random_access) return make_error(Code::kInvalidArgument, "an archive compressed as a whole is read in one pass", L.src->name());
  if (blob < 0 || static_cast<size_t>(blob) >= L.archive.blobs.size()) return make_error(Code::kInvalidArgument, "no blob #" + std::to_string(blob));
  const Blob& b = L.archive.blobs[blob];
  if (!b.present) return make_error(Code::kNotFound, "blob #" + std::to_string(blob) + " is not in the archive", b.member);
  Prefetched p;
  p.bi = static_cast<size_t>(blob);
  p.budget_before = p.budget = L.entry_budget;
  const uint64_t total = b.stored_size;
  const std::string name = b.member;
  p.read = read_blob(L, b, L.options.limits, p.paths, &p.index, &p.budget,
                     [&progress, total, name](uint64_t done) { return emit_progress(progress, "index", done, total, name); });
  if (!p.read.st.ok() && p.read.st.error().code == Code::kCancelled) return p.read.st.take_error();
  if (!emit_progress(progress, "index", total, total, name))
    return make_error(Code::kCancelled, "cancelled while indexing layers", name);
  return encode_read(p, L.options.limits);
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
