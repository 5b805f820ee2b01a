#include "layerscope/status.h"

namespace layerscope {

std::string_view code_name(Code c) {
  switch (c) {
    case Code::kOk: return "ok";
    case Code::kIo: return "io";
    case Code::kTruncated: return "truncated";
    case Code::kCorrupt: return "corrupt";
    case Code::kUnsupported: return "unsupported";
    case Code::kNotFound: return "not-found";
    case Code::kInvalidArgument: return "invalid-argument";
    case Code::kAmbiguous: return "ambiguous";
    case Code::kLimit: return "limit";
    case Code::kCancelled: return "cancelled";
    case Code::kNotImage: return "not-an-image";
    case Code::kInternal: return "internal";
  }
  return "internal";
}

std::string Error::to_string() const {
  std::string s(code_name(code));
  s += ": ";
  s += message;
  if (!where.empty()) {
    s += " (at ";
    s += where;
    s += ")";
  }
  return s;
}

Error with_where(Error e, std::string_view outer) {
  if (outer.empty()) return e;
  if (e.where.empty()) {
    e.where = std::string(outer);
  } else {
    e.where = std::string(outer) + ": " + e.where;
  }
  return e;
}

}  // namespace layerscope
