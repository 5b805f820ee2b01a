#include <algorithm>
#include <cstring>

#include "layerscope/tree.h"

namespace layerscope {

PathTable::PathTable() {
  nodes_.push_back(Node{0, 0, kNoPath, kNoPath, kNoPath, 0});
  slots_.assign(1024, kNoPath);
}

size_t PathTable::hash_of(PathId parent, std::string_view name) const {
  // FNV-1a over parent id and the name bytes.
  uint64_t h = 1469598103934665603ull ^ parent;
  h *= 1099511628211ull;
  for (unsigned char c : name) { h ^= c; h *= 1099511628211ull; }
  return static_cast<size_t>(h ^ (h >> 29));
}

std::string_view PathTable::name(PathId id) const {
  const Node& n = nodes_[id];
  return std::string_view(names_).substr(n.name_off, n.name_len);
}

PathId PathTable::child(PathId parent, std::string_view nm) const {
  size_t mask = slots_.size() - 1;
  for (size_t i = hash_of(parent, nm) & mask;; i = (i + 1) & mask) {
    PathId id = slots_[i];
    if (id == kNoPath) return kNoPath;
    if (nodes_[id].parent == parent && name(id) == nm) return id;
  }
}

void PathTable::grow() {
  std::vector<PathId> old;
  old.swap(slots_);
  slots_.assign(old.size() * 2, kNoPath);
  size_t mask = slots_.size() - 1;
  for (PathId id : old) {
    if (id == kNoPath) continue;
    size_t i = hash_of(nodes_[id].parent, name(id)) & mask;
    while (slots_[i] != kNoPath) i = (i + 1) & mask;
    slots_[i] = id;
  }
}

PathId PathTable::intern_child(PathId cur, std::string_view comp) {
  PathId found = child(cur, comp);
  if (found != kNoPath) return found;
  if ((nodes_.size() + 1) * 4 > slots_.size() * 3) grow();
  Node n{static_cast<uint32_t>(names_.size()), static_cast<uint32_t>(comp.size()), cur,
         kNoPath, nodes_[cur].first_child, nodes_[cur].depth + 1};
  names_.append(comp);
  found = static_cast<PathId>(nodes_.size());
  nodes_.push_back(n);
  nodes_[cur].first_child = found;
  size_t mask = slots_.size() - 1;
  size_t i = hash_of(cur, comp) & mask;
  while (slots_[i] != kNoPath) i = (i + 1) & mask;
  slots_[i] = found;
  return found;
}

PathId PathTable::intern(std::string_view path) {
  PathId cur = kRootPath;
  size_t pos = 0;
  while (pos < path.size()) {
    size_t slash = path.find('/', pos);
    if (slash == std::string_view::npos) slash = path.size();
    std::string_view comp = path.substr(pos, slash - pos);
    pos = slash + 1;
    if (comp.empty()) continue;
    cur = intern_child(cur, comp);
  }
  return cur;
}

std::vector<PathId> PathTable::adopt(const PathTable& other) {
  std::vector<PathId> to(other.nodes_.size(), kRootPath);
  // Parents come before their children in `other` (ids in creation order), so
  // each parent is mapped before its children, and new nodes are made here in
  // the order `other` made them.
  for (PathId id = 1; id < other.nodes_.size(); ++id) to[id] = intern_child(to[other.nodes_[id].parent], other.name(id));
  return to;
}

size_t PathTable::memory_bound(size_t more_nodes, size_t more_bytes) const {
  // Vectors and strings at most double past what they hold; the slot array
  // doubles once nodes fill 3/4 of it, so it stays under 4 slots per node.
  const size_t n = nodes_.size() + more_nodes, b = names_.size() + more_bytes;
  return std::max(nodes_.capacity(), 2 * n) * sizeof(Node) + std::max(names_.capacity(), 2 * b + 32) +
         std::max(slots_.capacity(), 4 * (n + 1)) * sizeof(PathId);
}

size_t PathTable::name_bytes() const { return names_.size(); }

PathId PathTable::find(std::string_view path) const {
  PathId cur = kRootPath;
  size_t pos = 0;
  while (pos < path.size()) {
    size_t slash = path.find('/', pos);
    if (slash == std::string_view::npos) slash = path.size();
    std::string_view comp = path.substr(pos, slash - pos);
    pos = slash + 1;
    if (comp.empty()) continue;
    cur = child(cur, comp);
    if (cur == kNoPath) return kNoPath;
  }
  return cur;
}

std::string PathTable::path(PathId id) const {
  if (id == kRootPath || id == kNoPath) return {};
  size_t len = 0;
  for (PathId p = id; p != kRootPath; p = nodes_[p].parent) len += nodes_[p].name_len + 1;
  std::string s(len - 1, '/');
  size_t end = s.size();
  for (PathId p = id; p != kRootPath; p = nodes_[p].parent) {
    size_t n = nodes_[p].name_len;
    std::memcpy(&s[end - n], names_.data() + nodes_[p].name_off, n);
    end -= n + 1;
  }
  return s;
}

bool PathTable::is_ancestor(PathId anc, PathId id) const {
  if (id == kNoPath || anc == kNoPath || id == anc) return false;
  uint32_t da = nodes_[anc].depth;
  while (id != kRootPath && nodes_[id].depth > da) id = nodes_[id].parent;
  return id == anc;
}

size_t PathTable::memory_bytes() const {
  return nodes_.capacity() * sizeof(Node) + names_.capacity() + slots_.capacity() * sizeof(PathId);
}

bool normalize_path(std::string_view in, std::string* out, PathFacts* facts) {
  out->clear();
  if (facts) *facts = PathFacts{};
  if (facts && !in.empty() && in[0] == '/') facts->absolute = true;
  size_t pos = 0;
  while (pos <= in.size()) {
    size_t slash = in.find('/', pos);
    if (slash == std::string_view::npos) slash = in.size();
    std::string_view comp = in.substr(pos, slash - pos);
    pos = slash + 1;
    if (comp.empty() || comp == ".") continue;
    if (comp == "..") {
      if (out->empty()) {
        if (facts) facts->escapes = true;
        continue;
      }
      size_t cut = out->rfind('/');
      out->resize(cut == std::string::npos ? 0 : cut);
      continue;
    }
    if (!out->empty()) out->push_back('/');
    out->append(comp);
  }
  return !out->empty();
}

size_t LayerIndex::memory_bytes() const {
  size_t s = entries.capacity() * sizeof(Entry) + (whiteouts.capacity() + opaque_dirs.capacity()) * sizeof(PathId);
  for (auto& t : strings) s += sizeof(std::string) + t.capacity();
  for (auto& i : issues) s += sizeof(EntryIssue) + i.message.capacity() + i.entry.capacity();
  return s;
}

}  // namespace layerscope
