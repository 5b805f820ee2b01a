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
#include <string>
#include <vector>

#include "layerscope/model.h"

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

struct SaveOptions {
  std::vector<int> images;              // indexes into archive().images; empty = all
  SaveFormat format = SaveFormat::kDocker;
  bool recompress = false;              // false: layer blobs are copied as stored
  Compression compression = Compression::kNone;  // with recompress: kNone, kGzip or kZstd
  std::vector<std::string> drop_tags;   // tags left out of the output (rmi of one tag of several)
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

// The verify document: {"schema_version", "ok", "checked", "failed", "rows": [{"kind", "state",
// "member", "where", "expected", "actual", "size", "actual_size", "diff_id", "actual_diff_id",
// "problems"}]} (docs/schema/verify.schema.json).
std::string verify_report_json(const VerifyReport& report);

}  // namespace layerscope
