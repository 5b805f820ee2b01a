// Reads an archive's structure: the outer tar's members, the layout, the
// image model, and an index of every layer's entries.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "layerscope/byte_source.h"
#include "layerscope/model.h"
#include "layerscope/options.h"
#include "layerscope/status.h"
#include "layerscope/tree.h"

namespace layerscope {

struct Member {
  std::string path;   // normalised
  EntryType type = EntryType::kOther;
  uint64_t size = 0;
  uint64_t data_offset = 0;  // in the (uncompressed) outer stream
  std::string link;   // symlink target (raw) or hardlink target (normalised)
};

struct Loaded {
  std::shared_ptr<ByteSource> src;
  OpenOptions options;
  bool random_access = true;  // false when the outer archive is compressed as a whole
  Archive archive;
  PathTable paths;
  std::vector<LayerIndex> indexes;  // parallel to archive.blobs
  std::vector<std::string> digest_source;  // parallel to image layers, flattened per blob
  std::vector<Member> members;
  std::unordered_map<std::string, size_t> by_path;
  std::unordered_map<std::string, std::string> held;  // streaming: small JSON members kept

  // Follows symlinks/hardlinks between members (at most 16 hops).
  const Member* resolve(const std::string& path, std::string* resolved = nullptr, bool* via_link = nullptr) const;
  // A member's bytes (random access: read; streaming: only what was kept).
  Result<std::string> read_member(const std::string& path, uint64_t limit) const;
  // A member's payload as a ByteSource (random access only).
  Result<std::shared_ptr<ByteSource>> member_source(const std::string& path) const;
};

Result<std::unique_ptr<Loaded>> load_archive(std::shared_ptr<ByteSource> src, const OpenOptions& options);

// Reads one layer's entries into `index`. `stream` is positioned at the start.
class LayerStream;
Status index_layer(LayerStream& stream, PathTable& paths, LayerIndex* index, uint64_t* entry_budget,
                   const Limits& limits);

// Hashes every present blob (random access) and records digests; warnings for mismatches.
Status verify_blobs(Loaded& l, const ProgressFn& progress);

}  // namespace layerscope
