// api/analysis_json — the JSON of the analyses: the `space` object (inspect
// --json, the dispatcher's `space` request) and the findings document.
#pragma once

#include <map>
#include <vector>

#include "api/json_text.h"
#include "layerscope/analysis.h"

namespace layerscope {

using jsontext::OJson;

// The `space` object of image `image` (null when the image does not exist).
OJson space_object(const Session& s, int image, size_t top = kSpaceTop);

// space_object() once per distinct layer stack: images that share their layers
// (tags of one image, a multi-image save over one base) are computed once.
class SpaceObjects {
 public:
  const OJson& of(const Session& s, int image);

 private:
  std::map<std::vector<int>, OJson> by_stack_;  // blob indices, bottom-up
};
OJson findings_array(const std::vector<Finding>& findings);

}  // namespace layerscope
