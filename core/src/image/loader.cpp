// Archive structure: outer members -> layout -> images -> layer indexes.
#include "image/loader.h"

#include <algorithm>
#include <cstring>
#include <optional>
#include <set>

#include "archive/layer_stream.h"
#include "archive/tar_reader.h"
#include "digest/sha256.h"
#include "layerscope/text.h"
#include "manifest/json.h"

namespace layerscope {
namespace {

constexpr const char* kMtOciIndex = "application/vnd.oci.image.index.v1+json";

constexpr const char* kMtDockerList = "application/vnd.docker.distribution.manifest.list.v2+json";

std::string dirname_of(const std::string& p) {
  auto s = p.rfind('/');
  return s == std::string::npos ? std::string() : p.substr(0, s);
}
std::string basename_of(const std::string& p) {
  auto s = p.rfind('/');
  return s == std::string::npos ? p : p.substr(s + 1);
}

// Lexical resolution of "." and ".." inside the archive's own namespace
// (used only for links between outer members; never touches a filesystem).
std::string resolve_dots(const std::string& p) {
  std::vector<std::string> parts;
  size_t pos = 0;
  while (pos <= p.size()) {
    size_t s = p.find('/', pos);
    if (s == std::string::npos) s = p.size();
    std::string c = p.substr(pos, s - pos);
    pos = s + 1;
    if (c.empty() || c == ".") continue;
    if (c == "..") {
      if (!parts.empty()) parts.pop_back();
      continue;
    }
    parts.push_back(c);
  }
  std::string out;
  for (auto& c : parts) {
    if (!out.empty()) out += '/';
    out += c;
  }
  return out;
}

bool is_json_name(const std::string& p) {
  return p == "manifest.json" || p == "index.json" || p == "repositories" || p == "oci-layout" ||
         (p.size() > 5 && p.compare(p.size() - 5, 5, ".json") == 0) || basename_of(p) == "json";
}

bool is_junk(const std::string& p) {
  std::string b = basename_of(p);
  return b.rfind("._", 0) == 0 || b == ".DS_Store" || p.rfind("__MACOSX", 0) == 0 || b == "Thumbs.db";
}

// "sha256:<hex>" -> "blobs/sha256/<hex>", or "" when the digest is malformed.
std::string blob_path(const std::string& digest) {
  auto colon = digest.find(':');
  if (colon == std::string::npos || colon == 0) return {};
  std::string alg = digest.substr(0, colon), hex = digest.substr(colon + 1);
  if (hex.empty()) return {};
  for (char c : alg)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '.' || c == '_' || c == '-')) return {};
  for (char c : hex)
    if (!std::isxdigit(static_cast<unsigned char>(c))) return {};
  return "blobs/" + alg + "/" + hex;
}

// Digest implied by a member name: blobs/sha256/<hex>, <hex>.tar, <hex>.tar.gz, sha256:<hex>.
std::string digest_from_name(const std::string& path) {
  if (path.rfind("blobs/sha256/", 0) == 0 && is_hex64(path.substr(13))) return "sha256:" + path.substr(13);
  std::string b = basename_of(path);
  if (b.rfind("sha256:", 0) == 0 && is_hex64(b.substr(7, 64))) return b.substr(0, 71);
  if (b.size() >= 64 && is_hex64(b.substr(0, 64)) && (b.size() == 64 || b[64] == '.')) return "sha256:" + b.substr(0, 64);
  return {};
}

Compression compression_from_media_type(const std::string& mt) {
  if (mt.empty()) return Compression::kUnknown;
  if (mt.find("zstd") != std::string::npos) return Compression::kZstd;
  if (mt.find("gzip") != std::string::npos) return Compression::kGzip;
  if (mt.size() >= 4 && (mt.compare(mt.size() - 4, 4, ".tar") == 0)) return Compression::kNone;
  return Compression::kUnknown;
}

// Where a link between outer members points next (symlink targets are relative
// to the link's directory; hardlink targets are archive paths).
std::string member_link_target(const std::string& at, const Member& m) {
  if (m.type == EntryType::kSymlink)
    return resolve_dots(m.link.size() && m.link[0] == '/' ? m.link : dirname_of(at) + "/" + m.link);
  return resolve_dots(m.link);
}

// Why `path` does not resolve to a member: absent, a link loop, or a link to
// a path the archive does not hold. (Never the host's file system: members are
// looked up by name only.)
Error unresolved_member(const Loaded& L, const std::string& path) {
  std::string cur;
  normalize_path(path, &cur);
  std::string raw;
  for (int hop = 0; hop <= static_cast<int>(L.options.limits.max_member_link_hops); ++hop) {
    auto it = L.by_path.find(cur);
    if (it == L.by_path.end()) {
      if (hop == 0) return make_error(Code::kNotFound, "no such member in the archive", path);
      return make_error(Code::kNotFound,
                        "member is a link to '" + escape_text(raw, kQuoteBytes) + "' ('" + escape_text(cur, kQuoteBytes) +
                            "' in the archive), which the archive does not hold",
                        path);
    }
    const Member& m = L.members[it->second];
    if (m.type != EntryType::kSymlink && m.type != EntryType::kHardlink)
      return make_error(Code::kInternal, "member resolves", path);
    raw = m.link;
    cur = member_link_target(cur, m);
  }
  return make_error(Code::kCorrupt,
                    "links between archive members form a loop (or a chain of more than " +
                        std::to_string(L.options.limits.max_member_link_hops) + ")",
                    path);
}

struct Builder {
  Loaded& L;
  const Limits& lim;
  std::unordered_map<std::string, int> blob_by_member;  // resolved member (or digest for absent) -> blob
  std::unordered_map<std::string, int> image_by_manifest;
  std::unordered_map<std::string, LayerIndex> pre_index;     // streaming: member -> index
  std::unordered_map<std::string, Blob> pre_blob;
  uint64_t entry_budget;
  int symlinked_layers = 0;

  Builder(Loaded& l) : L(l), lim(l.options.limits), entry_budget(l.options.limits.max_entries) {}

  // At most lim.max_warnings_per_code warnings of one code are kept; the rest are
  // counted and summarised by summarize_warnings() (a million junk members must
  // not make a million warnings).
  std::unordered_map<std::string, uint64_t> warn_counts;
  void warn(std::string code, std::string msg, std::string where = {}) {
    if (++warn_counts[code] > lim.max_warnings_per_code) return;
    L.archive.warnings.push_back(Warning{std::move(code), std::move(msg), std::move(where)});
  }
  void summarize_warnings() {
    for (auto& [code, n] : warn_counts)
      if (n > lim.max_warnings_per_code)
        L.archive.warnings.push_back(
            Warning{code, "… and " + std::to_string(n - lim.max_warnings_per_code) + " more warnings like the above", ""});
  }

