// The merge-join of two merged trees (see tree_diff.h).
#include "diff/tree_diff.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>

namespace layerscope {
namespace {

constexpr uint32_t kNoEntry = 0xffffffffu;

// Compares paths of two tables component by component from the root; the
// ancestor chains are kept in buffers reused between calls.
class PathOrder {
 public:
  int compare(const PathTable& tx, PathId x, const PathTable& ty, PathId y) {
    if (&tx == &ty && x == y) return 0;
    chain(tx, x, &cx_);
    chain(ty, y, &cy_);
    size_t n = std::min(cx_.size(), cy_.size());
    for (size_t k = 0; k < n; ++k) {
      if (&tx == &ty && cx_[k] == cy_[k]) continue;
      int c = tx.name(cx_[k]).compare(ty.name(cy_[k]));
      if (c != 0) return c;
    }
    return cx_.size() < cy_.size() ? -1 : cx_.size() > cy_.size() ? 1 : 0;
  }

 private:
  static void chain(const PathTable& t, PathId id, std::vector<PathId>* out) {
    out->clear();
    for (PathId p = id; p != kRootPath && p != kNoPath; p = t.parent(p)) out->push_back(p);
    std::reverse(out->begin(), out->end());
  }
  std::vector<PathId> cx_, cy_;
};

// The merged tree of a side, only `prefix` and below.
std::vector<TreeItem> side_items(const TreeSide& s, std::string_view prefix) {
  if (s.upto < 0 || s.layers.empty() || !s.paths) return {};
  PathId root = prefix.empty() ? kRootPath : s.paths->find(prefix);
  if (root == kNoPath) return {};
  std::vector<TreeItem> items = merge_layers(*s.paths, s.layers, s.upto).items;
  if (root != kRootPath)
    std::erase_if(items, [&](const TreeItem& it) { return it.path != root && !s.paths->is_ancestor(root, it.path); });
  return items;
}

// Do layer `la` of side a and layer `lb` of side b hold the same entries?
bool same_layer(const TreeSide& a, int la, const TreeSide& b, int lb) {
  if (la < 0 || lb < 0 || la >= static_cast<int>(a.layers.size()) || lb >= static_cast<int>(b.layers.size()))
    return false;
  if (a.layers[la] && a.layers[la] == b.layers[lb]) return true;
  if (la >= static_cast<int>(a.layer_keys.size()) || lb >= static_cast<int>(b.layer_keys.size())) return false;
  return !a.layer_keys[la].empty() && a.layer_keys[la] == b.layer_keys[lb] && a.layers[la] && b.layers[lb];
}

bool same_entry(const TreeSide& a, int la, uint32_t ea, const TreeSide& b, int lb, uint32_t eb) {
  return ea != kNoEntry && ea == eb && same_layer(a, la, b, lb);
}

// What differs between two present paths (0 and not pending: nothing).
DiffRow compare_present(const TreeSide& a, const EntryFacts& x, const TreeSide& b, const EntryFacts& y) {
  DiffRow r;
  r.change = Change::kModified;
  if (x.type != y.type) {
    r.what |= kWhatType;
    if (x.size != y.size) r.what |= kWhatSize;
    return r;
  }
  if ((x.mode ^ y.mode) & 07777) r.what |= kWhatMode;
  if (x.uid != y.uid || x.gid != y.gid) r.what |= kWhatOwner;
  if (x.type == EntryType::kSymlink && x.link != y.link) r.what |= kWhatLink;
  if (x.type == EntryType::kFile) {
    if (x.size != y.size) r.what |= kWhatSize | kWhatContent;
    else if (x.size > 0 && !same_entry(a, x.layer, x.entry, b, y.layer, y.entry)) r.pending = true;
  }
  return r;
}

}  // namespace

std::vector<const char*> what_names(uint8_t what) {
  static const std::pair<uint8_t, const char*> kNames[] = {{kWhatType, "type"},   {kWhatSize, "size"},
                                                          {kWhatContent, "content"}, {kWhatMode, "mode"},
                                                          {kWhatOwner, "owner"}, {kWhatLink, "link"}};
  std::vector<const char*> out;
  for (auto& [bit, name] : kNames)
    if (what & bit) out.push_back(name);
  return out;
}

int compare_paths(const PathTable& tx, PathId x, const PathTable& ty, PathId y) {
  PathOrder order;
  return order.compare(tx, x, ty, y);
}

uint32_t FactsReader::target_of(int layer, PathId path) {
  const LayerIndex& li = *side_.layers[layer];
  auto& t = targets_[layer];
  if (!built_[layer]) {
    built_[layer] = true;
    for (uint32_t i = 0; i < li.entries.size(); ++i)
      if (li.entries[i].type != EntryType::kHardlink) t.emplace_back(li.entries[i].path, i);
    // Stable: the first entry of a path written twice is the one a link names.
    std::stable_sort(t.begin(), t.end(), [](auto& p, auto& q) { return p.first < q.first; });
  }
  auto it = std::lower_bound(t.begin(), t.end(), std::make_pair(path, 0u),
                             [](auto& p, auto& q) { return p.first < q.first; });
  return it != t.end() && it->first == path ? it->second : kNoEntry;
}

EntryFacts FactsReader::facts(const TreeItem& item) {
  EntryFacts f;
  f.layer = item.layer;
  const LayerIndex* li =
      item.layer >= 0 && item.layer < static_cast<int>(side_.layers.size()) ? side_.layers[item.layer] : nullptr;
  if (item.implicit || !li || item.entry >= li->entries.size()) return f;
  uint32_t idx = item.entry;
  const Entry* e = &li->entries[idx];
  f.listed_type = e->type;
  for (int hops = 0; e->type == EntryType::kHardlink && hops < 8; ++hops) {
    uint32_t t = target_of(item.layer, e->link);
    if (t == kNoEntry) break;
    idx = t;
    e = &li->entries[t];
  }
  f.type = e->type;
  f.mode = e->mode;
  f.uid = e->uid;
  f.gid = e->gid;
  f.size = e->type == EntryType::kFile ? e->size : 0;
  if (e->type == EntryType::kSymlink && e->link < li->strings.size()) f.link = li->strings[e->link];
  f.entry = idx;
  return f;
}

TreeDiff diff_trees(const TreeSide& a, const TreeSide& b, std::string_view prefix) {
  std::vector<TreeItem> xs = side_items(a, prefix);
  std::vector<TreeItem> ys = side_items(b, prefix);
  FactsReader fa(a), fb(b);
  PathOrder order;
  // The join runs twice, counting the rows and then keeping them: a vector
  // grown row by row would hold up to three times the rows' bytes while it
  // moves (two images of ~140,000 equal-size files: 14 MB against 4.9).
  auto join = [&](auto&& emit) {
    size_t i = 0, j = 0;
    while (i < xs.size() || j < ys.size()) {
      int c = i == xs.size() ? 1 : j == ys.size() ? -1 : order.compare(*a.paths, xs[i].path, *b.paths, ys[j].path);
      DiffRow r;
      if (c < 0) {
        r.change = Change::kDeleted;
        r.before = xs[i++];
      } else if (c > 0) {
        r.change = Change::kAdded;
        r.after = ys[j++];
      } else {
        const TreeItem &x = xs[i++], &y = ys[j++];
        if (!x.implicit && !y.implicit && same_entry(a, x.layer, x.entry, b, y.layer, y.entry)) continue;
        r = compare_present(a, fa.facts(x), b, fb.facts(y));
        if (r.what == 0 && !r.pending) continue;
        r.before = x;
        r.after = y;
      }
      emit(r);
    }
  };
  size_t n = 0;
  join([&n](const DiffRow&) { ++n; });
  TreeDiff out;
  out.rows.reserve(n);
  join([&out](const DiffRow& r) { out.rows.push_back(r); });
  return out;
}

namespace {

// Runs `tasks` (see DigestTask), reporting "compare" progress over `total`.
Status run_digest_tasks(std::vector<DigestTask>& tasks, uint64_t total, const ProgressFn& progress,
                        const StartThread& start, unsigned threads) {
  auto report = [&progress, total](uint64_t done) {
    if (!progress) return true;
    Progress q;
    q.phase = "compare";
    q.done = done;
    q.total = total;
    return progress(q);
  };
  if (!start || threads < 2 || tasks.size() < 2) {
    uint64_t done = 0;
    for (DigestTask& t : tasks)
      LS_RETURN_IF_ERROR(t.run([&](uint64_t n) { return report(done += n); }));
    return Status::Ok();
  }
  // Largest first, each thread taking the next; this thread sums their bytes
  // for progress every 50 ms (a false stops each at its next step).
  std::vector<size_t> order(tasks.size());
  for (size_t k = 0; k < order.size(); ++k) order[k] = k;
  std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) { return tasks[x].bytes > tasks[y].bytes; });
  std::vector<std::atomic<uint64_t>> done(tasks.size());
  std::vector<Status> status(tasks.size(), Status::Ok());
  std::atomic<size_t> next{0};
  std::atomic<bool> stop{false};
  std::mutex mu;
  std::condition_variable cv;
  size_t ended = 0;
  auto work = [&] {
    for (;;) {
      const size_t k = next.fetch_add(1);
      if (k >= order.size()) break;
      const size_t i = order[k];
      if (!stop.load()) {
        status[i] = tasks[i].run([&, i](uint64_t n) {
          done[i].fetch_add(n, std::memory_order_relaxed);
          return !stop.load(std::memory_order_relaxed);
        });
        if (!status[i].ok()) stop.store(true);  // (the result is an error: the others need not finish)
      }
      {
        std::lock_guard<std::mutex> lk(mu);
        ++ended;
      }
      cv.notify_all();
    }
  };
  std::vector<std::function<void()>> joins;
  for (size_t t = 0; t < std::min<size_t>(threads, tasks.size()); ++t) joins.push_back(start(work));
  bool cancelled = false;
  for (;;) {
    std::unique_lock<std::mutex> lk(mu);
    const bool all = cv.wait_for(lk, std::chrono::milliseconds(50), [&] { return ended == tasks.size(); });
    lk.unlock();
    if (!cancelled && !stop.load()) {
      uint64_t sum = 0;
      for (auto& d : done) sum += d.load(std::memory_order_relaxed);
      if (!report(sum)) {
        cancelled = true;
        stop.store(true);
      }
    }
    if (all) break;
  }
  for (auto& join : joins)
    if (join) join();
  // A task's own error before a cancel's: a task stopped by another's error
  // says "cancelled", so the first error that is not that, else a cancel.
  for (const Status& st : status)
    if (!st.ok() && st.error().code != Code::kCancelled) return st;
  for (const Status& st : status)
    if (!st.ok()) return st;
  if (cancelled) return make_error(Code::kCancelled, "cancelled");
  return Status::Ok();
}

}  // namespace

