// api/export_jobs — the Session's re-export calls (layerscope/export.h):
// verify rows and save. Each job verifies what it copies before writing a
// byte, so a corrupt source fails with the failing row's place and leaves the
// sink unfinished (nothing behind).
#pragma once

#include <functional>
#include <optional>

#include "export/save_plan.h"
#include "image/loader.h"
#include "layerscope/export.h"
#include "layerscope/session.h"
#include "layerscope/status.h"

namespace layerscope {

// The first failing row as an Error (kCorrupt, or kNotFound for a missing blob).
Error verify_failure(const VerifyRow& row);
// Before a writer copies from the archive: it must be random-access and every
// blob must verify (`job` names the writer in the error).
Status check_source(Session& s, const Loaded& L, const char* job, const ProgressFn& progress);
// kUnsupported unless L's layers can be read by offset ("<job> reads layers by offset: …").
Status need_random_access(const Loaded& L, const char* job);

// SaveLayers::measured over the layers a caller compressed elsewhere (those
// compressed as `compression`); null when there are none.
std::function<std::optional<LayerMeasure>(const std::string&)> measured_elsewhere(
    const std::vector<RecompressedLayer>& layers, Compression compression);
// plan_save's pending layers as the API names them.
std::vector<LayerToRecompress> to_recompress(const Loaded& L, const std::vector<PendingLayer>& pending);

}  // namespace layerscope
