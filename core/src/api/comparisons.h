// api/comparisons — Session::diff / compare / content_diff over diff/: two
// points (an image's merged filesystem as of a layer, of one archive or of two)
// become TreeSides; file bytes are hashed here (diff/ never reads them) through
// file_readers; image-level sections (config, history, shared layers) of an
// image comparison are built from the two configs.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "api/listings.h"
#include "diff/tree_diff.h"
#include "image/loader.h"
#include "layerscope/session.h"

namespace layerscope {

// One point of a comparison: `image` of `loaded` as of layer `upto` (-1: empty).
struct ComparePoint {
  const Loaded* loaded = nullptr;
  Listings* listings = nullptr;
  int image = 0;
  int upto = -1;
};

struct ComparisonData {
  TreeSide a, b;
  TreeDiff diff;
  bool images = false;   // an image comparison
  DiffCounts counts;
  ImageDifferences image_differences;
  std::string head;      // the document before "changes" (an object without its closing brace)
  // Rows are resolved to strings on demand; the readers keep their per-layer
  // hardlink tables between rows (guarded: a Comparison is shared).
  mutable std::mutex facts_mu;
  mutable std::unique_ptr<FactsReader> facts_a, facts_b;
};

struct ComparisonAccess {
  static const ComparisonData& data(const Comparison& c) { return *c.data_; }
  static void set(Comparison& c, std::shared_ptr<const ComparisonData> d) { c.data_ = std::move(d); }
};

// The file-level diff of two points below `path`, with image sections when
// `images` is set (an image comparison).
Result<std::shared_ptr<const Comparison>> build_comparison(const ComparePoint& before, const ComparePoint& after,
                                                           std::string_view path, bool images,
                                                           const ProgressFn& progress);

// The content of `path` at two points.
Result<ContentDiff> build_content_diff(const ComparePoint& before, const ComparePoint& after, std::string_view path);

}  // namespace layerscope
