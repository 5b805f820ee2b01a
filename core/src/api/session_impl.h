#pragma once

#include <map>
#include <memory>
#include <mutex>

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
  std::map<int, ImageTreeCache> cache;
  const ImageTreeCache& changes(int image);
};

}  // namespace layerscope
