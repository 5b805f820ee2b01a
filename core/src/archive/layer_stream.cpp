#include "archive/layer_stream.h"

#include <archive.h>
#include <archive_entry.h>

#include <cstring>

#include "digest/sha256.h"

namespace layerscope {

namespace {
constexpr size_t kChunk = 1 << 20;
}

// The decoding pipeline's state: a raw source (seekable or pull), hashing of
// the stored bytes, libarchive's raw format decoding, hashing of the output.
struct LayerStream::Pipe {
  // raw input
  std::shared_ptr<ByteSource> src;
  uint64_t src_pos = 0;
  std::string prefix;
  size_t prefix_pos = 0;
  TarReader::Pull pull;
  std::unique_ptr<uint8_t[]> buf;
  uint64_t raw_total = 0;
  // hashing
  bool hash = false;
  Sha256 stored, unpacked;
  // decoder
  struct archive* a = nullptr;
  bool decoder_eof = false;
  uint64_t out_total = 0;
  Error err;
  bool failed = false;
  const LayerStreamOptions* opt = nullptr;
  std::string where;

  ~Pipe() { if (a) archive_read_free(a); }

  // Next raw chunk of the blob.
  Result<size_t> raw(const void** data) {
    size_t n = 0;
    if (prefix_pos < prefix.size()) {
      *data = prefix.data() + prefix_pos;
      n = prefix.size() - prefix_pos;
      prefix_pos = prefix.size();
    } else if (src) {
      uint64_t size = src->size();
      if (src_pos >= size) return size_t{0};
      n = static_cast<size_t>(std::min<uint64_t>(kChunk, size - src_pos));
      auto r = src->read_at(src_pos, buf.get(), n);
      if (!r.ok()) return r.take_error();
      n = r.value();
      src_pos += n;
      *data = buf.get();
    } else {
      auto r = pull(data);
      if (!r.ok()) return r.take_error();
      n = r.value();
    }
    if (hash && n) stored.update(*data, n);
    raw_total += n;
    if (opt->tick && n && !opt->tick(raw_total)) {
      return make_error(Code::kCancelled, "cancelled", where);
    }
    return n;
  }

  static la_ssize_t read_cb(struct archive*, void* self_v, const void** data) {
    auto* self = static_cast<Pipe*>(self_v);
    auto r = self->raw(data);
    if (!r.ok()) {
      self->err = r.take_error();
      self->failed = true;
      return -1;
    }
    return static_cast<la_ssize_t>(r.value());
  }

  Status start() {
    a = archive_read_new();
    if (!a) return make_error(Code::kInternal, "out of memory", where);
    archive_read_support_format_raw(a);
    archive_read_support_filter_gzip(a);
    archive_read_support_filter_zstd(a);
    archive_read_support_filter_xz(a);
    archive_read_support_filter_bzip2(a);
    archive_read_set_callback_data(a, this);
    archive_read_set_read_callback(a, &Pipe::read_cb);
    if (archive_read_open1(a) != ARCHIVE_OK) return fail("cannot open compressed stream");
    struct archive_entry* e = nullptr;
    int r = archive_read_next_header(a, &e);
    if (r == ARCHIVE_EOF) { decoder_eof = true; return Status::Ok(); }
    if (r != ARCHIVE_OK && r != ARCHIVE_WARN) return fail("cannot start decoding");
    return Status::Ok();
  }

  Error fail(const std::string& what) {
    if (failed) return with_where(err, where);
    const char* s = a ? archive_error_string(a) : nullptr;
    std::string m = what;
    if (s && *s) m += ": " + std::string(s);
    bool trunc = s && (std::strstr(s, "runcated") || std::strstr(s, "remature") || std::strstr(s, "nexpected"));
    return make_error(trunc ? Code::kTruncated : Code::kCorrupt, m,
                      where + " (compressed byte " + std::to_string(raw_total) + ")");
  }

