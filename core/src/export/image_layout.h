// export/image_layout — writing images as an OCI image layout in a tar:
// `oci-layout`, `index.json`, `blobs/sha256/<hex>`, and for docker-archive
// output also docker's `manifest.json` beside them (the layout `docker save`
// writes since Engine 25, which older `docker load` reads too: it follows the
// paths manifest.json names). One writer serves both formats.
//
// The outer tar is deterministic: members sorted by path, mtime 0, owner 0:0,
// modes 0644/0755, pax format. Layer blobs are copied from their source in
// chunks, so a blob's digest and size must be known before it is written
// (the plan carries them).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "layerscope/byte_sink.h"
#include "layerscope/byte_source.h"
#include "layerscope/model.h"
#include "layerscope/options.h"
#include "layerscope/status.h"

namespace layerscope {

// A layer blob of the output and where its bytes come from.
struct LayerOut {
  std::string digest;      // "sha256:<hex>" of the bytes as written
  uint64_t size = 0;
  std::string media_type;  // OCI layer media type matching the bytes' compression
  std::string source;      // the source's key for the BlobOpener (an archive member)
  bool recompress = false; // decode the source and compress it anew (export/layer_bytes)
  Compression compression = Compression::kNone;
  // A layer made on the fly (squash): writes exactly `size` bytes hashing to
  // `digest` (measured by a first run into a HashingSink). Set: `source` unused.
  std::function<Status(ByteSink&)> produce;
  // The bytes already made (a recompressed layer kept in scratch storage while
  // it was measured): copied as they are. Set: `source` unused.
  std::shared_ptr<ByteSource> made;
};

struct ImageOut {
  std::string config_json;        // exact bytes (its sha256 is the image ID)
  std::vector<std::string> tags;  // "repo:tag"; empty: untagged
  std::vector<LayerOut> layers;   // bottom first
  std::string parent;             // the image ID of its parent, when that image is written too (manifest.json "Parent")
};

struct LayoutPlan {
  std::vector<ImageOut> images;
  bool docker_manifest = false;  // also write manifest.json (docker-archive)
};

// Opens a layer's bytes by LayerOut::source.
using BlobOpener = std::function<Result<std::shared_ptr<ByteSource>>(const std::string& source)>;

// Writes the plan as a tar onto `sink` (not finished here). `progress` sees
// the source bytes consumed ("save" phase); `limits` bound decompression.
Status write_image_layout(const LayoutPlan& plan, const BlobOpener& open, const Limits& limits, ByteSink& sink,
                          const ProgressFn& progress);

// The OCI layer media type for a blob of that compression ("" for xz/bzip2/unknown).
std::string oci_layer_media_type(Compression c);

}  // namespace layerscope
