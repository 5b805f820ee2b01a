// The request dispatcher: see layerscope/dispatch.h for the requests.
#include "layerscope/dispatch.h"

#include <cmath>
#include <limits>
#include <list>
#include <map>
#include <optional>

#include <nlohmann/json.hpp>

#include "layerscope/analysis.h"
#include "layerscope/export.h"
#include "layerscope/session.h"
#include "api/file_readers.h"
#include "manifest/json.h"

namespace layerscope {

using json = nlohmann::json;

namespace {

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

std::string ok_envelope(std::string_view value_json) {
  std::string s = "{\"ok\":true,\"value\":";
  s += value_json;
  s += '}';
  return s;
}

// Typed access to a request's arguments; every failure names "<type>.<name>".
class Args {
 public:
  Args(std::string_view type, const json& j) : type_(type), j_(j) {}

  Error bad(std::string_view name, const std::string& message) const {
    return make_error(Code::kInvalidArgument, message, std::string(type_) + "." + std::string(name));
  }
  // A null string or boolean takes its default; a null number is of the wrong
  // type (JSON.stringify turns NaN and Infinity into null: {layer: NaN} must not
  // mean the top layer).
  bool has(const char* name) const { return j_.contains(name) && !j_[name].is_null(); }
  bool present(const char* name) const { return j_.contains(name); }

