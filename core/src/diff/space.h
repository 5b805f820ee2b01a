// diff/space — what an image's layers store that its final filesystem does not
// show, from the layer indexes alone (no payload is read).
//
// Every regular-file entry of every layer is a stored copy. A copy is dead when
// the final filesystem does not show it: a later entry of the same layer or a
// later layer wrote the same path (overwritten), a whiteout deleted it or an
// ancestor, an opaque directory hid it, or an ancestor was replaced by a
// non-directory. Each dead copy is counted once; hard-link entries store no
// bytes (size 0), and a copy a live hard link of its own layer still shows is
// not dead. Definitions of the figures: README.md, "Space figures".
#pragma once

#include <cstdint>
#include <vector>

#include "layerscope/tree.h"

namespace layerscope {

// How a copy died. kOverwritten: the killing layer leaves the same path present
// (another entry, or a whiteout then a new entry in one layer); the others mean
// the path was gone at the end of the killing layer ("deleted").
enum class Kill : uint8_t { kOverwritten, kWhiteout, kOpaque, kParentReplaced };
const char* kill_name(Kill k);  // "overwritten", "whiteout", "opaque", "parent-replaced"

struct DeadCopy {
  PathId path = kNoPath;
  int layer = -1;            // the layer storing the copy
  uint32_t entry = 0;        // index into that layer's entries
  int64_t bytes = 0;
  int killed_by = -1;        // the layer that made it dead (may equal `layer`)
  Kill how = Kill::kOverwritten;
  bool deleted() const { return how != Kill::kOverwritten; }
};

struct LayerSpace {
  int64_t bytes_added = 0;      // regular-file bytes the layer stores
  int64_t bytes_made_dead = 0;  // of those, bytes dead in the final filesystem
  int64_t bytes_killed = 0;     // bytes of this or lower layers this layer made dead
};

struct SizedPath {
  PathId path = kNoPath;
  int64_t bytes = 0;
  int layer = -1;  // files: the layer storing it; directories: -1
};

struct SpaceReport {
  int64_t stored_bytes = 0, wasted_bytes = 0, deleted_shipped_bytes = 0;
  int64_t user_stored_bytes = 0, user_wasted_bytes = 0;  // layers above the first
  double efficiency = 1.0;           // 1 - wasted / stored (1 when nothing is stored)
  double user_wasted_percent = 0.0;  // user_wasted / user_stored, a fraction (0 when nothing)
  std::vector<LayerSpace> layers;
  std::vector<DeadCopy> top_wasted;      // biggest first, at most `top`
  std::vector<SizedPath> biggest_files;  // of the final filesystem, biggest first
  std::vector<SizedPath> biggest_dirs;   // cumulative regular-file bytes below each directory
};

// Every dead copy of the image, in layer order then entry order.
// `layers[i]` may be nullptr (an absent layer: stores nothing, kills nothing).
std::vector<DeadCopy> dead_copies(const PathTable& paths, const std::vector<const LayerIndex*>& layers);

// The figures; `top` bounds top_wasted, biggest_files and biggest_dirs.
SpaceReport compute_space(const PathTable& paths, const std::vector<const LayerIndex*>& layers, size_t top);

}  // namespace layerscope