  // A descriptor's "size": a byte count, or -1 when absent; anything else
  // (negative, fractional, 1e999, beyond int64, a string) is reported.
  int64_t descriptor_size(const Json& d, const std::string& where) {
    const Json* sz = jget(d, "size");
    if (!sz) return -1;
    if (sz->is_number_unsigned() && sz->get<uint64_t>() <= static_cast<uint64_t>(INT64_MAX))
      return static_cast<int64_t>(sz->get<uint64_t>());
    if (sz->is_number_integer() && sz->get<int64_t>() >= 0) return sz->get<int64_t>();
    warn("invalid-descriptor", "descriptor size " + escape_text(jdump(*sz), 60) + " is not a byte count; ignored", where);
    return -1;
  }

  Result<Json> read_json(const std::string& path) {
    LS_ASSIGN_OR_RETURN(std::string text, L.read_member(path, lim.max_json_bytes));
    return parse_json(text, path, lim.max_json_depth);
  }

  int blob_for(const std::string& ref, const std::string& digest, const std::string& where) {
    std::string resolved;
    bool via_link = false;
    const Member* m = ref.empty() ? nullptr : L.resolve(ref, &resolved, &via_link);
    std::string key = m ? resolved : ("absent:" + (digest.empty() ? ref : digest));
    auto it = blob_by_member.find(key);
    if (it != blob_by_member.end()) return it->second;
    Blob b;
    b.referenced_as = ref;
    if (m && m->type == EntryType::kFile) {
      b.member = resolved;
      b.present = true;
      b.stored_size = m->size;
      if (via_link) ++symlinked_layers;
    } else {
      b.present = false;
      std::string why;
      std::string nref;
      normalize_path(ref, &nref);
      if (m) why = std::string(": member ") + escape_text(ref, kQuoteBytes) + " is a " + entry_type_name(m->type) + ", not a file";
      else if (!ref.empty() && L.by_path.count(nref)) why = ": member " + escape_text(ref, kQuoteBytes) + ": " + unresolved_member(L, ref).message;
      else if (!ref.empty()) why = " (expected member " + escape_text(ref, kQuoteBytes) + ")";
      warn("missing-blob",
           "layer " + escape_text(digest.empty() ? ref : digest, kQuoteBytes) + " is referenced but not stored in the archive" + why, where);
    }
    int id = static_cast<int>(L.archive.blobs.size());
    L.archive.blobs.push_back(std::move(b));
    L.indexes.emplace_back();
    blob_by_member[key] = id;
    return id;
  }

  // Fills config-derived fields of an image from its config bytes.
  void apply_config(Image& img, const std::string& config_text, const std::string& where) {
    img.config_json = config_text;
    img.config_digest = Sha256::digest_of(config_text);
    auto pj = parse_json(config_text, where, lim.max_json_depth);
    if (!pj.ok()) {
      warn("invalid-config", pj.error().message, pj.error().where);
      return;
    }
    const Json& c = pj.value();
    if (!c.is_object()) {
      warn("invalid-config", "image config is not a JSON object", where);
      return;
    }
    if (img.platform.os.empty()) img.platform.os = jstr(c, "os");
    if (img.platform.architecture.empty()) img.platform.architecture = jstr(c, "architecture");
    if (img.platform.variant.empty()) img.platform.variant = jstr(c, "variant");
    if (img.platform.os_version.empty()) img.platform.os_version = jstr(c, "os.version");
    img.created = jstr(c, "created");
    img.author = jstr(c, "author");
    if (const Json* h = jget(c, "history"); h && h->is_array()) {
      for (const auto& e : *h) {
        HistoryEntry he;
        he.created = jstr(e, "created");
        he.created_by = jstr(e, "created_by");
        he.author = jstr(e, "author");
        he.comment = jstr(e, "comment");
        he.empty_layer = jbool(e, "empty_layer");
        img.history.push_back(std::move(he));
      }
    }
    std::vector<std::string> diff_ids;
    if (const Json* r = jget(c, "rootfs")) diff_ids = jstrings(*r, "diff_ids");
    // diff_ids are matched to layers after the layers are known.
    img_diff_ids[&img - L.archive.images.data()] = std::move(diff_ids);
  }

  std::unordered_map<long, std::vector<std::string>> img_diff_ids;
  uint64_t index_descriptors = 0, nested_indexes = 0;
  std::set<std::string> walked_indexes;
  std::vector<std::string> index_stack;

  void finish_image(int idx) {
    Image& img = L.archive.images[idx];
    auto& d = img_diff_ids[idx];
    std::string where = img.tags.empty() ? img.source : img.tags.front();
    for (size_t i = 0; i < img.layers.size() && i < d.size(); ++i) img.layers[i].diff_id = d[i];
    if (!img.config_json.empty() && d.size() != img.layers.size()) {
      warn("diff-ids-count-mismatch",
           "config lists " + std::to_string(d.size()) + " diff_ids but the manifest has " +
               std::to_string(img.layers.size()) + " layers",
           where);
    }
    int li = 0, non_empty = 0;
    for (auto& h : img.history) {
      if (h.empty_layer) continue;
      ++non_empty;
      h.layer = li < static_cast<int>(img.layers.size()) ? li : -1;
      ++li;
    }
    if (!img.history.empty() && non_empty != static_cast<int>(img.layers.size())) {
      warn("history-layer-mismatch",
           "history has " + std::to_string(non_empty) + " steps that made a layer, but the image has " +
               std::to_string(img.layers.size()) + " layers",
           where);
    }
  }

  // ---- manifest.json (docker-archive family) ----
  Status from_manifest_json(std::vector<int>* made) {
    LS_ASSIGN_OR_RETURN(Json mj, read_json("manifest.json"));
    if (!mj.is_array()) {
      if (mj.is_null()) return Status::Ok();
      return make_error(Code::kCorrupt, "manifest.json is not a JSON array", "manifest.json");
    }
    for (size_t i = 0; i < mj.size(); ++i) {
      const Json& e = mj[i];
      std::string where = "manifest.json[" + std::to_string(i) + "]";
      if (!e.is_object()) {
        warn("invalid-manifest", "entry is not an object", where);
        continue;
      }
      Image img;
      img.source = where;
      img.tags = jstrings(e, "RepoTags");
      img.manifest_json = jdump(e, 2);  // the manifest.json entry stands in for a manifest
      std::string cfg = jstr(e, "Config");
      int idx = static_cast<int>(L.archive.images.size());
      L.archive.images.push_back(std::move(img));
      if (cfg.empty()) {
        warn("missing-config", "manifest entry names no Config", where);
      } else {
        auto text = L.read_member(cfg, lim.max_json_bytes);
        if (!text.ok()) {
          warn("missing-config", "config " + escape_text(cfg, kQuoteBytes) + ": " + text.error().message, where);
          L.archive.images[idx].config_digest = digest_from_name(cfg);
        } else {
          apply_config(L.archive.images[idx], text.value(), cfg);
        }
      }
      std::unordered_map<std::string, const Json*> sources;
      if (const Json* ls = jget(e, "LayerSources"); ls && ls->is_object())
        for (auto it = ls->begin(); it != ls->end(); ++it) sources[it.key()] = &it.value();
      auto layers = jstrings(e, "Layers");
      auto& diff = img_diff_ids[idx];
      for (size_t k = 0; k < layers.size(); ++k) {
        Layer l;
        l.index = static_cast<int>(k);
        std::string lw = where + ".Layers[" + std::to_string(k) + "]";
        l.digest = digest_from_name(layers[k]);
        if (k < diff.size()) {
          auto s = sources.find(diff[k]);
          if (s != sources.end()) {
            l.media_type = jstr(*s->second, "mediaType");
            l.size = descriptor_size(*s->second, lw + ".LayerSources");
            std::string d = jstr(*s->second, "digest");
            if (!d.empty()) l.digest = d;
          }
        }
        l.blob = blob_for(layers[k], l.digest, lw);
        if (l.size < 0 && l.blob >= 0 && L.archive.blobs[l.blob].present)
          l.size = static_cast<int64_t>(L.archive.blobs[l.blob].stored_size);
        L.archive.images[idx].layers.push_back(std::move(l));
      }
      made->push_back(idx);
    }
    return Status::Ok();
  }

