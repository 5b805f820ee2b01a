#include "api/listings.h"

#include "api/view_warnings.h"

#include <algorithm>

namespace layerscope {
namespace {

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

// Added / modified / deleted items and bytes of each layer's change set.
std::vector<ChangeCounts> count_changes(const ImageTreeCache& c) {
  std::vector<ChangeCounts> out;
  for (size_t li = 0; li < c.changes.changes.size(); ++li) {
    ChangeCounts cc;
    const LayerIndex* idx = c.layers[li];
    for (auto& it : c.changes.changes[li]) {
      int64_t size = 0;
      if (idx && it.entry < idx->entries.size()) size = idx->entries[it.entry].size;
      if (it.change == Change::kAdded) { ++cc.added; cc.added_bytes += size; }
      else if (it.change == Change::kModified) { ++cc.modified; cc.modified_bytes += size; }
      else if (it.change == Change::kDeleted) ++cc.deleted;
    }
    out.push_back(cc);
  }
  return out;
}

}  // namespace

const TreeItem* find_change(const std::vector<TreeItem>& changes, PathId path) {
  for (const TreeItem& it : changes)
    if (it.path == path) return &it;
  return nullptr;
}

void fill_from_entry(ListedEntry* e, const Entry& en, const LayerIndex& li, const PathTable& paths) {
  e->type = en.type;
  e->size = en.size;
  e->mode = en.mode;
  e->uid = en.uid;
  e->gid = en.gid;
  e->mtime = en.mtime;
  if (en.type == EntryType::kSymlink && en.link < li.strings.size()) e->link = li.strings[en.link];
  if (en.type == EntryType::kHardlink) e->link = paths.path(en.link);
}

std::shared_ptr<const ImageTreeCache> Listings::changes(int image, int upto) {
  std::lock_guard<std::mutex> g(mu_);
  const Image& img = L_.archive.images[image];
  // The whole stack once it is all read (every view shares it), else the part asked for.
  size_t n = img.layers.size();
  if (upto >= 0 && static_cast<size_t>(upto) + 1 < n && !L_.layers_readable(image, -1).ok()) n = upto + 1;
  std::vector<int> key;
  for (size_t i = 0; i < n; ++i) key.push_back(img.layers[i].blob);
  if (n < img.layers.size()) key.push_back(-2);  // a part: never taken for a whole stack of the same blobs
  if (auto hit = lru_get(lru_, key)) return hit;
  auto c = std::make_shared<ImageTreeCache>();
  c->layers = layer_indexes(image);
  c->layers.resize(n);
  if (!c->layers.empty()) merge_layers(L_.paths, c->layers, static_cast<int>(c->layers.size()) - 1, &c->changes);
  c->counts = count_changes(*c);
  lru_.emplace_front(std::move(key), c);
  if (lru_.size() > kCacheSlots) lru_.pop_back();
  return c;
}

std::vector<const LayerIndex*> Listings::layer_indexes(int image) const {
  std::vector<const LayerIndex*> out;
  for (const Layer& l : L_.archive.images[image].layers) {
    const Blob* b = l.blob >= 0 ? &L_.archive.blobs[l.blob] : nullptr;
    out.push_back(b && b->present && b->indexed ? &L_.indexes[l.blob] : nullptr);
  }
  return out;
}

Result<std::vector<ChangeCounts>> Listings::change_counts(int image) {
  if (image < 0 || image >= static_cast<int>(L_.archive.images.size()))
    return make_error(Code::kInvalidArgument, "no image #" + std::to_string(image));
  LS_RETURN_IF_ERROR(L_.layers_readable(image, -1));
  return changes(image)->counts;
}

std::vector<ChangeCounts> Listings::read_change_counts(int image) {
  if (image < 0 || image >= static_cast<int>(L_.archive.images.size())) return {};
  const int read = L_.layers_read(image);
  const int nl = static_cast<int>(L_.archive.images[image].layers.size());
  if (read == 0) return {};
  return changes(image, read == nl ? -1 : read - 1)->counts;
}

Result<std::shared_ptr<const Listing>> Listings::listing(int image, const ListOptions& opt) {
  const Archive& a = L_.archive;
  const PathTable& paths = L_.paths;
  if (image < 0 || image >= static_cast<int>(a.images.size()))
    return make_error(Code::kInvalidArgument, "no image #" + std::to_string(image));
  const Image& img = a.images[image];
  int nl = static_cast<int>(img.layers.size());
  int layer = opt.layer < 0 ? nl - 1 : opt.layer;
  if (nl > 0 && layer >= nl)
    return make_error(Code::kInvalidArgument,
                      "layer " + std::to_string(layer) + " does not exist; the image has " + std::to_string(nl) +
                          " layers (0.." + std::to_string(nl - 1) + ")");
  LS_RETURN_IF_ERROR(L_.layers_readable(image, layer));
  std::string prefix;
  normalize_path(opt.prefix, &prefix);
  PathId pid = prefix.empty() ? kRootPath : paths.find(prefix);
  if (pid == kNoPath) return make_error(Code::kNotFound, "no such path in the archive", opt.prefix);

  ListingKey key{image, layer, opt.merged, prefix};
  {
    std::lock_guard<std::mutex> g(mu_);
    if (auto hit = lru_get(listings_, key)) return hit;
  }
  auto out = std::make_shared<Listing>();
  out->paths_ = &paths;
  out->image_ = image;
  out->layer_ = layer;
  out->merged_ = opt.merged;
  out->warnings_ = view_warnings(L_.archive, image, layer);
  if (nl > 0) {
    out->cache_ = changes(image, layer);
    const ImageTreeCache& cache = *out->cache_;
    if (opt.merged) {
      // With the change sets, each item carries what the layer that last wrote it did (A/M).
      ImageChanges upto;
      out->items_ = merge_layers(paths, cache.layers, layer, &upto).items;
    } else {
      out->items_ = cache.changes.changes[layer];
    }
    if (pid != kRootPath) {
      auto& v = out->items_;
      v.erase(std::remove_if(v.begin(), v.end(),
                             [&](const TreeItem& it) { return it.path != pid && !paths.is_ancestor(pid, it.path); }),
              v.end());
    }
    out->items_.shrink_to_fit();
  }
  std::lock_guard<std::mutex> g(mu_);
  auto& lru = listings_;
  lru.emplace_front(std::move(key), out);
  // At most kListingSlots listings, and fewer when they are large: the items of
  // the cached listings together stay under kListingItems (the newest is always kept).
  uint64_t items = 0;
  size_t keep = 0;
  for (auto& [k, l] : lru) {
    items += l->size();
    if (keep > 0 && (keep >= kListingSlots || items > kListingItems)) break;
    ++keep;
  }
  while (lru.size() > keep) lru.pop_back();
  return std::shared_ptr<const Listing>(std::move(out));
}

ListedEntry Listing::entry(uint64_t i) const {
  const TreeItem& it = items_[i];
  ListedEntry e;
  e.path = paths_->path(it.path);
  e.layer = it.layer;
  e.change = it.change;
  e.implicit = it.implicit;
  const LayerIndex* li = it.layer >= 0 ? cache_->layers[it.layer] : nullptr;
  if (it.change == Change::kDeleted) {
    e.type = EntryType::kOther;
  } else if (it.implicit || !li || it.entry >= li->entries.size()) {
    e.type = EntryType::kDir;
    e.mode = 040755;
  } else {
    fill_from_entry(&e, li->entries[it.entry], *li, *paths_);
  }
  return e;
}

}  // namespace layerscope
