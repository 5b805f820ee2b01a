// layerscope — layer contents without payloads.
//
// PathTable interns every path of the archive once as a tree of components
// (byte-exact, non-UTF-8 allowed), so an entry costs a fixed-size record, not
// a string. LayerIndex holds one layer's entries and its whiteout markers.
// merge() applies layers bottom-up with OCI whiteout semantics:
//   1. opaque markers (`dir/.wh..wh..opq`, exact match) hide everything below
//      `dir` from lower layers — first, wherever they stand in the tar;
//   2. `dir/.wh.name` deletes `dir/name` (and below) from lower layers;
//   3. the layer's own entries are added or modify what was there.
// Markers are never files: they appear only as whiteouts/opaque_dirs.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "layerscope/model.h"

namespace layerscope {

using PathId = uint32_t;
inline constexpr PathId kRootPath = 0;
inline constexpr PathId kNoPath = 0xffffffffu;

class PathTable {
 public:
  PathTable();
  // Interns a normalised relative path ("a/b/c"); "" is the root.
  PathId intern(std::string_view normalized);
  // kNoPath when the path was never interned.
  PathId find(std::string_view normalized) const;
  // The child `name` (one path component) of `parent`, made if new.
  PathId intern_child(PathId parent, std::string_view name);
  // Interns every path of `other` here, in the order `other` made them, and
  // returns where each of its ids went (indexed by `other`'s ids). This table
  // is then what interning `other`'s paths here one by one would have made.
  std::vector<PathId> adopt(const PathTable& other);
  // At least memory_bytes() once `more_nodes` nodes of `more_bytes` name bytes are added.
  size_t memory_bound(size_t more_nodes, size_t more_bytes) const;
  size_t name_bytes() const;
  std::string path(PathId id) const;  // "a/b/c"; "" for root
  std::string_view name(PathId id) const;
  PathId parent(PathId id) const { return nodes_[id].parent; }
  PathId first_child(PathId id) const { return nodes_[id].first_child; }
  PathId next_sibling(PathId id) const { return nodes_[id].next_sibling; }
  uint32_t depth(PathId id) const { return nodes_[id].depth; }
  size_t size() const { return nodes_.size(); }
  bool is_ancestor(PathId anc, PathId id) const;  // anc strictly above id
  size_t memory_bytes() const;

 private:
  struct Node {
    uint32_t name_off, name_len;
    PathId parent, first_child, next_sibling;
    uint32_t depth;
  };
  PathId child(PathId parent, std::string_view name) const;
  std::vector<Node> nodes_;
  std::string names_;  // all component bytes, concatenated
  // open-addressing hash of (parent, name) -> id
  std::vector<PathId> slots_;
  size_t hash_of(PathId parent, std::string_view name) const;
  void grow();
};

// What normalize_path met on the way (for the layer indexer's warnings).
struct PathFacts {
  bool absolute = false;  // the path started with "/"
  bool escapes = false;   // a ".." climbed above the root (and was clamped there)
};

// Strips "./", leading "/", repeated and trailing "/", and resolves ".."
// lexically the way containerd places a layer entry: a ".." at the root stays
// at the root ("../../tmp/x" -> "tmp/x", "a/../../x" -> "x"), so no path ever
// holds a component named "..". Returns false if nothing remains (the root).
bool normalize_path(std::string_view in, std::string* out, PathFacts* facts = nullptr);

struct Entry {  // fields ordered for no padding: 48 bytes, one per entry of every layer
  PathId path = kNoPath;
  uint32_t mode = 0;  // permission + type bits as in the tar header
  uint32_t uid = 0, gid = 0;
  uint32_t link = 0xffffffffu;  // symlink target: index into LayerIndex::strings;
                                // hardlink: PathId of the target
  EntryType type = EntryType::kOther;
  int64_t size = 0;   // content bytes (0 for non-files)
  int64_t mtime = 0;
  uint64_t data_offset = 0;     // offset of content in the uncompressed layer stream
};
static_assert(sizeof(Entry) == 48, "Entry grew: every entry of every layer pays for it");

// Something odd about one entry of a layer (an escaping or absolute path, a
// duplicate, a hard link to nothing, an entry skipped for a limit): a warning
// with a stable code (tests/hostile/README.md lists them) and the entry's path
// as stored (escaped, cut at 100 bytes).
struct EntryIssue {
  std::string code;
  std::string message;
  std::string entry;
};

struct LayerIndex {
  std::vector<Entry> entries;        // in tar order, markers excluded
  std::vector<PathId> whiteouts;     // paths deleted by `.wh.<name>` markers
  std::vector<PathId> opaque_dirs;   // dirs made opaque by `.wh..wh..opq`
  std::vector<std::string> strings;  // symlink targets
  std::vector<EntryIssue> issues;    // in tar order; at most Limits::max_warnings_per_code per code
  std::map<std::string, uint64_t> issue_overflow;  // per code, issues beyond that bound (counted only)
  EntryCounts counts;
  size_t memory_bytes() const;
};

// One path of a merged tree or of a layer's change set.
struct TreeItem {  // 16 bytes: one per path of a merged tree or change set
  PathId path = kNoPath;
  int layer = -1;                 // image layer index that wrote (or deleted) it
  uint32_t entry = 0xffffffffu;   // index into that layer's entries; none for implicit dirs / deletions
  Change change = Change::kNone;  // what `layer` did to it
  bool implicit = false;          // a parent directory no layer wrote explicitly
};
static_assert(sizeof(TreeItem) == 16, "TreeItem grew: every path of a merged tree pays for it");

// The result of applying layers [0, upto] of an image.
struct MergedTree {
  std::vector<TreeItem> items;  // present paths in tree order: parents first, siblings by name bytes
};

// Per-layer change sets of an image: changes[i] lists what layer i added,
// modified and deleted, in the same tree order.
struct ImageChanges {
  std::vector<std::vector<TreeItem>> changes;
};

// `layers[i]` is the index of image layer i; nullptr for an absent layer
// (applied as empty). Deterministic, linear in the entries seen.
MergedTree merge_layers(const PathTable& paths, const std::vector<const LayerIndex*>& layers,
                        int upto, ImageChanges* changes_out = nullptr);

}  // namespace layerscope
