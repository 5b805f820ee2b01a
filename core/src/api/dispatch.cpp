// The request dispatcher: see layerscope/dispatch.h for the requests. Its
// handlers are held by family (dispatch_impl.h): here the request table, the
// archives' and cursors' handles, open, index, stats and close; the views in
// dispatch_views.cpp; verify and the writers in dispatch_jobs.cpp.
#include "api/dispatch_impl.h"

namespace layerscope {
namespace dispatch_internal {

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

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

}  // namespace dispatch_internal

using namespace dispatch_internal;

namespace {

std::string ok_envelope(std::string_view value_json) {
  std::string s = "{\"ok\":true,\"value\":";
  s += value_json;
  s += '}';
  return s;
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

Result<Dispatcher::Impl::ArchiveSlot*> Dispatcher::Impl::archive(const Args& a, const char* name) {
  LS_ASSIGN_OR_RETURN(int64_t h, a.integer(name));
  auto it = archives.find(static_cast<uint64_t>(h));
  if (it != archives.end()) return &it->second;
  return a.bad(name, handle_problem(h, "archive", cursors.count(static_cast<uint64_t>(h)) ? "a file cursor" : nullptr));
}

Result<Dispatcher::Impl::Cursor*> Dispatcher::Impl::cursor(const Args& a) {
  LS_ASSIGN_OR_RETURN(int64_t h, a.integer("cursor"));
  auto it = cursors.find(static_cast<uint64_t>(h));
  if (it != cursors.end()) return &it->second;
  return a.bad("cursor", handle_problem(h, "file cursor", archives.count(static_cast<uint64_t>(h)) ? "an archive" : nullptr));
}

std::string Dispatcher::Impl::handle_problem(int64_t h, const char* kind, const char* other_kind) const {
  std::string n = std::to_string(h);
  if (other_kind) return "handle " + n + " is " + other_kind + ", not " + (kind[0] == 'a' ? "an " : "a ") + kind;
  if (h > 0 && static_cast<uint64_t>(h) < next) return std::string(kind) + " " + n + " is closed";
  return std::string("no ") + kind + " " + n + " was opened";
}

void Dispatcher::Impl::close_cursors_of(uint64_t archive) {
  for (auto it = cursors.begin(); it != cursors.end();)
    it = it->second.archive == archive ? cursors.erase(it) : std::next(it);
  auto s = archives.find(archive);
  if (s != archives.end()) s->second.implicit.clear();
}

uint64_t Dispatcher::Impl::handle_of(const ArchiveSlot* slot) const {
  for (auto& [h, s] : archives)
    if (&s == slot) return h;
  return 0;
}

Dispatcher::Impl::Value Dispatcher::Impl::open(const Args& a, const DispatchRequest& req) {
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

std::string Dispatcher::Impl::opened_json(const Session& s) {
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

Dispatcher::Impl::Value Dispatcher::Impl::index(const Args& a, const DispatchRequest& req) {
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

Dispatcher::Impl::Value Dispatcher::Impl::index_plan(const Args& a) {
  LS_ASSIGN_OR_RETURN(ArchiveSlot * s, archive(a));
  return blob_ranges_value(*s->session, s->session->unread_blobs());
}

Dispatcher::Impl::Value Dispatcher::Impl::read_layer(const Args& a, const DispatchRequest& req, DispatchReply* reply) {
  LS_ASSIGN_OR_RETURN(ArchiveSlot * s, archive(a));
  LS_ASSIGN_OR_RETURN(int blob, a.small_int("blob"));
  LS_ASSIGN_OR_RETURN(std::string bytes, s->session->read_layer_alone(blob, req.progress));
  reply->has_bytes = true;
  reply->bytes.assign(bytes.begin(), bytes.end());
  return json{{"blob", blob}, {"length", bytes.size()}}.dump();
}

Dispatcher::Impl::Value Dispatcher::Impl::summary(const Args& a) {
  LS_ASSIGN_OR_RETURN(ArchiveSlot * s, archive(a));
  return s->session->inspect_json();
}

Dispatcher::Impl::Value Dispatcher::Impl::resolve(const Args& a) {
  LS_ASSIGN_OR_RETURN(ArchiveSlot * s, archive(a));
  LS_ASSIGN_OR_RETURN(std::string ref, a.string("ref"));
  LS_ASSIGN_OR_RETURN(std::string platform, a.string("platform", ""));
  LS_ASSIGN_OR_RETURN(int idx, s->session->resolve_image(ref, platform));
  return std::to_string(idx);
}

Dispatcher::Impl::Value Dispatcher::Impl::stats(const Args& a) {
  uint64_t n = 0;
  if (a.present("archive")) {
    LS_ASSIGN_OR_RETURN(ArchiveSlot * s, archive(a));
    n = s->session->source().bytes_read();
  } else {
    for (auto& [h, s] : archives) n += s.session->source().bytes_read();
  }
  return "{\"bytes_read\":" + std::to_string(n) + "}";
}

Dispatcher::Impl::Value Dispatcher::Impl::close(const Args& a) {
  LS_ASSIGN_OR_RETURN(ArchiveSlot * s, archive(a));
  uint64_t h = handle_of(s);
  close_cursors_of(h);
  archives.erase(h);
  return std::string("null");
}

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

  // The request table: a new request is one line here plus its handler (declared
  // in dispatch_impl.h, defined in the file of its family).
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
