#pragma once

#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "image/loader.h"
#include "layerscope/session.h"

namespace layerscope {

struct ImageTreeCache {
  std::vector<const LayerIndex*> layers;  // per image layer; nullptr when absent/unreadable
  ImageChanges changes;
};

// A most-recently-used list: the value under `key` moved to the front, or nullptr.
template <class K, class V>
std::shared_ptr<const V> lru_get(std::list<std::pair<K, std::shared_ptr<const V>>>& lru, const K& key) {
  for (auto it = lru.begin(); it != lru.end(); ++it) {
    if (it->first == key) {
      lru.splice(lru.begin(), lru, it);
      return lru.front().second;
    }
  }
  return nullptr;
}

struct Session::Impl {
  std::unique_ptr<Loaded> L;
  std::mutex mu;
  // Change sets keyed by an image's layer stack (its blob ids): images that
  // share a stack share one, and only the kCacheSlots most recently used
  // stacks are kept, so memory does not grow with the number of images.
  static constexpr size_t kCacheSlots = 8;
  std::list<std::pair<std::vector<int>, std::shared_ptr<const ImageTreeCache>>> lru;
  std::shared_ptr<const ImageTreeCache> changes(int image);

  // The most recent listings, keyed by (image, layer, merged, prefix): a page
  // of a merged tree should not cost a merge of the whole image.
  struct ListingKey {
    int image;
    int layer;
    bool merged;
    std::string prefix;
    bool operator==(const ListingKey&) const = default;
  };
  static constexpr size_t kListingSlots = 4;
  static constexpr uint64_t kListingItems = 4'000'000;  // 20 bytes each: ~80 MB
  std::list<std::pair<ListingKey, std::shared_ptr<const Listing>>> listings;
};

}  // namespace layerscope
