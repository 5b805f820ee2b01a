#pragma once

#include <list>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "image/loader.h"
#include "layerscope/session.h"

namespace layerscope {

struct ImageTreeCache {
  std::vector<const LayerIndex*> layers;  // per image layer; nullptr when absent/unreadable
  ImageChanges changes;
};

struct Session::Impl {
  std::unique_ptr<Loaded> L;
  std::mutex mu;
  // Change sets keyed by an image's layer stack (its blob ids): images that
  // share a stack share one, and only the kCacheSlots most recently used
  // stacks are kept, so memory does not grow with the number of images.
  static constexpr size_t kCacheSlots = 8;
  std::list<std::pair<std::vector<int>, std::shared_ptr<const ImageTreeCache>>> lru;
  std::shared_ptr<const ImageTreeCache> changes(int image);

  // The most recent listings, keyed by (layer stack, layer, merged, prefix):
  // a page of a merged tree should not cost a merge of the whole image.
  struct ListingKey {
    std::vector<int> stack;
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
