// Images from an OCI image layout's index.json (oci-archive and the Docker 25+
// hybrid): walks the index and nested indexes (multi-platform, bounded in depth,
// fan-out and count, cycle-safe), turns each image manifest into an image with
// its config and layer blobs, and records attestation manifests apart.
#pragma once

#include "image/load_context.h"

namespace layerscope {

// `index` is the parsed index.json (an object); `where` names it in messages.
void read_oci_index(LoadContext& ctx, const Json& index, const std::string& where);

}  // namespace layerscope
