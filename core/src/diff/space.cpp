// Wasted space: one bottom-up pass over the layer indexes that follows every
// stored regular-file copy until something hides it (see space.h).
#include "diff/space.h"

#include <algorithm>
#include <tuple>

namespace layerscope {
namespace {

constexpr uint32_t kNone = 0xffffffffu;

struct Copy {
  PathId path;
  int layer;
  uint32_t entry;
  int64_t bytes;
  int killed_by = -1;
  Kill how = Kill::kOverwritten;
};

class Tracker {
 public:
  explicit Tracker(const PathTable& p)
      : paths_(p), present_(p.size(), 0), live_copy_(p.size(), kNone), live_layer_(p.size(), -1),
        live_entry_(p.size(), kNone) {}

  void apply(int li, const LayerIndex& L) {
    cur_ = li;
    killed_now_.clear();
    for (PathId d : L.opaque_dirs) remove_below(d, Kill::kOpaque);
    for (PathId w : L.whiteouts) remove_tree(w, Kill::kWhiteout);
    for (uint32_t ei = 0; ei < L.entries.size(); ++ei) write(L.entries[ei], ei);
    // A path this layer hid and wrote again was overwritten, not deleted.
    for (uint32_t c : killed_now_)
      if (present_[copies_[c].path]) copies_[c].how = Kill::kOverwritten;
  }

  // A copy that a live hard link of its own layer still shows is not dead.
  void revive_hardlinked(const std::vector<const LayerIndex*>& layers) {
    std::vector<uint32_t> dead;
    for (uint32_t c = 0; c < copies_.size(); ++c)
      if (copies_[c].killed_by >= 0) dead.push_back(c);
    auto key = [&](uint32_t c) { return std::tuple(copies_[c].layer, copies_[c].path, copies_[c].entry); };
    std::sort(dead.begin(), dead.end(), [&](uint32_t a, uint32_t b) { return key(a) < key(b); });
    for (PathId id = 1; id < paths_.size(); ++id) {
      if (!present_[id] || live_layer_[id] < 0 || live_entry_[id] == kNone) continue;
      const Entry& e = layers[live_layer_[id]]->entries[live_entry_[id]];
      if (e.type != EntryType::kHardlink || e.link >= paths_.size()) continue;
      // The last copy of the target stored before the link in the same layer.
      auto it = std::lower_bound(dead.begin(), dead.end(), std::tuple(live_layer_[id], e.link, live_entry_[id]),
                                 [&](uint32_t c, const auto& k) { return key(c) < k; });
      if (it == dead.begin()) continue;
      Copy& c = copies_[*std::prev(it)];
      if (c.layer == live_layer_[id] && c.path == e.link) c.killed_by = -1;
    }
  }

  const std::vector<Copy>& copies() const { return copies_; }
  bool live(const Copy& c) const { return c.killed_by < 0; }

 private:
  void kill(PathId id, Kill how) {
    uint32_t c = live_copy_[id];
    if (c == kNone) return;
    copies_[c].killed_by = cur_;
    copies_[c].how = how;
    killed_now_.push_back(c);
    live_copy_[id] = kNone;
  }
  void push_present_children(PathId id) {
    for (PathId c = paths_.first_child(id); c != kNoPath; c = paths_.next_sibling(c))
      if (present_[c]) stack_.push_back(c);
  }
  void drain(Kill how) {
    while (!stack_.empty()) {
      PathId id = stack_.back();
      stack_.pop_back();
      present_[id] = 0;
      live_layer_[id] = -1;
      live_entry_[id] = kNone;
      kill(id, how);
      push_present_children(id);
    }
  }
  void remove_below(PathId id, Kill how) {
    push_present_children(id);
    drain(how);
  }
  void remove_tree(PathId id, Kill how) {
    if (present_[id]) stack_.push_back(id);
    drain(how);
  }
  void write(const Entry& e, uint32_t ei) {
    PathId id = e.path;
    if (id == kNoPath || id == kRootPath) return;
    for (PathId p = paths_.parent(id); p != kRootPath && p != kNoPath && !present_[p]; p = paths_.parent(p))
      present_[p] = 1;  // an implicit directory
    if (present_[id] && e.type != EntryType::kDir) remove_below(id, Kill::kParentReplaced);
    kill(id, Kill::kOverwritten);
    present_[id] = 1;
    live_layer_[id] = cur_;
    live_entry_[id] = ei;
    if (e.type == EntryType::kFile) {
      live_copy_[id] = static_cast<uint32_t>(copies_.size());
      copies_.push_back(Copy{id, cur_, ei, e.size});
    }
  }

