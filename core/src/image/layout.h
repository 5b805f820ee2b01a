// Which layout an archive has, from its members: which document lists the
// images (index.json, manifest.json, or both), the docker-archive family's
// flavour (legacy docker save, containers/image, tarball), and a guess at the
// tool that wrote it.
#pragma once

#include "image/loader.h"

namespace layerscope {

enum class ImageSource {
  kNone,          // neither manifest.json nor index.json: not an image archive
  kOciIndex,      // index.json (plus manifest.json's tags when both are present: the hybrid)
  kDockerManifest // manifest.json alone (docker-archive family)
};

// Also records the members of note (manifest.json, index.json, oci-layout,
// repositories) and, for the OCI index, sets the layout (oci-archive or hybrid).
ImageSource detect_image_source(Loaded& L);

// After manifest.json was read: legacy docker save, containers/image
// docker-archive, or a kaniko/crane tarball, from how layers are referenced.
Layout classify_docker_family(const Loaded& L);

// The error for an archive holding neither manifest.json nor index.json.
Error no_image_error(const Loaded& L);

// Sets archive.producer from the layout and traces the tools leave in configs.
void guess_producer(Archive& a);

}  // namespace layerscope
