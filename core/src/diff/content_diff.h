// diff/content_diff — one file's bytes at two points, both already in memory
// (the caller bounds their size: Limits::max_content_diff_bytes).
//
// Text: a unified diff with 3 lines of context. The edit script comes from dtl
// (Debian's libdtl-dev, header-only: Wu, Manber and Myers' O(NP) algorithm),
// run over line ids rather than strings, after the common head and tail are
// cut; its cost is bounded (a line count and a budget of line comparisons), and
// a diff beyond the bound is refused (kLimit), never a hang.
// Binary: the first differing offset and a window of bytes on each side.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "layerscope/status.h"

namespace layerscope {

// True when either text holds a NUL byte (what git and diff call binary).
bool looks_binary(std::string_view bytes);

// "--- LABEL_BEFORE", "+++ LABEL_AFTER", then "@@ -a,b +c,d @@" hunks; "" when
// the texts are equal. More than `max_lines` differing lines (per side, after
// the common head and tail) or an edit too costly to find is kLimit.
Result<std::string> unified_diff(std::string_view before, std::string_view after, std::string_view label_before,
                                 std::string_view label_after, uint64_t max_lines);

struct ByteDifference {
  int64_t first = -1;          // offset of the first differing byte; -1 when equal
  uint64_t window_offset = 0;  // both windows start here (a little before `first`)
  std::string before, after;   // up to `window` bytes of each side from window_offset
};
// Where two byte strings first differ (a shorter one differs where it ends).
ByteDifference first_difference(std::string_view before, std::string_view after, size_t window = 64);

}  // namespace layerscope