  const PathTable& paths_;
  std::vector<uint8_t> present_;
  std::vector<uint32_t> live_copy_;  // per path: index into copies_ of the copy it shows
  std::vector<int> live_layer_;      // per path: the entry it shows (any type)
  std::vector<uint32_t> live_entry_;
  std::vector<Copy> copies_;
  std::vector<uint32_t> killed_now_;
  std::vector<PathId> stack_;
  int cur_ = 0;
};

Tracker track(const PathTable& paths, const std::vector<const LayerIndex*>& layers) {
  Tracker t(paths);
  for (size_t li = 0; li < layers.size(); ++li)
    if (layers[li]) t.apply(static_cast<int>(li), *layers[li]);
  t.revive_hardlinked(layers);
  return t;
}

// Biggest first; ties by path bytes, then layer (a stable, documented order).
template <typename T>
void keep_top(const PathTable& paths, std::vector<T>* v, size_t top) {
  auto before = [&](const T& a, const T& b) {
    if (a.bytes != b.bytes) return a.bytes > b.bytes;
    if (a.path != b.path) return paths.path(a.path) < paths.path(b.path);
    return a.layer < b.layer;
  };
  size_t n = std::min(top, v->size());
  std::partial_sort(v->begin(), v->begin() + static_cast<long>(n), v->end(), before);
  v->resize(n);
}

}  // namespace

const char* kill_name(Kill k) {
  switch (k) {
    case Kill::kOverwritten: return "overwritten";
    case Kill::kWhiteout: return "whiteout";
    case Kill::kOpaque: return "opaque";
    case Kill::kParentReplaced: return "parent-replaced";
  }
  return "overwritten";
}

std::vector<DeadCopy> dead_copies(const PathTable& paths, const std::vector<const LayerIndex*>& layers) {
  Tracker t = track(paths, layers);
  std::vector<DeadCopy> out;
  for (const Copy& c : t.copies())
    if (!t.live(c)) out.push_back(DeadCopy{c.path, c.layer, c.entry, c.bytes, c.killed_by, c.how});
  return out;
}

SpaceReport compute_space(const PathTable& paths, const std::vector<const LayerIndex*>& layers, size_t top) {
  Tracker t = track(paths, layers);
  SpaceReport r;
  r.layers.assign(layers.size(), {});
  std::vector<int64_t> dir_bytes(paths.size(), 0);
  for (const Copy& c : t.copies()) {
    r.stored_bytes += c.bytes;
    r.layers[c.layer].bytes_added += c.bytes;
    if (c.layer > 0) r.user_stored_bytes += c.bytes;
    if (t.live(c)) {
      if (c.bytes > 0) r.biggest_files.push_back(SizedPath{c.path, c.bytes, c.layer});
      for (PathId p = paths.parent(c.path); p != kRootPath && p != kNoPath; p = paths.parent(p)) dir_bytes[p] += c.bytes;
      continue;
    }
    r.wasted_bytes += c.bytes;
    if (c.layer > 0) r.user_wasted_bytes += c.bytes;
    r.layers[c.layer].bytes_made_dead += c.bytes;
    r.layers[c.killed_by].bytes_killed += c.bytes;
    DeadCopy d{c.path, c.layer, c.entry, c.bytes, c.killed_by, c.how};
    if (d.deleted()) r.deleted_shipped_bytes += c.bytes;
    if (c.bytes > 0) r.top_wasted.push_back(d);
  }
  for (PathId p = 1; p < paths.size(); ++p)
    if (dir_bytes[p] > 0) r.biggest_dirs.push_back(SizedPath{p, dir_bytes[p], -1});
  if (r.stored_bytes > 0)
    r.efficiency = 1.0 - static_cast<double>(r.wasted_bytes) / static_cast<double>(r.stored_bytes);
  if (r.user_stored_bytes > 0)
    r.user_wasted_percent = static_cast<double>(r.user_wasted_bytes) / static_cast<double>(r.user_stored_bytes);
  keep_top(paths, &r.top_wasted, top);
  keep_top(paths, &r.biggest_files, top);
  keep_top(paths, &r.biggest_dirs, top);
  return r;
}

}  // namespace layerscope