  // ---- OCI index.json (oci-archive and the hybrid) ----
  void image_from_manifest_desc(const Json& desc, const std::string& where, const std::vector<std::string>& tags,
                                const Platform* platform) {
    std::string digest = jstr(desc, "digest");
    auto it = image_by_manifest.find(digest);
    if (it != image_by_manifest.end()) {
      auto& img = L.archive.images[it->second];
      for (auto& t : tags)
        if (std::find(img.tags.begin(), img.tags.end(), t) == img.tags.end()) img.tags.push_back(t);
      return;
    }
    std::string bp = blob_path(digest);
    if (bp.empty()) {
      warn("invalid-descriptor", "manifest descriptor has a malformed digest '" + escape_text(digest, kQuoteBytes) + "'", where);
      return;
    }
    auto text = L.read_member(bp, lim.max_json_bytes);
    if (!text.ok()) {
      warn("missing-blob", "image manifest " + escape_text(digest, kQuoteBytes) + " is not stored in the archive: " + text.error().message,
           where);
      return;
    }
    auto pm = parse_json(text.value(), bp, lim.max_json_depth);
    if (!pm.ok()) {
      warn("invalid-manifest", pm.error().message, pm.error().where);
      return;
    }
    const Json& m = pm.value();
    Image img;
    img.source = where;
    img.tags = tags;
    img.manifest_digest = digest;
    img.manifest_media_type = jstr(m, "mediaType", jstr(desc, "mediaType"));
    img.manifest_json = text.value();
    if (platform) img.platform = *platform;
    int idx = static_cast<int>(L.archive.images.size());
    L.archive.images.push_back(std::move(img));
    image_by_manifest[digest] = idx;
    const Json* cfg = jget(m, "config");
    if (!cfg || !cfg->is_object()) {
      warn("missing-config", "manifest has no config descriptor", bp);
    } else {
      std::string cd = jstr(*cfg, "digest");
      std::string cp = blob_path(cd);
      auto ct = cp.empty() ? Result<std::string>(make_error(Code::kCorrupt, "malformed digest"))
                           : L.read_member(cp, lim.max_json_bytes);
      if (!ct.ok()) {
        warn("missing-config", "config " + escape_text(cd, kQuoteBytes) + ": " + ct.error().message, bp);
        L.archive.images[idx].config_digest = cd;
      } else {
        apply_config(L.archive.images[idx], ct.value(), cp);
        if (L.archive.images[idx].config_digest != cd)
          warn("config-digest-mismatch",
               "config blob hashes to " + L.archive.images[idx].config_digest + ", manifest says " + cd, cp);
      }
    }
    if (const Json* ls = jget(m, "layers"); ls && ls->is_array()) {
      for (size_t k = 0; k < ls->size(); ++k) {
        const Json& d = (*ls)[k];
        Layer l;
        l.index = static_cast<int>(k);
        l.digest = jstr(d, "digest");
        l.media_type = jstr(d, "mediaType");
        std::string lw = bp + ".layers[" + std::to_string(k) + "]";
        l.size = descriptor_size(d, lw);
        std::string p = blob_path(l.digest);
        if (p.empty()) warn("invalid-descriptor", "layer descriptor has a malformed digest '" + escape_text(l.digest, kQuoteBytes) + "'", lw);
        l.blob = blob_for(p, l.digest, lw);
        L.archive.images[idx].layers.push_back(std::move(l));
      }
    }
  }

  void walk_index(const Json& idx, const std::string& where, const std::vector<std::string>& parent_tags,
                  int depth) {
    if (depth > 8) {
      warn("index-too-deep", "image indexes nested more than 8 levels; deeper ones ignored", where);
      return;
    }
    const Json* ms = jget(idx, "manifests");
    if (!ms || ms->is_null()) return;
    if (!ms->is_array()) {
      warn("invalid-index", "\"manifests\" is not an array", where);
      return;
    }
    for (size_t i = 0; i < ms->size(); ++i) {
      const Json& d = (*ms)[i];
      std::string w = where + ".manifests[" + std::to_string(i) + "]";
      if (++index_descriptors > lim.max_index_descriptors) {
        warn("invalid-index",
             "the image indexes list more than " + std::to_string(lim.max_index_descriptors) +
                 " descriptors in all; the rest are ignored",
             w);
        return;
      }
      if (!d.is_object()) continue;
      std::string mt = jstr(d, "mediaType");
      std::vector<std::string> tags = parent_tags;
      const Json* ann = jget(d, "annotations");
      std::string ref_type;
      if (ann && ann->is_object()) {
        std::string full = jstr(*ann, "io.containerd.image.name");
        std::string ref = jstr(*ann, "org.opencontainers.image.ref.name");
        ref_type = jstr(*ann, "vnd.docker.reference.type");
        if (!full.empty()) tags.push_back(full);
        else if (!ref.empty()) tags.push_back(ref);
      }
      Platform plat;
      bool has_plat = false;
      if (const Json* p = jget(d, "platform"); p && p->is_object()) {
        plat.os = jstr(*p, "os");
        plat.architecture = jstr(*p, "architecture");
        plat.variant = jstr(*p, "variant");
        plat.os_version = jstr(*p, "os.version");
        has_plat = true;
      }
      if (ref_type == "attestation-manifest") {
        Attestation a;
        a.manifest_digest = jstr(d, "digest");
        a.reference_type = ref_type;
        a.reference_digest = jstr(*ann, "vnd.docker.reference.digest");
        auto bp = blob_path(a.manifest_digest);
        if (!bp.empty()) {
          if (auto t = L.read_member(bp, lim.max_json_bytes); t.ok()) {
            if (auto pj = parse_json(t.value(), bp, lim.max_json_depth); pj.ok()) {
              if (const Json* ls = jget(pj.value(), "layers"); ls && ls->is_array())
                for (const auto& l : *ls)
                  if (const Json* la = jget(l, "annotations"))
                    if (auto pt = jstr(*la, "in-toto.io/predicate-type"); !pt.empty()) a.predicate_types.push_back(pt);
            }
          }
        }
        L.archive.attestations.push_back(std::move(a));
        continue;
      }
      if (mt == kMtOciIndex || mt == kMtDockerList) {
        std::string bp = blob_path(jstr(d, "digest"));
        // A nested index is walked once per set of inherited tags (a fan-out of
        // repeated descriptors would otherwise multiply at every level), never
        // inside itself (blob names are not verified, so cycles are possible).
        if (!bp.empty() && std::find(index_stack.begin(), index_stack.end(), bp) != index_stack.end()) {
          warn("invalid-index", "nested index " + escape_text(bp, kQuoteBytes) + " lists an index that contains it (a cycle)", w);
          continue;
        }
        std::string key = bp;
        for (auto& t : tags) key += '\0' + t;
        if (!bp.empty() && !walked_indexes.insert(key).second) continue;
        if (++nested_indexes > lim.max_nested_indexes) {
          if (nested_indexes == lim.max_nested_indexes + 1)
            warn("invalid-index", "more than " + std::to_string(lim.max_nested_indexes) + " nested indexes; the rest are ignored",
                 w);
          continue;
        }
        auto sub = bp.empty() ? Result<Json>(make_error(Code::kCorrupt, "malformed digest", w)) : read_json(bp);
        if (!sub.ok()) {
          warn("missing-blob", "nested index " + escape_text(jstr(d, "digest"), kQuoteBytes) + ": " + sub.error().message, w);
          continue;
        }
        index_stack.push_back(bp);
        walk_index(sub.value(), bp, tags, depth + 1);
        index_stack.pop_back();
        continue;
      }
      image_from_manifest_desc(d, w, tags, has_plat ? &plat : nullptr);
    }
  }

