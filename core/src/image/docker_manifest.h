// Images from a docker-archive's manifest.json (legacy docker save, the
// containers/image docker-archive, tarballs, and the manifest.json half of the
// Docker 25+ OCI hybrid): one image per entry {Config, RepoTags, Layers,
// LayerSources?}.
#pragma once

#include <vector>

#include "image/load_context.h"

namespace layerscope {

// Appends one image per manifest.json entry to ctx.L.archive.images; their
// indexes go to *made. A null document is no images; a non-array is corrupt.
Status read_docker_manifest(LoadContext& ctx, std::vector<int>* made);

// The hybrid layout: after the OCI index gave images [0, before), merges
// manifest.json's RepoTags into them by config digest; entries with no
// counterpart stay images of their own (their indexes go to *made).
Status merge_docker_manifest(LoadContext& ctx, std::vector<int>* made);

}  // namespace layerscope
