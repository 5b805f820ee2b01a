// api/image_filters — what `images` lists: one row per image (and, with `all`,
// per intermediate image of a legacy save), after docker's filters (dangling,
// label, before, since) and a platform. The CLI prints the rows; the page can
// ask for the same rows or the images_json() document.
#pragma once

#include <vector>

#include "image/legacy_v1.h"
#include "image/loader.h"
#include "layerscope/session.h"

namespace layerscope {

// Session::images over `loaded`; `legacy` is the archive's v1 records (read by
// the caller once; only used when query.all is set).
Result<std::vector<ImageSummary>> list_images(const Loaded& loaded, const std::vector<LegacyV1Image>& legacy,
                                              const ImagesQuery& query);

}  // namespace layerscope