  Status build() {
    auto has = [&](const char* p) { return L.by_path.count(p) != 0; };
    bool has_manifest = has("manifest.json"), has_index = has("index.json"), has_layout = has("oci-layout");
    for (const char* p : {"manifest.json", "index.json", "oci-layout", "repositories"})
      if (has(p)) L.archive.members_of_note.push_back(p);
    std::vector<int> made;
    if (has_index && (has_layout || !has_manifest)) {
      L.archive.layout = has_manifest ? Layout::kDockerOciHybrid : Layout::kOciArchive;
      if (!has_layout) warn("missing-oci-layout", "index.json present but no oci-layout file", "oci-layout");
      LS_ASSIGN_OR_RETURN(Json idx, read_json("index.json"));
      if (!idx.is_object()) return make_error(Code::kCorrupt, "index.json is not a JSON object", "index.json");
      walk_index(idx, "index.json", {}, 0);
      if (has_manifest) {
        // Merge manifest.json's RepoTags into the index's images by config digest;
        // entries with no counterpart become images of their own.
        size_t before = L.archive.images.size();
        std::vector<int> extra;
        LS_RETURN_IF_ERROR(from_manifest_json(&extra));
        std::vector<int> drop;
        for (int e : extra) {
          Image& mimg = L.archive.images[e];
          bool merged = false;
          for (size_t k = 0; k < before; ++k) {
            Image& oimg = L.archive.images[k];
            if (!mimg.config_digest.empty() && oimg.config_digest == mimg.config_digest) {
              // RepoTags are what `docker load` restores; an index name that is only
              // the fully-qualified form of one of them ("docker.io/x:1" for "x:1") goes.
              std::vector<std::string> tags = mimg.tags;
              for (auto& t : oimg.tags) {
                bool dup = false;
                for (auto& r : mimg.tags)
                  dup = dup || t == r || t == "docker.io/" + r || t == "docker.io/library/" + r;
                if (!dup) tags.push_back(t);
              }
              oimg.tags = std::move(tags);
              oimg.source += ", " + mimg.source;
              merged = true;
              break;
            }
          }
          if (merged) drop.push_back(e);
          else made.push_back(e);
        }
        // Remove merged duplicates (from the back so indexes stay valid).
        std::sort(drop.rbegin(), drop.rend());
        for (int d : drop) {
          L.archive.images.erase(L.archive.images.begin() + d);
          img_diff_ids.erase(d);
          for (int k = d; k < static_cast<int>(L.archive.images.size()); ++k) {
            auto n = img_diff_ids.extract(k + 1);
            if (!n.empty()) { n.key() = k; img_diff_ids.insert(std::move(n)); }
          }
        }
        if (!extra.empty() && before > 0 && drop.size() < extra.size())
          warn("trimmed-manifest", "manifest.json and index.json list different images", "manifest.json");
      }
    } else if (has_manifest) {
      LS_RETURN_IF_ERROR(from_manifest_json(&made));
      bool legacy = false, flat = false, tarball = false;
      for (auto& img : L.archive.images) {
        for (auto& l : img.layers) {
          const Blob& b = L.archive.blobs[l.blob];
          const std::string& ref = b.referenced_as;
          if (basename_of(ref) == "layer.tar" && !dirname_of(ref).empty()) {
            if (b.member != ref) flat = true; else legacy = true;
          } else if (ref.find('/') == std::string::npos) {
            if (ref.size() > 7 && ref.compare(ref.size() - 7, 7, ".tar.gz") == 0) tarball = true;
            else flat = true;
          }
        }
      }
      for (auto& m : L.members)
        if (m.path.rfind("sha256:", 0) == 0) tarball = true;
      if (flat) L.archive.layout = Layout::kDockerArchive;
      else if (tarball) L.archive.layout = Layout::kTarball;
      else if (legacy || has("repositories")) L.archive.layout = Layout::kDockerLegacy;
      else L.archive.layout = Layout::kDockerArchive;
    } else {
      std::string seen;
      for (size_t i = 0; i < L.members.size() && i < 8; ++i) seen += (i ? ", " : "") + escape_text(L.members[i].path, 100);
      if (L.members.size() > 8) seen += ", …";
      return make_error(Code::kNotImage,
                        "no image found: the archive has neither manifest.json (docker save) nor "
                        "index.json + oci-layout (OCI); it holds " +
                            std::to_string(L.members.size()) + " members" +
                            (seen.empty() ? std::string() : ": " + seen),
                        L.src->name());
    }
    for (int i = 0; i < static_cast<int>(L.archive.images.size()); ++i) finish_image(i);
    if (symlinked_layers > 0)
      warn("symlinked-layer",
           std::to_string(symlinked_layers) + " layer reference(s) are symlinks to another member "
                                              "(how containers/image stores a layer once)",
           "");
    if (L.archive.images.empty() && L.archive.attestations.empty())
      warn("no-images", "the archive's manifest lists no images", has_manifest ? "manifest.json" : "index.json");
    return Status::Ok();
  }

