// layerscope — the one API the CLI and the wasm bindings share.
//
//   auto s = Session::open(source, options);     // reads the archive's structure
//   s->archive()                                  // the model (model.h)
//   s->inspect_json()                             // `inspect --json`, schema below
//   s->list(image, {.layer = 2, .merged = true})  // tree queries
//   s->read_file(image, layer, "etc/passwd", sink) // stream one file's bytes
//
// Transport-free: no printing, no files, no JS. Every call returns Status or
// Result; nothing throws. open() indexes every layer's headers once
// (uncompressed layers: headers only, payloads skipped by seeking; compressed
// layers: decompressed, entries kept, payloads discarded), reporting progress
// through a callback that can cancel.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "layerscope/byte_sink.h"
#include "layerscope/byte_source.h"
#include "layerscope/model.h"
#include "layerscope/options.h"
#include "layerscope/status.h"
#include "layerscope/tree.h"

namespace layerscope {

// Version of the JSON documents (inspect_json, list_json, path_history_json,
// images_json, history_json).
// Bump on any incompatible change; document in docs/json-schema.md.
inline constexpr int kSchemaVersion = 1;
// The images document's own version: 2 since its `size` may be null (a
// compressed layer not decoded) and `content_size` was added.
inline constexpr int kImagesSchemaVersion = 2;

struct ListOptions {
  int layer = -1;       // image layer; -1 = the top layer
  bool merged = false;  // merged filesystem up to `layer`, else `layer`'s changes
  std::string prefix;   // only this path and below ("" = all)
  uint64_t offset = 0;  // paging (list/list_json): skip this many items
  uint64_t limit = 0;   // at most this many items; 0 = all
};

// A tree item resolved to strings, for printing and JSON.
struct ListedEntry {
  std::string path;     // byte-exact, relative, no leading "/"
  EntryType type = EntryType::kOther;
  Change change = Change::kNone;
  int layer = -1;
  int64_t size = 0;
  uint32_t mode = 0, uid = 0, gid = 0;
  int64_t mtime = 0;
  std::string link;     // symlink target or hardlink target path
  bool implicit = false;
};

struct ChangeCounts {
  uint32_t added = 0, modified = 0, deleted = 0;
  int64_t added_bytes = 0, modified_bytes = 0;
};

struct ImageTreeCache;  // internal
struct VerifyReport;    // layerscope/export.h
struct SaveOptions;     // layerscope/export.h
struct ExportOptions;   // layerscope/export.h
struct SquashOptions;   // layerscope/export.h
struct StripOptions;    // layerscope/export.h
struct WriteSummary;    // layerscope/export.h
struct LayerToRecompress;  // layerscope/export.h
struct RecompressedLayer;  // layerscope/export.h
class ByteSink;         // layerscope/byte_sink.h: an image's per-layer change sets

// The items of one listing (a layer's change set or a merged tree, filtered by
// prefix), chosen once. Items cost a fixed-size record each; an entry's path and
// link strings are built only when entry(i) or write_json() asks for it, so a
// caller paging through a listing holds one page of strings, never all of them
// (paths are up to 4 KB deep; 200,000 implicit directories of a 60 KB layer
// would otherwise be ~400 MB of strings). Valid while its Session lives.
class Listing {
 public:
  uint64_t size() const { return items_.size(); }
  int image() const { return image_; }
  int layer() const { return layer_; }
  bool merged() const { return merged_; }
  ListedEntry entry(uint64_t i) const;  // i < size()
  // The list_json() document for items [offset, offset + limit) (limit 0: to
  // the end), handed to `out` in pieces of about 64 KiB (each ends with the
  // entry that reaches 64 KiB; the first also holds the head), so it can be
  // streamed; the concatenation is the document.
  void write_json(uint64_t offset, uint64_t limit, const std::function<void(std::string_view)>& out) const;
  // The warnings that concern this listing (Session::warnings_for of its image
  // and layer); it is incomplete when one has the code "incomplete-image".
  const std::vector<Warning>& warnings() const { return warnings_; }

