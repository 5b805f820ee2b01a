// --limit NAME=N: the bounds an archive may cost (core/include/layerscope/options.h),
// raised or lowered from the command line.
#pragma once

#include <string>

#include "layerscope/options.h"
#include "layerscope/status.h"

namespace lscli {

// Applies one "NAME=N" (N a positive integer with an optional K/M/G, 1024-based);
// kInvalidArgument, with the message to show, for a bad spec.
layerscope::Status apply_limit(const std::string& spec, layerscope::Limits* limits);

// The NAMEs and their defaults, for --help.
extern const char* const kLimitsHelp;

}  // namespace lscli
