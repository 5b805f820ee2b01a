// layerscope — what an open (or any long piece of work) may cost and how it
// reports progress: limits, progress callbacks, open options. It sits low so
// that every module below api/ can take these types without including the
// Session (nothing includes a header of a module above its own).
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

namespace layerscope {

struct Progress {
  std::string_view phase;  // "scan", "index", "verify"
  uint64_t done = 0;       // bytes of the archive consumed so far
  uint64_t total = 0;      // archive size
  std::string_view detail; // e.g. the layer being indexed
};
// Return false to cancel; the pending call then fails with Code::kCancelled.
using ProgressFn = std::function<bool(const Progress&)>;

// Starts `work` on another thread and returns what waits for it to end. The
// host supplies it (the CLI: a std::thread); the core has no threads of its
// own, and without it (the wasm build) everything runs on the caller's thread.
using StartThread = std::function<std::function<void()>(std::function<void()> work)>;

// Bounds on what one archive may cost; exceeding one is an error (code kLimit)
// or a warning, never a crash or an unbounded allocation. tests/hostile/README.md
// says why each default is what it is and what exceeding it reports.
struct Limits {
  uint64_t max_json_bytes = 64ull << 20;    // a manifest/config/index larger than this is refused
  uint32_t max_json_depth = 256;            // nesting depth refused beyond this
  uint64_t max_entries = 5'000'000;         // per archive, all layers together
  uint64_t max_members = 1'000'000;         // outer archive members
  double max_expansion_ratio = 2000.0;      // compressed layer inflating more than this is stopped
  uint64_t max_expansion_floor = 1ull << 30;  // ... but only once past this many bytes
  // A path or link target longer than Linux's PATH_MAX cannot be unpacked by any
  // runtime, and every implicit parent of a deep path is listed with its full
  // path: a layer holding one is refused; an outer member is ignored.
  uint64_t max_path_bytes = 4096;
  // Distinct paths (entries plus the implicit parents they imply) and the bytes
  // of their interned names; both are capped below 2^32 whatever is asked (the
  // path table's ids and name offsets are 32-bit).
  uint64_t max_paths = 10'000'000;
  uint64_t max_path_table_bytes = 1ull << 30;
  // Image indexes: descriptors walked over all nested indexes together, and
  // nested indexes read (each distinct (digest, inherited tags) once).
  uint64_t max_index_descriptors = 100'000;
  uint64_t max_nested_indexes = 1024;
  uint32_t max_member_link_hops = 16;       // symlinks/hardlinks between outer members (<= 1024)
  uint64_t max_warnings_per_code = 1000;    // the rest are counted in one summary warning
  // Each distinct layer stack is merged on its own: the sum over distinct stacks
  // of their entries (1500 images each adding a tiny layer over one 50,000-entry
  // layer: 75 million entry merges, ~25 s, from a 5 MB archive).
  uint64_t max_stacked_entries = 50'000'000;
  // Content diffs (diff --content) hold both copies of a file in memory: a
  // side larger than this is refused with both sizes; a text diff of more
  // lines than this (per side, after the common head and tail) is refused too.
  uint64_t max_content_diff_bytes = 16ull << 20;
  uint64_t max_diff_lines = 1'000'000;
};

// How much of the layers `open` reads.
enum class LayerReading {
  // Every present layer indexed (entries, counts, entry warnings): what every
  // view of files needs.
  kIndexAll,
  // The summary only (layout, images, tags, config, history, layer list with
  // sizes): an uncompressed layer is not read past its first bytes (its size is
  // its stored size); a compressed one is decoded, since only that gives its
  // size. A Session opened so answers the summary (images, history, their
  // documents) and refuses what needs a layer's entries. Its warnings are the
  // summary's: the documents', and a layer that cannot be decoded; not the
  // oddities of entries (duplicate, escaping, ...), which need every entry read.
  kSummary,
  // As kSummary, but a compressed layer is not decoded either: its
  // uncompressed size stays unknown (-1).
  kHeadersOnly,
};

struct OpenOptions {
  ProgressFn progress;      // optional
  bool verify = false;      // hash every blob and uncompressed layer (reads everything)
  // An archive compressed as a whole is read in one pass and indexed in it
  // whatever this says; verify reads every layer too.
  LayerReading layers = LayerReading::kIndexAll;
  Limits limits;
  // Optional: a compressed layer is decoded on a second thread while the
  // caller's parses and indexes what was decoded (archive/layer_stream).
  StartThread start_thread;
  // With start_thread: how many layers are indexed at once, each on a thread of
  // its own (into a path table of its own, adopted by the archive's in layer
  // order, so the model is the one indexing them one by one makes). 1: one
  // after another on the caller's thread.
  unsigned index_threads = 1;
};

}  // namespace layerscope
