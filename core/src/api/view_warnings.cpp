#include "api/view_warnings.h"

#include <algorithm>
#include <optional>
#include <set>
#include <tuple>
#include <string>

#include "layerscope/text.h"

namespace layerscope {
namespace {

// A foreign / non-distributable layer is absent by design (the registry
// serves it): its missing-blob warning travels with the view, but it does not
// make the view incomplete.
bool foreign(const Layer& l) {
  return l.media_type.find("foreign") != std::string::npos ||
         l.media_type.find("nondistributable") != std::string::npos;
}

// Layer `li` of `img` is absent or unreadable: what the view lacks, in words.
std::optional<Warning> incompleteness(const Archive& a, const Image& img, int li) {
  const Layer& l = img.layers[li];
  const Blob* b = l.blob >= 0 ? &a.blobs[l.blob] : nullptr;
  if ((!b || !b->present) && foreign(l)) return std::nullopt;
  std::string name = "layer " + std::to_string(li);
  std::string id = escape_text(!l.digest.empty() ? l.digest : b ? (b->member.empty() ? b->referenced_as : b->member) : "", 120);
  const char* lacks = ": this view lacks what it adds, changes and deletes, and is incomplete";
  if (!b || !b->present)
    return Warning{kIncompleteImage, name + " (" + id + ") is not stored in the archive" + lacks, name, l.blob, -1};
  if (!b->error.empty())
    return Warning{kIncompleteImage, name + " (" + id + ") could not be read" + lacks, name, l.blob, -1};
  return std::nullopt;
}

}  // namespace

std::vector<Warning> view_warnings(const Archive& a, int image, int upto, bool with_archive) {
  std::vector<Warning> out;
  if (image < 0 || image >= static_cast<int>(a.images.size())) {
    if (with_archive)
      for (const Warning& w : a.warnings)
        if (w.image < 0 && w.blob < 0) out.push_back(w);
    return out;
  }
  const Image& img = a.images[image];
  const int n = static_cast<int>(img.layers.size());
  const int last = upto < 0 ? n - 1 : std::min(upto, n - 1);
  for (const Warning& w : a.warnings) {
    if (w.image >= 0 && w.image != image) continue;
    if (w.blob < 0) {
      if (with_archive || w.image >= 0) out.push_back(w);
      continue;
    }
    for (int li = 0; li <= last; ++li) {
      if (img.layers[li].blob != w.blob) continue;
      Warning x = w;
      x.where = "layer " + std::to_string(li) + ": " + w.where;
      x.image = image;
      out.push_back(std::move(x));
    }
  }
  for (int li = 0; li <= last; ++li)
    if (auto w = incompleteness(a, img, li)) {
      w->image = image;
      out.push_back(std::move(*w));
    }
  return out;
}

std::vector<Warning> images_warnings(const Archive& a, const std::vector<int>& images) {
  std::vector<Warning> out = view_warnings(a, -1, -1);
  std::set<std::tuple<std::string, std::string, std::string>> seen;
  for (int i : images)
    for (Warning& w : view_warnings(a, i, -1, false))
      if (seen.emplace(w.code, w.message, w.where).second) out.push_back(std::move(w));
  return out;
}

}  // namespace layerscope
