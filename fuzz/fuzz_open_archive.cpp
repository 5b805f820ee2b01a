// libFuzzer: the bytes are a whole archive (plain tar, or gzip/zstd/xz/bzip2
// compressed as a whole) opened from a memory source, then explored like a
// viewer would: summary, merged listings, file reads, path logs, verify.
#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace layerscope;
  auto s = lsfuzz::open_or_refuse(std::vector<uint8_t>(data, data + size));
  if (!s) return 0;
  lsfuzz::exercise(*s, /*verify=*/size < (64 << 10));
  return 0;
}
