// layerscope — the image model: what an archive holds, as plain values.
//
// Archive ─┬─ images[]  (each: tags, config, history, layers[] → blob ids)
//          ├─ blobs[]   (unique layer payloads found in the archive, indexed once
//          │             even when several images share them)
//          ├─ attestations[] (in-toto/SBOM manifests; not images)
//          └─ warnings[] (anomalies with a stable code)
//
// Nothing here refers to libarchive or JSON libraries; the raw config and
// manifest JSON texts are kept as strings for display.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace layerscope {

enum class Layout {
  kUnknown,
  kDockerLegacy,     // docker save <= 24: <id>/layer.tar, <id>/json, repositories
  kDockerArchive,    // containers/image (skopeo/podman/buildah): <hex>.tar at top level
  kTarball,          // kaniko/crane tarball: config "sha256:<hex>", <hex>.tar.gz layers
  kDockerOciHybrid,  // docker save >= 25 / containerd export: OCI layout + manifest.json
  kOciArchive,       // oci-archive: oci-layout, index.json, blobs/
};
const char* layout_id(Layout l);    // "docker-legacy", "oci-archive", ...
const char* layout_title(Layout l); // human description

enum class Compression { kNone, kGzip, kZstd, kXz, kBzip2, kUnknown };
const char* compression_name(Compression c);  // "none", "gzip", ...

enum class EntryType : uint8_t {
  kFile, kDir, kSymlink, kHardlink, kCharDev, kBlockDev, kFifo, kSocket, kOther
};
const char* entry_type_name(EntryType t);  // "file", "dir", "symlink", "hardlink", ...

// Change a layer makes to a path relative to the layers below it.
enum class Change : uint8_t { kNone, kAdded, kModified, kDeleted };
const char* change_name(Change c);  // "added", ...
char change_mark(Change c);         // 'A', 'M', 'D', ' '

struct Warning {
  std::string code;     // stable, kebab-case: "missing-blob", "diff-id-mismatch", ...
  std::string message;  // plain words
  std::string where;    // archive member / image / layer it concerns
  // What it concerns, for the views of one image (Session::warnings_for) and
  // for rules that enumerate warnings per image or layer: a blob (index into
  // Archive::blobs: every layer of every image that uses it) and/or an image
  // (index into Archive::images); -1 when the warning is about the archive.
  int blob = -1;
  int image = -1;
};

struct Platform {
  std::string os, architecture, variant, os_version;
  std::string to_string() const;  // "linux/arm64/v8"
};

struct HistoryEntry {
  std::string created, created_by, author, comment;
  bool empty_layer = false;
  int layer = -1;  // index into Image::layers, -1 for empty-layer steps or unmatched
};

struct EntryCounts {
  uint32_t total = 0, files = 0, dirs = 0, symlinks = 0, hardlinks = 0, other = 0;
  uint32_t whiteouts = 0, opaque_dirs = 0;
};

// One unique layer payload stored in the archive.
struct Blob {
  std::string member;          // archive member path it was read from (after symlinks)
  std::string referenced_as;   // path as referenced (may be a symlink)
  uint64_t stored_size = 0;
  Compression compression = Compression::kUnknown;
  int64_t uncompressed_size = -1;  // known once indexed
  bool present = false;        // false: referenced but absent (foreign layer)
  bool indexed = false;
  std::string stored_digest;   // from its name or descriptor ("sha256:…"), may be empty
  std::string computed_digest;     // sha256 of stored bytes (verify only)
  std::string computed_diff_id;    // sha256 of uncompressed tar (verify only)
  EntryCounts counts;
  std::string error;           // why indexing failed, if it did
};

struct Layer {
  int index = 0;
  int blob = -1;             // index into Archive::blobs; -1 when absent
  std::string digest;        // stored digest (descriptor / blob name), may be empty
  std::string diff_id;       // from the config's rootfs.diff_ids
  std::string media_type;    // from the manifest descriptor, may be empty
  int64_t size = -1;         // stored size (descriptor or member)
};

struct Image {
  std::string source;              // "manifest.json[0]", "index.json/manifests[1]"
  std::vector<std::string> tags;   // as written: "fixture/features:1.0"
  std::string config_digest;       // sha256 of the config bytes = image ID
  std::string manifest_digest;     // OCI/Docker manifest digest, when there is one
  std::string manifest_media_type;
  Platform platform;
  std::string created, author;
  std::string parent;              // the image ID it was built on, "" when none: manifest.json's "Parent" (docker save
                                   // writes it when the parent is saved too), else the config's "parent"
  std::string config_json;         // raw bytes of the config
  std::string manifest_json;       // raw manifest; for manifest.json-only layouts, its entry
  std::vector<HistoryEntry> history;
  std::vector<Layer> layers;
  // The parsed config, re-serialised compactly, is produced by the API layer.
};

// An attestation manifest (buildx provenance/SBOM); listed, not an image.
struct Attestation {
  std::string manifest_digest;
  std::string reference_digest;  // the image manifest it describes
  std::string reference_type;    // "attestation-manifest"
  std::vector<std::string> predicate_types;
};

struct Archive {
  std::string name;
  uint64_t size = 0;
  Compression outer_compression = Compression::kNone;
  Layout layout = Layout::kUnknown;
  std::string producer;          // best guess: "docker save (Engine <= 24)", "buildah", ...
  std::vector<std::string> members_of_note;  // manifest.json, index.json, oci-layout, repositories present
  uint32_t member_count = 0;
  std::vector<Image> images;
  std::vector<Attestation> attestations;
  std::vector<Blob> blobs;
  std::vector<Warning> warnings;
  std::string index_json;  // raw bytes of the top-level index.json (OCI layouts; "" when none)
};

}  // namespace layerscope
