// libFuzzer: manifest / config / index JSON. The bytes go to parse_json() and
// the no-throw accessors directly, then into the loader through a tiny archive
// wrapper; the first byte picks the role:
//   0: manifest.json of a legacy archive          1: the image config of it
//   2: index.json of an OCI archive (+ oci-layout) 3: an OCI image manifest blob
#include <nlohmann/json.hpp>

#include "base/sha256.h"
#include "fuzz_util.h"
#include "manifest/json.h"

namespace {

std::string hex_of(const std::string& s) { return layerscope::Sha256::digest_of(s).substr(7); }

const std::string kLayer = [] {
  std::string t;
  lsfuzz::tar_member(&t, "etc/hostname", "fuzz\n");
  lsfuzz::tar_end(&t);
  return t;
}();

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace layerscope;
  if (size < 1) return 0;
  int role = data[0] % 4;
  std::string text(reinterpret_cast<const char*>(data + 1), size - 1);

  auto j = parse_json(text, "fuzz.json", 64);
  if (j.ok()) {
    const Json& v = j.value();
    (void)jdump(v, 2);
    (void)jstr(v, "Config");
    (void)jint(v, "size");
    (void)jbool(v, "empty_layer");
    (void)jstrings(v, "RepoTags");
    if (const Json* m = jget(v, "manifests"); m && m->is_array())
      for (const auto& d : *m) (void)jstr(d, "digest");
    if (v.is_array())
      for (const auto& e : v) (void)jstrings(e, "Layers");
  }

  std::string tar;
  std::string layer_hex = hex_of(kLayer);
  std::string cfg = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":"
                    "[\"sha256:" + layer_hex + "\"]},\"history\":[{\"created_by\":\"x\"}]}";
  switch (role) {
    case 0:
      lsfuzz::tar_member(&tar, "l/layer.tar", kLayer);
      lsfuzz::tar_member(&tar, "c.json", cfg);
      lsfuzz::tar_member(&tar, "manifest.json", text);
      break;
    case 1:
      lsfuzz::tar_member(&tar, "l/layer.tar", kLayer);
      lsfuzz::tar_member(&tar, "c.json", text);
      lsfuzz::tar_member(&tar, "manifest.json",
                         "[{\"Config\":\"c.json\",\"RepoTags\":[\"f:1\"],\"Layers\":[\"l/layer.tar\"]}]");
      break;
    case 2:
    case 3: {
      std::string man = role == 3 ? text
                                  : "{\"schemaVersion\":2,\"config\":{\"digest\":\"sha256:" + hex_of(cfg) +
                                        "\",\"size\":" + std::to_string(cfg.size()) +
                                        "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\","
                                        "\"digest\":\"sha256:" + layer_hex + "\",\"size\":" +
                                        std::to_string(kLayer.size()) + "}]}";
      lsfuzz::tar_member(&tar, "blobs/sha256/" + layer_hex, kLayer);
      lsfuzz::tar_member(&tar, "blobs/sha256/" + hex_of(cfg), cfg);
      lsfuzz::tar_member(&tar, "blobs/sha256/" + hex_of(man), man);
      std::string idx = role == 2 ? text
                                  : "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":"
                                    "\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:" +
                                        hex_of(man) + "\",\"size\":" + std::to_string(man.size()) + "}]}";
      lsfuzz::tar_member(&tar, "index.json", idx);
      lsfuzz::tar_member(&tar, "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}");
      break;
    }
  }
  lsfuzz::tar_end(&tar);
  auto s = lsfuzz::open_or_refuse(std::vector<uint8_t>(tar.begin(), tar.end()));
  if (!s) return 0;
  lsfuzz::exercise(*s, false);
  return 0;
}