  void guess_producer() {
    Archive& a = L.archive;
    bool buildah = false, umoci = false;
    for (auto& img : a.images) {
      if (img.config_json.find("\"io.buildah.version\"") != std::string::npos) buildah = true;
      for (auto& h : img.history)
        if (h.created_by.find("umoci") != std::string::npos || h.author.find("umoci") != std::string::npos ||
            h.comment.find("umoci") != std::string::npos)
          umoci = true;
    }
    switch (a.layout) {
      case Layout::kDockerLegacy: a.producer = "docker save (Docker Engine 24 or older)"; break;
      case Layout::kDockerArchive:
        a.producer = buildah ? "buildah (containers/image docker-archive)"
                             : "skopeo or podman (containers/image docker-archive)";
        break;
      case Layout::kTarball: a.producer = "kaniko / crane style tarball"; break;
      case Layout::kDockerOciHybrid: a.producer = "docker save (Docker Engine 25 or newer) or containerd export"; break;
      case Layout::kOciArchive:
        a.producer = umoci ? "umoci (then skopeo/podman oci-archive)"
                   : buildah ? "buildah (oci-archive)"
                             : "skopeo, podman or another OCI tool (oci-archive)";
        break;
      case Layout::kUnknown: a.producer = "unknown"; break;
    }
  }
};

bool emit_progress(const ProgressFn& fn, std::string_view phase, uint64_t done, uint64_t total,
                   std::string_view detail) {
  if (!fn) return true;
  Progress p;
  p.phase = phase;
  p.done = done;
  p.total = total;
  p.detail = detail;
  return fn(p);
}

// A layer's error always says which member holds the layer ("member: entry").
Error in_member(Error e, const std::string& member) {
  if (e.where.compare(0, member.size(), member) == 0) return e;
  return with_where(std::move(e), member);
}

void record_blob_result(Blob& b, const LayerStream& ls) {
  b.indexed = true;
  b.compression = ls.compression();
  b.uncompressed_size = static_cast<int64_t>(ls.uncompressed_size());
  if (!ls.stored_digest().empty()) b.computed_digest = ls.stored_digest();
  if (!ls.diff_id().empty()) b.computed_diff_id = ls.diff_id();
}

}  // namespace

const Member* Loaded::resolve(const std::string& path, std::string* resolved, bool* via_link) const {
  std::string cur;
  normalize_path(path, &cur);
  for (int hop = 0; hop <= static_cast<int>(options.limits.max_member_link_hops); ++hop) {
    auto it = by_path.find(cur);
    if (it == by_path.end()) return nullptr;
    const Member& m = members[it->second];
    if (m.type == EntryType::kSymlink || m.type == EntryType::kHardlink) {
      if (via_link) *via_link = true;
      cur = member_link_target(cur, m);
      continue;
    }
    if (resolved) *resolved = cur;
    return &m;
  }
  return nullptr;
}

Result<std::string> Loaded::read_member(const std::string& path, uint64_t limit) const {
  const Member* m = resolve(path);
  if (!m) return unresolved_member(*this, path);
  if (m->type != EntryType::kFile)
    return make_error(Code::kCorrupt, std::string("member is not a regular file (it is a ") + entry_type_name(m->type) + ")",
                      path);
  if (m->size > limit)
    return make_error(Code::kLimit,
                      "member is " + std::to_string(m->size) + " bytes, over the limit of " + std::to_string(limit),
                      path);
  if (!random_access) {
    auto it = held.find(m->path);
    if (it == held.end())
      return make_error(Code::kNotFound, "member was not kept while streaming the compressed archive", path);
    return it->second;
  }
  if (m->data_offset & kSparseDataOffset)
    return make_error(Code::kUnsupported, "member is stored as a sparse file", path);
  if (m->data_offset > src->size() || m->size > src->size() - m->data_offset)
    return make_error(Code::kTruncated,
                      "the archive ends inside this member (" + std::to_string(m->size) + " bytes declared, " +
                          std::to_string(src->size() > m->data_offset ? src->size() - m->data_offset : 0) +
                          " present)",
                      path);
  std::string out(static_cast<size_t>(m->size), '\0');
  if (m->size) LS_RETURN_IF_ERROR(read_exact(*src, m->data_offset, out.data(), out.size()));
  return out;
}

Result<std::shared_ptr<ByteSource>> Loaded::member_source(const std::string& path) const {
  const Member* m = resolve(path);
  if (!m) return unresolved_member(*this, path);
  if (!random_access) return make_error(Code::kUnsupported, "compressed archive has no random access", path);
  if (m->data_offset & kSparseDataOffset)
    return make_error(Code::kUnsupported, "member is stored as a sparse file", path);
  if (m->data_offset > src->size() || m->size > src->size() - m->data_offset)
    return make_error(Code::kTruncated,
                      "member data runs past the end of the archive (" + std::to_string(m->data_offset + m->size) +
                          " > " + std::to_string(src->size()) + ")",
                      path);
  return make_window_source(src, m->data_offset, m->size, m->path);
}

Status index_layer(LayerStream& stream, PathTable& paths, LayerIndex* index, uint64_t* budget, const Limits& lim) {
  TarHeader h;
  std::string norm;
  for (;;) {
    auto r = stream.next(&h);
    if (!r.ok()) return r.take_error();
    if (!r.value()) break;
    // The root "./" itself is kept as an entry (its mode and owner are real) but
    // has no path of its own in trees.
    if (!normalize_path(h.path, &norm)) norm.clear();
    if (*budget == 0)
      return make_error(Code::kLimit, "more entries than the limit of entries per archive", h.path);
    --*budget;
    if (norm.size() > lim.max_path_bytes)
      return make_error(Code::kLimit,
                        "entry path is " + std::to_string(norm.size()) + " bytes, over the limit of " +
                            std::to_string(lim.max_path_bytes) + " (PATH_MAX; no runtime can unpack it): '" +
                            escape_text(norm, 100) + "'",
                        escape_text(norm, 100));
    if (paths.size() > lim.max_paths || paths.memory_bytes() > lim.max_path_table_bytes) {
      *budget = 0;  // fatal, like the entry limit
      return make_error(Code::kLimit,
                        "more than " + std::to_string(lim.max_paths) + " distinct paths, or " +
                            std::to_string(lim.max_path_table_bytes >> 20) + " MiB of path names, in the archive",
                        escape_text(norm, 100));
    }
    const std::string& target = h.type == EntryType::kSymlink ? h.symlink : h.hardlink;
    if (target.size() > lim.max_path_bytes)
      return make_error(Code::kLimit,
                        "link target is " + std::to_string(target.size()) + " bytes, over the limit of " +
                            std::to_string(lim.max_path_bytes) + " (PATH_MAX): '" + escape_text(target, 100) + "'",
                        escape_text(norm, 100));
    std::string base = basename_of(norm);
    if (!norm.empty() && base.size() >= 4 && base.compare(0, 4, ".wh.") == 0) {
      std::string dir = dirname_of(norm);
      if (base == ".wh." || base == ".wh.." || base == ".wh...") {
        // A whiteout of "", "." or "..": names nothing; neither a file nor a deletion.
      } else if (base == ".wh..wh..opq") {
        index->opaque_dirs.push_back(paths.intern(dir));
        ++index->counts.opaque_dirs;
      } else if (base.compare(0, 8, ".wh..wh.") == 0) {
        // aufs metadata (.wh..wh.plnk, .wh..wh.aufs): neither a file nor a whiteout.
      } else {
        index->whiteouts.push_back(paths.intern(dir.empty() ? base.substr(4) : dir + "/" + base.substr(4)));
        ++index->counts.whiteouts;
      }
      continue;
    }
    Entry e;
    e.path = norm.empty() ? kRootPath : paths.intern(norm);
    e.type = h.type;
    e.mode = h.mode;
    e.uid = h.uid;
    e.gid = h.gid;
    e.size = h.type == EntryType::kFile ? h.size : 0;
    e.mtime = h.mtime;
    e.data_offset = h.data_offset;
    if (h.type == EntryType::kSymlink) {
      e.link = static_cast<uint32_t>(index->strings.size());
      index->strings.push_back(h.symlink);
    } else if (h.type == EntryType::kHardlink) {
      std::string t;
      normalize_path(h.hardlink, &t);
      e.link = paths.intern(t);
    }
    ++index->counts.total;
    switch (h.type) {
      case EntryType::kFile: ++index->counts.files; break;
      case EntryType::kDir: ++index->counts.dirs; break;
      case EntryType::kSymlink: ++index->counts.symlinks; break;
      case EntryType::kHardlink: ++index->counts.hardlinks; break;
      default: ++index->counts.other; break;
    }
    index->entries.push_back(e);
  }
  return stream.finish();
}

