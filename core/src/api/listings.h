// api/listings — an image's change sets (one merge per distinct layer stack) and
// the listings built from them, each behind a small most-recently-used cache.
// One Listings belongs to one Session: no state is shared between archives.
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
  std::vector<ChangeCounts> counts;       // per layer, counted once with the merge
};

// What one layer's change set says about `path`, or nullptr.
const TreeItem* find_change(const std::vector<TreeItem>& changes, PathId path);

// The recorded facts of one layer entry, resolved to strings.
void fill_from_entry(ListedEntry* e, const Entry& en, const LayerIndex& li, const PathTable& paths);

class Listings {
 public:
  explicit Listings(const Loaded& loaded) : L_(loaded) {}

  // The change sets of `image` (a valid index), merged once per layer stack.
  // With `upto` >= 0, layers 0..upto suffice (their change sets do not depend
  // on the layers above): while the image's upper layers are still unread (a
  // summary open), only that part of the stack is merged, under its own key.
  // The caller has checked that what it merges is read (Loaded::layers_readable).
  std::shared_ptr<const ImageTreeCache> changes(int image, int upto = -1);
  // The indexes of `image`'s layers (a valid index), nullptr for one absent or
  // not indexed, without merging them: what a comparison needs (it merges its
  // own sides), where changes() would also build and keep every layer's change set.
  std::vector<const LayerIndex*> layer_indexes(int image) const;
  Result<std::shared_ptr<const Listing>> listing(int image, const ListOptions& opt);
  Result<std::vector<ChangeCounts>> change_counts(int image);
  // The counts of the layers read so far from the bottom (all of them once the
  // image is read; fewer, or none, while a summary open's upper layers are unread).
  std::vector<ChangeCounts> read_change_counts(int image);

 private:
  const Loaded& L_;
  std::mutex mu_;
  // Change sets keyed by an image's layer stack (its blob ids): images that
  // share a stack share one, and only the kCacheSlots most recently used
  // stacks are kept, so memory does not grow with the number of images.
  static constexpr size_t kCacheSlots = 8;
  std::list<std::pair<std::vector<int>, std::shared_ptr<const ImageTreeCache>>> lru_;

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
  std::list<std::pair<ListingKey, std::shared_ptr<const Listing>>> listings_;
};

}  // namespace layerscope
