// api/verify_report — the verify rows: every digest, size and diff_id an open
// archive claims, checked against what verify_blobs (image/verify) computed.
// No hashing of its own beyond the documents already in memory (config and
// manifest texts); layer blobs are hashed by the one drain-and-hash helper.
#pragma once

#include <string>

#include "image/loader.h"
#include "layerscope/export.h"

namespace layerscope {

// Rows for the archive as verified (call verify_blobs first).
VerifyReport build_verify_report(const Loaded& L);

}  // namespace layerscope
