// api/view_warnings — which warnings concern one view of an image (ls, cat,
// log, history, images, and the dispatcher's answers to the page): the
// archive's own warnings, those about the image, and those about the blobs of
// the layers the view is built from, each placed at its layer; plus one
// `incomplete-image` warning per such layer that is absent or unreadable, since
// the view then lacks what that layer adds, changes and deletes.
#pragma once

#include <vector>

#include "layerscope/model.h"

namespace layerscope {

inline constexpr const char* kIncompleteImage = "incomplete-image";

// The warnings concerning image `image` as of layer `upto` (-1: the top), in
// the archive's order, the incomplete-image ones last. `image` -1: the
// archive's own warnings only; `with_archive` false: all but those.
std::vector<Warning> view_warnings(const Archive& archive, int image, int upto, bool with_archive = true);

// The warnings of the images `images` lists (each once) and of the archive.
std::vector<Warning> images_warnings(const Archive& archive, const std::vector<int>& images);

}  // namespace layerscope
