// Verifying an open archive: hashes every present blob that was not hashed
// while indexing (random access: each member on its own; a compressed archive:
// one more streaming pass), records computed digests and diff_ids, and warns
// where they differ from what the documents declare.
#pragma once

#include "image/loader.h"

namespace layerscope {

// Hashes every present blob and records digests; warnings for mismatches.
Status verify_blobs(Loaded& l, const ProgressFn& progress);

}  // namespace layerscope