  // Next decoded chunk (for the tar reader).
  Result<size_t> decoded(const void** data) {
    if (decoder_eof) return size_t{0};
    size_t n = 0;
    la_int64_t off = 0;
    int r = archive_read_data_block(a, data, &n, &off);
    if (r == ARCHIVE_EOF) { decoder_eof = true; return size_t{0}; }
    if (r != ARCHIVE_OK && r != ARCHIVE_WARN) return fail("corrupt compressed data");
    if (hash && n) unpacked.update(*data, n);
    out_total += n;
    if (out_total > opt->max_expansion_floor &&
        static_cast<double>(out_total) > opt->max_expansion_ratio * static_cast<double>(raw_total ? raw_total : 1)) {
      return make_error(Code::kLimit,
                        "decompression bomb: " + std::to_string(raw_total) + " compressed bytes expand past " +
                            std::to_string(out_total) + " bytes (limit ratio " +
                            std::to_string(static_cast<int>(opt->max_expansion_ratio)) + ")",
                        where);
    }
    return n;
  }
};

LayerStream::~LayerStream() = default;

Result<std::unique_ptr<LayerStream>> LayerStream::open(std::shared_ptr<ByteSource> src, LayerStreamOptions opt,
                                                       std::string where) {
  std::unique_ptr<LayerStream> ls(new LayerStream());
  ls->opt_ = std::move(opt);
  ls->where_ = std::move(where);
  LS_RETURN_IF_ERROR(ls->init(std::move(src), {}, {}));
  return ls;
}

Result<std::unique_ptr<LayerStream>> LayerStream::open_stream(std::string prefix, TarReader::Pull pull,
                                                              LayerStreamOptions opt, std::string where) {
  std::unique_ptr<LayerStream> ls(new LayerStream());
  ls->opt_ = std::move(opt);
  ls->where_ = std::move(where);
  LS_RETURN_IF_ERROR(ls->init(nullptr, std::move(prefix), std::move(pull)));
  return ls;
}

Status LayerStream::init(std::shared_ptr<ByteSource> src, std::string prefix, TarReader::Pull pull) {
  uint8_t head[8] = {0};
  size_t head_n = 0;
  if (src) {
    auto r = src->read_at(0, head, sizeof head);
    if (!r.ok()) return with_where(r.take_error(), where_);
    head_n = r.value();
  } else {
    head_n = std::min(prefix.size(), sizeof head);
    std::memcpy(head, prefix.data(), head_n);
  }
  compression_ = sniff_compression(head, head_n);
  if (src && src->size() == 0) {
    // An empty blob is an empty layer.
    direct_ = true;
    return Status::Ok();
  }
  if (src && compression_ == Compression::kNone && !opt_.hash) {
    direct_ = true;
    direct_size_ = src->size();
    auto t = TarReader::open(src, where_);
    if (!t.ok()) return t.take_error();
    tar_ = std::move(t).value();
    return Status::Ok();
  }
  pipe_ = std::make_unique<Pipe>();
  pipe_->src = std::move(src);
  pipe_->prefix = std::move(prefix);
  pipe_->pull = std::move(pull);
  pipe_->hash = opt_.hash;
  pipe_->opt = &opt_;
  pipe_->where = where_;
  if (pipe_->src) pipe_->buf.reset(new uint8_t[kChunk]);
  LS_RETURN_IF_ERROR(pipe_->start());
  Pipe* p = pipe_.get();
  auto t = TarReader::open_stream([p](const void** d) { return p->decoded(d); }, where_);
  if (!t.ok()) {
    if (p->out_total == 0 && p->decoder_eof) {
      // A compressed empty stream: an empty layer.
      return Status::Ok();
    }
    return t.take_error();
  }
  tar_ = std::move(t).value();
  return Status::Ok();
}

Result<bool> LayerStream::next(TarHeader* h) {
  if (!tar_) return false;
  return tar_->next(h);
}

Result<size_t> LayerStream::read(void* buf, size_t n) {
  if (!tar_) return size_t{0};
  return tar_->read(buf, n);
}

Status LayerStream::finish() {
  if (direct_) {
    uncompressed_ = direct_size_;
    return Status::Ok();
  }
  if (!pipe_) return Status::Ok();
  const void* d = nullptr;
  for (;;) {
    auto r = pipe_->decoded(&d);
    if (!r.ok()) return r.take_error();
    if (r.value() == 0) break;
  }
  // Drain raw input the decoder did not need (e.g. bytes after the end of a gzip member).
  if (pipe_->hash) {
    for (;;) {
      auto r = pipe_->raw(&d);
      if (!r.ok()) return r.take_error();
      if (r.value() == 0) break;
    }
    stored_digest_ = pipe_->stored.finish_digest();
    diff_id_ = pipe_->unpacked.finish_digest();
  }
  uncompressed_ = pipe_->out_total;
  return Status::Ok();
}

}  // namespace layerscope
