// Reads an archive's structure: the outer tar's members, the layout, the
// image model, and an index of every layer's entries.
//
// The rooms of image/ (each a header of its own):
//   members          the outer member table, links between members
//   scan             the one pass over the outer tar (builds the member table)
//   layout           which documents list the images; flavour; producer
//   docker_manifest  manifest.json -> images
//   oci_index        index.json (and nested indexes) -> images
//   config           image config -> platform, history, diff_ids
//   layers           indexing layer blobs; descriptor/bytes cross-checks
//   verify           hashing every blob (verify_blobs)
//   load_context     the state those share while loading
// loader.cpp only orchestrates them (load_archive).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "image/kept_files.h"
#include "image/members.h"
#include "layerscope/byte_source.h"
#include "layerscope/model.h"
#include "layerscope/options.h"
#include "layerscope/status.h"
#include "layerscope/tree.h"

namespace layerscope {

struct Loaded {
  std::shared_ptr<ByteSource> src;
  OpenOptions options;
  bool random_access = true;  // false when the outer archive is compressed as a whole
  Archive archive;
  PathTable paths;
  std::vector<LayerIndex> indexes;  // parallel to archive.blobs
  std::vector<std::string> digest_source;  // parallel to image layers, flattened per blob
  std::vector<Member> members;
  std::unordered_map<std::string, size_t> by_path;
  std::unordered_map<std::string, std::string> held;  // streaming: small JSON members kept
  // Parallel to archive.blobs: its entries are in `indexes`, or its error is
  // known (as a full open would leave it). A summary open (OpenOptions::layers)
  // leaves blobs unread; index_more() reads them later, each once.
  std::vector<char> readable;
  // What the archive-wide limits still allow, kept past load_archive so layers
  // indexed later draw on the same budget and the same per-code warning caps.
  uint64_t entry_budget = 0;
  std::unordered_map<std::string, uint64_t> warn_counts;
  // Sets of blobs (sorted) index_more refused for the archive-wide entry limits.
  std::map<std::vector<int>, Error> refused_reads;
  // Set while Session::index_layers keeps one path's content as it reads the
  // layers (image/kept_files.h); the blobs' readers add to it.
  std::shared_ptr<KeptFiles> keep;

  // Follows symlinks/hardlinks between members (at most 16 hops).
  const Member* resolve(const std::string& path, std::string* resolved = nullptr, bool* via_link = nullptr) const;
  // A member's bytes (random access: read; streaming: only what was kept).
  Result<std::string> read_member(const std::string& path, uint64_t limit) const;
  // The member (after links) whose payload is one contiguous range of the
  // archive (data_offset, size): random access, not sparse, within the file.
  Result<const Member*> member_data(const std::string& path) const;
  // A member's payload as a ByteSource (random access only): member_data's range.
  Result<std::shared_ptr<ByteSource>> member_source(const std::string& path) const;
  // Ok when every present layer blob is readable (indexed, or its error known);
  // otherwise an error that says so: the views of files must not take an unread
  // layer for an absent one.
  Status layers_readable() const;
  // The same for the blobs of image `image`'s layers 0..upto (upto < 0: all of
  // them): what a view of that image as of layer `upto` reads. `image` must be valid.
  Status layers_readable(int image, int upto) const;
  // How many of image `image`'s layers, from the bottom, are readable: views as
  // of layers 0..layers_read(image)-1 can be shown. `image` must be valid.
  int layers_read(int image) const;
};

Result<std::unique_ptr<Loaded>> load_archive(std::shared_ptr<ByteSource> src, const OpenOptions& options);

// Indexes the present blobs of `blobs` that are not readable yet (a summary
// open's), in place: their entries, warnings (under the same per-code caps) and
// counts join the model, the entry limits apply to the archive as a whole.
// Progress ("index") counts their stored bytes. Blobs indexed before a cancel or
// an error stay indexed; the one being read is left unread. Random access only
// (an archive compressed as a whole is indexed by its one pass).
// `reads`: blobs read by another instance of the core (read_blob_alone),
// adopted instead of read (those read under other limits are read here); a
// malformed one fails with kInvalidArgument before anything is read.
Status index_more(Loaded& L, const std::vector<int>& blobs, const ProgressFn& progress,
                  const std::map<int, std::string_view>& reads = {});

// Blob `blob` read on its own, into a path table of its own, from the entry
// budget left — encoded for another instance of the core holding the same
// archive to adopt (index_more's `reads`), as if it had read the blob itself.
// Progress "index": the blob's bytes. Only a cancel, a bad blob number and an
// archive compressed as a whole fail; the blob's own error is in the read.
Result<std::string> read_blob_alone(const Loaded& L, int blob, const ProgressFn& progress);

}  // namespace layerscope

// index_layer (image/layers.h) and verify_blobs (image/verify.h) keep being
// reachable through this header.
#include "image/layers.h"
#include "image/verify.h"
