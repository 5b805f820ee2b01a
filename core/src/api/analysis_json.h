// api/analysis_json — the JSON of the analyses: the `space` object (inspect
// --json, the dispatcher's `space` request) and the findings document.
#pragma once

#include "api/json_text.h"
#include "layerscope/analysis.h"

namespace layerscope {

// The `space` object of image `image` (null when the image does not exist).
OJson space_object(const Session& s, int image, size_t top = kSpaceTop);
OJson findings_array(const std::vector<Finding>& findings);

}  // namespace layerscope
