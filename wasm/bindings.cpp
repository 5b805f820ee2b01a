// The only translation unit that includes Emscripten (STYLE.md habit 1). It
// carries requests to the core's transport-free dispatcher
// (layerscope/dispatch.h) and nothing else: no request is known by name here.
//
//   JS (worker.ts / node test)                      C++ (this file)              core/
//   ──────────────────────────                      ───────────────              ─────
//   Module.request('open', {verify}, {source, progress})
//        requestRaw(type, argsJson, source, progress, sink, scratch, kept) ─> JsSource : ByteSource ─> Dispatcher::dispatch
//        source.readInto(offset, ptr, len) <───────── read_at() copies a slice into the heap at ptr
//        source.willRead?(offset, len) <───────────── will_read(): a run about to be read in order
//   Module.request('write', {…, recompressed?}, {sink, scratch, kept, progress})
//        sink.write(ptr, len), sink.finish() <──────── JsSink : ByteSink (the output)
//        scratch.write/flush/readInto(…) <────────── JsScratchFile: recompressed layers kept once
//        kept.readInto(offset, ptr, len) <─────────── JsSource: layers compressed anew by helper workers
//   Module.request('list', {archive, image, …})  ───> requestRaw(…) ──────────────> Dispatcher::dispatch
//        <── {json: envelope text, data?: Uint8Array} ─ one copy out of the heap (typed_memory_view + slice)
//
// The envelope is the dispatcher's ({"ok":true,"value":…} or {"ok":false,
// "code","message","where"}); byte results travel beside it as `data`, copied
// out of the heap once, so JS never holds a view across a heap growth.
// wasm/api-post.js parses the envelope: Module.request(type, args, opts).
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include "layerscope/dispatch.h"
#include "layerscope/session.h"  // kSchemaVersion

using emscripten::val;
using namespace layerscope;

namespace {

// A ByteSource whose reads call back into JS: src.readInto(offset, ptr, len)
// must copy `len` bytes at `offset` into HEAPU8 at `ptr` and return the count
// (negative: the read failed).
class JsSource final : public ByteSource {
 public:
  JsSource(val src, double size, std::string name, std::string failure = "the browser could not read the file")
      : src_(std::move(src)), size_(static_cast<uint64_t>(size)), name_(std::move(name)), failure_(std::move(failure)) {
    advised_ = src_["willRead"].typeOf().as<std::string>() == "function";
  }
  uint64_t size() const override { return size_; }
  std::string name() const override { return name_; }
  Result<size_t> read_at(uint64_t offset, void* buf, size_t n) override {
    if (offset >= size_) return size_t{0};
    if (n > size_ - offset) n = static_cast<size_t>(size_ - offset);
    double got = src_.call<double>("readInto", static_cast<double>(offset),
                                   static_cast<double>(reinterpret_cast<uintptr_t>(buf)), static_cast<double>(n));
    if (got < 0) return make_error(Code::kIo, failure_, name_);
    count(offset, static_cast<size_t>(got));
    return static_cast<size_t>(got);
  }
  // src.willRead(offset, length), where the source has it (io/file-source.ts).
  void will_read(uint64_t offset, uint64_t length) override {
    if (advised_) src_.call<void>("willRead", static_cast<double>(offset), static_cast<double>(length));
  }

 private:
  val src_;
  bool advised_ = false;
  uint64_t size_;
  std::string name_;
  std::string failure_;  // the message of a failed read
};

// A ByteSink whose writes call back into JS: sink.write(ptr, len) must take
// `len` bytes at HEAPU8[ptr] before it returns (the view is not kept), and
// answers true or an error message; sink.finish() the same. A sink that is
// never finished is the JS side's to discard (dispatch.h: write).
class JsSink final : public ByteSink {
 public:
  JsSink(val sink, std::string name) : sink_(std::move(sink)), name_(std::move(name)) {}
  Status write(const void* data, size_t n) override {
    if (!failed_.ok()) return failed_;
    return settle(sink_.call<val>("write", static_cast<double>(reinterpret_cast<uintptr_t>(data)), static_cast<double>(n)));
  }
  Status finish() override {
    if (!failed_.ok()) return failed_;
    return settle(sink_.call<val>("finish"));
  }
  std::string name() const override { return name_; }

 private:
  Status settle(const val& r) {
    if (r.isTrue()) return Status::Ok();
    failed_ = make_error(Code::kIo, r.isString() ? r.as<std::string>() : std::string("the browser could not write the output"), name_);
    return failed_;
  }
  val sink_;
  std::string name_;
  Status failed_ = Status::Ok();
};

// Scratch storage for a write request's recompressed layers (SaveOptions::
// scratch): one file of the JS side's (wasm/io/opfs-sink.ts openOpfsScratch)
// in which each layer's compressed bytes take the next region, so a layer is
// compressed once, not once to measure it and again to write it.
// scratch.write(at, ptr, len) stores HEAPU8[ptr, ptr+len) at `at` and answers
// true or an error message, scratch.flush() (at a region's end) likewise;
// scratch.readInto(at, ptr, len) copies back and returns the count (negative:
// failed). The browser build runs a save's
// layers one after the other, so one region is written at a time: a second
// one asked for before the first is finished is an internal error.
class JsScratchFile : public std::enable_shared_from_this<JsScratchFile> {
 public:
  explicit JsScratchFile(val js) : js_(std::move(js)) {}
  Result<std::unique_ptr<Scratch>> open(const std::string& name);

