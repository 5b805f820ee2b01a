// Layer blobs: indexing each present blob's entries (through the decoding
// LayerStream and tree/layer_index), the archive-wide bound on stacked
// entries, and the cross-checks between what descriptors say and what the
// bytes are (media type vs compression, sizes, digests).
#pragma once

#include <cstdint>

#include "image/loader.h"

namespace layerscope {

class LayerStream;
struct LoadContext;

// Reads one layer's entries into `index`. `stream` is positioned at the start.
// With `keep`, the content of the entries it wants is kept in it, under
// `member` (the blob's) and the entry's data offset.
Status index_layer(LayerStream& stream, PathTable& paths, LayerIndex* index, uint64_t* entry_budget,
                   const Limits& limits, KeptFiles* keep = nullptr, const std::string& member = {});

// What indexing learnt about a blob (compression, sizes, digests when hashed).
void record_blob_result(Blob& b, const LayerStream& ls);

// Indexes every present blob (random access: now; streaming: takes what the
// scan gathered). A layer that cannot be read is a warning; cancellation and
// the archive-wide entry limit end the open.
Status index_layers(LoadContext& ctx, const Limits& lim);

// The summary's share of the layers (OpenOptions::layers kSummary or
// kHeadersOnly; random access only): each present blob's compression from its
// first bytes; a plain tar is sized by its stored size and not read further; a
// compressed one is indexed for its size (kSummary) or left unsized
// (kHeadersOnly); one whose first bytes are neither is indexed, so its error
// is what a full open reports (layer-unreadable; the entries' own warnings
// are left to the views of files, and the entries are not kept).
Status size_layers(LoadContext& ctx, const Limits& lim, LayerReading reading);

// A layer's entry issues (tree/layer_index) become warnings about its blob,
// placed "<member>: <entry>".
void report_entry_issues(LoadContext& ctx, int blob);

// Each distinct layer stack is merged on its own: bound their total entries.
Status check_stacked_entries(const Loaded& L, const Limits& lim);

// Media type vs sniffed compression, descriptor size vs stored size; fills a
// layer's digest and size from its blob where the manifest left them out.
void cross_check_layers(LoadContext& ctx);

}  // namespace layerscope
