// api/file_readers — one file's content at a layer, as a cursor: positional
// reads in an uncompressed layer of a seekable archive, a decoder positioned at
// the entry otherwise (compressed layers, or an archive compressed as a whole).
#pragma once

#include <memory>
#include <string_view>

#include "api/listings.h"
#include "base/siphash.h"
#include "diff/tree_diff.h"
#include "image/loader.h"
#include "layerscope/session.h"

namespace layerscope {

// The reader of `path` as it is at `layer` (-1 = top) of `image` in the merged
// view (hardlinks followed, symlinks refused). Valid while `loaded` lives. With
// `kept`, content it kept for that entry is taken and read from memory.
Result<std::unique_ptr<FileReader>> open_file_reader(const Loaded& loaded, Listings& listings, int image, int layer,
                                                     std::string_view path, KeptFiles* kept = nullptr);

// The reader of regular-file entry `entry` of image layer `layer` (the index of
// that layer's LayerIndex): no path lookup, no hardlink following.
Result<std::unique_ptr<FileReader>> open_entry_reader(const Loaded& loaded, int image, int layer, uint32_t entry);

// Fingerprints of regular-file entries `entries` of image layer `layer`, in
// their order: SipHash-128 under the process's key (base/siphash.h):
// equal for equal bytes within this process, never shown (not a digest to
// compare with anything outside it). Positional reads in an uncompressed layer
// of a seekable archive, else ONE pass over the decoded layer (never a decode
// from the start per file). Progress "read": bytes of those entries hashed.
Result<std::vector<Fingerprint>> fingerprint_entries(const Loaded& loaded, int image, int layer,
                                                     const std::vector<uint32_t>& entries, const ProgressFn& progress);

// Fingerprints (as fingerprint_entries) of the entries several layers of
// `image` ask (diff/tree_diff.h DigestWant: each want's `prints` filled), for
// an archive compressed as a whole: ONE pass over it, each layer hashed as the
// pass reaches its member (fingerprint_entries would decode the archive from
// its start for each layer). `advance` hears the bytes hashed since its last
// call (false cancels).
Status fingerprint_layers_in_one_pass(const Loaded& loaded, int image, const std::vector<DigestWant>& wants,
                                      const std::function<bool(uint64_t)>& advance);

// Drains `reader` into `sink` (false from the sink stops early, not an error),
// reporting "read" progress; `where` names the file in a cancellation.
Status drain_reader(FileReader& reader, const ChunkSink& sink, const ProgressFn& progress, std::string_view where);

}  // namespace layerscope
