// Applying an image config to an image of the model: platform, created,
// author, history; and, once the layers are known, mapping rootfs.diff_ids and
// the non-empty history steps onto them (with warnings where counts disagree).
#pragma once

#include <string>

#include "image/load_context.h"

namespace layerscope {

// Fills config-derived fields of `img` (an image of ctx.L.archive) from its
// config bytes; the diff_ids wait in ctx.img_diff_ids until finish_image.
void apply_config(LoadContext& ctx, Image& img, const std::string& config_text, const std::string& where);

// Maps diff_ids and history onto image `idx`'s layers.
void finish_image(LoadContext& ctx, int idx);

}  // namespace layerscope
