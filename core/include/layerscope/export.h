// layerscope — checking and re-exporting an open archive (issue 10).
//
//   auto rep = s->verify_report(progress);     // every digest the archive claims
//   s->save({.images = {0}, .format = SaveFormat::kOci}, sink, progress);
//
// Writers stream: blobs go from the ByteSource through a TarWriter onto the
// caller's ByteSink; nothing (no layer, no output) is held whole. A failed
// write returns its Error and leaves finishing the sink to the caller: a sink
// that is not finished leaves nothing behind (layerscope/byte_sink.h).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "layerscope/byte_sink.h"
#include "layerscope/byte_source.h"
#include "layerscope/model.h"
#include "layerscope/options.h"

namespace layerscope {

// Version of the verify document (docs/schema/verify.schema.json).
inline constexpr int kVerifySchemaVersion = 1;

enum class VerifyState { kOk, kMismatch, kMissing };
const char* verify_state_name(VerifyState s);  // "ok", "mismatch", "missing"

// One blob the archive refers to, and what checking it found.
struct VerifyRow {
  std::string kind;      // "layer", "config", "manifest"
  std::string member;    // archive member holding it ("" when absent)
  std::string where;     // the first document reference to it ("index.json/manifests[0]", "manifest.json[0].Layers[2]")
  std::string digest;    // the digest claimed for the stored bytes ("" when none is claimed)
  std::string actual;    // sha256 of the stored bytes ("" when not computed)
  int64_t size = -1;     // the size claimed (-1: none)
  int64_t actual_size = -1;
  std::string diff_id;   // layers: the config's diff_id
  std::string actual_diff_id;
  VerifyState state = VerifyState::kOk;
  std::vector<std::string> problems;  // plain words, one per failed check
};

struct VerifyReport {
  std::vector<VerifyRow> rows;  // layers in archive blob order, then configs, then manifests
  bool ok() const;
};

enum class SaveFormat { kDocker, kOci };

// A layer compressed anew beforehand, elsewhere: the page measures the layers
// of a save in helper workers at once, each with its own instance
// (Session::recompress_layer), then hands them to the one instance that
// writes. A save or strip that would compress `member` into `compression`
// copies `bytes` instead (when their size is `size`).
struct RecompressedLayer {
  std::string member;  // the source blob's member (LayerToRecompress::member)
  Compression compression = Compression::kNone;
  std::string digest;  // "sha256:<hex>" of `bytes`
  uint64_t size = 0;
  std::shared_ptr<ByteSource> bytes;
  std::string diff_id;  // "sha256:<hex>" of the decoded layer (recompress_layer)
};

// A layer a save or strip compresses anew: its blob (index into
// archive().blobs), member, stored size and compression.
struct LayerToRecompress {
  std::string member;
  uint64_t size = 0;
  int blob = -1;
  Compression stored = Compression::kNone;
};

struct SaveOptions {
  std::vector<int> images;              // indexes into archive().images; empty = all
  SaveFormat format = SaveFormat::kDocker;
  bool recompress = false;              // false: layer blobs are copied as stored
  Compression compression = Compression::kNone;  // with recompress: kNone, kGzip or kZstd
  std::vector<std::string> drop_tags;   // tags left out of the output (rmi of one tag of several)
  // Where a recompressed layer is kept between being measured and written
  // (compressed once); none: it is compressed twice. The CLI gives temporary files.
  ScratchFactory scratch;
  // Runs the recompression of different layers (into scratch) at once; none: one by one.
  TaskRunner run;
  // Layers compressed anew elsewhere: copied, not compressed here.
  std::vector<RecompressedLayer> recompressed;
};

// squash: the image as one layer holding its merged filesystem; the config
// kept with rootfs.diff_ids replaced, every history step marked empty_layer and
// a last step noting the squash.
struct SquashOptions {
  int image = 0;
  SaveFormat format = SaveFormat::kDocker;
};

// export: a plain tar of an image's files.
struct ExportOptions {
  int image = 0;
  int layer = -1;     // -1: the merged filesystem; N: layer N's own tar (its entries, markers included)
  std::string path;   // only this path and below ("" = all)
};

// strip: the image without `paths` (each with everything below it). Every
// layer holding one is rewritten without those entries (the bytes gone, no
// whiteout): compressed as `compression` with `recompress`, else as its
// source was when an OCI media type names that (none, gzip, zstd), else
// gzip. The other layers are copied as stored (with `recompress`:
// recompressed as save does). Only this image is written.
struct StripOptions {
  int image = 0;
  std::vector<std::string> paths;  // inside the image, as ls/cat take them ("/etc/secret", "etc/secret/")
  SaveFormat format = SaveFormat::kDocker;
  bool recompress = false;
  Compression compression = Compression::kNone;
  ScratchFactory scratch;  // as SaveOptions::scratch, for the layers recompressed as they are
  TaskRunner run;          // as SaveOptions::run
  std::vector<RecompressedLayer> recompressed;  // as SaveOptions::recompressed
};

// What strip and import wrote (for the line the CLI prints).
struct WriteSummary {
  std::string image_id;          // "sha256:<hex>" of the written config
  std::vector<int> rewritten;    // strip: the layers rewritten, bottom first
  int layers = 0;                // the image's layer count
};

// import: one image from a root filesystem tarball (docker import).
struct ImportOptions {
  std::vector<std::string> changes;  // Dockerfile instructions (-c): ENV, CMD, ENTRYPOINT, WORKDIR, USER,
                                     // EXPOSE, LABEL, VOLUME, ONBUILD, STOPSIGNAL
  std::string message;               // the history step's comment; "" = "Imported from <source_name>"
  std::string source_name;           // names the tarball in that comment
  std::string tag;                   // "repo:tag" ("repo" alone: ":latest"); "" = untagged
  SaveFormat format = SaveFormat::kDocker;
  std::string os = "linux", architecture = "amd64";
  // The config's and the history step's "created", seconds since the epoch;
  // -1: the newest mtime among the tarball's entries (0 when it has none).
  int64_t created = -1;
};

// Checks the -c instructions and the tag without writing anything: an unknown
// instruction, a malformed argument or tag is kInvalidArgument naming it.
Status check_import_options(const ImportOptions& options);

// Writes the imported image onto `sink` (not finished: a failure leaves
// nothing). The tarball may be plain or gzip/xz/bzip2/zstd compressed; it is
// read twice (checked and measured, then copied), never held. The layer is
// stored uncompressed (its digest is its diff_id).
Result<WriteSummary> import_image(const std::shared_ptr<ByteSource>& rootfs, const ImportOptions& options,
                                  ByteSink& sink, const ProgressFn& progress = {});

// The verify document: {"schema_version", "ok", "checked", "failed", "rows": [{"kind", "state",
// "member", "where", "expected", "actual", "size", "actual_size", "diff_id", "actual_diff_id",
// "problems"}]} (docs/schema/verify.schema.json).
std::string verify_report_json(const VerifyReport& report);

}  // namespace layerscope
