// Shared by `findings` and `ci`: opening ARCHIVE [IMAGE], and findings as text
// rows (details are masked by the core; names escaped here).
#pragma once

#include <vector>

#include "command.h"
#include "image_args.h"
#include "layerscope/analysis.h"

namespace lscli {

// Opens ARCHIVE and resolves the optional IMAGE operand (--platform narrows it).
int open_image_operand(const Context& ctx, const Args& a, ImagePath* out);

// "SEVERITY  RULE  PLACE  PATH — DETAIL" per finding, then a count per severity.
void print_findings(const std::vector<Finding>& findings);

}  // namespace lscli