  Result<int64_t> integer(const char* name, std::optional<int64_t> def = std::nullopt,
                          int64_t min = std::numeric_limits<int64_t>::min()) const {
    if (!present(name)) {
      if (def) return *def;
      return bad(name, std::string("missing argument '") + name + "'");
    }
    const json& v = j_[name];
    int64_t out = 0;
    if (v.is_number_unsigned()) {
      if (v.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
        return bad(name, std::string("argument '") + name + "' is out of range");
      out = static_cast<int64_t>(v.get<uint64_t>());
    } else if (v.is_number_integer()) {
      out = v.get<int64_t>();
    } else if (v.is_number_float() && std::isfinite(v.get<double>()) && std::floor(v.get<double>()) == v.get<double>() &&
               std::fabs(v.get<double>()) < 9.2e18) {
      out = static_cast<int64_t>(v.get<double>());
    } else {
      return bad(name, std::string("argument '") + name + "' must be an integer");
    }
    if (out < min) return bad(name, std::string("argument '") + name + "' must be at least " + std::to_string(min));
    return out;
  }
  Result<int> small_int(const char* name, std::optional<int64_t> def = std::nullopt, int64_t min = -1) const {
    LS_ASSIGN_OR_RETURN(int64_t v, integer(name, def, min));
    if (v > std::numeric_limits<int>::max()) return bad(name, std::string("argument '") + name + "' is out of range");
    return static_cast<int>(v);
  }
  Result<std::string> string(const char* name, std::optional<std::string> def = std::nullopt) const {
    if (!has(name)) {
      if (def) return *def;
      return bad(name, std::string("missing argument '") + name + "'");
    }
    if (!j_[name].is_string()) return bad(name, std::string("argument '") + name + "' must be a string");
    return j_[name].get_ref<const std::string&>();
  }
  // A JSON array of strings ([] when absent or null).
  Result<std::vector<std::string>> strings(const char* name) const {
    std::vector<std::string> out;
    if (!has(name)) return out;
    if (!j_[name].is_array()) return bad(name, std::string("argument '") + name + "' must be an array of strings");
    for (const json& v : j_[name]) {
      if (!v.is_string()) return bad(name, std::string("argument '") + name + "' must be an array of strings");
      out.push_back(v.get<std::string>());
    }
    return out;
  }
  // A JSON array of non-negative integers ([] when absent or null).
  Result<std::vector<int>> indexes(const char* name) const {
    std::vector<int> out;
    if (!has(name)) return out;
    if (!j_[name].is_array()) return bad(name, std::string("argument '") + name + "' must be an array of indexes");
    for (const json& v : j_[name]) {
      if (!v.is_number_integer() || v.get<int64_t>() < 0 || v.get<int64_t>() > std::numeric_limits<int>::max())
        return bad(name, std::string("argument '") + name + "' must be an array of indexes");
      out.push_back(static_cast<int>(v.get<int64_t>()));
    }
    return out;
  }
  // A JSON array of objects, each read through its own Args named
  // "<type>.<name>[i]" (none when absent or null).
  Status objects(const char* name, const std::function<Status(const Args&)>& each) const {
    if (!has(name)) return Status::Ok();
    if (!j_[name].is_array()) return bad(name, std::string("argument '") + name + "' must be an array of objects");
    size_t i = 0;
    for (const json& v : j_[name]) {
      std::string at = std::string(type_) + "." + name + "[" + std::to_string(i++) + "]";
      if (!v.is_object()) return make_error(Code::kInvalidArgument, "must be an object", at);
      LS_RETURN_IF_ERROR(each(Args(at, v)));
    }
    return Status::Ok();
  }
  Result<bool> boolean(const char* name, bool def) const {
    if (!has(name)) return def;
    if (!j_[name].is_boolean()) return bad(name, std::string("argument '") + name + "' must be true or false");
    return j_[name].get<bool>();
  }

 private:
  std::string_view type_;
  const json& j_;
};

// Bytes [offset, offset+length) of an open file (offset clamped to its size).
// `length` is at most Dispatcher::kMaxReadBytes (checked by the caller).
Result<bool> read_range(FileReader& r, uint64_t offset, uint64_t length, std::vector<uint8_t>* out) {
  if (offset > r.size()) offset = r.size();
  if (offset != r.position()) LS_RETURN_IF_ERROR(r.seek(offset));
  uint64_t want = std::min<uint64_t>(length, r.size() - offset);
  out->assign(static_cast<size_t>(want), 0);
  size_t got = 0;
  while (got < out->size()) {
    LS_ASSIGN_OR_RETURN(size_t n, r.read(out->data() + got, out->size() - got));
    if (n == 0) break;
    got += n;
  }
  out->resize(got);
  return r.position() >= r.size();
}

// The "warnings" array of an answer about one image: Session::warnings_for.
std::string warnings_value(const Session& s, int image, int layer) {
  json arr = json::array();
  for (const Warning& w : s.warnings_for(image, layer))
    arr.push_back({{"code", w.code}, {"message", w.message}, {"where", w.where}});
  return dump(arr);
}

// write's "format" and "compress" arguments.
Status write_format(const Args& a, SaveFormat* format, bool* recompress, Compression* compression) {
  LS_ASSIGN_OR_RETURN(std::string f, a.string("format", std::string("docker")));
  if (f == "docker") *format = SaveFormat::kDocker;
  else if (f == "oci") *format = SaveFormat::kOci;
  else return a.bad("format", "format is docker or oci, not '" + f + "'");
  LS_ASSIGN_OR_RETURN(std::string c, a.string("compress", std::string()));
  if (c.empty()) return Status::Ok();
  *recompress = true;
  if (c == "none") *compression = Compression::kNone;
  else if (c == "gzip") *compression = Compression::kGzip;
  else if (c == "zstd") *compression = Compression::kZstd;
  else return a.bad("compress", "compress is none, gzip or zstd, not '" + c + "'");
  return Status::Ok();
}

// One file's content onto `sink`, through the readers' one drain loop
// (drain_reader: bounded pieces, progress "read", cancel); a reader that ends
// before its size is an error, never a short output.
Status copy_file(FileReader& r, ByteSink& sink, const std::string& path, const ProgressFn& progress) {
  Status written = Status::Ok();
  LS_RETURN_IF_ERROR(drain_reader(
      r, [&](const uint8_t* d, size_t n) { return (written = sink.write(d, n)).ok(); }, progress, path));
  LS_RETURN_IF_ERROR(written);
  if (r.position() != r.size())
    return make_error(Code::kCorrupt,
                      "the file ended after " + std::to_string(r.position()) + " of " + std::to_string(r.size()) + " bytes",
                      path);
  return Status::Ok();
}

std::string read_value(bool eof, uint64_t size, const std::string& warnings) {
  return std::string("{\"eof\":") + (eof ? "true" : "false") + ",\"size\":" + std::to_string(size) +
         ",\"warnings\":" + warnings + "}";
}

}  // namespace

std::string error_envelope(const Error& e) {
  nlohmann::ordered_json j;
  j["ok"] = false;
  j["code"] = std::string(code_name(e.code));
  j["message"] = e.message;
  j["where"] = e.where;
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

struct Dispatcher::Impl {
  struct Implicit {
    int image = 0, layer = 0;
    std::string path;
    std::unique_ptr<FileReader> reader;
  };
  struct ArchiveSlot {
    std::shared_ptr<ByteSource> source;
    std::unique_ptr<Session> session;
    std::list<Implicit> implicit;  // declared after the session: destroyed first; most recent first
  };
  struct Cursor {
    uint64_t archive = 0;
    const Session* session = nullptr;  // for the warnings of each read; replaced by verify {reopen}
    int image = 0, layer = 0;  // as opened: verify {reopen} opens it again on the new session
    std::string path;
    std::unique_ptr<FileReader> reader;
  };

  // Cursors are declared after the archives, so they are destroyed first.
  std::map<uint64_t, ArchiveSlot> archives;
  std::map<uint64_t, Cursor> cursors;
  uint64_t next = 1;

  using Value = Result<std::string>;  // the value's JSON

  Result<ArchiveSlot*> archive(const Args& a, const char* name = "archive") {
    LS_ASSIGN_OR_RETURN(int64_t h, a.integer(name));
    auto it = archives.find(static_cast<uint64_t>(h));
    if (it != archives.end()) return &it->second;
    return a.bad(name, handle_problem(h, "archive", cursors.count(static_cast<uint64_t>(h)) ? "a file cursor" : nullptr));
  }
  Result<Cursor*> cursor(const Args& a) {
    LS_ASSIGN_OR_RETURN(int64_t h, a.integer("cursor"));
    auto it = cursors.find(static_cast<uint64_t>(h));
    if (it != cursors.end()) return &it->second;
    return a.bad("cursor", handle_problem(h, "file cursor", archives.count(static_cast<uint64_t>(h)) ? "an archive" : nullptr));
  }
  std::string handle_problem(int64_t h, const char* kind, const char* other_kind) const {
    std::string n = std::to_string(h);
    if (other_kind) return "handle " + n + " is " + other_kind + ", not " + (kind[0] == 'a' ? "an " : "a ") + kind;
    if (h > 0 && static_cast<uint64_t>(h) < next) return std::string(kind) + " " + n + " is closed";
    return std::string("no ") + kind + " " + n + " was opened";
  }
  void close_cursors_of(uint64_t archive) {
    for (auto it = cursors.begin(); it != cursors.end();)
      it = it->second.archive == archive ? cursors.erase(it) : std::next(it);
    auto s = archives.find(archive);
    if (s != archives.end()) s->second.implicit.clear();
  }
  uint64_t handle_of(const ArchiveSlot* slot) const {
    for (auto& [h, s] : archives)
      if (&s == slot) return h;
    return 0;
  }

  Value open(const Args& a, const DispatchRequest& req) {
    if (!req.source) return a.bad("source", "open needs a byte source");
    OpenOptions o;
    LS_ASSIGN_OR_RETURN(o.verify, a.boolean("verify", false));
    LS_ASSIGN_OR_RETURN(std::string layers, a.string("layers", "all"));
    if (layers == "summary") o.layers = LayerReading::kSummary;
    else if (layers == "headers") o.layers = LayerReading::kHeadersOnly;
    else if (layers != "all") return a.bad("layers", "\"" + layers + "\" is not all, summary or headers");
    o.progress = req.progress;
    LS_ASSIGN_OR_RETURN(auto session, Session::open(req.source, std::move(o)));
    uint64_t h = next++;
    std::string v = "{\"archive\":" + std::to_string(h) + "," + opened_json(*session) + "}";
    archives[h] = ArchiveSlot{req.source, std::move(session), {}};
    return v;
  }

  // "bytes_read":…,"indexed":…,"summary":{…} of an open session.
  static std::string opened_json(const Session& s) {
    std::string read = "[";
    const auto& images = s.archive().images;
    for (size_t i = 0; i < images.size(); ++i) {
      read += i ? ",[" : "[";
      // a view as of layer l can be shown when layers 0..l are read
      const size_t n = static_cast<size_t>(s.layers_read(static_cast<int>(i)));
      for (size_t l = 0; l < images[i].layers.size(); ++l) read += (l ? "," : "") + std::string(l < n ? "true" : "false");
      read += "]";
    }
    read += "]";
    return "\"bytes_read\":" + std::to_string(s.source().bytes_read()) +
           ",\"indexed\":" + (s.layers_indexed() ? "true" : "false") + ",\"layers_read\":" + read +
           ",\"summary\":" + s.inspect_json();
  }

  // Reads, in place, the layers of an archive opened for its summary only:
  // every one, or (image, layer) those a view of that image as of that layer
  // needs (0..layer; -1: all of the image). Layers read already are not read
  // again, and what was read before a cancel or an error stays read; views and
  // cursors open on the archive stay valid.
  Value index(const Args& a, const DispatchRequest& req) {
    LS_ASSIGN_OR_RETURN(ArchiveSlot * s, archive(a));
    LS_ASSIGN_OR_RETURN(int image, a.small_int("image", -1));
    LS_ASSIGN_OR_RETURN(int layer, a.small_int("layer", -1));
    if (image >= static_cast<int>(s->session->archive().images.size()))
      return a.bad("image", "no image #" + std::to_string(image));
    LS_ASSIGN_OR_RETURN(std::vector<int> blobs, a.indexes("blobs"));
    LS_ASSIGN_OR_RETURN(std::vector<int> read_blobs, a.indexes("reads"));
    LS_ASSIGN_OR_RETURN(std::vector<int> lengths, a.indexes("read_lengths"));
    if (blobs.empty() && read_blobs.empty()) {
      LS_RETURN_IF_ERROR(s->session->index_layers(image, layer, req.progress));
      return "{" + opened_json(*s->session) + "}";
    }
    if (a.has("image") || a.has("layer")) return a.bad("blobs", "blobs and reads index blobs, not an image's layers");
    // reads: blobs other workers read (readLayer), their bytes one after
    // another in the request's source, read_lengths long each.
    if (read_blobs.size() != lengths.size()) return a.bad("read_lengths", "reads and read_lengths must have the same length");
    uint64_t need = 0;
    for (int n : lengths) need += static_cast<uint64_t>(n);
    if (!read_blobs.empty() && (!req.source || req.source->size() != need))
      return a.bad("reads", "the reads' bytes (" + std::to_string(need) + ") must come as the request's source");
    std::string bytes(static_cast<size_t>(need), '\0');
    if (need) LS_RETURN_IF_ERROR(read_exact(*req.source, 0, bytes.data(), bytes.size()));
    std::map<int, std::string_view> reads;
    size_t at = 0;
    for (size_t i = 0; i < read_blobs.size(); ++i) {
      if (!reads.emplace(read_blobs[i], std::string_view(bytes).substr(at, static_cast<size_t>(lengths[i]))).second)
        return a.bad("reads", "blob " + std::to_string(read_blobs[i]) + " is read twice");
      at += static_cast<size_t>(lengths[i]);
    }
    if (blobs.empty()) blobs = read_blobs;
    else blobs.insert(blobs.end(), read_blobs.begin(), read_blobs.end());
    LS_RETURN_IF_ERROR(s->session->index_blobs(blobs, req.progress, reads));
    return "{" + opened_json(*s->session) + "}";
  }

  // The blobs index has yet to read, as byte ranges of the archive (for several
  // workers to read some each: readLayer).
  Value index_plan(const Args& a) {
    LS_ASSIGN_OR_RETURN(ArchiveSlot * s, archive(a));
    json blobs = json::array();
    for (const Session::UnreadBlob& b : s->session->unread_blobs())
      blobs.push_back({{"blob", b.blob}, {"member", s->session->archive().blobs[b.blob].member}, {"offset", b.offset}, {"size", b.size}});
    return json{{"blobs", std::move(blobs)}}.dump();
  }

  // One blob read on its own, as bytes for the worker that holds the archive
  // to adopt (index {reads}).
  Value read_layer(const Args& a, const DispatchRequest& req, DispatchReply* reply) {
    LS_ASSIGN_OR_RETURN(ArchiveSlot * s, archive(a));
    LS_ASSIGN_OR_RETURN(int blob, a.small_int("blob"));
    LS_ASSIGN_OR_RETURN(std::string bytes, s->session->read_layer_alone(blob, req.progress));
    reply->has_bytes = true;
    reply->bytes.assign(bytes.begin(), bytes.end());
    return json{{"blob", blob}, {"length", bytes.size()}}.dump();
  }

  Value summary(const Args& a) {
    LS_ASSIGN_OR_RETURN(ArchiveSlot * s, archive(a));
    return s->session->inspect_json();
  }

  Value resolve(const Args& a) {
    LS_ASSIGN_OR_RETURN(ArchiveSlot * s, archive(a));
    LS_ASSIGN_OR_RETURN(std::string ref, a.string("ref"));
    LS_ASSIGN_OR_RETURN(std::string platform, a.string("platform", ""));
    LS_ASSIGN_OR_RETURN(int idx, s->session->resolve_image(ref, platform));
    return std::to_string(idx);
  }

  Value list(const Args& a) {
    LS_ASSIGN_OR_RETURN(ArchiveSlot * s, archive(a));
    LS_ASSIGN_OR_RETURN(int image, a.small_int("image"));
    ListOptions o;
    LS_ASSIGN_OR_RETURN(o.layer, a.small_int("layer", -1));
    LS_ASSIGN_OR_RETURN(o.merged, a.boolean("merged", false));
    LS_ASSIGN_OR_RETURN(o.prefix, a.string("prefix", ""));
    LS_ASSIGN_OR_RETURN(int64_t offset, a.integer("offset", 0, 0));
    LS_ASSIGN_OR_RETURN(int64_t limit, a.integer("limit", 0, 0));
    o.offset = static_cast<uint64_t>(offset);
    o.limit = static_cast<uint64_t>(limit);
    LS_ASSIGN_OR_RETURN(auto l, s->session->listing(image, o));
    uint64_t rest = l->size() - std::min<uint64_t>(o.offset, l->size());
    uint64_t count = o.limit && o.limit < rest ? o.limit : rest;
    if (count > kMaxListEntries)
      return make_error(Code::kLimit,
                        "a page of " + std::to_string(count) + " entries is more than " +
                            std::to_string(kMaxListEntries) + " at once: page through them with offset and limit",
                        "list.limit");
    std::string doc;
    l->write_json(o.offset, o.limit, [&](std::string_view piece) { doc.append(piece); });
    return doc;
  }

  Value read(const Args& a, DispatchReply* reply) {
    reply->has_bytes = true;
    LS_ASSIGN_OR_RETURN(int64_t offset, a.integer("offset", 0, 0));
    LS_ASSIGN_OR_RETURN(int64_t length, a.integer("length", std::nullopt, 0));
    if (static_cast<uint64_t>(length) > kMaxReadBytes)
      return make_error(Code::kLimit,
                        "a read of " + std::to_string(length) + " bytes is more than " +
                            std::to_string(kMaxReadBytes >> 20) + " MiB at once: read the file in pieces",
                        "read.length");
    if (a.present("cursor")) {
      LS_ASSIGN_OR_RETURN(Cursor * c, cursor(a));
      auto eof = read_range(*c->reader, offset, length, &reply->bytes);
      if (!eof.ok()) {
        std::erase_if(cursors, [c](const auto& kv) { return &kv.second == c; });  // a failed cursor is closed
        return eof.take_error();
      }
      return read_value(eof.value(), c->reader->size(), warnings_value(*c->session, c->image, c->layer));
    }
    LS_ASSIGN_OR_RETURN(ArchiveSlot * s, archive(a));
    LS_ASSIGN_OR_RETURN(int image, a.small_int("image"));
    LS_ASSIGN_OR_RETURN(int layer, a.small_int("layer", -1));
    LS_ASSIGN_OR_RETURN(std::string path, a.string("path"));
    auto it = s->implicit.begin();
    while (it != s->implicit.end() && !(it->image == image && it->layer == layer && it->path == path)) ++it;
    if (it == s->implicit.end()) {
      LS_ASSIGN_OR_RETURN(auto r, s->session->open_file(image, layer, path));
      if (s->implicit.size() >= kImplicitCursors) s->implicit.pop_back();
      s->implicit.push_front(Implicit{image, layer, path, std::move(r)});
    } else {
      s->implicit.splice(s->implicit.begin(), s->implicit, it);
    }
    FileReader& r = *s->implicit.front().reader;
    auto eof = read_range(r, offset, length, &reply->bytes);
    if (!eof.ok()) {
      s->implicit.pop_front();
      return eof.take_error();
    }
    return read_value(eof.value(), r.size(), warnings_value(*s->session, image, layer));
  }

  Value open_file(const Args& a) {
    LS_ASSIGN_OR_RETURN(ArchiveSlot * s, archive(a));
    LS_ASSIGN_OR_RETURN(int image, a.small_int("image"));
    LS_ASSIGN_OR_RETURN(int layer, a.small_int("layer", -1));
    LS_ASSIGN_OR_RETURN(std::string path, a.string("path"));
    if (cursors.size() >= kMaxCursors)
      return make_error(Code::kLimit, "too many open file cursors (" + std::to_string(kMaxCursors) + "): close one first",
                        "openFile");
    LS_ASSIGN_OR_RETURN(auto r, s->session->open_file(image, layer, path));
    uint64_t h = next++;
    uint64_t size = r->size();
    cursors[h] = Cursor{handle_of(s), s->session.get(), image, layer, std::move(path), std::move(r)};
    return "{\"cursor\":" + std::to_string(h) + ",\"size\":" + std::to_string(size) +
           ",\"warnings\":" + warnings_value(*s->session, image, layer) + "}";
  }

  Value close_file(const Args& a) {
    LS_ASSIGN_OR_RETURN(Cursor * c, cursor(a));
    std::erase_if(cursors, [c](const auto& kv) { return &kv.second == c; });
    return std::string("null");
  }

  Value manifest(const Args& a) {
    LS_ASSIGN_OR_RETURN(ArchiveSlot * s, archive(a));
    const auto& ar = s->session->archive();
    // {index: true}: the archive's top-level index.json as stored (OCI layouts).
    LS_ASSIGN_OR_RETURN(bool index, a.boolean("index", false));
    if (index) {
      if (ar.index_json.empty()) return make_error(Code::kNotFound, "the archive has no index.json", "index.json");
      return dump(json(ar.index_json));
    }
    LS_ASSIGN_OR_RETURN(int image, a.small_int("image"));
    if (image < 0 || image >= static_cast<int>(ar.images.size()))
      return make_error(Code::kInvalidArgument, "no image #" + std::to_string(image));
    return dump(json(ar.images[image].manifest_json));
  }

  Value path_history(const Args& a) {
    LS_ASSIGN_OR_RETURN(ArchiveSlot * s, archive(a));
    LS_ASSIGN_OR_RETURN(int image, a.small_int("image"));
    LS_ASSIGN_OR_RETURN(std::string path, a.string("path"));
    return s->session->path_history_json(image, path);
  }

  // diff: the layer diff {from, to}, or the image comparison {against,
  // against_image}; with content, the one file `path` at both points.
  Value diff(const Args& a) {
    LS_ASSIGN_OR_RETURN(ArchiveSlot * s, archive(a));
    LS_ASSIGN_OR_RETURN(int image, a.small_int("image"));
    LS_ASSIGN_OR_RETURN(std::string path, a.string("path", ""));
    LS_ASSIGN_OR_RETURN(bool content, a.boolean("content", false));
    const Session* other = s->session.get();
    int other_image = image, from = -1, to = -1;
    if (a.present("against")) {
      LS_ASSIGN_OR_RETURN(ArchiveSlot * o, archive(a, "against"));
      other = o->session.get();
      LS_ASSIGN_OR_RETURN(other_image, a.small_int("against_image"));
      const auto& images = s->session->archive().images;
      if (image >= 0 && image < static_cast<int>(images.size())) from = static_cast<int>(images[image].layers.size()) - 1;
    } else {
      LS_ASSIGN_OR_RETURN(from, a.small_int("from"));
      LS_ASSIGN_OR_RETURN(to, a.small_int("to", -1));
    }
    if (content) {
      if (path.empty()) return a.bad("path", "a content diff needs the path of a file");
      LS_ASSIGN_OR_RETURN(ContentDiff c, s->session->content_diff(image, from, other, other_image, to, path));
      return content_diff_json(c);
    }
    auto r = a.present("against") ? s->session->compare(image, *other, other_image, path)
                                  : s->session->diff(image, from, to, path);
    LS_ASSIGN_OR_RETURN(auto c, std::move(r));
    if (c->size() > kMaxListEntries)
      return make_error(Code::kLimit,
                        std::to_string(c->size()) + " differing paths are more than " +
                            std::to_string(kMaxListEntries) + " at once: narrow the diff with path",
                        "diff.path");
    std::string doc;
    c->write_json([&](std::string_view piece) { doc.append(piece); });
    return doc;
  }

  Value space(const Args& a) {
    LS_ASSIGN_OR_RETURN(ArchiveSlot * s, archive(a));
    LS_ASSIGN_OR_RETURN(int image, a.small_int("image"));
    LS_ASSIGN_OR_RETURN(int64_t top, a.integer("top", static_cast<int64_t>(kSpaceTop), 0));
    if (top > static_cast<int64_t>(Dispatcher::kMaxListEntries))
      return a.bad("top", "at most " + std::to_string(Dispatcher::kMaxListEntries) + " rows");
    return space_json(*s->session, image, static_cast<size_t>(top));
  }

  Value findings(const Args& a, const DispatchRequest& req) {
    LS_ASSIGN_OR_RETURN(ArchiveSlot * s, archive(a));
    LS_ASSIGN_OR_RETURN(int image, a.small_int("image"));
    FindingsOptions opt;
    LS_ASSIGN_OR_RETURN(opt.content, a.boolean("content", false));
    opt.progress = req.progress;
    return findings_json(*s->session, image, opt);
  }

  // The plain blobs a host may hash itself for verify {digests}: their byte
  // ranges in the archive (Session::plain_blobs).
  Value verify_plan(const Args& a) {
    LS_ASSIGN_OR_RETURN(ArchiveSlot * s, archive(a));
    json blobs = json::array();
    for (const Session::PlainBlob& b : s->session->plain_blobs())
      blobs.push_back({{"blob", b.blob}, {"member", s->session->archive().blobs[b.blob].member}, {"offset", b.offset}, {"size", b.size}});
    return json{{"blobs", std::move(blobs)}}.dump();
  }

  Value verify(const Args& a, const DispatchRequest& req) {
    LS_ASSIGN_OR_RETURN(ArchiveSlot * s, archive(a));
    LS_ASSIGN_OR_RETURN(bool reopen, a.boolean("reopen", false));
    // index: false hashes an archive opened for its summary without reading
    // its layers' entries; blobs/digests (parallel) are the stored digests of
    // plain blobs the host hashed (verifyPlan).
    LS_ASSIGN_OR_RETURN(bool index, a.boolean("index", true));
    LS_ASSIGN_OR_RETURN(std::vector<int> blobs, a.indexes("blobs"));
    LS_ASSIGN_OR_RETURN(std::vector<std::string> digests, a.strings("digests"));
    if (blobs.size() != digests.size()) return a.bad("digests", "blobs and digests must have the same length");
    if (!blobs.empty() && (reopen || index))
      return a.bad("digests", "digests are taken only with index: false on an archive with random access");
    if (!index && !reopen) {
      std::vector<Session::StoredDigest> stored;
      for (size_t i = 0; i < blobs.size(); ++i) stored.push_back({blobs[i], digests[i]});
      LS_RETURN_IF_ERROR(s->session->verify(req.progress, stored));
    } else if (reopen || !s->session->layers_indexed()) {
      // Opened for its summary only, it is indexed with the hashing.
      // Index again with hashing on; the old session stays if that fails.
      std::shared_ptr<ByteSource> src = req.source ? req.source : s->source;
      OpenOptions o;
      o.verify = true;
      o.progress = req.progress;
      LS_ASSIGN_OR_RETURN(auto fresh, Session::open(src, std::move(o)));
      // The archive's cursors continue on the new session where they stood; one
      // that cannot be opened again (its file is gone) is closed.
      uint64_t h = handle_of(s);
      for (auto it = cursors.begin(); it != cursors.end();) {
        Cursor& c = it->second;
        if (c.archive != h) { ++it; continue; }
        uint64_t pos = c.reader->position();
        auto r = fresh->open_file(c.image, c.layer, c.path);
        if (r.ok() && pos > 0 && !r.value()->seek(std::min(pos, r.value()->size())).ok()) r = Error{};
        if (!r.ok()) { it = cursors.erase(it); continue; }
        c.reader = std::move(r).value();
        c.session = fresh.get();
        ++it;
      }
      s->implicit.clear();
      s->session = std::move(fresh);
      s->source = std::move(src);
    } else {
      LS_RETURN_IF_ERROR(s->session->verify(req.progress));
    }
    return "{\"bytes_read\":" + std::to_string(s->session->source().bytes_read()) +
           ",\"summary\":" + s->session->inspect_json() + "}";
  }

  // The warnings that concern a view of one image (as of a layer), for the
  // views that have no document of their own (the config, the history).
  Value warnings(const Args& a) {
    LS_ASSIGN_OR_RETURN(ArchiveSlot * s, archive(a));
    LS_ASSIGN_OR_RETURN(int image, a.small_int("image"));
    LS_ASSIGN_OR_RETURN(int layer, a.small_int("layer", -1));
    if (image < 0 || image >= static_cast<int>(s->session->archive().images.size()))
      return a.bad("image", "no image #" + std::to_string(image));
    return "{\"warnings\":" + warnings_value(*s->session, image, layer) + "}";
  }

  Value history(const Args& a) {
    LS_ASSIGN_OR_RETURN(ArchiveSlot * s, archive(a));
    LS_ASSIGN_OR_RETURN(int image, a.small_int("image"));
    return s->session->history_json(image);
  }

  Value verify_rows(const Args& a, const DispatchRequest& req) {
    LS_ASSIGN_OR_RETURN(ArchiveSlot * s, archive(a));
    LS_ASSIGN_OR_RETURN(VerifyReport rep, s->session->verify_report(req.progress));
    return verify_report_json(rep);
  }

  // The layers a write compressed anew elsewhere (args "recompressed": [{member,
  // digest, size, at}], each `size` bytes of req.kept from `at`), for
  // SaveOptions::recompressed. The write checks only that they lie in req.kept.
  Result<std::vector<RecompressedLayer>> recompressed(const Args& a, const DispatchRequest& req, Compression c) {
    std::vector<RecompressedLayer> out;
    LS_RETURN_IF_ERROR(a.objects("recompressed", [&](const Args& r) -> Status {
      if (!req.kept) return r.bad("at", "layers compressed elsewhere need their bytes (kept)");
      RecompressedLayer l;
      l.compression = c;
      LS_ASSIGN_OR_RETURN(l.member, r.string("member"));
      LS_ASSIGN_OR_RETURN(l.digest, r.string("digest"));
      if (l.digest.rfind("sha256:", 0) != 0 || l.digest.size() != 71) return r.bad("digest", "not a sha256 digest");
      LS_ASSIGN_OR_RETURN(int64_t size, r.integer("size", std::nullopt, 0));
      LS_ASSIGN_OR_RETURN(int64_t at, r.integer("at", std::nullopt, 0));
      if (static_cast<uint64_t>(at) > req.kept->size() || static_cast<uint64_t>(size) > req.kept->size() - at)
        return r.bad("at", "lies past the end of the kept bytes");
      l.size = static_cast<uint64_t>(size);
      l.bytes = make_window_source(req.kept, static_cast<uint64_t>(at), l.size, "compressed anew: " + l.member);
      out.push_back(std::move(l));
      return Status::Ok();
    }));
    return out;
  }

  // writePlan {archive, what: save | strip, …as write}: the layers that write
  // would compress anew, largest first ({layers: [{member, size, blob, plain}]};
  // plain: stored uncompressed, so the diff_id recompress gives is the blob's
  // digest, for verify {blobs, digests}); reads nothing.
  Value write_plan(const Args& a) {
    LS_ASSIGN_OR_RETURN(ArchiveSlot * s, archive(a));
    LS_ASSIGN_OR_RETURN(std::string what, a.string("what"));
    std::vector<LayerToRecompress> layers;
    if (what == "save") {
      SaveOptions o;
      LS_ASSIGN_OR_RETURN(o.images, a.indexes("images"));
      LS_RETURN_IF_ERROR(write_format(a, &o.format, &o.recompress, &o.compression));
      LS_ASSIGN_OR_RETURN(layers, s->session->layers_to_recompress(o));
    } else if (what == "strip") {
      StripOptions o;
      LS_ASSIGN_OR_RETURN(o.image, a.small_int("image", 0, 0));
      LS_ASSIGN_OR_RETURN(o.paths, a.strings("paths"));
      if (o.paths.empty()) return a.bad("paths", "strip needs at least one path");
      LS_RETURN_IF_ERROR(write_format(a, &o.format, &o.recompress, &o.compression));
      LS_ASSIGN_OR_RETURN(layers, s->session->layers_to_recompress(o));
    } else if (what != "squash" && what != "export" && what != "file") {
      return a.bad("what", "what is save, squash, strip, export or file, not '" + what + "'");
    }
    json out = json::object();
    out["layers"] = json::array();
    for (const LayerToRecompress& l : layers)
      out["layers"].push_back({{"member", l.member},
                               {"size", l.size},
                               {"blob", l.blob},
                               {"plain", l.stored == Compression::kNone}});
    return dump(out);
  }

  // recompress {archive, member, compress} + scratch: the layer stored as
  // `member` compressed anew into the scratch ({member, digest, size, diff_id}; its
  // bytes are the scratch's first region). Progress "measure".
  Value recompress(const Args& a, const DispatchRequest& req) {
    if (!req.scratch) return a.bad("scratch", "recompress needs scratch storage");
    LS_ASSIGN_OR_RETURN(ArchiveSlot * s, archive(a));
    LS_ASSIGN_OR_RETURN(std::string member, a.string("member"));
    SaveFormat f;
    bool again = false;
    Compression c = Compression::kNone;
    LS_RETURN_IF_ERROR(write_format(a, &f, &again, &c));
    if (!again) return a.bad("compress", "missing argument 'compress'");
    LS_ASSIGN_OR_RETURN(RecompressedLayer l, s->session->recompress_layer(member, c, req.scratch, req.progress));
    json out = {{"member", l.member}, {"digest", l.digest}, {"size", l.size}, {"diff_id", l.diff_id}};
    return dump(out);
  }

  // write {archive, what, …} + sink: what = save {images, format, compress} |
  // squash {image, format} | strip {image, paths, format, compress} |
  // export {image, layer, path} | file {image, layer, path}. The sink is
  // finished only when everything was written.
  Value write(const Args& a, const DispatchRequest& req) {
    if (!req.sink) return a.bad("sink", "write needs a byte sink");
    LS_ASSIGN_OR_RETURN(ArchiveSlot * s, archive(a));
    LS_ASSIGN_OR_RETURN(std::string what, a.string("what"));
    LS_ASSIGN_OR_RETURN(int image, a.small_int("image", 0, 0));
    CountingSink out(req.sink.get());
    json extra = json::object();
    Session& session = *s->session;
    if (what == "save") {
      SaveOptions o;
      LS_ASSIGN_OR_RETURN(o.images, a.indexes("images"));
      LS_RETURN_IF_ERROR(write_format(a, &o.format, &o.recompress, &o.compression));
      o.scratch = req.scratch;
      LS_ASSIGN_OR_RETURN(o.recompressed, recompressed(a, req, o.compression));
      LS_RETURN_IF_ERROR(session.save(o, out, req.progress));
    } else if (what == "squash") {
      SquashOptions o;
      o.image = image;
      bool recompress = false;
      Compression c = Compression::kNone;
      LS_RETURN_IF_ERROR(write_format(a, &o.format, &recompress, &c));
      LS_RETURN_IF_ERROR(session.squash(o, out, req.progress));
    } else if (what == "strip") {
      StripOptions o;
      o.image = image;
      LS_ASSIGN_OR_RETURN(o.paths, a.strings("paths"));
      if (o.paths.empty()) return a.bad("paths", "strip needs at least one path");
      LS_RETURN_IF_ERROR(write_format(a, &o.format, &o.recompress, &o.compression));
      o.scratch = req.scratch;
      LS_ASSIGN_OR_RETURN(o.recompressed, recompressed(a, req, o.compression));
      LS_ASSIGN_OR_RETURN(WriteSummary w, session.strip(o, out, req.progress));
      extra["image_id"] = w.image_id;
      extra["rewritten"] = w.rewritten;
    } else if (what == "export") {
      ExportOptions o;
      o.image = image;
      LS_ASSIGN_OR_RETURN(o.layer, a.small_int("layer", -1, -1));
      LS_ASSIGN_OR_RETURN(o.path, a.string("path", std::string()));
      LS_RETURN_IF_ERROR(session.export_tar(o, out, req.progress));
    } else if (what == "file") {
      LS_ASSIGN_OR_RETURN(int layer, a.small_int("layer", -1, -1));
      LS_ASSIGN_OR_RETURN(std::string path, a.string("path"));
      LS_ASSIGN_OR_RETURN(auto reader, session.open_file(image, layer, path));
      LS_RETURN_IF_ERROR(copy_file(*reader, out, path, req.progress));
    } else {
      return a.bad("what", "what is save, squash, strip, export or file, not '" + what + "'");
    }
    LS_RETURN_IF_ERROR(out.finish());
    extra["bytes"] = out.count();
    return dump(extra);
  }

  Value stats(const Args& a) {
    uint64_t n = 0;
    if (a.present("archive")) {
      LS_ASSIGN_OR_RETURN(ArchiveSlot * s, archive(a));
      n = s->session->source().bytes_read();
    } else {
      for (auto& [h, s] : archives) n += s.session->source().bytes_read();
    }
    return "{\"bytes_read\":" + std::to_string(n) + "}";
  }

  Value close(const Args& a) {
    LS_ASSIGN_OR_RETURN(ArchiveSlot * s, archive(a));
    uint64_t h = handle_of(s);
    close_cursors_of(h);
    archives.erase(h);
    return std::string("null");
  }
};

Dispatcher::Dispatcher() : impl_(std::make_unique<Impl>()) {}
Dispatcher::~Dispatcher() = default;

size_t Dispatcher::open_archives() const { return impl_->archives.size(); }
size_t Dispatcher::open_cursors() const { return impl_->cursors.size(); }

DispatchReply Dispatcher::dispatch(const DispatchRequest& req) {
  DispatchReply reply;
  auto fail = [&](const Error& e) {
    reply.ok = false;
    reply.json = error_envelope(e);
    reply.has_bytes = false;
    reply.bytes.clear();
    return std::move(reply);
  };
  std::string type(req.type);
  // The same bounds as every other JSON the core reads: a deep or huge request
  // is an error value, not a stack overflow.
  Limits limits;
  if (req.args.size() > limits.max_json_bytes)
    return fail(make_error(Code::kLimit, "the arguments of a request are larger than " +
                                             std::to_string(limits.max_json_bytes >> 20) + " MiB", type));
  json j = json::object();
  if (!req.args.empty()) {
    auto parsed = parse_json(req.args, type, limits.max_json_depth);
    if (!parsed.ok()) {
      Error e = parsed.take_error();
      if (e.code != Code::kLimit) e.code = Code::kInvalidArgument;
      e.message = "the arguments of a request must be a JSON object: " + e.message;
      e.where = type;
      return fail(e);
    }
    j = std::move(parsed).value();
  }
  if (!j.is_object())
    return fail(make_error(Code::kInvalidArgument, "the arguments of a request must be a JSON object", type));
  Args a(req.type, j);

  // The request table: a new request is one line here plus its handler.
  using Handler = Impl::Value (*)(Impl&, const Args&, const DispatchRequest&, DispatchReply*);
  using R = const DispatchRequest&;
  static const std::map<std::string_view, Handler> table = {
      {"open", [](Impl& m, const Args& a, R r, DispatchReply*) { return m.open(a, r); }},
      {"index", [](Impl& m, const Args& a, R r, DispatchReply*) { return m.index(a, r); }},
      {"indexPlan", [](Impl& m, const Args& a, R, DispatchReply*) { return m.index_plan(a); }},
      {"readLayer", [](Impl& m, const Args& a, R r, DispatchReply* out) { return m.read_layer(a, r, out); }},
      {"summary", [](Impl& m, const Args& a, R, DispatchReply*) { return m.summary(a); }},
      {"resolve", [](Impl& m, const Args& a, R, DispatchReply*) { return m.resolve(a); }},
      {"list", [](Impl& m, const Args& a, R, DispatchReply*) { return m.list(a); }},
      {"read", [](Impl& m, const Args& a, R, DispatchReply* out) { return m.read(a, out); }},
      {"openFile", [](Impl& m, const Args& a, R, DispatchReply*) { return m.open_file(a); }},
      {"closeFile", [](Impl& m, const Args& a, R, DispatchReply*) { return m.close_file(a); }},
      {"manifest", [](Impl& m, const Args& a, R, DispatchReply*) { return m.manifest(a); }},
      {"pathHistory", [](Impl& m, const Args& a, R, DispatchReply*) { return m.path_history(a); }},
      {"verify", [](Impl& m, const Args& a, R r, DispatchReply*) { return m.verify(a, r); }},
      {"verifyPlan", [](Impl& m, const Args& a, R, DispatchReply*) { return m.verify_plan(a); }},
      {"diff", [](Impl& m, const Args& a, R, DispatchReply*) { return m.diff(a); }},
      {"space", [](Impl& m, const Args& a, R, DispatchReply*) { return m.space(a); }},
      {"findings", [](Impl& m, const Args& a, R r, DispatchReply*) { return m.findings(a, r); }},
      {"verifyRows", [](Impl& m, const Args& a, R r, DispatchReply*) { return m.verify_rows(a, r); }},
      {"write", [](Impl& m, const Args& a, R r, DispatchReply*) { return m.write(a, r); }},
      {"writePlan", [](Impl& m, const Args& a, R, DispatchReply*) { return m.write_plan(a); }},
      {"recompress", [](Impl& m, const Args& a, R r, DispatchReply*) { return m.recompress(a, r); }},
      {"stats", [](Impl& m, const Args& a, R, DispatchReply*) { return m.stats(a); }},
      {"warnings", [](Impl& m, const Args& a, R, DispatchReply*) { return m.warnings(a); }},
      {"history", [](Impl& m, const Args& a, R, DispatchReply*) { return m.history(a); }},
      {"close", [](Impl& m, const Args& a, R, DispatchReply*) { return m.close(a); }},
  };
  auto h = table.find(req.type);
  if (h == table.end())
    return fail(make_error(Code::kInvalidArgument, "unknown request type " + dump(json(type)), "request.type"));
  Impl::Value v = h->second(*impl_, a, req, &reply);
  if (!v.ok()) return fail(v.error());
  reply.ok = true;
  reply.json = ok_envelope(v.value());
  return reply;
}

}  // namespace layerscope
