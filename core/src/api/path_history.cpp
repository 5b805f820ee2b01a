#include "api/path_history.h"

#include <string>

namespace layerscope {

Result<std::vector<ListedEntry>> path_history(const Loaded& L, Listings& listings, int image, std::string_view path) {
  const Archive& a = L.archive;
  if (image < 0 || image >= static_cast<int>(a.images.size()))
    return make_error(Code::kInvalidArgument, "no image #" + std::to_string(image));
  LS_RETURN_IF_ERROR(L.layers_readable(image, -1));
  std::string norm;
  normalize_path(path, &norm);
  PathId pid = L.paths.find(norm);
  std::vector<ListedEntry> out;
  if (pid == kNoPath) return out;
  auto cache_ptr = listings.changes(image);
  const auto& cache = *cache_ptr;
  for (size_t li = 0; li < cache.changes.changes.size(); ++li) {
    if (const TreeItem* hit = find_change(cache.changes.changes[li], pid)) {
      const TreeItem& it = *hit;
      ListedEntry e;
      e.path = norm;
      e.layer = static_cast<int>(li);
      e.change = it.change;
      e.implicit = it.implicit;
      const LayerIndex* idx = cache.layers[li];
      if (it.change == Change::kDeleted) {
        e.type = EntryType::kOther;
      } else if (idx && it.entry < idx->entries.size()) {
        fill_from_entry(&e, idx->entries[it.entry], *idx, L.paths);
      } else {
        e.type = EntryType::kDir;
      }
      out.push_back(std::move(e));
    }
  }
  return out;
}

}  // namespace layerscope
