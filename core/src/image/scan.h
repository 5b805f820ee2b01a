// The one pass over the outer archive: builds the member table (image/members)
// and, when the archive is compressed as a whole (no random access), gathers
// everything on the way: small JSON members are kept and layer members are
// indexed as they stream past. Stops an outer decompression bomb, reports
// progress ("scan") and honours cancellation.
#pragma once

#include <string>

#include "image/load_context.h"

namespace layerscope {

struct OuterScan {
  bool clean_end = false;  // the end-of-archive marker (two zero blocks) was read
  std::string last_entry;  // the last outer header read, for messages
};

// `lim` are the limits as the caller asked them (ctx.lim holds the clamped ones).
Status scan_outer(LoadContext& ctx, const Limits& lim, OuterScan* out);

}  // namespace layerscope
