// The documents of an image archive, read and written: docker's manifest.json,
// the OCI image index, the OCI image manifest (and their descriptors), and the
// image config.
//
// Each value keeps the object it was read from (`raw`): writing it back sets
// the keys this module knows in place and leaves every other key, and the
// order of all keys, as it was; a key that was present stays present (an empty
// field writes an empty value). A value built from scratch writes its keys in
// the order the tools do (docker, containerd, skopeo). Writers produce compact
// JSON. Parsing never throws: a malformed or over-deep document is an Error
// naming the document and the byte.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "layerscope/model.h"
#include "layerscope/status.h"
#include "manifest/json.h"

namespace layerscope {

using Annotations = std::vector<std::pair<std::string, std::string>>;  // in document order

// An OCI content descriptor.
struct Descriptor {
  std::string media_type;
  std::string digest;
  int64_t size = -1;                 // -1: absent
  std::optional<Platform> platform;  // index entries only
  Annotations annotations;
  OrderedJson raw;                   // as read (urls, data, artifactType, … kept)
};
Result<Descriptor> read_descriptor(const OrderedJson& j, const std::string& where);
OrderedJson descriptor_json(const Descriptor& d);

// One entry of docker's manifest.json.
struct DockerManifestEntry {
  std::string config;                  // member path of the config
  std::vector<std::string> repo_tags;  // "repo:tag"
  std::vector<std::string> layers;     // member paths, bottom first
  std::vector<std::pair<std::string, Descriptor>> layer_sources;  // diff_id -> descriptor (foreign layers)
  std::string parent;                  // "Parent": the image ID of its parent, saved alongside ("" = none)
  OrderedJson raw;
};
Result<std::vector<DockerManifestEntry>> parse_docker_manifest(std::string_view text, const std::string& where,
                                                               uint32_t max_depth = 256);
Result<std::string> write_docker_manifest(const std::vector<DockerManifestEntry>& entries);

// An OCI image index (index.json, or a nested index blob).
struct ImageIndex {
  int schema_version = 2;
  std::string media_type;  // empty: absent (index.json written by older tools)
  std::vector<Descriptor> manifests;
  Annotations annotations;
  OrderedJson raw;
};
Result<ImageIndex> parse_image_index(std::string_view text, const std::string& where, uint32_t max_depth = 256);
Result<std::string> write_image_index(const ImageIndex& index);

// An OCI (or Docker schema 2) image manifest.
struct ImageManifest {
  int schema_version = 2;
  std::string media_type;
  Descriptor config;
  std::vector<Descriptor> layers;
  Annotations annotations;
  OrderedJson raw;
};
Result<ImageManifest> parse_image_manifest(std::string_view text, const std::string& where, uint32_t max_depth = 256);
Result<std::string> write_image_manifest(const ImageManifest& manifest);

// An image config, edited in place: only the keys set through it change.
class ImageConfig {
 public:
  static Result<ImageConfig> parse(std::string_view text, const std::string& where, uint32_t max_depth = 256);
  // An empty config with the keys every config has (architecture, os, config, rootfs, history).
  static ImageConfig make(const std::string& os, const std::string& architecture);

  std::string os() const;
  std::string architecture() const;
  std::vector<std::string> diff_ids() const;          // rootfs.diff_ids
  void set_diff_ids(const std::vector<std::string>& ids);  // also rootfs.type "layers" when absent
  std::vector<HistoryEntry> history() const;
  void append_history(const HistoryEntry& h);        // keys in docker's order, empty ones left out
  // Edits the entries in place: the i-th object entry takes h[i] (its other keys
  // and the entries that are not objects stay); extra ones are appended, object
  // entries beyond h removed.
  void set_history(const std::vector<HistoryEntry>& h);
  std::vector<std::string> env() const;              // config.Env
  void set_env(const std::vector<std::string>& env);

  const OrderedJson& json() const { return doc_; }
  OrderedJson& json() { return doc_; }
  // Compact JSON; its sha256 is the image ID. Writers fail with invalid-argument
  // on a string that is not UTF-8 (never replaced).
  Result<std::string> write() const;

 private:
  OrderedJson doc_ = OrderedJson::object();
};

}  // namespace layerscope
