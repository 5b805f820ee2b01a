// State shared by the rooms of image/ while one archive is being loaded: the
// archive under construction, its limits, the warning counter, the blob table
// (member -> blob id) and what a streaming pass gathered. Built and dropped by
// load_archive (loader.cpp); each room (scan, docker_manifest, oci_index,
// config, layers) reads and extends it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "image/loader.h"
#include "manifest/json.h"

namespace layerscope {

struct LoadContext {
  Loaded& L;
  const Limits& lim;
  std::unordered_map<std::string, int> blob_by_member;   // resolved member (or digest for absent) -> blob
  std::unordered_map<std::string, int> image_by_manifest;
  std::unordered_map<std::string, LayerIndex> pre_index;  // streaming: member -> index
  std::unordered_map<std::string, Blob> pre_blob;
  std::unordered_map<long, std::vector<std::string>> img_diff_ids;  // image -> config's diff_ids
  uint64_t& entry_budget;  // L.entry_budget: layers indexed later draw on it too
  int symlinked_layers = 0;

  explicit LoadContext(Loaded& l) : L(l), lim(l.options.limits), entry_budget(l.entry_budget), warn_counts_(l.warn_counts) {}

  // At most lim.max_warnings_per_code warnings of one code are kept; the rest are
  // counted and summarised by summarize_warnings() (a million junk members must
  // not make a million warnings).
  void warn(std::string code, std::string msg, std::string where = {});
  // The same for a warning that concerns a blob or an image (Warning::blob/image).
  void warn(Warning w);
  // A warning about image `image` (Warning::image).
  void warn_image(int image, std::string code, std::string msg, std::string where) {
    warn(Warning{std::move(code), std::move(msg), std::move(where), -1, image});
  }
  // Counts n more warnings of `code` that were never made (a layer's entry
  // issues beyond its own bound), for summarize_warnings().
  void count_unmade(const std::string& code, uint64_t n) { warn_counts_[code] += n; }
  // Adds (or, after more indexing, replaces) one "… and N more" warning per
  // code over its cap.
  void summarize_warnings();

  // A descriptor's "size": a byte count, or -1 when absent; anything else
  // (negative, fractional, 1e999, beyond int64, a string) is reported.
  int64_t descriptor_size(const Json& d, const std::string& where);
  // A member parsed as JSON under the JSON limits.
  Result<Json> read_json(const std::string& path);
  // The blob a layer reference names (one per resolved member; an absent one
  // gets a blob of its own, keyed by digest, and a warning).
  int blob_for(const std::string& ref, const std::string& digest, const std::string& where);

 private:
  std::unordered_map<std::string, uint64_t>& warn_counts_;  // L.warn_counts
};

// Reports progress; false when the callback asks to cancel.
bool emit_progress(const ProgressFn& fn, std::string_view phase, uint64_t done, uint64_t total,
                   std::string_view detail);

// A layer's error always says which member holds the layer ("member: entry").
Error in_member(Error e, const std::string& member);

}  // namespace layerscope
