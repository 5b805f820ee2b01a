#include "archive/compress_sink.h"

#include <archive.h>
#include <archive_entry.h>

#include <memory>
#include <string>
#include <vector>


namespace layerscope {
namespace {

class PassSink final : public ByteSink {
 public:
  explicit PassSink(ByteSink* next) : next_(next) {}
  Status write(const void* d, size_t n) override { return next_->write(d, n); }
  Status finish() override { return next_->finish(); }
  std::string name() const override { return next_->name(); }

 private:
  ByteSink* next_;
};

class CompressingSink final : public ByteSink {
 public:
  explicit CompressingSink(ByteSink* next) : next_(next) {}
  ~CompressingSink() override {
    if (!a_) return;
    // Abandoned: stop, then close with the output discarded, so the filter's
    // state is freed (free() alone skips close on a FATAL handle). The close
    // may still run the filter over the input of a failed write: that input
    // lives in in_, not in the caller's buffer, so it is still there.
    if (!closed_) {
      discard_ = true;
      archive_write_fail(a_);
      archive_write_close(a_);
    }
    archive_write_free(a_);
  }
  std::string name() const override { return next_->name(); }

  Status open(Compression c, int level) {
    a_ = archive_write_new();
    if (!a_) return make_error(Code::kInternal, "cannot allocate a libarchive writer", name());
    archive_write_set_format_raw(a_);
    const char* filter = c == Compression::kGzip ? "gzip" : "zstd";
    int r = c == Compression::kGzip ? archive_write_add_filter_gzip(a_) : archive_write_add_filter_zstd(a_);
    if (r != ARCHIVE_OK) return error("cannot add the compression filter");
    if (c == Compression::kGzip && archive_write_set_filter_option(a_, "gzip", "timestamp", nullptr) != ARCHIVE_OK)
      return error("cannot leave the timestamp out of the gzip header");
    if (level > 0 && archive_write_set_filter_option(a_, filter, "compression-level",
                                                     std::to_string(level).c_str()) != ARCHIVE_OK)
      return error("bad compression level");
    archive_write_set_bytes_per_block(a_, 0);  // no padding: the compressed stream ends where it ends
    if (archive_write_open(a_, this, nullptr, &CompressingSink::write_cb, nullptr) != ARCHIVE_OK)
      return error("cannot start the compressed stream");
    struct archive_entry* e = archive_entry_new();
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_pathname(e, "layer");
    r = archive_write_header(a_, e);
    archive_entry_free(e);
    if (r != ARCHIVE_OK) return error("cannot start the compressed stream");
    return Status::Ok();
  }

  Status write(const void* data, size_t n) override {
    if (failed_) return failed_status();
    // Compressed from a buffer of our own: a failed write leaves the filter
    // pointing at its input, which the destructor's close reads again.
    in_.assign(static_cast<const char*>(data), static_cast<const char*>(data) + n);
    const char* p = in_.data();
    while (n > 0) {
      la_ssize_t w = archive_write_data(a_, p, n);
      if (w <= 0) return error("cannot compress");
      p += w;
      n -= static_cast<size_t>(w);
    }
    return Status::Ok();
  }

  Status finish() override {
    if (failed_) return failed_status();
    closed_ = true;
    if (archive_write_close(a_) != ARCHIVE_OK) return error("cannot end the compressed stream");
    return next_->finish();
  }

 private:
  static la_ssize_t write_cb(struct archive*, void* self_v, const void* buf, size_t n) {
    auto* self = static_cast<CompressingSink*>(self_v);
    if (self->discard_) return static_cast<la_ssize_t>(n);
    Status st = self->next_->write(buf, n);
    if (st.ok()) return static_cast<la_ssize_t>(n);
    self->sink_error_ = st.take_error();
    self->sink_failed_ = true;
    return -1;
  }
  Status error(const std::string& what) {
    failed_ = true;
    if (sink_failed_) err_ = sink_error_;
    else {
      const char* s = a_ ? archive_error_string(a_) : nullptr;
      err_ = make_error(Code::kIo, what + (s ? std::string(": ") + s : std::string()), name());
    }
    return err_;
  }
  Status failed_status() const { return err_; }

  ByteSink* next_;
  struct archive* a_ = nullptr;
  std::vector<char> in_;  // the input of the current write (see write())
  bool closed_ = false, discard_ = false, failed_ = false, sink_failed_ = false;
  Error err_, sink_error_;
};


}  // namespace

Result<std::unique_ptr<ByteSink>> make_compressing_sink(ByteSink* next, Compression c, int level) {
  if (c == Compression::kNone) return std::unique_ptr<ByteSink>(std::make_unique<PassSink>(next));
  if (c != Compression::kGzip && c != Compression::kZstd)
    return make_error(Code::kUnsupported, std::string("cannot compress with ") + compression_name(c), next->name());
  // gzip at zlib's level 4, not its default 6, in every build, so the CLI and
  // the page write the same bytes (the export dialog shows the command that
  // does) on every machine (ISA-L's deflate, 14x faster natively, picks its
  // code by CPU and has no wasm build). Level 4: the 0.4 GB bench set's
  // biggest layer, 138 MB, to 56.0 MB where level 6 writes 54.5 MB, in about
  // half the time; the page's gzip save of that set 32.3 -> 17.6 s (wasm in node).
  if (c == Compression::kGzip && level == 0) level = 4;
  auto s = std::make_unique<CompressingSink>(next);
  LS_RETURN_IF_ERROR(s->open(c, level));
  return std::unique_ptr<ByteSink>(std::move(s));
}

}  // namespace layerscope
