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
  // {ok, data: Uint8Array, eof} or {ok:false, code, message, where}. The last
  // file read stays open as a cursor, so reading page after page (or a download
  // in chunks) continues where the previous page stopped instead of decoding a
  // compressed layer from its start each time.
  val readFile(int image, int layer, std::string path, double offset, double length) {
    val r = val::object();
    auto fail = [&](const Error& e) {
      r.set("ok", false);
      r.set("code", std::string(code_name(e.code)));
      r.set("message", e.message);
      r.set("where", e.where);
      return r;
    };
    if (!cursor_ || cur_image_ != image || cur_layer_ != layer || cur_path_ != path) {
      cursor_.reset();
      auto o = s_->open_file(image, layer, path);
      if (!o.ok()) return fail(o.error());
      cursor_ = std::move(o).value();
      cur_image_ = image;
      cur_layer_ = layer;
      cur_path_ = path;
    }
    uint64_t off = static_cast<uint64_t>(offset);
    if (off > cursor_->size()) off = cursor_->size();
    if (off != cursor_->position()) {
      Status st = cursor_->seek(off);
      if (!st.ok()) { cursor_.reset(); return fail(st.error()); }
    }
    uint64_t want = std::min<uint64_t>(static_cast<uint64_t>(length), cursor_->size() - off);
    std::string out(static_cast<size_t>(want), '\0');
    size_t got = 0;
    while (got < out.size()) {
      auto n = cursor_->read(out.data() + got, out.size() - got);
      if (!n.ok()) { cursor_.reset(); return fail(n.error()); }
      if (n.value() == 0) break;
      got += n.value();
    }
    out.resize(got);
    r.set("ok", true);
    val view(emscripten::typed_memory_view(out.size(), reinterpret_cast<const uint8_t*>(out.data())));
    r.set("data", view.call<val>("slice"));
    r.set("eof", cursor_->position() >= cursor_->size());
    r.set("size", static_cast<double>(cursor_->size()));
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
  std::unique_ptr<FileReader> cursor_;  // declared after s_: destroyed before the session
  int cur_image_ = -2, cur_layer_ = -2;
  std::string cur_path_;
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
