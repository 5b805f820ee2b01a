#include "digest/verify.h"

#include <algorithm>

namespace layerscope {

LayerStreamOptions hashing_options(const Limits& limits, std::function<bool(uint64_t)> tick) {
  LayerStreamOptions lo;
  lo.hash = true;
  lo.max_expansion_floor = limits.max_expansion_floor;
  lo.max_expansion_ratio = limits.max_expansion_ratio;
  lo.tick = std::move(tick);
  return lo;
}

Status drain_and_hash(LayerStream& ls) {
  TarHeader h;
  for (;;) {
    auto n = ls.next(&h);
    if (!n.ok()) return n.take_error();
    if (!n.value()) break;
  }
  return ls.finish();
}

void clear_verify_warnings(Archive& a) {
  auto& ws = a.warnings;
  ws.erase(std::remove_if(ws.begin(), ws.end(),
                          [](const Warning& w) {
                            return w.code == "diff-id-mismatch" || w.code == "digest-mismatch" ||
                                   w.code == "verify-failed";
                          }),
           ws.end());
}

void check_layer_digests(Archive& a) {
  for (size_t ii = 0; ii < a.images.size(); ++ii) {
    const Image& img = a.images[ii];
    const int im = static_cast<int>(ii);
    std::string iw = img.tags.empty() ? img.source : img.tags.front();
    for (auto& l : img.layers) {
      if (l.blob < 0) continue;
      const Blob& b = a.blobs[l.blob];
      std::string w = iw + " layer " + std::to_string(l.index);
      if (!b.computed_diff_id.empty() && !l.diff_id.empty() && b.computed_diff_id != l.diff_id)
        a.warnings.push_back(Warning{"diff-id-mismatch",
                                     "uncompressed layer hashes to " + b.computed_diff_id +
                                         " but the config's diff_id is " + l.diff_id,
                                     w, l.blob, im});
      if (!b.computed_digest.empty() && !l.digest.empty() && b.computed_digest != l.digest)
        a.warnings.push_back(Warning{"digest-mismatch",
                                     "stored layer hashes to " + b.computed_digest + " but it is referenced as " + l.digest,
                                     w, l.blob, im});
    }
  }
}

}  // namespace layerscope
