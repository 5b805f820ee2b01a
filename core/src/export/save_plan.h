// export/save_plan — which bytes a `save` writes: the chosen images of an open
// (and verified) archive as a LayoutPlan, each layer blob copied as stored.
#pragma once

#include <vector>

#include "export/image_layout.h"
#include <functional>
#include <optional>

#include "export/layer_bytes.h"
#include "image/loader.h"

namespace layerscope {

// `images`: indexes into L.archive.images (empty = all). Every blob must have
// been hashed (verify_blobs): its computed digest names it in the output.
// Errors: an absent layer or config (kNotFound), a blob whose compression no
// OCI media type names (kUnsupported), an unverified blob (kInternal).
// With `recompress`, a layer not already in `compression` is measured here
// (compressed once into a hashing sink: pass 1 of export/layer_bytes).
struct SaveLayers {
  bool recompress = false;
  Compression compression = Compression::kNone;
  ProgressFn progress;  // "measure" phase
  std::vector<std::string> drop_tags;  // tags left out
  ScratchFactory scratch;  // set: a recompressed layer is compressed once, into it (else twice)
  TaskRunner run;          // set: the layers to recompress are measured through it (maybe at once)
  // Blobs whose layers the caller replaces once the plan is made (strip's
  // rewritten layers): planned as stored, never measured nor kept in scratch.
  std::vector<int> replaced;
  // Set: a pending layer it answers for (by member; compressed as `compression`
  // elsewhere, SaveOptions::recompressed) is taken as measured, bytes in `kept`.
  std::function<std::optional<LayerMeasure>(const std::string& member)> measured;
};

// A layer plan_save measures: its blob's member and stored size.
struct PendingLayer {
  std::string member;
  uint64_t size = 0;
  int blob = -1;
};
// Pass 1 of a layer compressed anew as `compression`: its blob `member` read,
// compressed into a hashing sink (and into `scratch`'s storage when given: then
// `kept` holds the bytes). `tick`: bytes of the member read so far (false cancels).
Result<LayerMeasure> measure_member(const Loaded& L, const std::string& member, Compression compression,
                                    const ScratchFactory& scratch, const std::function<bool(uint64_t)>& tick);

// The layers plan_save would measure (each blob once), largest first; none
// without random access (the writers refuse such an archive); reads nothing.
Result<std::vector<PendingLayer>> layers_to_measure(const Loaded& L, const std::vector<int>& images,
                                                         const SaveLayers& layers);
Result<LayoutPlan> plan_save(const Loaded& L, const std::vector<int>& images, bool docker_manifest,
                             const SaveLayers& layers = {});

}  // namespace layerscope
