#include "export/import.h"

#include <ctime>

#include "archive/layer_stream.h"

namespace layerscope {

Result<RootfsMeasure> measure_rootfs(const std::shared_ptr<ByteSource>& src, const Limits& limits,
                                     const std::function<bool(uint64_t)>& tick, const std::string& where) {
  LayerStreamOptions lo;
  lo.hash = true;
  lo.max_expansion_floor = limits.max_expansion_floor;
  lo.max_expansion_ratio = limits.max_expansion_ratio;
  lo.tick = tick;
  LS_ASSIGN_OR_RETURN(auto ls, LayerStream::open(src, lo, where));
  RootfsMeasure m;
  TarHeader h;
  for (;;) {
    LS_ASSIGN_OR_RETURN(bool more, ls->next(&h));
    if (!more) break;
    ++m.entries;
    if (h.mtime > m.newest_mtime) m.newest_mtime = h.mtime;
  }
  LS_RETURN_IF_ERROR(ls->finish());
  m.diff_id = ls->diff_id();
  m.size = ls->uncompressed_size();
  return m;
}

std::string rfc3339_utc(int64_t seconds) {
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  if (!gmtime_r(&t, &tm)) return "1970-01-01T00:00:00Z";
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace layerscope
