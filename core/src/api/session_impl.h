// The state behind one Session: the loaded archive and the caches of its
// rooms. Everything mutable lives here, per Session, so several archives can be
// open at once (nothing in api/ is global or static).
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "api/listings.h"
#include "image/legacy_v1.h"
#include "image/loader.h"
#include "layerscope/session.h"

namespace layerscope {

struct Session::Impl {
  explicit Impl(std::unique_ptr<Loaded> loaded) : L(std::move(loaded)), listings(*L) {}
  std::unique_ptr<Loaded> L;
  Listings listings;  // change sets and listings, cached
  // What the last index_layers with a path to keep kept (read_file takes it).
  std::shared_ptr<KeptFiles> kept;

  // The legacy v1 records (<layer-id>/json), read on first use.
  const std::vector<LegacyV1Image>& legacy();
  std::mutex legacy_mu;
  std::optional<std::vector<LegacyV1Image>> legacy_records;
};

}  // namespace layerscope
