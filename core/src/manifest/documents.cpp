#include "manifest/documents.h"

namespace layerscope {
namespace {

Error bad(const std::string& what, const std::string& where) { return make_error(Code::kCorrupt, what, where); }

// Sets a known key: in place when present, appended when new and non-empty.
template <class V>
void put(OrderedJson& j, const char* key, const V& v, bool empty) {
  if (!empty || j.contains(key)) j[key] = v;
}

std::string str_of(const OrderedJson& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->template get<std::string>() : std::string();
}

Result<std::vector<std::string>> strings_of(const OrderedJson& j, const char* key, const std::string& where) {
  std::vector<std::string> out;
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return out;
  if (!it->is_array()) return bad(std::string("\"") + key + "\" is not an array", where);
  for (const auto& x : *it) {
    if (!x.is_string()) return bad(std::string("\"") + key + "\" holds a value that is not a string", where);
    out.push_back(x.get<std::string>());
  }
  return out;
}

Result<Annotations> annotations_of(const OrderedJson& j, const std::string& where) {
  Annotations out;
  auto it = j.find("annotations");
  if (it == j.end() || it->is_null()) return out;
  if (!it->is_object()) return bad("\"annotations\" is not an object", where);
  for (auto a = it->begin(); a != it->end(); ++a) {
    if (!a.value().is_string()) return bad("annotation \"" + a.key() + "\" is not a string", where);
    out.emplace_back(a.key(), a.value().get<std::string>());
  }
  return out;
}

void put_annotations(OrderedJson& j, const Annotations& a) {
  if (a.empty() && !j.contains("annotations")) return;
  // In the value's order (keys the value dropped go).
  OrderedJson n = OrderedJson::object();
  for (auto& [k, v] : a) n[k] = v;
  j["annotations"] = std::move(n);
}

Result<int> schema_version_of(const OrderedJson& j, const std::string& where) {
  auto it = j.find("schemaVersion");
  if (it == j.end()) return 2;
  if (!it->is_number_integer()) return bad("\"schemaVersion\" is not an integer", where);
  return static_cast<int>(it->get<int64_t>());
}

Result<std::vector<Descriptor>> descriptors_of(const OrderedJson& j, const char* key, const std::string& where) {
  std::vector<Descriptor> out;
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return out;
  if (!it->is_array()) return bad(std::string("\"") + key + "\" is not an array", where);
  for (size_t i = 0; i < it->size(); ++i) {
    LS_ASSIGN_OR_RETURN(Descriptor d, read_descriptor((*it)[i], where + "." + key + "[" + std::to_string(i) + "]"));
    out.push_back(std::move(d));
  }
  return out;
}

OrderedJson descriptors_json(const std::vector<Descriptor>& ds) {
  OrderedJson a = OrderedJson::array();
  for (auto& d : ds) a.push_back(descriptor_json(d));
  return a;
}

Result<OrderedJson> parse_object(std::string_view text, const std::string& where, uint32_t max_depth, const char* what) {
  LS_ASSIGN_OR_RETURN(OrderedJson j, parse_ordered_json(text, where, max_depth));
  if (!j.is_object()) return bad(std::string(what) + " is not a JSON object", where);
  return j;
}

}  // namespace

// ---- descriptors ----

Result<Descriptor> read_descriptor(const OrderedJson& j, const std::string& where) {
  if (!j.is_object()) return bad("descriptor is not an object", where);
  Descriptor d;
  d.raw = j;
  d.media_type = str_of(j, "mediaType");
  d.digest = str_of(j, "digest");
  if (auto it = j.find("digest"); it == j.end() || !it->is_string()) return bad("descriptor has no digest", where);
  if (auto it = j.find("size"); it != j.end()) {
    if (it->is_number_unsigned()) {
      if (it->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) return bad("descriptor size is out of range", where);
      d.size = static_cast<int64_t>(it->get<uint64_t>());
    } else if (it->is_number_integer() && it->get<int64_t>() >= 0) {
      d.size = it->get<int64_t>();
    } else {
      return bad("descriptor size is not a byte count", where);
    }
  }
  if (auto it = j.find("platform"); it != j.end() && !it->is_null()) {
    if (!it->is_object()) return bad("\"platform\" is not an object", where);
    Platform p;
    p.os = str_of(*it, "os");
    p.architecture = str_of(*it, "architecture");
    p.variant = str_of(*it, "variant");
    p.os_version = str_of(*it, "os.version");
    d.platform = p;
  }
  LS_ASSIGN_OR_RETURN(d.annotations, annotations_of(j, where));
  return d;
}

OrderedJson descriptor_json(const Descriptor& d) {
  OrderedJson j = d.raw.is_object() ? d.raw : OrderedJson::object();
  put(j, "mediaType", d.media_type, d.media_type.empty());
  j["digest"] = d.digest;
  if (d.size >= 0) j["size"] = d.size;
  else j.erase("size");
  put_annotations(j, d.annotations);
  if (d.platform) {
    OrderedJson p = j.contains("platform") && j["platform"].is_object() ? j["platform"] : OrderedJson::object();
    put(p, "architecture", d.platform->architecture, d.platform->architecture.empty());
    put(p, "os", d.platform->os, d.platform->os.empty());
    put(p, "os.version", d.platform->os_version, d.platform->os_version.empty());
    put(p, "variant", d.platform->variant, d.platform->variant.empty());
    j["platform"] = std::move(p);
  } else {
    j.erase("platform");
  }
  return j;
}

// ---- docker manifest.json ----

Result<std::vector<DockerManifestEntry>> parse_docker_manifest(std::string_view text, const std::string& where,
                                                               uint32_t max_depth) {
  LS_ASSIGN_OR_RETURN(OrderedJson j, parse_ordered_json(text, where, max_depth));
  if (!j.is_array()) return bad("manifest.json is not a JSON array", where);
  std::vector<DockerManifestEntry> out;
  for (size_t i = 0; i < j.size(); ++i) {
    const OrderedJson& e = j[i];
    std::string w = where + "[" + std::to_string(i) + "]";
    if (!e.is_object()) return bad("entry is not an object", w);
    DockerManifestEntry m;
    m.raw = e;
    if (auto it = e.find("Config"); it == e.end() || !it->is_string()) return bad("entry has no Config", w);
    m.config = str_of(e, "Config");
    LS_ASSIGN_OR_RETURN(m.repo_tags, strings_of(e, "RepoTags", w));
    LS_ASSIGN_OR_RETURN(m.layers, strings_of(e, "Layers", w));
    m.parent = str_of(e, "Parent");
    if (auto it = e.find("LayerSources"); it != e.end() && !it->is_null()) {
      if (!it->is_object()) return bad("\"LayerSources\" is not an object", w);
      for (auto s = it->begin(); s != it->end(); ++s) {
        LS_ASSIGN_OR_RETURN(Descriptor d, read_descriptor(s.value(), w + ".LayerSources[" + s.key() + "]"));
        m.layer_sources.emplace_back(s.key(), std::move(d));
      }
    }
    out.push_back(std::move(m));
  }
  return out;
}

Result<std::string> write_docker_manifest(const std::vector<DockerManifestEntry>& entries) {
  OrderedJson a = OrderedJson::array();
  for (auto& m : entries) {
    OrderedJson e = m.raw.is_object() ? m.raw : OrderedJson::object();
    e["Config"] = m.config;
    // docker load wants RepoTags (null for an untagged image) and Layers.
    if (m.repo_tags.empty() && e.contains("RepoTags") && e["RepoTags"].is_null()) {
    } else {
      e["RepoTags"] = m.repo_tags;
    }
    e["Layers"] = m.layers;
    if (!m.parent.empty()) e["Parent"] = m.parent;
    else e.erase("Parent");
    if (!m.layer_sources.empty() || e.contains("LayerSources")) {
      OrderedJson s = OrderedJson::object();
      for (auto& [diff_id, d] : m.layer_sources) s[diff_id] = descriptor_json(d);
      e["LayerSources"] = std::move(s);
    }
    a.push_back(std::move(e));
  }
  return jdump_document(a, "manifest.json");
}

// ---- OCI image index ----

Result<ImageIndex> parse_image_index(std::string_view text, const std::string& where, uint32_t max_depth) {
  LS_ASSIGN_OR_RETURN(OrderedJson j, parse_object(text, where, max_depth, "image index"));
  ImageIndex x;
  LS_ASSIGN_OR_RETURN(x.schema_version, schema_version_of(j, where));
  x.media_type = str_of(j, "mediaType");
  LS_ASSIGN_OR_RETURN(x.manifests, descriptors_of(j, "manifests", where));
  LS_ASSIGN_OR_RETURN(x.annotations, annotations_of(j, where));
  x.raw = std::move(j);
  return x;
}

Result<std::string> write_image_index(const ImageIndex& x) {
  OrderedJson j = x.raw.is_object() ? x.raw : OrderedJson::object();
  j["schemaVersion"] = x.schema_version;
  put(j, "mediaType", x.media_type, x.media_type.empty());
  j["manifests"] = descriptors_json(x.manifests);
  put_annotations(j, x.annotations);
  return jdump_document(j, "image index");
}

// ---- OCI image manifest ----

Result<ImageManifest> parse_image_manifest(std::string_view text, const std::string& where, uint32_t max_depth) {
  LS_ASSIGN_OR_RETURN(OrderedJson j, parse_object(text, where, max_depth, "image manifest"));
  ImageManifest m;
  LS_ASSIGN_OR_RETURN(m.schema_version, schema_version_of(j, where));
  m.media_type = str_of(j, "mediaType");
  auto c = j.find("config");
  if (c == j.end()) return bad("image manifest has no config descriptor", where);
  LS_ASSIGN_OR_RETURN(m.config, read_descriptor(*c, where + ".config"));
  LS_ASSIGN_OR_RETURN(m.layers, descriptors_of(j, "layers", where));
  LS_ASSIGN_OR_RETURN(m.annotations, annotations_of(j, where));
  m.raw = std::move(j);
  return m;
}

Result<std::string> write_image_manifest(const ImageManifest& m) {
  OrderedJson j = m.raw.is_object() ? m.raw : OrderedJson::object();
  j["schemaVersion"] = m.schema_version;
  put(j, "mediaType", m.media_type, m.media_type.empty());
  j["config"] = descriptor_json(m.config);
  j["layers"] = descriptors_json(m.layers);
  put_annotations(j, m.annotations);
  return jdump_document(j, "image manifest");
}

// ---- image config ----

Result<ImageConfig> ImageConfig::parse(std::string_view text, const std::string& where, uint32_t max_depth) {
  LS_ASSIGN_OR_RETURN(OrderedJson j, parse_object(text, where, max_depth, "image config"));
  ImageConfig c;
  c.doc_ = std::move(j);
  return c;
}

ImageConfig ImageConfig::make(const std::string& os, const std::string& architecture) {
  ImageConfig c;
  c.doc_["architecture"] = architecture;
  c.doc_["config"] = OrderedJson::object();
  c.doc_["os"] = os;
  c.doc_["rootfs"] = OrderedJson{{"type", "layers"}, {"diff_ids", OrderedJson::array()}};
  c.doc_["history"] = OrderedJson::array();
  return c;
}

std::string ImageConfig::os() const { return str_of(doc_, "os"); }
std::string ImageConfig::architecture() const { return str_of(doc_, "architecture"); }

std::vector<std::string> ImageConfig::diff_ids() const {
  auto r = doc_.find("rootfs");
  if (r == doc_.end() || !r->is_object()) return {};
  auto s = strings_of(*r, "diff_ids", "rootfs");
  return s.ok() ? s.value() : std::vector<std::string>{};
}

void ImageConfig::set_diff_ids(const std::vector<std::string>& ids) {
  OrderedJson& r = doc_["rootfs"];
  if (!r.is_object()) r = OrderedJson::object();
  if (!r.contains("type")) r["type"] = "layers";
  r["diff_ids"] = ids;
}

std::vector<HistoryEntry> ImageConfig::history() const {
  std::vector<HistoryEntry> out;
  auto h = doc_.find("history");
  if (h == doc_.end() || !h->is_array()) return out;
  for (const auto& e : *h) {
    if (!e.is_object()) continue;
    HistoryEntry x;
    x.created = str_of(e, "created");
    x.created_by = str_of(e, "created_by");
    x.author = str_of(e, "author");
    x.comment = str_of(e, "comment");
    auto el = e.find("empty_layer");
    x.empty_layer = el != e.end() && el->is_boolean() && el->get<bool>();
    out.push_back(std::move(x));
  }
  return out;
}

void ImageConfig::append_history(const HistoryEntry& h) {
  OrderedJson& a = doc_["history"];
  if (!a.is_array()) a = OrderedJson::array();
  // moby's image.History field order.
  OrderedJson e = OrderedJson::object();
  if (!h.created.empty()) e["created"] = h.created;
  if (!h.author.empty()) e["author"] = h.author;
  if (!h.created_by.empty()) e["created_by"] = h.created_by;
  if (!h.comment.empty()) e["comment"] = h.comment;
  if (h.empty_layer) e["empty_layer"] = true;
  a.push_back(std::move(e));
}

void ImageConfig::set_history(const std::vector<HistoryEntry>& hs) {
  OrderedJson& a = doc_["history"];
  if (!a.is_array()) a = OrderedJson::array();
  // A key changes only when its value does (an unchanged entry is written back as it was).
  auto put_str = [](OrderedJson& e, const char* key, const std::string& v) {
    if (str_of(e, key) == v) return;
    if (v.empty()) e.erase(std::string(key));
    else e[key] = v;
  };
  size_t i = 0;
  OrderedJson kept = OrderedJson::array();
  for (auto& e : a) {
    if (!e.is_object()) { kept.push_back(std::move(e)); continue; }
    if (i >= hs.size()) continue;  // beyond the new history: removed
    const HistoryEntry& h = hs[i++];
    put_str(e, "created", h.created);
    put_str(e, "author", h.author);
    put_str(e, "created_by", h.created_by);
    put_str(e, "comment", h.comment);
    auto el = e.find("empty_layer");
    bool was = el != e.end() && el->is_boolean() && el->get<bool>();
    if (was != h.empty_layer) {
      if (h.empty_layer) e["empty_layer"] = true;
      else e.erase(std::string("empty_layer"));
    }
    kept.push_back(std::move(e));
  }
  a = std::move(kept);
  for (; i < hs.size(); ++i) append_history(hs[i]);
}

std::vector<std::string> ImageConfig::env() const {
  auto c = doc_.find("config");
  if (c == doc_.end() || !c->is_object()) return {};
  auto s = strings_of(*c, "Env", "config");
  return s.ok() ? s.value() : std::vector<std::string>{};
}

void ImageConfig::set_env(const std::vector<std::string>& env) {
  OrderedJson& c = doc_["config"];
  if (!c.is_object()) c = OrderedJson::object();
  c["Env"] = env;
}

Result<std::string> ImageConfig::write() const { return jdump_document(doc_, "image config"); }

}  // namespace layerscope
