// Builds image archives in memory for edge-case and hostile-input tests:
// layer tars written by libarchive's writer (pax, GNU or ustar; optionally
// gzip/zstd/xz/bzip2), wrapped as a legacy `docker save` archive or an OCI
// archive (oci-layout, index.json, blobs/sha256).
//
//   TImage img{{"test/x:1"}, {TLayer{{F("a/b.txt", "hi"), D("c")}}}};
//   auto bytes = build_docker_legacy({img});
//   auto s = Session::open(make_memory_source(bytes));
#pragma once

#include <archive.h>
#include <archive_entry.h>

#include <cstdint>
#include <functional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/sha256.h"

namespace lstest {

struct TEntry {
  std::string path;
  char type = 'f';    // 'f' file, 'd' dir, 'l' symlink, 'h' hardlink
  std::string data;   // file content
  std::string link;   // symlink target / hardlink target path
  uint32_t mode = 0;  // permission bits; 0 = 0644 (0755 for dirs, 0777 for symlinks)
  uint32_t uid = 0, gid = 0;
  int64_t mtime = 1700000000;
};
inline TEntry F(std::string p, std::string data = "", uint32_t mode = 0) {
  return TEntry{std::move(p), 'f', std::move(data), "", mode};
}
inline TEntry D(std::string p) { return TEntry{std::move(p), 'd'}; }
inline TEntry L(std::string p, std::string target) { return TEntry{std::move(p), 'l', "", std::move(target)}; }
inline TEntry H(std::string p, std::string target) { return TEntry{std::move(p), 'h', "", std::move(target)}; }

enum class TarFormat { kPax, kGnu, kUstar };
enum class Filter { kNone, kGzip, kZstd, kXz, kBzip2 };

namespace detail {
inline la_ssize_t write_cb(struct archive*, void* ud, const void* buf, size_t n) {
  static_cast<std::string*>(ud)->append(static_cast<const char*>(buf), n);
  return static_cast<la_ssize_t>(n);
}
inline void check(struct archive* a, int r, const char* what) {
  if (r < ARCHIVE_WARN) {
    std::string msg = std::string(what) + ": " + (archive_error_string(a) ? archive_error_string(a) : "?");
    throw std::runtime_error(msg);
  }
}
}  // namespace detail

// A tar stream of `entries`, in the given order, optionally compressed.
inline std::string make_tar(const std::vector<TEntry>& entries, Filter filter = Filter::kNone,
                            TarFormat fmt = TarFormat::kPax) {
  std::string out;
  struct archive* a = archive_write_new();
  switch (fmt) {
    case TarFormat::kPax: archive_write_set_format_pax_restricted(a); break;
    case TarFormat::kGnu: archive_write_set_format_gnutar(a); break;
    case TarFormat::kUstar: archive_write_set_format_ustar(a); break;
  }
  switch (filter) {
    case Filter::kNone: archive_write_add_filter_none(a); break;
    case Filter::kGzip: detail::check(a, archive_write_add_filter_gzip(a), "gzip"); break;
    case Filter::kZstd: detail::check(a, archive_write_add_filter_zstd(a), "zstd"); break;
    case Filter::kXz: detail::check(a, archive_write_add_filter_xz(a), "xz"); break;
    case Filter::kBzip2: detail::check(a, archive_write_add_filter_bzip2(a), "bzip2"); break;
  }
  archive_write_set_bytes_in_last_block(a, 1);
  detail::check(a, archive_write_open(a, &out, nullptr, detail::write_cb, nullptr), "open");
  for (auto& t : entries) {
    struct archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, t.path.c_str());
    uint32_t mode = t.mode;
    switch (t.type) {
      case 'd':
        archive_entry_set_filetype(e, AE_IFDIR);
        if (!mode) mode = 0755;
        break;
      case 'l':
        archive_entry_set_filetype(e, AE_IFLNK);
        archive_entry_set_symlink(e, t.link.c_str());
        if (!mode) mode = 0777;
        break;
      case 'h':
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_hardlink(e, t.link.c_str());
        archive_entry_set_size(e, 0);
        break;
      default:
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_size(e, static_cast<la_int64_t>(t.data.size()));
        break;
    }
    archive_entry_set_perm(e, mode ? mode : 0644);
    archive_entry_set_uid(e, t.uid);
    archive_entry_set_gid(e, t.gid);
    archive_entry_set_mtime(e, t.mtime, 0);
    detail::check(a, archive_write_header(a, e), ("header " + t.path).c_str());
    if (t.type == 'f' && !t.data.empty()) {
      la_ssize_t n = archive_write_data(a, t.data.data(), t.data.size());
      if (n != static_cast<la_ssize_t>(t.data.size())) detail::check(a, ARCHIVE_FATAL, "data");
    }
    archive_entry_free(e);
  }
  detail::check(a, archive_write_close(a), "close");
  archive_write_free(a);
  return out;
}

