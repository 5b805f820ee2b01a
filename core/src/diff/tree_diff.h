// diff/tree_diff — what differs between two merged filesystems.
//
// A side is an image's layers (over one archive's PathTable) merged up to a
// layer; the two sides may come from one archive or from two. The diff is a
// merge-join of the two merged trees in tree order (parents first, siblings by
// name bytes): paths are compared component by component through their path
// tables, so no tree of strings is ever built. Each row holds two fixed-size
// tree items, so memory grows with the number of differing paths only.
//
// "Modified" says what changed (DiffWhat bits): type, size, mode (permission
// bits), owner (uid/gid), link (a symlink's target), content. An mtime alone is
// never a change. Hardlinks are compared as the file they link to; implicit
// parent directories as 0755 root-owned directories. Regular files of equal
// size whose bytes are not known to be the same (the same entry of the same
// layer content) are left `pending`: compare_contents() settles them by the
// fingerprints of both copies, read through a callback of the caller's (diff/ never
// reads bytes), so an identical rewrite is no change and an equal-size edit is one.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "layerscope/options.h"
#include "layerscope/status.h"
#include "layerscope/tree.h"
#include "base/siphash.h"

namespace layerscope {

// One side of a comparison. `upto` = -1 is the empty filesystem.
struct TreeSide {
  const PathTable* paths = nullptr;
  std::vector<const LayerIndex*> layers;  // per image layer; nullptr = absent (applied as empty)
  // Optional, per layer: two layers with the same non-empty key (their diff_id)
  // hold the same entries, so an entry's bytes need not be read to compare them.
  std::vector<std::string> layer_keys;
  int upto = -1;
};

enum DiffWhat : uint8_t {
  kWhatType = 1,
  kWhatSize = 2,
  kWhatContent = 4,
  kWhatMode = 8,
  kWhatOwner = 16,
  kWhatLink = 32,
};
// The names of the bits set in `what`, in the order above ("type", "size", ...).
std::vector<const char*> what_names(uint8_t what);

struct DiffRow {
  Change change = Change::kNone;  // added, modified or deleted
  uint8_t what = 0;               // DiffWhat bits (modified only)
  bool pending = false;           // equal-size files whose content is still to compare
  TreeItem before, after;         // before.path is in side 0's table, after.path in side 1's
};
static_assert(sizeof(DiffRow) == 36, "DiffRow grew: a comparison holds one per differing or pending path");

struct TreeDiff {
  std::vector<DiffRow> rows;  // in tree order
};

// The facts of a merged-tree item that a comparison looks at.
struct EntryFacts {
  EntryType type = EntryType::kDir;  // hardlinks resolved: the type of what they link to
  EntryType listed_type = EntryType::kDir;  // as the entry says (a hardlink stays one)
  uint32_t mode = 040755, uid = 0, gid = 0;
  int64_t size = 0;
  std::string_view link;         // symlink target
  int layer = -1;                // where the (resolved) entry is: layer and entry index
  uint32_t entry = 0xffffffffu;  // none for an implicit directory
};
// Reads items' facts of one side; a hardlink is resolved to the entry of its
// layer it names (a per-layer table built on the first hardlink met there),
// and one whose target is not in its layer keeps its own facts.
class FactsReader {
 public:
  explicit FactsReader(const TreeSide& side)
      : side_(side), targets_(side.layers.size()), built_(side.layers.size(), false) {}
  EntryFacts facts(const TreeItem& item);

 private:
  uint32_t target_of(int layer, PathId path);
  const TreeSide& side_;
  std::vector<std::vector<std::pair<PathId, uint32_t>>> targets_;  // per layer, sorted; built lazily
  std::vector<bool> built_;
};

// The merge-join of side a's and side b's merged trees, restricted to
// `prefix` (a normalised path, "" = everything) and what is below it.
TreeDiff diff_trees(const TreeSide& a, const TreeSide& b, std::string_view prefix);

// What compare_contents asks of one side for one of its layers: the
// fingerprints of `entries` (sorted, each once) of layer `layer`, equal exactly
// when the bytes are (a keyed hash: api/file_readers.h fingerprint_entries),
// written into `prints` in that order.
struct DigestWant {
  int layer = 0;
  const std::vector<uint32_t>* entries = nullptr;
  std::vector<Fingerprint>* prints = nullptr;
  uint64_t bytes = 0;  // the entries' sizes summed
};

// A piece of that work: it hashes `bytes` bytes, telling `advance` how many so
// far (each call the bytes since the last; false from it cancels). Tasks run
// one after another on the caller's thread, or at once on threads of their own.
struct DigestTask {
  uint64_t bytes = 0;
  std::function<Status(const std::function<bool(uint64_t)>& advance)> run;
};

// The tasks that fill side `side`'s (0 or 1) wants: one per layer where the
// layers are read apart, or one for them all where the archive is read in one
// pass (compressed as a whole: one pass over it, not one per layer).
using DigestFn = std::function<std::vector<DigestTask>(int side, const std::vector<DigestWant>& wants)>;

// Settles the pending rows: reads both copies through `digest`; equal fingerprints
// drop the row (unless something else changed), different ones mark content.
// Progress: phase "compare", bytes hashed of all pending copies; false cancels.
// With `start` and `threads` > 1, up to `threads` tasks run at once (largest
// first), this thread reporting their progress; a task's error stops the
// others and is the result (the first in task order that is not a cancel).
Status compare_contents(const TreeSide& a, const TreeSide& b, TreeDiff* diff, const DigestFn& digest,
                        const ProgressFn& progress, const StartThread& start = nullptr, unsigned threads = 1);

// Tree order of path `x` of table `tx` against path `y` of table `ty`: <0, 0, >0.
int compare_paths(const PathTable& tx, PathId x, const PathTable& ty, PathId y);

}  // namespace layerscope
