// api/export_jobs — the Session's re-export calls (layerscope/export.h):
// verify rows and save. Each job verifies what it copies before writing a
// byte, so a corrupt source fails with the failing row's place and leaves the
// sink unfinished (nothing behind).
#pragma once

#include "layerscope/export.h"
#include "layerscope/status.h"

namespace layerscope {

// The first failing row as an Error (kCorrupt, or kNotFound for a missing blob).
Error verify_failure(const VerifyRow& row);

}  // namespace layerscope
