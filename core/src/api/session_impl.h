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
};

}  // namespace layerscope