 private:
  friend class Listings;  // api/listings builds them
  std::shared_ptr<const ImageTreeCache> cache_;
  const PathTable* paths_ = nullptr;
  std::vector<TreeItem> items_;
  int image_ = 0, layer_ = 0;
  bool merged_ = false;
  std::vector<Warning> warnings_;
};

// Receives file content in order; return false to stop early (not an error).
using ChunkSink = std::function<bool(const uint8_t* data, size_t n)>;

// A file's content opened for sequential reading (see Session::open_file).
// Valid while its Session lives.
class FileReader {
 public:
  virtual ~FileReader() = default;
  // Reads up to n bytes; 0 at the end of the file.
  virtual Result<size_t> read(void* buf, size_t n) = 0;
  // Moves to `offset` (<= size()): a seek in an uncompressed layer, reading
  // forward in a compressed one; backwards in a compressed one reopens it.
  virtual Status seek(uint64_t offset) = 0;
  uint64_t size() const { return size_; }
  uint64_t position() const { return pos_; }

 protected:
  uint64_t size_ = 0, pos_ = 0;
};

// docker `images` filters: `dangling=true|false`, `label=KEY[=VALUE]`,
// `before=IMAGE`, `since=IMAGE` (IMAGE as resolve_image takes it).
struct ImageFilter {
  enum class Kind { kDangling, kLabel, kBefore, kSince };
  Kind kind = Kind::kDangling;
  std::string key;         // dangling: "true"/"false"; label: the label; before/since: the IMAGE
  std::string value;       // label=K=V: V
  bool has_value = false;  // label=K=V rather than label=K
};
// Parses "key=value" specs (as `-f` takes them); kInvalidArgument names a
// malformed or unknown one.
Result<std::vector<ImageFilter>> parse_image_filters(const std::vector<std::string>& specs);

struct ImagesQuery {
  std::vector<ImageFilter> filters;  // all must hold
  std::string platform;              // keep that platform's images ("" = all)
  bool all = false;                  // also the intermediate images of a legacy save (docker images -a)
};

// One image as `images` lists it.
struct ImageSummary {
  int index = -1;                 // into archive().images; -1 for an intermediate image
  bool intermediate = false;      // a legacy save's <layer-id>/json below an image's top (untagged)
  std::string id;                 // "sha256:<hex>": the config digest, or an intermediate's v1 ID; "" unknown
  std::vector<std::string> tags;  // empty: untagged
  std::string created;            // as recorded, "" when not
  // Uncompressed bytes of its layers and those below (docker's SIZE); -1 when a
  // present layer's is not known: a compressed layer not decoded (the open's
  // LayerReading kHeadersOnly) or one that could not be decoded.
  int64_t size = 0;
  // Bytes of its layer blobs as stored (docker's CONTENT SIZE: compressed
  // layers count compressed); -1 for an intermediate image.
  int64_t content_size = 0;
  Platform platform;              // an intermediate recording none takes its image's
  std::string v1_id, parent;      // legacy saves: its <layer-id> and the parent's ("" when none)
  std::string error;              // an intermediate whose json could not be read: why
};

// One path that differs between two points (Session::diff, Session::compare).
struct DiffEntry {
  std::string path;                     // byte-exact, relative, no leading "/"
  Change change = Change::kNone;        // added, modified or deleted
  std::vector<std::string> what;        // modified: "type", "size", "content", "mode", "owner", "link"
  EntryType type = EntryType::kOther;   // after (before for a deletion); a hardlink stays one
  EntryType type_before = EntryType::kOther;
  int64_t size_before = -1, size_after = -1;  // -1: absent on that side
  uint32_t mode_before = 0, mode_after = 0, uid_before = 0, uid_after = 0, gid_before = 0, gid_after = 0;
  std::string link_before, link_after;  // symlink targets
  int layer_before = -1, layer_after = -1;  // the layer that wrote the path on each side
};

struct DiffCounts {
  uint64_t added = 0, modified = 0, deleted = 0;
  int64_t added_bytes = 0, deleted_bytes = 0;  // regular-file bytes of the added / deleted paths
};

// Image-level differences of an image comparison (Session::compare).
struct ImageDifferences {
  struct ConfigChange {
    std::string field;          // env, cmd, entrypoint, workdir, user, ports, volumes, labels, platform
    std::string key;            // env/labels/ports/volumes: the variable, label, port or volume
    Change change = Change::kNone;
    std::string before, after;  // the values as compact JSON ("" when absent)
  };
  struct HistoryChange {
    int index = 0;              // in its own image's history
    Change change = Change::kNone;  // deleted: only before has it; added: only after has it
    std::string created_by;
    bool empty_layer = false;
  };
  struct SharedLayer {
    std::string diff_id;
    int layer_before = -1, layer_after = -1;
  };
  std::vector<ConfigChange> config;
  int history_common = 0;  // leading history steps both images share
  std::vector<HistoryChange> history;
  std::vector<SharedLayer> shared_layers;
};

struct ComparisonData;  // internal: both sides, the rows, the image-level sections

// The paths that differ between two points, in tree order (see api/comparisons).
// Rows cost a fixed-size record each; strings are built by entry(i) and
// write_json() one row at a time. Valid while both Sessions live.
class Comparison {
 public:
  uint64_t size() const;
  DiffEntry entry(uint64_t i) const;
  // The diff document (docs/json-schema.md, "diff"), handed out in pieces of
  // about 64 KiB (each ends with the row that reaches 64 KiB; the first also
  // holds the head).
  void write_json(const std::function<void(std::string_view)>& out) const;
  bool images() const;  // an image comparison (compare), not a layer diff
  // Image comparison: config, history and shared layers (empty for a layer diff).
  const ImageDifferences& image_differences() const;
  DiffCounts counts() const;

