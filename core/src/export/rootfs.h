// export/rootfs — a plain tar of chosen entries from an image's layers: the
// merged filesystem (each path from the topmost layer that has it), or one
// layer's entries below a path. The layers are read bottom-up, each once, as
// streams; entries are written in layer order with their headers (modes,
// owners, times, symlink and hard link targets) and payloads copied in chunks.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "archive/layer_stream.h"
#include "archive/tar_writer.h"
#include "image/loader.h"
#include "layerscope/byte_sink.h"

namespace layerscope {

// A layer entry's header as written out under its normalised `path` (a
// directory gets a trailing '/', a hard link its normalised target; modes,
// owners, times and link targets kept).
// The header to write for entry `h` read from a layer, at normalised `path`,
// with its names, device numbers and extended attributes (`x`).
TarEntryHeader entry_header(const TarHeader& h, const std::string& path, TarExtras x);
// Copies the current entry's payload from `ls` into the writer's current
// entry, in chunks of kPayloadChunk through `buf`.
inline constexpr size_t kPayloadChunk = 1 << 20;
Status copy_entry_payload(LayerStream& ls, TarWriter& tw, uint8_t* buf);

// Which entries go out: called with (layer, normalised path) for every entry of
// the layers asked for. Whiteout markers are offered too (`marker` true).
using EntryFilter = std::function<bool(int layer, const std::string& path, bool marker)>;

struct RootfsJob {
  int image = 0;
  std::vector<int> layers;                 // read in this order
  EntryFilter keep;
  std::vector<std::string> implicit_dirs;  // written first (0755, mtime 0): parents no layer lists
};

// Writes the tar onto `sink` (not finished here).
Status write_rootfs(const Loaded& L, const RootfsJob& job, ByteSink& sink, const ProgressFn& progress);

}  // namespace layerscope
