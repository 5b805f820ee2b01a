// api/image_refs — naming an image: docker-style references (tags, IDs and
// their prefixes, indexes) and platforms ("os[/arch[/variant]]", normalised the
// way containerd does). Pure functions of the archive's model.
#pragma once

#include <string_view>
#include <vector>

#include "layerscope/model.h"
#include "layerscope/status.h"

namespace layerscope {

// Session::resolve_image and Session::images_for_platform (see session.h).
Result<int> resolve_image(const Archive& archive, std::string_view ref, std::string_view platform);
Result<std::vector<int>> images_for_platform(const Archive& archive, std::string_view platform);

// The error of every request that needs an image, on an archive that holds
// none (manifest.json `null` or `[]`, an index listing nothing usable):
// not-an-image, at the document that lists none.
Error no_image_error(const Archive& archive);

// Which of `platforms` match `platform` (the matching images_for_platform uses);
// kInvalidArgument for a malformed value.
Result<std::vector<bool>> match_platforms(std::string_view platform, const std::vector<const Platform*>& platforms);

}  // namespace layerscope