 private:
  friend struct ComparisonAccess;
  std::shared_ptr<const ComparisonData> data_;
};

// One file at two points: a unified diff for text, the first differing offset
// with a window of bytes on each side for binary content.
struct ContentDiff {
  std::string path;
  bool present_before = false, present_after = false;
  int64_t size_before = 0, size_after = 0;
  uint32_t mode_before = 0, mode_after = 0;
  std::string digest_before, digest_after;  // "sha256:<hex>"; "" when absent
  bool binary = false;     // either side holds a NUL byte
  bool identical = false;  // same bytes
  std::string unified;     // text: "--- a/PATH", "+++ b/PATH", "@@ ... @@" hunks (3 lines of context)
  int64_t first_difference = -1;          // binary: offset of the first differing byte (-1: none)
  uint64_t window_offset = 0;             // binary: where both windows start
  std::string window_before, window_after;  // binary: up to 64 bytes from window_offset
};

// The content diff document (docs/json-schema.md, "diff --content"); windows as hex.
std::string content_diff_json(const ContentDiff& c);

class Session {
 public:
  static Result<std::unique_ptr<Session>> open(std::shared_ptr<ByteSource> source,
                                               OpenOptions options = {});
  ~Session();

  const Archive& archive() const;
  const PathTable& paths() const;
  ByteSource& source() const;

  // Finds an image by tag ("repo:tag", "repo" means ":latest" too), image ID
  // or its prefix (with or without "sha256:"), manifest digest prefix, or a
  // 0-based index ("0", "#0"). Empty ref: the only image, else kAmbiguous.
  // Errors list the choices.
  // `platform` ("os[/arch[/variant]]", e.g. "linux/arm64") narrows the choice to
  // images of that platform (arch aliases x86_64/aarch64 accepted; arm64 with no
  // variant matches v8; a missing part matches anything), so a tag shared by a
  // multi-platform index names one image.
  Result<int> resolve_image(std::string_view ref, std::string_view platform = {}) const;
  // The images of `platform` (same matching as resolve_image, every variant of
  // an architecture when none is named); kInvalidArgument for a malformed value.
  Result<std::vector<int>> images_for_platform(std::string_view platform) const;

  // The images `images` lists, in archive order (intermediate images last, each
  // image's chain top-down), after the query's filters and platform. Errors: a
  // before/since IMAGE that resolves to none (kNotFound/kAmbiguous), a malformed
  // platform (kInvalidArgument).
  Result<std::vector<ImageSummary>> images(const ImagesQuery& query) const;

  // The warnings that concern a view of `image` as of `layer` (-1: the top):
  // the archive's own, those about the image, those about the blobs of layers
  // 0..layer (each `where` prefixed "layer N: "), and one "incomplete-image"
  // per such layer that is absent or unreadable (the view lacks it). Every
  // document of an image carries these in its "warnings"; the CLI prints them.
  std::vector<Warning> warnings_for(int image, int layer = -1) const;
  // Those of the images `images()` returned (each warning once) and the archive's.
  std::vector<Warning> images_warnings(const std::vector<ImageSummary>& rows) const;

