// libFuzzer: the bytes are a whole archive (plain tar, or gzip/zstd/xz/bzip2
// compressed as a whole) opened from a memory source, then explored like a
// viewer would: summary, merged listings, file reads, path logs, verify.
#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace layerscope;
  auto src = make_memory_source(std::vector<uint8_t>(data, data + size), "fuzz.tar");
  auto s = Session::open(src, lsfuzz::fuzz_options());
  if (!s.ok()) {
    const Error& e = s.error();
    if (e.message.empty() || e.code == Code::kOk) __builtin_trap();  // every failure says what and where
    return 0;
  }
  lsfuzz::exercise(*s.value(), /*verify=*/size < (64 << 10));
  return 0;
}
