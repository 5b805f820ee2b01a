// Indexing one layer: entry headers in tar order -> a LayerIndex (entries,
// whiteouts, opaque dirs, counts) over the archive's PathTable, under the
// archive-wide entry budget and the path limits. Knows nothing of tar or
// libarchive: the caller (image/layers) feeds it the headers it reads.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <algorithm>
#include <vector>

#include "layerscope/model.h"
#include "layerscope/options.h"
#include "layerscope/status.h"
#include "layerscope/tree.h"

namespace layerscope {

// One entry header as stored in a layer tar (views valid for the add() call).
struct RawEntry {
  std::string_view path;      // as stored (not normalised)
  EntryType type = EntryType::kOther;
  uint32_t mode = 0, uid = 0, gid = 0;
  int64_t size = 0;
  int64_t mtime = 0;
  std::string_view symlink;   // symlink target
  std::string_view hardlink;  // hardlink target path (as stored)
  uint64_t data_offset = 0;
};

class LayerIndexer {
 public:
  // `budget` counts entries left for the whole archive; it reaches 0 on a
  // fatal limit (entries, distinct paths).
  LayerIndexer(PathTable& paths, LayerIndex* index, uint64_t* budget, const Limits& limits)
      : paths_(paths), index_(index), budget_(budget), lim_(limits) {}
  // Adds one entry (or records it as a whiteout/opaque marker). Odd entries
  // are kept and recorded in index->issues; an entry over a path limit is
  // skipped (an issue says which). Fails only on an archive-wide limit
  // (entries, distinct paths), which ends the whole open.
  Status add(const RawEntry& e);

 private:
  void issue(std::string_view code, std::string message, std::string_view entry);
  bool over_limit(const RawEntry& h, const std::string& norm);
  void check_path(const RawEntry& h, const PathFacts& facts, const std::string& norm);
  void check_hardlink(const RawEntry& h, Entry* e);

  PathTable& paths_;
  LayerIndex* index_;
  uint64_t* budget_;
  const Limits& lim_;
  std::string norm_;                     // scratch, reused between entries
  // Paths of this layer's entries so far, by id (ids are dense: one byte per
  // path of the table, no allocation per entry).
  std::vector<uint8_t> seen_;
  bool seen(PathId id) const { return id < seen_.size() && seen_[id]; }
  // Marks `id` seen; false when it was already.
  bool see(PathId id) {
    if (id >= seen_.size()) seen_.resize(std::max<size_t>(id + 1, seen_.size() * 2), 0);
    if (seen_[id]) return false;
    seen_[id] = 1;
    return true;
  }
  std::map<std::string, uint64_t, std::less<>> issue_counts_;
};

// Stable codes of the entry issues (documented in tests/hostile/README.md).
inline constexpr std::string_view kIssuePathEscapes = "entry-path-escapes";
inline constexpr std::string_view kIssuePathAbsolute = "entry-path-absolute";
inline constexpr std::string_view kIssueDuplicate = "duplicate-entry";
inline constexpr std::string_view kIssueHardlinkMissing = "hardlink-target-missing";
inline constexpr std::string_view kIssueHardlinkEscapes = "hardlink-target-escapes";
inline constexpr std::string_view kIssueOverLimit = "entry-over-limit";

}  // namespace layerscope