Result<std::unique_ptr<Loaded>> load_archive(std::shared_ptr<ByteSource> src, const OpenOptions& options) {
  auto L = std::make_unique<Loaded>();
  L->src = src;
  L->options = options;
  // Bounds that also protect 32-bit fields cannot be raised past them: PathTable's
  // ids and name offsets are 32-bit, and link hops are counted in an int.
  Limits& lm = L->options.limits;
  lm.max_paths = std::min<uint64_t>(lm.max_paths, 0xfffffff0u);
  lm.max_path_table_bytes = std::min<uint64_t>(lm.max_path_table_bytes, 0xfffffff0u);
  lm.max_member_link_hops = std::min<uint32_t>(lm.max_member_link_hops, 1024);
  L->archive.name = src->name();
  L->archive.size = src->size();
  const uint64_t total = src->size();
  if (total == 0) return make_error(Code::kTruncated, "the file is empty", src->name());
  uint8_t head[8] = {0};
  auto hr = src->read_at(0, head, sizeof head);
  if (!hr.ok()) return hr.take_error();
  L->archive.outer_compression = sniff_compression(head, hr.value());
  L->random_access = L->archive.outer_compression == Compression::kNone;
  Builder B(*L);
  const Limits& lim = options.limits;
  if (L->random_access && total < 512)
    return make_error(Code::kTruncated,
                      "the file is " + std::to_string(total) +
                          " bytes, shorter than one 512-byte tar header: an archive cut short, or not one at all",
                      src->name());

  auto opened = TarReader::open(src, src->name());
  if (!opened.ok()) {
    Error e = opened.take_error();
    if (e.code == Code::kCorrupt) e.message = "not a tar archive (nor a gzip/zstd/xz/bzip2-compressed one): " + e.message;
    return e;
  }
  auto outer = std::move(opened).value();
  TarHeader h;
  std::string norm;
  std::string last_entry;    // the last outer header read, for messages
  uint64_t entries_end = 0;  // where the last entry's padded data ends
  bool clean_end = false;    // the end-of-archive marker (two zero blocks) was read
  // Streaming (a compressed outer archive): every byte of the outer stream goes
  // through outer_block, which stops an outer decompression bomb (the same
  // ratio limit as for layers) and keeps progress and cancellation going.
  uint64_t next_tick = 0;
  auto outer_block = [&](const void** d, size_t* n) -> Result<bool> {
    auto b = outer->read_block(d, n);
    if (!b.ok()) return b.take_error();
    uint64_t out = outer->position(), raw = outer->raw_position();
    if (out > lim.max_expansion_floor &&
        static_cast<double>(out) > lim.max_expansion_ratio * static_cast<double>(raw ? raw : 1))
      return make_error(Code::kLimit,
                        "decompression bomb: " + std::to_string(raw) + " compressed bytes of the archive expand past " +
                            std::to_string(out) + " bytes (limit ratio " +
                            std::to_string(static_cast<int>(lim.max_expansion_ratio)) + ")",
                        src->name() + ": " + escape_text(norm, kQuoteBytes));
    if (out >= next_tick) {
      next_tick = out + (16u << 20);
      if (!emit_progress(options.progress, "scan", raw, total, norm))
        return make_error(Code::kCancelled, "cancelled while reading the archive", norm);
    }
    return b.value();
  };
  for (;;) {
    auto r = outer->next(&h);
    if (!r.ok()) {
      Error e = r.take_error();
      // Only zero bytes left after the last member: an incomplete end-of-archive
      // marker, no data lost (warned below).
      if (e.code == Code::kTruncated && L->random_access && !L->members.empty() && total > entries_end &&
          total - entries_end < 1024) {
        std::string tail(static_cast<size_t>(total - entries_end), '\0');
        if (read_exact(*src, entries_end, tail.data(), tail.size()).ok() &&
            tail.find_first_not_of('\0') == std::string::npos)
          break;
      }
      if (L->members.empty() && e.code == Code::kCorrupt)
        e.message = "not a tar archive (nor a gzip/zstd/xz/bzip2-compressed one): " + e.message;
      return e;
    }
    if (!r.value()) {
      clean_end = outer->position() >= entries_end + 1024;
      break;
    }
    last_entry = h.path;
    entries_end = (h.data_offset & ~kSparseDataOffset) + (h.type == EntryType::kFile ? (static_cast<uint64_t>(h.size) + 511) / 512 * 512 : 0);
    if (!normalize_path(h.path, &norm)) continue;
    if (norm.size() > lim.max_path_bytes || h.symlink.size() > lim.max_path_bytes || h.hardlink.size() > lim.max_path_bytes) {
      // No image member has such a name; keeping it would only cost memory.
      B.warn("tar-warning",
             "member with a name or link target over " + std::to_string(lim.max_path_bytes) + " bytes ignored: '" +
                 escape_text(norm, 100) + "'",
             src->name());
      norm.clear();
      if (!L->random_access)
        for (;;) {
          const void* d = nullptr;
          size_t n = 0;
          auto b = outer_block(&d, &n);
          if (!b.ok()) return b.take_error();
          if (!b.value()) break;
        }
      continue;
    }
    if (L->members.size() >= lim.max_members)
      return make_error(Code::kLimit, "more than " + std::to_string(lim.max_members) + " members", src->name());
    Member m;
    m.path = norm;
    m.type = h.type;
    m.size = static_cast<uint64_t>(h.size);
    m.data_offset = h.data_offset;
    if (h.type == EntryType::kSymlink) m.link = h.symlink;
    if (h.type == EntryType::kHardlink) normalize_path(h.hardlink, &m.link);
    if (is_junk(norm)) B.warn("junk-entry", "stray file, not part of any image (e.g. macOS AppleDouble)", norm);
    if (L->by_path.count(norm)) B.warn("duplicate-member", "member appears more than once; the last one wins", norm);
    L->by_path[norm] = L->members.size();
    L->members.push_back(m);
    const void* d = nullptr;
    size_t n = 0;
    if (!L->random_access && m.type == EntryType::kFile && m.size > 0) {
      // One pass must gather everything: keep JSON, index layer tars now.
      std::string prefix;
      while (prefix.size() < 512) {
        auto b = outer_block(&d, &n);
        if (!b.ok()) return b.take_error();
        if (!b.value()) break;
        prefix.append(static_cast<const char*>(d), n);
      }
      size_t ws = prefix.find_first_not_of(" \t\r\n");
      bool jsonish = ws != std::string::npos && (prefix[ws] == '{' || prefix[ws] == '[');
      const auto* up = reinterpret_cast<const uint8_t*>(prefix.data());
      if ((jsonish || is_json_name(norm)) && m.size <= lim.max_json_bytes) {
        for (;;) {
          auto b = outer_block(&d, &n);
          if (!b.ok()) return b.take_error();
          if (!b.value()) break;
          prefix.append(static_cast<const char*>(d), n);
        }
        L->held[norm] = std::move(prefix);
      } else if (sniff_compression(up, prefix.size()) != Compression::kNone || looks_like_tar(up, prefix.size())) {
        LayerStreamOptions lo;
        lo.hash = options.verify;
        lo.max_expansion_floor = lim.max_expansion_floor;
        lo.max_expansion_ratio = lim.max_expansion_ratio;
        TarReader* o = outer.get();
        const ProgressFn& pf = options.progress;
        lo.tick = [o, &pf, total, &norm](uint64_t) {
          return emit_progress(pf, "scan", o->raw_position(), total, norm);
        };
        (void)o;
        // Errors of the outer stream itself (truncation, a bomb) end the open;
        // errors of the layer's own stream only make the layer unreadable.
        std::optional<Error> outer_err;
        auto pull = [&](const void** data) -> Result<size_t> {
          size_t nn = 0;
          auto b = outer_block(data, &nn);
          if (!b.ok()) {
            outer_err = b.error();
            return b.take_error();
          }
          return b.value() ? nn : size_t{0};
        };
        auto ls = LayerStream::open_stream(std::move(prefix), pull, lo, norm);
        LayerIndex idx;
        Blob blob;
        Status st = ls.ok() ? index_layer(*ls.value(), L->paths, &idx, &B.entry_budget, lim) : Status(ls.error());
        if (outer_err) return *outer_err;
        if (!st.ok() && st.error().code == Code::kCancelled) return st.take_error();
        if (!st.ok() && st.error().code == Code::kLimit && B.entry_budget == 0) return st.take_error();
        if (st.ok()) {
          record_blob_result(blob, *ls.value());
        } else {
          blob.error = in_member(st.error(), norm).to_string();
        }
        B.pre_index[norm] = std::move(idx);
        B.pre_blob[norm] = std::move(blob);
      }
    }
    if (!L->random_access) {
      // The rest of the member's data (libarchive would skip it by decoding it anyway).
      for (;;) {
        auto b = outer_block(&d, &n);
        if (!b.ok()) return b.take_error();
        if (!b.value()) break;
      }
    }
    if (!emit_progress(options.progress, "scan", outer->raw_position(), total, norm))
      return make_error(Code::kCancelled, "cancelled while reading the archive", norm);
  }
  if (!outer->warnings().empty())
    B.warn("tar-warning", escape_text(outer->warnings(), 400), src->name());
  L->archive.member_count = static_cast<uint32_t>(L->members.size());
  std::string cut_note;
  if (!clean_end && !L->members.empty())
    cut_note = "the archive ends after member '" + escape_text(last_entry, kQuoteBytes) +
               "' without a complete end-of-archive marker (two zero blocks): it may have been cut short";
  if (Status st = B.build(); !st.ok()) {
    Error e = st.take_error();
    if (e.code == Code::kNotImage && !cut_note.empty()) {
      e.code = Code::kTruncated;
      e.message = cut_note + " before any manifest.json or index.json (" + std::to_string(L->members.size()) +
                  " members read)";
    }
    return e;
  }
  if (!cut_note.empty()) B.warn("tar-warning", cut_note, src->name());
  B.guess_producer();

  // Index every present layer blob.
  for (size_t bi = 0; bi < L->archive.blobs.size(); ++bi) {
    Blob& b = L->archive.blobs[bi];
    if (!b.present) continue;
    if (!L->random_access) {
      auto it = B.pre_blob.find(b.member);
      if (it == B.pre_blob.end()) {
        b.error = "member is not a tar stream";
        B.warn("layer-unreadable", "layer member does not look like a tar archive (or compressed tar)", b.member);
        continue;
      }
      Blob pre = std::move(it->second);
      b.indexed = pre.indexed;
      b.compression = pre.compression;
      b.uncompressed_size = pre.uncompressed_size;
      b.computed_digest = pre.computed_digest;
      b.computed_diff_id = pre.computed_diff_id;
      b.error = pre.error;
      L->indexes[bi] = std::move(B.pre_index[b.member]);
    } else {
      auto ws = L->member_source(b.member);
      Status st = Status::Ok();
      std::unique_ptr<LayerStream> ls;
      if (!ws.ok()) {
        st = ws.error();
      } else {
        LayerStreamOptions lo;
        lo.hash = options.verify;
        lo.max_expansion_floor = lim.max_expansion_floor;
        lo.max_expansion_ratio = lim.max_expansion_ratio;
        uint64_t base = L->members[L->by_path[b.member]].data_offset;
        const ProgressFn& pf = options.progress;
        std::string name = b.member;
        lo.tick = [&pf, base, total, name](uint64_t done) {
          return emit_progress(pf, "index", base + done, total, name);
        };
        auto r = LayerStream::open(ws.value(), lo, b.member);
        if (!r.ok()) st = r.error();
        else {
          ls = std::move(r).value();
          st = index_layer(*ls, L->paths, &L->indexes[bi], &B.entry_budget, lim);
        }
      }
      if (!st.ok()) {
        if (st.error().code == Code::kCancelled) return st.take_error();
        if (st.error().code == Code::kLimit && B.entry_budget == 0) return st.take_error();
        b.error = in_member(st.error(), b.member).to_string();
        L->indexes[bi] = LayerIndex{};
      } else {
        record_blob_result(b, *ls);
      }
      if (!emit_progress(options.progress, "index",
                         b.stored_size + (L->members[L->by_path[b.member]].data_offset & ~kSparseDataOffset),
                         total, b.member))
        return make_error(Code::kCancelled, "cancelled while indexing layers", b.member);
    }
    if (!b.error.empty()) B.warn("layer-unreadable", b.error, b.member);
    b.counts = L->indexes[bi].counts;
  }

  {
    std::set<std::vector<int>> stacks;
    uint64_t stacked = 0;
    for (auto& img : L->archive.images) {
      std::vector<int> key;
      for (auto& l : img.layers) key.push_back(l.blob);
      if (!stacks.insert(key).second) continue;
      for (int b : key)
        if (b >= 0) stacked += L->indexes[b].entries.size() + L->indexes[b].whiteouts.size();
    }
    if (stacked > lim.max_stacked_entries)
      return make_error(Code::kLimit,
                        "the archive's " + std::to_string(stacks.size()) + " distinct layer stacks hold " +
                            std::to_string(stacked) + " entries in all, over the limit of " +
                            std::to_string(lim.max_stacked_entries) + " (each image's filesystem is merged on its own)",
                        src->name());
  }
  // Cross-checks between what the manifest says and what the bytes are.
  for (auto& img : L->archive.images) {
    for (auto& l : img.layers) {
      if (l.blob < 0) continue;
      Blob& b = L->archive.blobs[l.blob];
      if (!b.present || !b.indexed) continue;
      Compression said = compression_from_media_type(l.media_type);
      if (said != Compression::kUnknown && said != b.compression)
        B.warn("media-type-mismatch",
               "media type " + l.media_type + " says " + compression_name(said) + " but the bytes are " +
                   compression_name(b.compression),
               b.member);
      if (b.stored_digest.empty()) {
        if (!l.digest.empty()) b.stored_digest = l.digest;
        else if (b.compression == Compression::kNone && !l.diff_id.empty()) b.stored_digest = l.diff_id;
      }
      if (l.digest.empty()) l.digest = b.stored_digest;
      if (l.size < 0) l.size = static_cast<int64_t>(b.stored_size);
      if (l.size >= 0 && static_cast<uint64_t>(l.size) != b.stored_size)
        B.warn("size-mismatch",
               "descriptor says " + std::to_string(l.size) + " bytes, the stored blob has " +
                   std::to_string(b.stored_size),
               b.member);
    }
  }
  B.summarize_warnings();
  if (options.verify) LS_RETURN_IF_ERROR(verify_blobs(*L, options.progress));
  return L;
}