  // Index of a blob's entries; nullptr when the layer is absent or failed, and
  // for a layer a Session opened for the summary only (OpenOptions::layers) has
  // not read yet (index_layers).
  const LayerIndex* layer_index(int image, int layer) const;
  // False while a Session opened for the summary only (OpenOptions::layers) has
  // layers not read yet: the views that need them refuse (kUnsupported) until
  // index_layers reads them.
  bool layers_indexed() const;
  // Ok when the layers a view of `image` as of `layer` reads (0..layer; -1: all)
  // are read; kUnsupported naming the first that is not; kInvalidArgument for
  // an image that does not exist.
  Status layers_readable(int image, int layer = -1) const;
  // How many of `image`'s layers, from the bottom, are read (views as of layers
  // 0..n-1 can be shown); 0 for an image that does not exist.
  int layers_read(int image) const;
  // Reads, in place, the layers a view of `image` as of `layer` needs (layers
  // 0..layer; -1: all of them), or every layer of the archive (image -1), that
  // the summary open left unread; progress ("index") counts their stored bytes.
  // Layers already read are not read again; those read before a cancel stay
  // read. Views open meanwhile (listings, file readers) stay valid.
  Status index_layers(int image = -1, int layer = -1, const ProgressFn& progress = {});
  // The same, keeping as it reads the layers the content of the regular-file
  // entries at `keep_path` (up to 8 MiB each, 16 MiB in all): a read_file of
  // that path then serves the one the view shows from memory instead of
  // decoding its compressed layer a second time (what `layerscope cat` reads).
  Status index_layers(int image, int layer, const ProgressFn& progress, std::string_view keep_path);

  // Layers read by several instances of the core at once (the page's workers,
  // each a Session of the same archive). The present blobs not read yet, as the
  // byte ranges of the archive that hold them (random access only).
  struct UnreadBlob {
    int blob = -1;
    uint64_t offset = 0, size = 0;
  };
  std::vector<UnreadBlob> unread_blobs() const;
  // Blob `blob` read on its own — its entries, warnings, sizes or error, into a
  // path table of its own, from the entry budget left — as bytes another
  // Session of the same archive adopts (index_blobs) as if it had read the blob
  // itself. Progress "index": the blob's bytes. Fails only on a cancel, a bad
  // blob number and an archive compressed as a whole.
  Result<std::string> read_layer_alone(int blob, const ProgressFn& progress = {});
  // index_layers of the blobs `blobs` (all of them when empty), taking `reads`
  // (blob -> read_layer_alone's bytes) instead of reading those blobs; one made
  // under other limits is read here instead. A malformed read fails with
  // kInvalidArgument before anything is read.
  Status index_blobs(const std::vector<int>& blobs, const ProgressFn& progress,
                     const std::map<int, std::string_view>& reads = {});

  // The items of a layer's change set (opt.merged false) or of the merged tree up
  // to opt.layer, below opt.prefix; offset/limit are ignored here. The last few
  // listings asked for are kept, so paging through one does not merge again.
  Result<std::shared_ptr<const Listing>> listing(int image, const ListOptions& opt) const;
  // One page of a listing (opt.offset / opt.limit), resolved to strings.
  Result<std::vector<ListedEntry>> list(int image, const ListOptions& opt) const;
  // Every layer of the image that added, modified or deleted `path`, bottom-up.
  Result<std::vector<ListedEntry>> path_history(int image, std::string_view path) const;
  Result<std::string> path_history_json(int image, std::string_view path) const;

  // Per-layer added/modified/deleted counts for an image.
  Result<std::vector<ChangeCounts>> change_counts(int image) const;

  // Streams the content of `path` as it is at `layer` (-1 = top) in the merged
  // view. Symlinks are not followed (their target is reported by list());
  // hardlinks are. Fails with kNotFound / kInvalidArgument (a directory). The
  // content an index_layers with `keep_path` kept is served once, from memory.
  Status read_file(int image, int layer, std::string_view path, const ChunkSink& sink,
                   const ProgressFn& progress = {}) const;

  // The same content as a cursor: paged readers keep it open between pages
  // instead of decoding a compressed layer from its start for every page.
  Result<std::unique_ptr<FileReader>> open_file(int image, int layer, std::string_view path) const;

  // Hashes every blob (stored digest) and every layer's uncompressed stream
  // (diff_id); records mismatches as warnings. open() calls it when
  // options.verify is set. It does not index layers a summary open left unread.
  Status verify(const ProgressFn& progress = {});