 private:
  class Region;
  val js_;
  uint64_t end_ = 0;      // the bytes of the finished regions
  bool writing_ = false;  // a region is being written (it starts at end_)
};

class JsScratchFile::Region final : public Scratch, public ByteSink {
 public:
  Region(std::shared_ptr<JsScratchFile> file, std::string name)
      : file_(std::move(file)), start_(file_->end_), name_("scratch for " + std::move(name)) {}
  ~Region() override {
    if (!finished_) file_->writing_ = false;  // abandoned: the next region starts where this one did
  }
  ByteSink& sink() override { return *this; }
  Result<std::shared_ptr<ByteSource>> source() override {
    if (!finished_) return make_error(Code::kInternal, "scratch read before it was finished", name_);
    // Read back through scratch.readInto as the archive is through source.readInto
    // (the JS object lives as long as the source), its region a window of the file.
    auto file = std::make_shared<JsSource>(file_->js_, static_cast<double>(start_ + size_), name_,
                                           "the browser could not read back a kept layer");
    return make_window_source(std::move(file), start_, size_, name_);
  }
  Status write(const void* data, size_t n) override {
    if (finished_) return make_error(Code::kInternal, "scratch written after it was finished", name_);
    val r = file_->js_.call<val>("write", static_cast<double>(start_ + size_),
                                 static_cast<double>(reinterpret_cast<uintptr_t>(data)), static_cast<double>(n));
    if (!r.isTrue())
      return make_error(Code::kIo, r.isString() ? r.as<std::string>() : std::string("the browser could not keep a layer"),
                        name_);
    size_ += n;
    return Status::Ok();
  }
  // The JS side may gather writes (wasm/io/opfs-sink.ts pieceWriter): they are
  // stored now, so a full disk is reported here, in its own words.
  Status finish() override {
    if (finished_) return Status::Ok();
    val r = file_->js_.call<val>("flush");
    if (!r.isTrue())
      return make_error(Code::kIo, r.isString() ? r.as<std::string>() : std::string("the browser could not keep a layer"),
                        name_);
    finished_ = true;
    file_->end_ = start_ + size_;
    file_->writing_ = false;
    return Status::Ok();
  }
  std::string name() const override { return name_; }

 private:
  std::shared_ptr<JsScratchFile> file_;
  uint64_t start_;
  uint64_t size_ = 0;
  bool finished_ = false;
  std::string name_;
};

Result<std::unique_ptr<Scratch>> JsScratchFile::open(const std::string& name) {
  if (writing_) return make_error(Code::kInternal, "a second scratch region before the first was finished", name);
  writing_ = true;
  return std::unique_ptr<Scratch>(std::make_unique<Region>(shared_from_this(), name));
}

// One dispatcher per wasm instance: its handles live as long as the instance.
Dispatcher& dispatcher() {
  static Dispatcher d;
  return d;
}

// source: {size, name, readInto, willRead?} or null/undefined; sink: {name, write,
// finish} or null/undefined (write only); scratch: {write, flush, readInto} or
// null/undefined (write and recompress: JsScratchFile); kept: {size, name,
// readInto} or null/undefined (write only: the bytes its args' "recompressed"
// layers lie in); progress: (phase, done, total, detail) => boolean (false
// cancels) or null/undefined.
// Returns {json: string, data?: Uint8Array}.
val requestRaw(std::string type, std::string args, val source, val progress, val sink, val scratch, val kept) {
  DispatchRequest req;
  req.type = type;
  req.args = args;
  if (!source.isUndefined() && !source.isNull()) {
    std::string name = source["name"].isString() ? source["name"].as<std::string>() : std::string("archive");
    req.source = std::make_shared<JsSource>(source, source["size"].as<double>(), std::move(name));
  }
  if (!sink.isUndefined() && !sink.isNull()) {
    std::string name = sink["name"].isString() ? sink["name"].as<std::string>() : std::string("output");
    req.sink = std::make_shared<JsSink>(sink, std::move(name));
  }
  std::shared_ptr<JsScratchFile> scratch_file;  // the regions' sources hold it too
  if (!scratch.isUndefined() && !scratch.isNull()) {
    scratch_file = std::make_shared<JsScratchFile>(scratch);
    req.scratch = [f = scratch_file](const std::string& name) { return f->open(name); };
  }
  if (!kept.isUndefined() && !kept.isNull()) {
    std::string name = kept["name"].isString() ? kept["name"].as<std::string>() : std::string("kept layers");
    req.kept = std::make_shared<JsSource>(kept, kept["size"].as<double>(), std::move(name),
                                          "the browser could not read back a layer compressed by a helper");
  }
  if (!progress.isUndefined() && !progress.isNull()) {
    req.progress = [progress](const Progress& p) {
      val r = progress(std::string(p.phase), static_cast<double>(p.done), static_cast<double>(p.total), std::string(p.detail));
      return !r.isFalse();
    };
  }
  DispatchReply reply = dispatcher().dispatch(req);
  val out = val::object();
  out.set("json", reply.json);
  if (reply.has_bytes) {
    val view(emscripten::typed_memory_view(reply.bytes.size(), reply.bytes.data()));
    out.set("data", view.call<val>("slice"));
  }
  return out;
}

}  // namespace

EMSCRIPTEN_BINDINGS(layerscope) {
  emscripten::function("requestRaw", &requestRaw);
  emscripten::constant("SCHEMA_VERSION", kSchemaVersion);
}