inline std::string sha256_hex(const std::string& bytes) {
  return layerscope::Sha256::digest_of(bytes).substr(7);
}

struct TLayer {
  std::vector<TEntry> entries;
  Filter filter = Filter::kNone;
  TarFormat format = TarFormat::kPax;
  std::string media_type;  // OCI: overrides the media type derived from `filter`
  // Set: the stored blob is compress(plain tar) instead of `filter`'s output
  // (`filter` still names the compression, for the media type).
  std::function<std::string(const std::string&)> compress;
};

struct TImage {
  std::vector<std::string> tags;
  std::vector<TLayer> layers;
  nlohmann::json config_patch = nlohmann::json::object();  // merged into the config (merge_patch)
  nlohmann::json history = nullptr;                         // default: one entry per layer
};

struct BuiltLayer {
  std::string stored;   // bytes as stored (maybe compressed)
  std::string diff_id;  // sha256:<hex> of the uncompressed tar
  std::string digest;   // sha256:<hex> of `stored`
};

inline BuiltLayer build_layer(const TLayer& l) {
  BuiltLayer b;
  std::string plain = make_tar(l.entries, Filter::kNone, l.format);
  b.diff_id = "sha256:" + sha256_hex(plain);
  b.stored = l.compress                ? l.compress(plain)
             : l.filter == Filter::kNone ? plain
                                         : make_tar(l.entries, l.filter, l.format);
  b.digest = "sha256:" + sha256_hex(b.stored);
  return b;
}

inline std::string build_config(const TImage& img, const std::vector<BuiltLayer>& layers) {
  nlohmann::json c = {{"architecture", "amd64"},
                      {"os", "linux"},
                      {"created", "2024-01-02T03:04:05Z"},
                      {"config", {{"Env", {"PATH=/bin"}}}},
                      {"rootfs", {{"type", "layers"}, {"diff_ids", nlohmann::json::array()}}}};
  for (auto& l : layers) c["rootfs"]["diff_ids"].push_back(l.diff_id);
  if (img.history.is_null()) {
    c["history"] = nlohmann::json::array();
    for (size_t i = 0; i < layers.size(); ++i)
      c["history"].push_back({{"created", "2024-01-02T03:04:05Z"}, {"created_by", "layer " + std::to_string(i)}});
  } else {
    c["history"] = img.history;
  }
  c.merge_patch(img.config_patch);
  return c.dump();
}

inline std::vector<uint8_t> to_bytes(const std::string& s) { return std::vector<uint8_t>(s.begin(), s.end()); }

