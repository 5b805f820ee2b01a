#include "archive/compress_sink.h"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#ifdef LAYERSCOPE_HAVE_ISAL
#include <isa-l/igzip_lib.h>
#endif

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

#ifdef LAYERSCOPE_HAVE_ISAL
// gzip through ISA-L's deflate at its level 3 where the build has ISA-L (the
// native CLI): on these machines 14x zlib's level 6 for an output 8 % larger
// (the 0.4 GB bench set's biggest layer: 138 MB to 59.0 MB in 0.35 s, zlib -6
// 54.5 MB in 5.0 s, zlib -1 59.8 MB in 1.8 s). One gzip member whose header
// has no name and no time (mtime 0), so it is deterministic too.
class IsalGzipSink final : public ByteSink {
 public:
  explicit IsalGzipSink(ByteSink* next) : next_(next) {
    isal_deflate_init(&z_);
    z_.level = 3;
    z_.level_buf = level_buf_.get();
    z_.level_buf_size = ISAL_DEF_LVL3_DEFAULT;
    z_.gzip_flag = IGZIP_GZIP;
  }
  std::string name() const override { return next_->name(); }

  // Input goes to ISA-L in pieces of kIn (the last one shorter), however the
  // writes cut it: its blocks, and so its output, depend on the pieces.
  Status write(const void* data, size_t n) override {
    if (failed_) return err_;
    if (ended_) return fail(make_error(Code::kInternal, "write after the end of the compressed stream", name()));
    const auto* p = static_cast<const uint8_t*>(data);
    while (n > 0) {
      const size_t k = std::min(n, kIn - held_);
      std::copy(p, p + k, in_.get() + held_);
      held_ += k;
      p += k;
      n -= k;
      if (held_ == kIn) {
        LS_RETURN_IF_ERROR(deflate(in_.get(), held_, false));
        held_ = 0;
      }
    }
    return Status::Ok();
  }

  Status finish() override {
    LS_RETURN_IF_ERROR(deflate(in_.get(), held_, true));
    held_ = 0;
    return next_->finish();
  }

 private:
  static constexpr size_t kIn = 256 << 10, kOut = 256 << 10;

  // Compresses [p, p+n) (the end of the stream: its last block and the gzip
  // trailer too) and hands the output on as it comes.
  Status deflate(const uint8_t* p, size_t n, bool end) {
    if (failed_) return err_;
    if (ended_) return fail(make_error(Code::kInternal, "write after the end of the compressed stream", name()));
    z_.next_in = const_cast<uint8_t*>(p);
    z_.avail_in = static_cast<uint32_t>(n);
    z_.end_of_stream = end ? 1 : 0;
    do {
      z_.next_out = out_.get();
      z_.avail_out = kOut;
      if (isal_deflate(&z_) != COMP_OK) return fail(make_error(Code::kInternal, "cannot compress (ISA-L deflate)", name()));
      const size_t got = kOut - z_.avail_out;
      if (got) {
        Status st = next_->write(out_.get(), got);
        if (!st.ok()) return fail(st.take_error());
      }
    } while (z_.avail_out == 0 || z_.avail_in > 0);
    ended_ = end;
    return Status::Ok();
  }
  Status fail(Error e) {
    failed_ = true;
    err_ = std::move(e);
    return err_;
  }

  ByteSink* next_;
  isal_zstream z_{};
  std::unique_ptr<uint8_t[]> level_buf_{new uint8_t[ISAL_DEF_LVL3_DEFAULT]};
  std::unique_ptr<uint8_t[]> in_{new uint8_t[kIn]};
  std::unique_ptr<uint8_t[]> out_{new uint8_t[kOut]};
  size_t held_ = 0;  // input bytes in in_, not compressed yet
  bool ended_ = false, failed_ = false;
  Error err_;
};
#endif

}  // namespace

Result<std::unique_ptr<ByteSink>> make_compressing_sink(ByteSink* next, Compression c, int level) {
  if (c == Compression::kNone) return std::unique_ptr<ByteSink>(std::make_unique<PassSink>(next));
  if (c != Compression::kGzip && c != Compression::kZstd)
    return make_error(Code::kUnsupported, std::string("cannot compress with ") + compression_name(c), next->name());
#ifdef LAYERSCOPE_HAVE_ISAL
  if (c == Compression::kGzip && level == 0) return std::unique_ptr<ByteSink>(std::make_unique<IsalGzipSink>(next));
#else
  // zlib's level 4, not its default 6, where ISA-L is missing (the wasm build):
  // the 0.4 GB bench set saved as an oci-archive with gzip layers by wasm in
  // node took 17.6 s for 134.8 MB, against 32.3 s for 130.3 MB at level 6
  // (level 1: 16.2 s, 147.0 MB).
  if (c == Compression::kGzip && level == 0) level = 4;
#endif
  auto s = std::make_unique<CompressingSink>(next);
  LS_RETURN_IF_ERROR(s->open(c, level));
  return std::unique_ptr<ByteSink>(std::move(s));
}

}  // namespace layerscope