  // A present blob stored uncompressed (its stored bytes are its whole layer
  // tar, so its digest is also its diff_id), not hashed yet, as the byte range
  // of the archive that holds it (random access only; sparse members left out).
  struct PlainBlob {
    int blob = -1;
    uint64_t offset = 0, size = 0;
  };
  std::vector<PlainBlob> plain_blobs() const;
  // The SHA-256 ("sha256:<hex>") of blob `blob`'s stored bytes, computed by the
  // host (the page hashes plain_blobs() from reads that overlap the hash, which
  // this synchronous core cannot do).
  struct StoredDigest {
    int blob = -1;
    std::string digest;
  };
  // verify(), taking these digests for the blobs plain_blobs() names instead of
  // reading them; the blobs they do not name are hashed as verify() would. A
  // bad blob index or digest fails with kInvalidArgument before anything is
  // hashed. Whether such a blob's tar reads is left to indexing (its warnings).
  Status verify(const ProgressFn& progress, const std::vector<StoredDigest>& stored);

  // Comparisons (api/comparisons). The merged filesystem of `image` as of layer
  // `from` (-1: the empty filesystem) against the one as of layer `to` (-1: the
  // top), below `path` ("" = all): a layer range I..J is from I-1 to J. Regular
  // files of equal size are compared by a keyed hash of both copies (SipHash-128,
  // api/file_readers.h), read on demand (progress phase "compare"; false cancels).
  Result<std::shared_ptr<const Comparison>> diff(int image, int from, int to, std::string_view path = {},
                                                 const ProgressFn& progress = {}) const;
  // This image's top against `other_image` of `other` (which may be this Session):
  // the file changes plus config, history and shared-layer differences.
  Result<std::shared_ptr<const Comparison>> compare(int image, const Session& other, int other_image,
                                                    std::string_view path = {},
                                                    const ProgressFn& progress = {}) const;
  // The content of `path` at two points, as diff() and compare() name them
  // (`other` null: this Session; to = -1: the top of the other side).
  // A side larger than Limits::max_content_diff_bytes is refused (kLimit) with both sizes.
  Result<ContentDiff> content_diff(int image, int from, const Session* other, int other_image, int to,
                                   std::string_view path) const;

  // JSON documents (UTF-8; non-UTF-8 bytes in names are escaped as \u00XX
  // of the Latin-1 reading plus a "path_bytes" hex field). See docs/json-schema.md.
  std::string inspect_json() const;
  Result<std::string> list_json(int image, const ListOptions& opt) const;
  Result<std::string> images_json(const ImagesQuery& query) const;
  Result<std::string> history_json(int image) const;

  // Re-export (layerscope/export.h; api/export_jobs). verify_report hashes what
  // verify() hashes and returns one row per blob the documents refer to.
  Result<VerifyReport> verify_report(const ProgressFn& progress = {});
  // Writes the chosen images onto `sink` (verifying them first; a corrupt
  // source is an error and nothing is finished). The caller finishes the sink.
  Status save(const SaveOptions& options, ByteSink& sink, const ProgressFn& progress = {});
  // A plain tar of the merged filesystem, or of one layer's own tar, below a path.
  Status export_tar(const ExportOptions& options, ByteSink& sink, const ProgressFn& progress = {}) const;
  // The image squashed to one layer, written as save writes (verified first).
  Status squash(const SquashOptions& options, ByteSink& sink, const ProgressFn& progress = {});
  // The image without options.paths, written as save writes (verified first;
  // kNotFound naming a path no layer of the image holds, before any byte).
  Result<WriteSummary> strip(const StripOptions& options, ByteSink& sink, const ProgressFn& progress = {});
  // The layers save / strip with these options would compress anew (reads
  // nothing; strip's paths must be indexed), largest first. For writers that
  // spread that work: each layer compressed by recompress_layer (in any
  // instance that opened the same archive), the results handed to the write
  // in options.recompressed.
  Result<std::vector<LayerToRecompress>> layers_to_recompress(const SaveOptions& options) const;
  Result<std::vector<LayerToRecompress>> layers_to_recompress(const StripOptions& options) const;
  // The layer stored as `member` decoded and compressed as `compression`, into
  // scratch storage (one region); progress "measure" counts the source bytes read.
  // Does not verify the source: the write that uses it does.
  Result<RecompressedLayer> recompress_layer(const std::string& member, Compression compression,
                                             const ScratchFactory& scratch, const ProgressFn& progress = {}) const;

 private:
  struct Impl;
  explicit Session(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace layerscope
