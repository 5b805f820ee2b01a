// api/comparisons — see comparisons.h. The diff document's shape is in
// docs/json-schema.md ("diff") and docs/schema/diff.schema.json.
#include "api/comparisons.h"

#include <algorithm>
#include <map>
#include <thread>

#include "api/file_readers.h"
#include "api/json_text.h"
#include "api/session_impl.h"
#include "base/sha256.h"
#include "diff/content_diff.h"
#include "manifest/json.h"

namespace layerscope {
namespace {

using jsontext::dump;
using jsontext::OJson;
using jsontext::opt_str;
using jsontext::text;

Status check_point(const Loaded& L, int image, int layer, bool empty_allowed) {
  const Archive& a = L.archive;
  if (image < 0 || image >= static_cast<int>(a.images.size()))
    return make_error(Code::kInvalidArgument, "no image #" + std::to_string(image));
  // A comparison merges the image's whole stack (side_of): all of it must be read.
  LS_RETURN_IF_ERROR(L.layers_readable(image, -1));
  int nl = static_cast<int>(a.images[image].layers.size());
  if (layer < (empty_allowed ? -1 : 0) || layer >= nl)
    return make_error(Code::kInvalidArgument, "layer " + std::to_string(layer) + " does not exist; the image has " +
                                                  std::to_string(nl) + " layers (0.." + std::to_string(nl - 1) + ")");
  return Status::Ok();
}

TreeSide side_of(const ComparePoint& p) {
  TreeSide s;
  s.paths = &p.loaded->paths;
  s.layers = p.listings->layer_indexes(p.image);
  for (const Layer& l : p.loaded->archive.images[p.image].layers) s.layer_keys.push_back(l.diff_id);
  s.upto = p.upto;
  return s;
}

// Fingerprints of regular-file entries of either point, for compare_contents:
// a task per layer, or one for all of a side whose archive is compressed as a
// whole (one pass over it, not one per layer: a `docker save | gzip` of 12
// layers was decoded 12 times).
DigestFn digest_reader(const ComparePoint& a, const ComparePoint& b) {
  return [a, b](int side, const std::vector<DigestWant>& wants) {
    const Loaded* L = (side == 0 ? a : b).loaded;
    const int image = (side == 0 ? a : b).image;
    std::vector<DigestTask> tasks;
    if (!L->random_access) {
      DigestTask t;
      for (const DigestWant& w : wants) t.bytes += w.bytes;
      t.run = [L, image, wants](const std::function<bool(uint64_t)>& advance) {
        return fingerprint_layers_in_one_pass(*L, image, wants, advance);
      };
      tasks.push_back(std::move(t));
      return tasks;
    }
    for (const DigestWant& w : wants) {
      DigestTask t;
      t.bytes = w.bytes;
      t.run = [L, image, w](const std::function<bool(uint64_t)>& advance) -> Status {
        uint64_t last = 0;
        auto r = fingerprint_entries(*L, image, w.layer, *w.entries, [&](const Progress& q) {
          const uint64_t n = q.done - last;
          last = q.done;
          return advance(n);
        });
        if (!r.ok()) return r.error();
        *w.prints = std::move(r).value();
        return Status::Ok();
      };
      tasks.push_back(std::move(t));
    }
    return tasks;
  };
}

OJson point_json(const ComparePoint& p) {
  const Image& img = p.loaded->archive.images[p.image];
  OJson tags = OJson::array();
  for (auto& t : img.tags) tags.push_back(text(t));
  return {{"archive", text(p.loaded->archive.name)},
          {"image", p.image},
          {"config_digest", opt_str(img.config_digest)},
          {"tags", tags},
          {"layer", p.upto >= 0 ? OJson(p.upto) : OJson(nullptr)},
          {"layers", img.layers.size()}};
}

// ---- image-level sections of an image comparison ----

OJson config_of(const Loaded& L, const Image& img) {
  auto j = parse_ordered_json(img.config_json, "config", L.options.limits.max_json_depth);
  if (!j.ok() || !j.value().is_object() || !j.value().contains("config") || !j.value()["config"].is_object())
    return OJson::object();
  return j.value()["config"];
}

// KEY=VALUE strings (Env) as an object; objects (Labels) and sets (ExposedPorts, Volumes) as they are.
OJson keyed(const OJson& cfg, const char* key, bool env) {
  OJson out = OJson::object();
  if (!cfg.contains(key)) return out;
  const OJson& v = cfg[key];
  if (env && v.is_array()) {
    for (auto& e : v) {
      if (!e.is_string()) continue;
      const std::string& s = e.get_ref<const std::string&>();
      auto eq = s.find('=');
      out[s.substr(0, eq)] = eq == std::string::npos ? OJson(nullptr) : OJson(s.substr(eq + 1));
    }
  } else if (v.is_object()) {
    out = v;
  }
  return out;
}

OJson field_change(const char* field, const OJson& before, const OJson& after) {
  const char* change = before.is_null() ? "added" : after.is_null() ? "deleted" : "modified";
  return {{"field", field}, {"change", change}, {"before", before}, {"after", after}};
}

void diff_keyed(const char* field, const OJson& x, const OJson& y, bool values, OJson* out) {
  auto row = [&](const std::string& k, const OJson& b, const OJson& a) {
    OJson r = field_change(field, b, a);
    r["key"] = k;
    if (!values) r.erase("before"), r.erase("after");
    out->push_back(r);
  };
  for (auto& [k, v] : x.items())
    if (!y.contains(k)) row(k, v.is_null() ? OJson("") : v, nullptr);
    else if (y[k] != v) row(k, v, y[k]);
  for (auto& [k, v] : y.items())
    if (!x.contains(k)) row(k, nullptr, v.is_null() ? OJson("") : v);
}

OJson config_changes(const ComparePoint& p, const ComparePoint& q) {
  const Image& ia = p.loaded->archive.images[p.image];
  const Image& ib = q.loaded->archive.images[q.image];
  OJson x = config_of(*p.loaded, ia), y = config_of(*q.loaded, ib);
  OJson out = OJson::array();
  diff_keyed("env", keyed(x, "Env", true), keyed(y, "Env", true), true, &out);
  static const std::pair<const char*, const char*> kWhole[] = {
      {"cmd", "Cmd"}, {"entrypoint", "Entrypoint"}, {"workdir", "WorkingDir"}, {"user", "User"}};
  // null, "" and [] all mean "not set" (docker writes "WorkingDir": "" for none).
  auto value = [](const OJson& cfg, const char* key) {
    if (!cfg.contains(key)) return OJson(nullptr);
    const OJson& v = cfg[key];
    return (v.is_string() || v.is_array() || v.is_object()) && v.empty() ? OJson(nullptr) : v;
  };
  for (auto& [field, key] : kWhole) {
    OJson b = value(x, key), a = value(y, key);
    if (b != a) out.push_back(field_change(field, b, a));
  }
  diff_keyed("ports", keyed(x, "ExposedPorts", false), keyed(y, "ExposedPorts", false), false, &out);
  diff_keyed("volumes", keyed(x, "Volumes", false), keyed(y, "Volumes", false), false, &out);
  diff_keyed("labels", keyed(x, "Labels", false), keyed(y, "Labels", false), true, &out);
  std::string pa = ia.platform.to_string(), pb = ib.platform.to_string();
  if (pa != pb) out.push_back(field_change("platform", pa, pb));
  return out;
}

// History: the steps both share from the start, then what only one has.
void history_changes(const Image& a, const Image& b, OJson* doc) {
  auto same = [](const HistoryEntry& x, const HistoryEntry& y) {
    return x.created_by == y.created_by && x.empty_layer == y.empty_layer;
  };
  size_t common = 0;
  while (common < a.history.size() && common < b.history.size() && same(a.history[common], b.history[common]))
    ++common;
  OJson rows = OJson::array();
  auto add = [&](const std::vector<HistoryEntry>& h, const char* change) {
    for (size_t i = common; i < h.size(); ++i)
      rows.push_back({{"index", i}, {"change", change}, {"created_by", text(h[i].created_by)},
                      {"empty_layer", h[i].empty_layer}});
  };
  add(a.history, "deleted");
  add(b.history, "added");
  (*doc)["history_common"] = common;
  (*doc)["history"] = rows;
}

OJson shared_layers(const Image& a, const Image& b) {
  OJson out = OJson::array();
  std::vector<bool> used(a.layers.size(), false);
  for (const Layer& lb : b.layers) {
    if (lb.diff_id.empty()) continue;
    for (const Layer& la : a.layers) {
      if (used[la.index] || la.diff_id != lb.diff_id) continue;
      used[la.index] = true;
      out.push_back({{"diff_id", text(lb.diff_id)}, {"layer_before", la.index}, {"layer_after", lb.index}});
      break;
    }
  }
  return out;
}

// ---- rows ----

DiffEntry make_entry(const ComparisonData& d, const DiffRow& r) {
  DiffEntry e;
  e.change = r.change;
  for (const char* w : what_names(r.what)) e.what.emplace_back(w);
  std::lock_guard<std::mutex> g(d.facts_mu);
  if (!d.facts_a) d.facts_a = std::make_unique<FactsReader>(d.a), d.facts_b = std::make_unique<FactsReader>(d.b);
  FactsReader &fa = *d.facts_a, &fb = *d.facts_b;
  if (r.change != Change::kAdded) {
    EntryFacts f = fa.facts(r.before);
    e.path = d.a.paths->path(r.before.path);
    e.type = e.type_before = f.listed_type;
    e.size_before = f.size;
    e.mode_before = f.mode, e.uid_before = f.uid, e.gid_before = f.gid;
    e.link_before = std::string(f.link);
    e.layer_before = r.before.layer;
  }
  if (r.change != Change::kDeleted) {
    EntryFacts f = fb.facts(r.after);
    e.path = d.b.paths->path(r.after.path);
    e.type = f.listed_type;
    e.size_after = f.size;
    e.mode_after = f.mode, e.uid_after = f.uid, e.gid_after = f.gid;
    e.link_after = std::string(f.link);
    e.layer_after = r.after.layer;
  }
  return e;
}

// One row of a comparison as the JSON object the schema gives, written straight
// into `out` (as listings' entries are: the same bytes dump() would write for
// the object, without a json value per row).
void append_row(std::string& out, const DiffEntry& e) {
  using jsontext::append_int;
  using jsontext::append_text;
  auto number_or_null = [&](int64_t v) {
    if (v >= 0) append_int(out, v);
    else out += "null";
  };
  auto has = [&](const char* w) { return std::find(e.what.begin(), e.what.end(), w) != e.what.end(); };
  auto key = [&](const char* k) {
    out += ",\"";
    out += k;
    out += "\":";
  };
  auto mode = [&](uint32_t m) { append_text(out, jsontext::octal_mode(m)); };
  auto owner = [&](uint32_t uid, uint32_t gid) { append_text(out, std::to_string(uid) + ":" + std::to_string(gid)); };
  out += "{\"path\":";
  append_text(out, e.path);
  key("change");
  append_text(out, change_name(e.change));
  key("what");
  out += '[';
  for (size_t i = 0; i < e.what.size(); ++i) {
    if (i) out += ',';
    append_text(out, e.what[i]);
  }
  out += ']';
  key("type");
  append_text(out, entry_type_name(e.type));
  key("size_before");
  number_or_null(e.size_before);
  key("size_after");
  number_or_null(e.size_after);
  key("layer_before");
  number_or_null(e.layer_before);
  key("layer_after");
  number_or_null(e.layer_after);
  if (has("type")) {
    key("type_before");
    append_text(out, entry_type_name(e.type_before));
  }
  if (has("mode")) {
    key("mode_before");
    mode(e.mode_before);
    key("mode_after");
    mode(e.mode_after);
  }
  if (has("owner")) {
    key("owner_before");
    owner(e.uid_before, e.gid_before);
    key("owner_after");
    owner(e.uid_after, e.gid_after);
  }
  if (has("link")) {
    key("link_before");
    append_text(out, e.link_before);
    key("link_after");
    append_text(out, e.link_after);
  }
  out += '}';
}

DiffCounts count_rows(const ComparisonData& d) {
  DiffCounts n;
  FactsReader fa(d.a), fb(d.b);
  for (const DiffRow& r : d.diff.rows) {
    if (r.change == Change::kAdded) ++n.added, n.added_bytes += fb.facts(r.after).size;
    if (r.change == Change::kModified) ++n.modified;
    if (r.change == Change::kDeleted) ++n.deleted, n.deleted_bytes += fa.facts(r.before).size;
  }
  return n;
}

Change change_of(const OJson& j) {
  std::string c = j.value("change", "");
  return c == "added" ? Change::kAdded : c == "deleted" ? Change::kDeleted : Change::kModified;
}

// The sections of the document, as the typed view keeps them.
ImageDifferences typed_sections(const OJson& s) {
  ImageDifferences out;
  auto value = [](const OJson& r, const char* k) { return r.contains(k) && !r[k].is_null() ? dump(r[k]) : ""; };
  for (auto& r : s["config"])
    out.config.push_back({r["field"].get<std::string>(), r.value("key", ""), change_of(r), value(r, "before"),
                          value(r, "after")});
  out.history_common = s["history_common"].get<int>();
  for (auto& r : s["history"])
    out.history.push_back({r["index"].get<int>(), change_of(r), r["created_by"].get<std::string>(),
                           r["empty_layer"].get<bool>()});
  for (auto& r : s["shared_layers"])
    out.shared_layers.push_back({r["diff_id"].get<std::string>(), r["layer_before"].get<int>(),
                                 r["layer_after"].get<int>()});
  return out;
}

// ---- one file's content ----

struct FileAt {
  bool present = false;
  uint64_t size = 0;
  uint32_t mode = 0;
  std::unique_ptr<FileReader> reader;
};

// `path` at a point: absent (not an error) when the point has no such path.
Result<FileAt> file_at(const ComparePoint& p, const std::string& path) {
  FileAt f;
  if (p.upto < 0 || p.loaded->paths.find(path) == kNoPath) return f;
  auto r = open_file_reader(*p.loaded, *p.listings, p.image, p.upto, path);
  if (!r.ok() && r.error().code == Code::kNotFound) return f;
  if (!r.ok()) return r.take_error();
  f.present = true;
  f.reader = std::move(r).value();
  f.size = f.reader->size();
  ListOptions o;
  o.layer = p.upto, o.merged = true, o.prefix = path;
  LS_ASSIGN_OR_RETURN(auto l, p.listings->listing(p.image, o));
  if (l->size() > 0) f.mode = l->entry(0).mode;
  return f;
}

Result<std::string> read_whole(FileAt& f, std::string* digest) {
  std::string bytes;
  if (!f.present) return bytes;
  bytes.reserve(f.size);
  Sha256 h;
  LS_RETURN_IF_ERROR(drain_reader(
      *f.reader, [&](const uint8_t* d, size_t n) { h.update(d, n); bytes.append(reinterpret_cast<const char*>(d), n); return true; },
      {}, "content"));
  *digest = h.finish_digest();
  return bytes;
}

}  // namespace

Result<std::shared_ptr<const Comparison>> build_comparison(const ComparePoint& before, const ComparePoint& after,
                                                           std::string_view path, bool images,
                                                           const ProgressFn& progress) {
  std::string prefix;
  normalize_path(path, &prefix);
  if (!prefix.empty() && before.loaded->paths.find(prefix) == kNoPath && after.loaded->paths.find(prefix) == kNoPath)
    return make_error(Code::kNotFound, "no such path in either image", std::string(path));
  auto d = std::make_shared<ComparisonData>();
  d->a = side_of(before);
  d->b = side_of(after);
  d->diff = diff_trees(d->a, d->b, prefix);
  // Natively the layers are hashed on up to the threads an open indexes on
  // (OpenOptions::index_threads), no more than the cores: an index takes one
  // thread more because a blob's work shows only as it is read, a task here
  // knows its bytes (the 1.5 GB bench pair: 3 threads on 2 cores as fast as 2,
  // +2.3 MB RSS). In the page (no thread starter) one after another.
  const OpenOptions& o = before.loaded->options;
  const unsigned threads = std::min(o.index_threads, std::max(1u, std::thread::hardware_concurrency()));
  LS_RETURN_IF_ERROR(
      compare_contents(d->a, d->b, &d->diff, digest_reader(before, after), progress, o.start_thread, threads));
  OJson head;
  head["schema_version"] = kSchemaVersion;
  head["kind"] = images ? "images" : "layers";
  head["before"] = point_json(before);
  head["after"] = point_json(after);
  head["path"] = prefix.empty() ? OJson(nullptr) : OJson(text(prefix));
  d->counts = count_rows(*d);
  head["summary"] = {{"added", d->counts.added},
                     {"modified", d->counts.modified},
                     {"deleted", d->counts.deleted},
                     {"added_bytes", d->counts.added_bytes},
                     {"deleted_bytes", d->counts.deleted_bytes}};
  d->images = images;
  if (images) {
    const Image& ia = before.loaded->archive.images[before.image];
    const Image& ib = after.loaded->archive.images[after.image];
    OJson s;
    s["config"] = config_changes(before, after);
    history_changes(ia, ib, &s);
    s["shared_layers"] = shared_layers(ia, ib);
    d->image_differences = typed_sections(s);
    for (auto& [k, v] : s.items()) head[k] = v;
  }
  head["changes"] = OJson::array();
  std::string h = dump(head);
  d->head = h.substr(0, h.size() - 3);  // without "[]}"
  auto c = std::make_shared<Comparison>();
  ComparisonAccess::set(*c, std::move(d));
  return std::shared_ptr<const Comparison>(std::move(c));
}

uint64_t Comparison::size() const { return data_->diff.rows.size(); }

DiffEntry Comparison::entry(uint64_t i) const { return make_entry(*data_, data_->diff.rows[i]); }

bool Comparison::images() const { return data_->images; }
const ImageDifferences& Comparison::image_differences() const { return data_->image_differences; }
DiffCounts Comparison::counts() const { return data_->counts; }

void Comparison::write_json(const std::function<void(std::string_view)>& out) const {
  // diff --json streams the pieces.
  jsontext::write_array(data_->head, 0, size(), [this](std::string& doc, uint64_t i) { append_row(doc, entry(i)); }, out);
}

Result<std::shared_ptr<const Comparison>> Session::diff(int image, int from, int to, std::string_view path,
                                                        const ProgressFn& progress) const {
  const Loaded& L = *impl_->L;
  LS_RETURN_IF_ERROR(check_point(L, image, -1, true));
  LS_RETURN_IF_ERROR(check_point(L, image, from, true));
  if (to < 0) to = static_cast<int>(L.archive.images[image].layers.size()) - 1;
  LS_RETURN_IF_ERROR(check_point(L, image, to, true));
  return build_comparison({&L, &impl_->listings, image, from}, {&L, &impl_->listings, image, to}, path, false,
                          progress);
}

Result<std::shared_ptr<const Comparison>> Session::compare(int image, const Session& other, int other_image,
                                                           std::string_view path, const ProgressFn& progress) const {
  const Loaded& La = *impl_->L;
  const Loaded& Lb = *other.impl_->L;
  LS_RETURN_IF_ERROR(check_point(La, image, -1, true));
  LS_RETURN_IF_ERROR(check_point(Lb, other_image, -1, true));
  int ta = static_cast<int>(La.archive.images[image].layers.size()) - 1;
  int tb = static_cast<int>(Lb.archive.images[other_image].layers.size()) - 1;
  return build_comparison({&La, &impl_->listings, image, ta}, {&Lb, &other.impl_->listings, other_image, tb}, path,
                          true, progress);
}

Result<ContentDiff> build_content_diff(const ComparePoint& before, const ComparePoint& after, std::string_view path) {
  std::string norm;
  normalize_path(path, &norm);
  ContentDiff c;
  c.path = norm;
  LS_ASSIGN_OR_RETURN(FileAt a, file_at(before, norm));
  LS_ASSIGN_OR_RETURN(FileAt b, file_at(after, norm));
  if (!a.present && !b.present) return make_error(Code::kNotFound, "no such file at either point", std::string(path));
  uint64_t max = std::min(before.loaded->options.limits.max_content_diff_bytes,
                          after.loaded->options.limits.max_content_diff_bytes);
  if (a.size > max || b.size > max)
    return make_error(Code::kLimit,
                      "too large to diff in memory: " + std::to_string(a.size) + " bytes before, " +
                          std::to_string(b.size) + " bytes after; the limit is " + std::to_string(max) +
                          " bytes per side (--limit content-diff-bytes=N)",
                      std::string(path));
  c.present_before = a.present, c.present_after = b.present;
  c.size_before = static_cast<int64_t>(a.size), c.size_after = static_cast<int64_t>(b.size);
  c.mode_before = a.mode, c.mode_after = b.mode;
  LS_ASSIGN_OR_RETURN(std::string x, read_whole(a, &c.digest_before));
  LS_ASSIGN_OR_RETURN(std::string y, read_whole(b, &c.digest_after));
  c.identical = a.present && b.present && x == y;
  c.binary = looks_binary(x) || looks_binary(y);
  if (c.binary) {
    ByteDifference d = first_difference(x, y);
    c.first_difference = d.first;
    c.window_offset = d.window_offset;
    c.window_before = std::move(d.before);
    c.window_after = std::move(d.after);
    return c;
  }
  uint64_t max_lines = std::min(before.loaded->options.limits.max_diff_lines, after.loaded->options.limits.max_diff_lines);
  auto u = unified_diff(x, y, a.present ? "a/" + norm : "/dev/null", b.present ? "b/" + norm : "/dev/null", max_lines);
  if (!u.ok()) return with_where(u.take_error(), path);
  c.unified = std::move(u).value();
  return c;
}

Result<ContentDiff> Session::content_diff(int image, int from, const Session* other, int other_image, int to,
                                          std::string_view path) const {
  const Session& o = other ? *other : *this;
  const Loaded& La = *impl_->L;
  const Loaded& Lb = *o.impl_->L;
  LS_RETURN_IF_ERROR(check_point(La, image, from, true));
  LS_RETURN_IF_ERROR(check_point(Lb, other_image, -1, true));
  if (to < 0) to = static_cast<int>(Lb.archive.images[other_image].layers.size()) - 1;
  LS_RETURN_IF_ERROR(check_point(Lb, other_image, to, true));
  return build_content_diff({&La, &impl_->listings, image, from}, {&Lb, &o.impl_->listings, other_image, to}, path);
}

std::string content_diff_json(const ContentDiff& c) {
  auto hex = [](const std::string& b) { return to_hex(reinterpret_cast<const uint8_t*>(b.data()), b.size()); };
  OJson j;
  j["schema_version"] = kSchemaVersion;
  j["kind"] = "content";
  j["path"] = text(c.path);
  j["present_before"] = c.present_before;
  j["present_after"] = c.present_after;
  j["size_before"] = c.present_before ? OJson(c.size_before) : OJson(nullptr);
  j["size_after"] = c.present_after ? OJson(c.size_after) : OJson(nullptr);
  j["mode_before"] = c.present_before ? OJson(jsontext::octal_mode(c.mode_before)) : OJson(nullptr);
  j["mode_after"] = c.present_after ? OJson(jsontext::octal_mode(c.mode_after)) : OJson(nullptr);
  j["digest_before"] = opt_str(c.digest_before);
  j["digest_after"] = opt_str(c.digest_after);
  j["identical"] = c.identical;
  j["binary"] = c.binary;
  if (c.binary) {
    j["first_difference"] = c.first_difference >= 0 ? OJson(c.first_difference) : OJson(nullptr);
    j["window_offset"] = c.window_offset;
    j["window_before"] = hex(c.window_before);
    j["window_after"] = hex(c.window_after);
  } else {
    j["unified"] = text(c.unified);
  }
  return dump(j);
}

}  // namespace layerscope