// Compressed outer archive: one more streaming pass hashes every layer member.
static Status verify_streamed(Loaded& L, const ProgressFn& progress) {
  const uint64_t total = L.src->size();
  std::unordered_map<std::string, size_t> want;
  for (size_t bi = 0; bi < L.archive.blobs.size(); ++bi) {
    const Blob& b = L.archive.blobs[bi];
    if (b.present && b.computed_digest.empty()) want[b.member] = bi;
  }
  if (want.empty()) return Status::Ok();
  LS_ASSIGN_OR_RETURN(auto outer, TarReader::open(L.src, L.src->name()));
  TarHeader h;
  std::string norm;
  while (!want.empty()) {
    LS_ASSIGN_OR_RETURN(bool more, outer->next(&h));
    if (!more) break;
    if (!normalize_path(h.path, &norm)) continue;
    auto it = want.find(norm);
    if (it == want.end()) continue;
    Blob& b = L.archive.blobs[it->second];
    want.erase(it);
    TarReader* o = outer.get();
    LayerStreamOptions lo;
    lo.hash = true;
    lo.max_expansion_floor = L.options.limits.max_expansion_floor;
    lo.max_expansion_ratio = L.options.limits.max_expansion_ratio;
    std::string name = norm;
    lo.tick = [o, &progress, total, name](uint64_t) {
      return emit_progress(progress, "verify", o->raw_position(), total, name);
    };
    auto ls = LayerStream::open_stream({}, o->member_pull(), lo, norm);
    Status st = ls.ok() ? Status::Ok() : Status(ls.error());
    if (st.ok()) {
      TarHeader lh;
      for (;;) {
        auto n = ls.value()->next(&lh);
        if (!n.ok()) { st = n.error(); break; }
        if (!n.value()) break;
      }
      if (st.ok()) st = ls.value()->finish();
    }
    if (!st.ok()) {
      if (st.error().code == Code::kCancelled) return st.take_error();
      L.archive.warnings.push_back(Warning{"verify-failed", st.error().to_string(), b.member});
      continue;
    }
    b.computed_digest = ls.value()->stored_digest();
    b.computed_diff_id = ls.value()->diff_id();
  }
  return Status::Ok();
}

