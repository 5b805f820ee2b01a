// The only translation unit that includes Emscripten (STYLE.md habit 1).
//
//   JS (worker.ts / node test)                 C++ (this file)                 core/
//   ───────────────────────────                ───────────────                 ─────
//   openArchive({size,name,readInto}, opts) ─> JsSource : ByteSource ──────> Session::open
//        readInto(offset, ptr, len) <───────── read_at() copies a slice into the heap at ptr
//   h.summary() / h.list(...) / h.readFile(...) -> JSON envelopes / Uint8Array copies
//
// Every call returns a JSON envelope {"ok":true,"value":…} or
// {"ok":false,"code":"corrupt","message":"…","where":"…"} (one error shape end
// to end); byte results are copied out of the heap once (typed_memory_view +
// slice) so JS never holds a view across a heap growth.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <nlohmann/json.hpp>

#include "layerscope/session.h"

using emscripten::val;
using namespace layerscope;

namespace {

std::string envelope_error(const Error& e) {
  nlohmann::ordered_json j;
  j["ok"] = false;
  j["code"] = std::string(code_name(e.code));
  j["message"] = e.message;
  j["where"] = e.where;
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

std::string envelope_ok(const std::string& value_json) { return "{\"ok\":true,\"value\":" + value_json + "}"; }

// A ByteSource whose reads call back into JS: src.readInto(offset, ptr, len)
// must copy `len` bytes at `offset` into HEAPU8 at `ptr` and return the count.
class JsSource final : public ByteSource {
 public:
  JsSource(val src, double size, std::string name) : src_(std::move(src)), size_(static_cast<uint64_t>(size)), name_(std::move(name)) {}
  uint64_t size() const override { return size_; }
  std::string name() const override { return name_; }
  Result<size_t> read_at(uint64_t offset, void* buf, size_t n) override {
    if (offset >= size_) return size_t{0};
    if (n > size_ - offset) n = static_cast<size_t>(size_ - offset);
    double got = src_.call<double>("readInto", static_cast<double>(offset),
                                   static_cast<double>(reinterpret_cast<uintptr_t>(buf)), static_cast<double>(n));
    if (got < 0) return make_error(Code::kIo, "the browser could not read the file", name_);
    count(static_cast<size_t>(got));
    return static_cast<size_t>(got);
  }

 private:
  val src_;
  uint64_t size_;
  std::string name_;
};

class Handle {
 public:
  explicit Handle(std::unique_ptr<Session> s) : s_(std::move(s)) {}
  explicit Handle(Error e) : err_(envelope_error(e)) {}

  bool ok() const { return s_ != nullptr; }
  std::string errorJson() const { return err_; }

  std::string summary() const { return envelope_ok(s_->inspect_json()); }

  std::string resolveImage(std::string ref) const {
    auto r = s_->resolve_image(ref);
    if (!r.ok()) return envelope_error(r.error());
    return envelope_ok(std::to_string(r.value()));
  }

  std::string list(int image, int layer, bool merged, std::string prefix, double offset, double limit) const {
    ListOptions o;
    o.offset = static_cast<uint64_t>(offset);
    o.limit = static_cast<uint64_t>(limit);
    o.layer = layer;
    o.merged = merged;
    o.prefix = prefix;
    auto r = s_->list_json(image, o);
    if (!r.ok()) return envelope_error(r.error());
    return envelope_ok(r.value());
  }

  // Bytes [offset, offset+length) of a file as it is at `layer`; returns
  // {ok, data: Uint8Array, eof} or an error envelope object.
  val readFile(int image, int layer, std::string path, double offset, double length) const {
    std::string out;
    uint64_t skip = static_cast<uint64_t>(offset), want = static_cast<uint64_t>(length), pos = 0;
    bool more = false;
    Status st = s_->read_file(image, layer, path, [&](const uint8_t* d, size_t n) {
      uint64_t end = pos + n;
      if (end > skip) {
        uint64_t from = pos < skip ? skip - pos : 0;
        uint64_t take = std::min<uint64_t>(n - from, want - out.size());
        out.append(reinterpret_cast<const char*>(d + from), static_cast<size_t>(take));
      }
      pos = end;
      if (out.size() >= want) { more = true; return false; }
      return true;
    });
    val r = val::object();
    if (!st.ok()) {
      r.set("ok", false);
      r.set("code", std::string(code_name(st.error().code)));
      r.set("message", st.error().message);
      r.set("where", st.error().where);
      return r;
    }
    r.set("ok", true);
    val view(emscripten::typed_memory_view(out.size(), reinterpret_cast<const uint8_t*>(out.data())));
    r.set("data", view.call<val>("slice"));
    r.set("eof", !more);
    return r;
  }

  std::string pathHistory(int image, std::string path) const {
    auto r = s_->path_history_json(image, path);
    if (!r.ok()) return envelope_error(r.error());
    return envelope_ok(r.value());
  }

  // The raw manifest of an image (for manifest.json layouts: its entry), as text.
  std::string manifestJson(int image) const {
    const auto& a = s_->archive();
    if (image < 0 || image >= static_cast<int>(a.images.size()))
      return envelope_error(make_error(Code::kInvalidArgument, "no image #" + std::to_string(image)));
    nlohmann::json j = a.images[image].manifest_json;
    return envelope_ok(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  }

  // Hashes every blob and layer (reads everything); returns the new summary.
  std::string verify(val progress) {
    ProgressFn fn;
    if (!progress.isUndefined() && !progress.isNull()) {
      fn = [progress](const Progress& p) {
        val r = progress(std::string(p.phase), static_cast<double>(p.done), static_cast<double>(p.total),
                         std::string(p.detail));
        return !(r.isFalse());
      };
    }
    Status st = s_->verify(fn);
    if (!st.ok()) return envelope_error(st.error());
    return envelope_ok(s_->inspect_json());
  }

  double bytesRead() const { return static_cast<double>(s_->source().bytes_read()); }

 private:
  std::unique_ptr<Session> s_;
  std::string err_;
};

// opts: {verify?: bool, progress?: (phase, done, total, detail) => bool}
// Returns a Handle that either holds the session or the error envelope;
// wasm/api-post.js wraps it as openArchive() -> {ok:true, handle} | {ok:false, code, message, where}.
Handle* openArchiveRaw(val src, val opts) {
  double size = src["size"].as<double>();
  std::string name = src["name"].isString() ? src["name"].as<std::string>() : std::string("archive");
  OpenOptions o;
  if (!opts.isUndefined() && !opts.isNull()) {
    if (opts["verify"].isTrue()) o.verify = true;
    val cb = opts["progress"];
    if (!cb.isUndefined() && !cb.isNull()) {
      o.progress = [cb](const Progress& p) {
        val r = cb(std::string(p.phase), static_cast<double>(p.done), static_cast<double>(p.total),
                   std::string(p.detail));
        return !(r.isFalse());
      };
    }
  }
  auto s = Session::open(std::make_shared<JsSource>(src, size, name), std::move(o));
  if (!s.ok()) return new Handle(s.take_error());
  return new Handle(std::move(s).value());
}

}  // namespace

EMSCRIPTEN_BINDINGS(layerscope) {
  emscripten::class_<Handle>("Handle")
      .function("ok", &Handle::ok)
      .function("errorJson", &Handle::errorJson)
      .function("summary", &Handle::summary)
      .function("resolveImage", &Handle::resolveImage)
      .function("list", &Handle::list)
      .function("readFile", &Handle::readFile)
      .function("pathHistory", &Handle::pathHistory)
      .function("manifestJson", &Handle::manifestJson)
      .function("verify", &Handle::verify)
      .function("bytesRead", &Handle::bytesRead);
  emscripten::function("openArchiveRaw", &openArchiveRaw, emscripten::allow_raw_pointers());
  emscripten::constant("SCHEMA_VERSION", kSchemaVersion);
}
