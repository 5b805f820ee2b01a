// Media types of the documents and layers an image archive holds, and what a
// layer's media type says about its compression.
#pragma once

#include <string>

#include "layerscope/model.h"

namespace layerscope {

inline constexpr const char* kMtOciIndex = "application/vnd.oci.image.index.v1+json";
inline constexpr const char* kMtOciManifest = "application/vnd.oci.image.manifest.v1+json";
inline constexpr const char* kMtOciConfig = "application/vnd.oci.image.config.v1+json";
inline constexpr const char* kMtOciLayer = "application/vnd.oci.image.layer.v1.tar";
inline constexpr const char* kMtOciLayerGzip = "application/vnd.oci.image.layer.v1.tar+gzip";
inline constexpr const char* kMtOciLayerZstd = "application/vnd.oci.image.layer.v1.tar+zstd";
inline constexpr const char* kMtDockerList = "application/vnd.docker.distribution.manifest.list.v2+json";
inline constexpr const char* kMtDockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr const char* kMtDockerConfig = "application/vnd.docker.container.image.v1+json";
inline constexpr const char* kMtDockerLayerGzip = "application/vnd.docker.image.rootfs.diff.tar.gzip";

// zstd / gzip / none (".tar" at the end) / unknown (empty or anything else).
Compression compression_from_media_type(const std::string& mt);

}  // namespace layerscope
