// image/legacy_v1 — the v1 image records of a legacy `docker save` (Docker <= 24):
// beside each `<layer-id>/layer.tar` a `<layer-id>/json` names the layer's v1 ID,
// its parent's and a config (created, os, architecture, Labels). The record at the
// top of an image's chain stands for the image itself; the others are what
// `docker images -a` lists as intermediate images. Other layouts have none.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "image/loader.h"
#include "layerscope/model.h"
#include "layerscope/status.h"

namespace layerscope {

struct LegacyV1Image {
  std::string id;            // 64 hex: the <layer-id> directory (the json's own "id" is not trusted)
  std::string parent;        // 64 hex, "" at the bottom of a chain
  std::string created;
  Platform platform;         // os / architecture / variant as recorded (often os only)
  std::string labels_json;   // config.Labels as compact JSON, "" when absent
  std::string layer_member;  // the member holding <id>/layer.tar (after links), "" when absent
  uint64_t layer_size = 0;   // that member's size in bytes
  std::string error;         // why the json could not be read or parsed ("" when it was)
};

// Every `<64 hex>/json` member, in archive order. A record whose json cannot be
// read or parsed is kept with `error` set (and no parent), never dropped silently.
std::vector<LegacyV1Image> read_legacy_v1(const Loaded& loaded);

// The v1 ID at the top of an image's chain: the directory of the last layer
// its manifest.json entry lists ("" when the image has no such entry).
std::string legacy_top_id(const Image& image, uint32_t max_json_depth);

}  // namespace layerscope
