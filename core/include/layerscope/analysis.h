// layerscope — analyses of one image over an open Session: space figures
// (wasted bytes, efficiency) and findings (layerscope/findings.h). Free
// functions over Session's public surface; nothing here reads a payload except
// findings with `content`.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "layerscope/findings.h"
#include "layerscope/options.h"
#include "layerscope/session.h"

namespace layerscope {

// Space figures of an image (definitions: README.md, "Space figures").
struct SpaceRow {
  std::string path;   // relative, no leading "/"
  int64_t bytes = 0;
  int layer = -1;     // files: the layer storing the copy; directories: -1
  int killed_by = -1; // dead copies: the layer that made it dead
  std::string how;    // dead copies: "overwritten", "whiteout", "opaque", "parent-replaced"
};
struct LayerSpaceRow {
  int layer = 0;
  int64_t bytes_added = 0, bytes_made_dead = 0, bytes_killed = 0;
};
struct SpaceFigures {
  int64_t stored_bytes = 0, wasted_bytes = 0, deleted_shipped_bytes = 0;
  int64_t user_stored_bytes = 0, user_wasted_bytes = 0;
  double efficiency = 1.0, user_wasted_percent = 0.0;  // fractions in [0, 1]
  std::vector<LayerSpaceRow> layers;
  std::vector<SpaceRow> top_wasted, biggest_files, biggest_dirs;  // biggest first
};
inline constexpr size_t kSpaceTop = 10;
Result<SpaceFigures> image_space(const Session& s, int image, size_t top = kSpaceTop);

// An image's layer stack: its layers' blob ids, bottom-up. Images with the same
// stack (tags of one image, a multi-image save over one base) have the same
// merged tree and the same space figures.
std::vector<int> layer_stack(const Image& img);

// image_space() once per distinct layer stack: the cost of a further image with
// a stack already seen is a lookup. Holds one SpaceFigures per distinct stack.
class SpaceByStack {
 public:
  explicit SpaceByStack(size_t top = kSpaceTop) : top_(top) {}
  const Result<SpaceFigures>& of(const Session& s, int image);

 private:
  size_t top_;
  std::map<std::vector<int>, Result<SpaceFigures>> by_stack_;
};

struct FindingsOptions {
  bool content = false;  // also read every regular file's bytes (secret-in-content)
  ProgressFn progress;   // "findings" phase, bytes of the archive read; may cancel
  Limits limits;         // the decompression bounds for reading layers
};
Result<std::vector<Finding>> image_findings(const Session& s, int image, const FindingsOptions& opt = {});

// Versioned documents (schema_version kSchemaVersion): the `space` object of
// inspect --json, and `findings --json` (docs/schema/findings.schema.json).
Result<std::string> space_json(const Session& s, int image, size_t top = kSpaceTop);
Result<std::string> findings_json(const Session& s, int image, const FindingsOptions& opt = {});

}  // namespace layerscope
