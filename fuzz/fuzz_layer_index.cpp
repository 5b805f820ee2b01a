// libFuzzer: the layer index. The bytes are one layer blob (a tar, or a
// gzip/zstd/xz/bzip2-compressed one: compression is sniffed) inside a fixed
// two-layer docker-save archive whose lower layer holds a few paths, so
// whiteouts, opaque markers, hardlinks and replacements in the fuzzed layer
// meet real lower content. (Whole-archive compression is fuzz_open_archive's.)
#include "fuzz_util.h"

namespace {

const std::string kLower = [] {
  std::string t;
  lsfuzz::tar_member(&t, "etc/hostname", "lower\n");
  lsfuzz::tar_member(&t, "etc/passwd", "root:x:0:0::/root:/bin/sh\n");
  lsfuzz::tar_member(&t, "a/b/c", "c");
  lsfuzz::tar_member(&t, "bin/sh", "", "busybox");
  lsfuzz::tar_end(&t);
  return t;
}();

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace layerscope;
  std::string layer(reinterpret_cast<const char*>(data), size);
  std::string tar;
  lsfuzz::tar_member(&tar, "lower/layer.tar", kLower);
  lsfuzz::tar_member(&tar, "upper/layer.tar", layer);
  lsfuzz::tar_member(&tar, "c.json",
                     "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]},"
                     "\"history\":[{\"created_by\":\"lower\"},{\"created_by\":\"upper\"}]}");
  lsfuzz::tar_member(&tar, "manifest.json",
                     "[{\"Config\":\"c.json\",\"RepoTags\":[\"f:1\"],\"Layers\":[\"lower/layer.tar\","
                     "\"upper/layer.tar\"]}]");
  lsfuzz::tar_end(&tar);
  auto s = lsfuzz::open_or_refuse(std::vector<uint8_t>(tar.begin(), tar.end()));
  if (!s) return 0;
  Session& ss = *s;
  if (ss.archive().images.size() != 1) __builtin_trap();  // the wrapper is always one image
  lsfuzz::exercise(ss, size < (64 << 10));
  for (int layer = 0; layer < 2; ++layer) {
    (void)ss.list(0, ListOptions{.layer = layer, .merged = false});
    (void)ss.list(0, ListOptions{.layer = layer, .merged = true, .prefix = "etc"});
  }
  (void)ss.path_history(0, "etc/hostname");
  return 0;
}