// Legacy `docker save`: <id>/layer.tar, <id>/VERSION, <id>/json, <config>.json,
// manifest.json, repositories.
inline std::vector<uint8_t> build_docker_legacy(const std::vector<TImage>& images, Filter outer = Filter::kNone) {
  std::vector<TEntry> members;
  std::set<std::string> seen;
  nlohmann::json manifest = nlohmann::json::array();
  nlohmann::json repositories = nlohmann::json::object();
  for (auto& img : images) {
    std::vector<BuiltLayer> built;
    nlohmann::json layer_paths = nlohmann::json::array();
    std::string parent;
    for (auto& l : img.layers) {
      built.push_back(build_layer(l));
      std::string id = sha256_hex(parent + "\n" + built.back().diff_id);
      parent = id;
      layer_paths.push_back(id + "/layer.tar");
      if (seen.insert(id).second) {
        members.push_back(D(id));
        members.push_back(F(id + "/VERSION", "1.0"));
        members.push_back(F(id + "/json", nlohmann::json({{"id", id}}).dump()));
        members.push_back(F(id + "/layer.tar", built.back().stored));
      }
    }
    std::string config = build_config(img, built);
    std::string chex = sha256_hex(config);
    if (seen.insert(chex).second) members.push_back(F(chex + ".json", config));
    nlohmann::json m = {{"Config", chex + ".json"}, {"RepoTags", nullptr}, {"Layers", layer_paths}};
    if (!img.tags.empty()) m["RepoTags"] = img.tags;
    manifest.push_back(m);
    for (auto& t : img.tags) {
      auto colon = t.rfind(':');
      repositories[t.substr(0, colon)][t.substr(colon + 1)] = parent;
    }
  }
  members.push_back(F("manifest.json", manifest.dump()));
  members.push_back(F("repositories", repositories.dump()));
  return to_bytes(make_tar(members, outer, TarFormat::kPax));
}

inline std::string oci_layer_media_type(const TLayer& l) {
  if (!l.media_type.empty()) return l.media_type;
  switch (l.filter) {
    case Filter::kGzip: return "application/vnd.oci.image.layer.v1.tar+gzip";
    case Filter::kZstd: return "application/vnd.oci.image.layer.v1.tar+zstd";
    default: return "application/vnd.oci.image.layer.v1.tar";
  }
}

// OCI archive: oci-layout, index.json (one descriptor per tag, the tag as the
// org.opencontainers.image.ref.name annotation), blobs/sha256/<hex>.
inline std::vector<uint8_t> build_oci_archive(const std::vector<TImage>& images, Filter outer = Filter::kNone) {
  std::vector<TEntry> blobs;
  std::set<std::string> seen;
  auto add_blob = [&](const std::string& bytes) {
    std::string hex = sha256_hex(bytes);
    if (seen.insert(hex).second) blobs.push_back(F("blobs/sha256/" + hex, bytes));
    return "sha256:" + hex;
  };
  nlohmann::json index = {{"schemaVersion", 2}, {"manifests", nlohmann::json::array()}};
  for (auto& img : images) {
    std::vector<BuiltLayer> built;
    nlohmann::json layers = nlohmann::json::array();
    for (auto& l : img.layers) {
      built.push_back(build_layer(l));
      add_blob(built.back().stored);
      layers.push_back({{"mediaType", oci_layer_media_type(l)},
                        {"digest", built.back().digest},
                        {"size", built.back().stored.size()}});
    }
    std::string config = build_config(img, built);
    std::string cdig = add_blob(config);
    nlohmann::json manifest = {{"schemaVersion", 2},
                               {"mediaType", "application/vnd.oci.image.manifest.v1+json"},
                               {"config",
                                {{"mediaType", "application/vnd.oci.image.config.v1+json"},
                                 {"digest", cdig},
                                 {"size", config.size()}}},
                               {"layers", layers}};
    std::string mbytes = manifest.dump();
    std::string mdig = add_blob(mbytes);
    nlohmann::json desc = {{"mediaType", "application/vnd.oci.image.manifest.v1+json"},
                           {"digest", mdig},
                           {"size", mbytes.size()}};
    if (img.tags.empty()) index["manifests"].push_back(desc);
    for (auto& t : img.tags) {
      nlohmann::json d = desc;
      d["annotations"] = {{"org.opencontainers.image.ref.name", t}};
      index["manifests"].push_back(d);
    }
  }
  std::vector<TEntry> members;
  members.push_back(F("oci-layout", R"({"imageLayoutVersion":"1.0.0"})"));
  members.push_back(F("index.json", index.dump()));
  members.push_back(D("blobs"));
  members.push_back(D("blobs/sha256"));
  for (auto& b : blobs) members.push_back(b);
  return to_bytes(make_tar(members, outer, TarFormat::kPax));
}

// Config digest ("sha256:<hex>") that build_* gives an image.
inline std::string config_digest_of(const TImage& img) {
  std::vector<BuiltLayer> built;
  for (auto& l : img.layers) built.push_back(build_layer(l));
  return "sha256:" + sha256_hex(build_config(img, built));
}

}  // namespace lstest