Status compare_contents(const TreeSide& a, const TreeSide& b, TreeDiff* diff, const DigestFn& digest,
                        const ProgressFn& progress, const StartThread& start, unsigned threads) {
  FactsReader fa(a), fb(b);
  // The entries to hash, per (side, layer), each once, sorted, with their
  // fingerprints beside them (found again by binary search): 20 bytes a copy,
  // where a map of hex strings cost ~130 (a 1.5 GB pair: 266,000 copies).
  struct Group {
    std::vector<uint32_t> entries;
    std::vector<Fingerprint> prints;
  };
  std::map<std::pair<int, int>, Group> wanted;
  for (const DiffRow& r : diff->rows) {
    if (!r.pending) continue;
    EntryFacts x = fa.facts(r.before), y = fb.facts(r.after);
    wanted[{0, x.layer}].entries.push_back(x.entry);
    wanted[{1, y.layer}].entries.push_back(y.entry);
  }
  std::vector<DigestWant> wants[2];
  for (auto& [key, g] : wanted) {
    std::sort(g.entries.begin(), g.entries.end());
    g.entries.erase(std::unique(g.entries.begin(), g.entries.end()), g.entries.end());
    g.entries.shrink_to_fit();
    const TreeSide& s = key.first == 0 ? a : b;
    DigestWant w;
    w.layer = key.second;
    w.entries = &g.entries;
    w.prints = &g.prints;
    for (uint32_t e : g.entries) w.bytes += static_cast<uint64_t>(s.layers[key.second]->entries[e].size);
    wants[key.first].push_back(w);
  }
  std::vector<DigestTask> tasks;
  uint64_t total = 0;
  for (int side = 0; side < 2; ++side) {
    if (wants[side].empty()) continue;
    for (DigestTask& t : digest(side, wants[side])) {
      total += t.bytes;
      tasks.push_back(std::move(t));
    }
  }
  LS_RETURN_IF_ERROR(run_digest_tasks(tasks, total, progress, start, threads));
  for (auto& [key, g] : wanted)
    if (g.prints.size() != g.entries.size()) return make_error(Code::kInternal, "digest count mismatch");
  auto print = [&wanted](int side, int layer, uint32_t entry) -> const Fingerprint& {
    const Group& g = wanted.find({side, layer})->second;
    return g.prints[std::lower_bound(g.entries.begin(), g.entries.end(), entry) - g.entries.begin()];
  };
  for (DiffRow& r : diff->rows) {
    if (!r.pending) continue;
    EntryFacts x = fa.facts(r.before), y = fb.facts(r.after);
    r.pending = false;
    if (print(0, x.layer, x.entry) != print(1, y.layer, y.entry)) r.what |= kWhatContent;
  }
  std::erase_if(diff->rows, [](const DiffRow& r) { return r.change == Change::kModified && r.what == 0; });
  diff->rows.shrink_to_fit();  // most pending rows were equal copies: the room they took goes
  return Status::Ok();
}

}  // namespace layerscope