Status verify_blobs(Loaded& L, const ProgressFn& progress) {
  const uint64_t total = L.src->size();
  // Verifying again replaces the previous verdicts instead of repeating them.
  auto& ws = L.archive.warnings;
  ws.erase(std::remove_if(ws.begin(), ws.end(),
                          [](const Warning& w) {
                            return w.code == "diff-id-mismatch" || w.code == "digest-mismatch" ||
                                   w.code == "verify-failed";
                          }),
           ws.end());
  if (!L.random_access) LS_RETURN_IF_ERROR(verify_streamed(L, progress));
  for (size_t bi = 0; bi < L.archive.blobs.size(); ++bi) {
    Blob& b = L.archive.blobs[bi];
    if (!b.present) continue;
    if (b.computed_digest.empty() && L.random_access) {
      auto ws = L.member_source(b.member);
      if (!ws.ok()) continue;
      LayerStreamOptions lo;
      lo.hash = true;
      lo.max_expansion_floor = L.options.limits.max_expansion_floor;
      lo.max_expansion_ratio = L.options.limits.max_expansion_ratio;
      uint64_t base = L.members[L.by_path[b.member]].data_offset;
      std::string name = b.member;
      lo.tick = [&progress, base, total, name](uint64_t done) {
        return emit_progress(progress, "verify", base + done, total, name);
      };
      auto r = LayerStream::open(ws.value(), lo, b.member);
      if (!r.ok()) {
        if (r.error().code == Code::kCancelled) return r.take_error();
        continue;
      }
      // Drain through the tar parser so the decoded stream is hashed whole.
      TarHeader h;
      Status st = Status::Ok();
      for (;;) {
        auto n = r.value()->next(&h);
        if (!n.ok()) { st = n.error(); break; }
        if (!n.value()) break;
      }
      if (st.ok()) st = r.value()->finish();
      if (!st.ok()) {
        if (st.error().code == Code::kCancelled) return st.take_error();
        L.archive.warnings.push_back(Warning{"verify-failed", st.error().to_string(), b.member});
        continue;
      }
      b.computed_digest = r.value()->stored_digest();
      b.computed_diff_id = r.value()->diff_id();
      b.uncompressed_size = static_cast<int64_t>(r.value()->uncompressed_size());
    }
  }
  for (auto& img : L.archive.images) {
    std::string iw = img.tags.empty() ? img.source : img.tags.front();
    for (auto& l : img.layers) {
      if (l.blob < 0) continue;
      const Blob& b = L.archive.blobs[l.blob];
      std::string w = iw + " layer " + std::to_string(l.index);
      if (!b.computed_diff_id.empty() && !l.diff_id.empty() && b.computed_diff_id != l.diff_id)
        L.archive.warnings.push_back(Warning{"diff-id-mismatch",
                                             "uncompressed layer hashes to " + b.computed_diff_id +
                                                 " but the config's diff_id is " + l.diff_id,
                                             w});
      if (!b.computed_digest.empty() && !l.digest.empty() && b.computed_digest != l.digest)
        L.archive.warnings.push_back(Warning{"digest-mismatch",
                                             "stored layer hashes to " + b.computed_digest +
                                                 " but it is referenced as " + l.digest,
                                             w});
    }
  }
  return Status::Ok();
}

}  // namespace layerscope
