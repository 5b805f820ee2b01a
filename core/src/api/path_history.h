// api/path_history — every layer of an image that added, modified or deleted a path.
#pragma once

#include <string_view>
#include <vector>

#include "api/listings.h"
#include "image/loader.h"
#include "layerscope/session.h"

namespace layerscope {

// Bottom-up; empty when no layer touches the path (or it is in no layer at all).
Result<std::vector<ListedEntry>> path_history(const Loaded& loaded, Listings& listings, int image,
                                              std::string_view path);

}  // namespace layerscope
