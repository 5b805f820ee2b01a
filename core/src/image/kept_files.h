// image/kept_files — the content of one path's entries, kept while layers are
// indexed (Session::index_layers with a path to keep), so that reading that
// path next serves it from memory instead of decoding the compressed layer that
// holds it a second time (`layerscope cat`: the index has to read the layers
// below the view anyway; the file's own layer was decoded once for its entries,
// and once more up to the file). Bounded: entries of up to kMaxFile bytes each,
// kMaxTotal in all; a bigger one is read from its layer as before. Threads
// indexing blobs at once add to it.
#pragma once

#include <cstdint>
#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace layerscope {

class KeptFiles {
 public:
  static constexpr uint64_t kMaxFile = 8u << 20;
  static constexpr uint64_t kMaxTotal = 16u << 20;

  // `path`: the path to keep, as given (normalised here); none when it names the root.
  static std::shared_ptr<KeptFiles> for_path(std::string_view path);

  // Whether the regular-file entry named `stored_path` (as the tar stores it)
  // of `size` bytes is to be kept: then `size` bytes are reserved for it, and
  // put() or release() must follow.
  bool reserve(std::string_view stored_path, uint64_t size);
  void release(uint64_t size);
  // The content of the entry whose payload starts at `data_offset` of blob
  // `member`'s decoded stream (a reservation of its size).
  void put(const std::string& member, uint64_t data_offset, std::vector<uint8_t> bytes);
  // The kept content of that entry (then no longer kept), if it is `size` bytes.
  std::optional<std::vector<uint8_t>> take(const std::string& member, uint64_t data_offset, uint64_t size);

 private:
  explicit KeptFiles(std::string path) : path_(std::move(path)) {}
  const std::string path_;  // normalised
  std::mutex mu_;
  uint64_t total_ = 0;  // bytes reserved or kept
  std::map<std::pair<std::string, uint64_t>, std::vector<uint8_t>> files_;
};

}  // namespace layerscope
