// Bottom-up application of layers with OCI whiteout semantics (see tree.h).
#include <algorithm>

#include "layerscope/tree.h"

namespace layerscope {
namespace {

constexpr uint32_t kNone32 = 0xffffffffu;

// Rank of every interned path in tree order (children sorted by name bytes).
std::vector<uint32_t> tree_ranks(const PathTable& paths) {
  std::vector<uint32_t> rank(paths.size(), kNone32);
  std::vector<PathId> stack{kRootPath};
  std::vector<PathId> kids;
  uint32_t next = 0;
  while (!stack.empty()) {
    PathId id = stack.back();
    stack.pop_back();
    rank[id] = next++;
    kids.clear();
    for (PathId c = paths.first_child(id); c != kNoPath; c = paths.next_sibling(c)) kids.push_back(c);
    std::sort(kids.begin(), kids.end(), [&](PathId a, PathId b) { return paths.name(a) < paths.name(b); });
    for (auto it = kids.rbegin(); it != kids.rend(); ++it) stack.push_back(*it);
  }
  return rank;
}

struct State {
  const PathTable& paths;
  // Per path: layer+1 that wrote it (0 = absent), the entry index, implicit flag.
  std::vector<uint32_t> layer, entry;
  std::vector<uint8_t> implicit;
  // Per layer being applied: whether the path was present at the layer's start.
  std::vector<uint32_t> seen_stamp;   // layer+1 when present-at-start recorded
  std::vector<uint8_t> seen_present;
  // Change bookkeeping for the current layer.
  std::vector<uint32_t> change_stamp, change_idx;
  std::vector<TreeItem>* changes = nullptr;
  uint32_t cur = 0;  // current layer + 1

  explicit State(const PathTable& p)
      : paths(p), layer(p.size(), 0), entry(p.size(), kNone32), implicit(p.size(), 0),
        seen_stamp(p.size(), 0), seen_present(p.size(), 0), change_stamp(p.size(), 0),
        change_idx(p.size(), 0) {}

  void note_start(PathId id) {
    if (seen_stamp[id] != cur) { seen_stamp[id] = cur; seen_present[id] = layer[id] != 0; }
  }
  bool present_at_start(PathId id) {
    note_start(id);
    return seen_present[id] != 0;
  }
  void record(PathId id, Change c, uint32_t e, bool impl) {
    if (!changes) return;
    TreeItem it{id, static_cast<int>(cur) - 1, e, c, impl};
    if (change_stamp[id] == cur) {
      (*changes)[change_idx[id]] = it;
    } else {
      change_stamp[id] = cur;
      change_idx[id] = static_cast<uint32_t>(changes->size());
      changes->push_back(it);
    }
  }
  // Removes id (if present) and every present path below it.
  void remove_tree(PathId root, bool include_root) {
    std::vector<PathId> stack;
    if (include_root) {
      if (layer[root] == 0) return;
      stack.push_back(root);
    } else {
      for (PathId c = paths.first_child(root); c != kNoPath; c = paths.next_sibling(c))
        if (layer[c] != 0) stack.push_back(c);
    }
    while (!stack.empty()) {
      PathId id = stack.back();
      stack.pop_back();
      bool was = present_at_start(id);
      layer[id] = 0;
      entry[id] = kNone32;
      implicit[id] = 0;
      // Something this very layer wrote and then hid is no change at all.
      record(id, was ? Change::kDeleted : Change::kNone, kNone32, false);
      for (PathId c = paths.first_child(id); c != kNoPath; c = paths.next_sibling(c))
        if (layer[c] != 0) stack.push_back(c);
    }
  }
};

}  // namespace

MergedTree merge_layers(const PathTable& paths, const std::vector<const LayerIndex*>& layers, int upto,
                        ImageChanges* changes_out) {
  State st(paths);
  if (upto >= static_cast<int>(layers.size())) upto = static_cast<int>(layers.size()) - 1;
  if (changes_out) changes_out->changes.assign(upto + 1, {});
  std::vector<PathId> chain;
  for (int li = 0; li <= upto; ++li) {
    st.cur = static_cast<uint32_t>(li + 1);
    st.changes = changes_out ? &changes_out->changes[li] : nullptr;
    const LayerIndex* L = layers[li];
    if (!L) continue;
    // 1. Opaque directories hide all lower content below them.
    for (PathId d : L->opaque_dirs) st.remove_tree(d, /*include_root=*/false);
    // 2. Whiteouts delete a path and everything below it.
    for (PathId w : L->whiteouts) st.remove_tree(w, /*include_root=*/true);
    // 3. The layer's own entries.
    for (uint32_t ei = 0; ei < L->entries.size(); ++ei) {
      const Entry& e = L->entries[ei];
      PathId id = e.path;
      if (id == kNoPath || id == kRootPath) continue;
      // Parents written by no entry of this or lower layers become implicit dirs.
      chain.clear();
      for (PathId p = paths.parent(id); p != kRootPath && p != kNoPath && st.layer[p] == 0; p = paths.parent(p))
        chain.push_back(p);
      for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
        PathId p = *it;
        bool was = st.present_at_start(p);
        st.layer[p] = st.cur;
        st.entry[p] = kNone32;
        st.implicit[p] = 1;
        st.record(p, was ? Change::kModified : Change::kAdded, kNone32, true);
      }
      bool was = st.present_at_start(id);
      if (st.layer[id] != 0 && e.type != EntryType::kDir) {
        // A non-directory replacing a directory hides what was below it.
        st.remove_tree(id, /*include_root=*/false);
      }
      st.layer[id] = st.cur;
      st.entry[id] = ei;
      st.implicit[id] = 0;
      st.record(id, was ? Change::kModified : Change::kAdded, ei, false);
    }
  }

  std::vector<uint32_t> rank = tree_ranks(paths);
  auto by_rank = [&](const TreeItem& a, const TreeItem& b) { return rank[a.path] < rank[b.path]; };
  MergedTree out;
  for (PathId id = 1; id < paths.size(); ++id) {
    if (st.layer[id] == 0) continue;
    out.items.push_back(TreeItem{id, static_cast<int>(st.layer[id]) - 1, st.entry[id], Change::kNone,
                                 st.implicit[id] != 0});
  }
  std::sort(out.items.begin(), out.items.end(), by_rank);
  if (changes_out) {
    for (auto& ch : changes_out->changes) {
      // A path deleted and re-added within one layer was recorded as its final state already.
      ch.erase(std::remove_if(ch.begin(), ch.end(), [](const TreeItem& t) { return t.change == Change::kNone; }),
               ch.end());
      std::sort(ch.begin(), ch.end(), by_rank);
    }
  }
  // The change of each present path in the layer that last wrote it.
  if (changes_out) {
    for (auto& it : out.items) {
      auto& ch = changes_out->changes[it.layer];
      auto pos = std::lower_bound(ch.begin(), ch.end(), it, by_rank);
      if (pos != ch.end() && pos->path == it.path) it.change = pos->change;
    }
  }
  return out;
}

}  // namespace layerscope
