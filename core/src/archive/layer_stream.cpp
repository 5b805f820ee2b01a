#include "archive/layer_stream.h"

#include <archive.h>
#include <archive_entry.h>

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <vector>

#include "archive/direct_decoders.h"
#include "base/sha256.h"

namespace layerscope {

namespace {
constexpr size_t kChunk = 1 << 20;

// CRC-32 (the gzip polynomial), slice-by-8. libarchive's gzip reader skips the
// member trailer without checking it, so a damaged gzip layer would decode to
// wrong bytes silently; the pipeline checks CRC-32 and ISIZE itself.
const uint32_t (&crc_tables())[8][256] {
  static const auto tables = [] {
    struct T { uint32_t t[8][256]; } x{};
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
      x.t[0][i] = c;
    }
    for (int k = 1; k < 8; ++k)
      for (uint32_t i = 0; i < 256; ++i) x.t[k][i] = (x.t[k - 1][i] >> 8) ^ x.t[0][x.t[k - 1][i] & 255];
    return x;
  }();
  return tables.t;
}

uint32_t crc32_update(uint32_t crc, const uint8_t* p, size_t n) {
  const auto& T = crc_tables();
  crc = ~crc;
  while (n >= 8) {
    uint32_t a = crc ^ (uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24);
    uint32_t b = uint32_t{p[4]} | uint32_t{p[5]} << 8 | uint32_t{p[6]} << 16 | uint32_t{p[7]} << 24;
    crc = T[7][a & 255] ^ T[6][(a >> 8) & 255] ^ T[5][(a >> 16) & 255] ^ T[4][a >> 24] ^ T[3][b & 255] ^
          T[2][(b >> 8) & 255] ^ T[1][(b >> 16) & 255] ^ T[0][b >> 24];
    p += 8;
    n -= 8;
  }
  while (n--) crc = (crc >> 8) ^ T[0][(crc ^ *p++) & 255];
  return ~crc;
}
// A compressed stream's magic at the start of decoded bytes, as strictly as
// libarchive's bidders take it: gzip with its method byte, bzip2 with its block
// magic ("BZh" alone may start a tar's first name).
Compression compressed_again(const uint8_t* p, size_t n) {
  const Compression c = sniff_compression(p, n);
  if (c == Compression::kGzip && !(n >= 3 && p[2] == 0x08)) return Compression::kNone;
  if (c == Compression::kBzip2 &&
      !(n >= 10 && p[3] >= '1' && p[3] <= '9' && std::memcmp(p + 4, "\x31\x41\x59\x26\x53\x59", 6) == 0))
    return Compression::kNone;
  return c;
}
}  // namespace

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
  uint8_t tail[8] = {0};  // the last 8 raw bytes seen (a gzip trailer at the end)
  // hashing
  bool hash = false;
  bool gzip = false;      // check the gzip trailer at the end of the stream
  // No filter: the decoded bytes are the stored bytes, so one SHA-256 gives both the
  // blob digest and the diff_id (hashing them twice halved verify's throughput).
  bool identity = false;
  uint32_t crc = 0;       // CRC-32 of the decoded bytes
  Sha256 stored, unpacked;
  // decoder: ISA-L's or libzstd's (archive/direct_decoders.h) where the build
  // has one for the blob's compression, else libarchive's filters
  Compression compression = Compression::kNone;
  std::unique_ptr<DirectDecoder> direct;
  struct archive* a = nullptr;
  bool decoder_eof = false;
  uint64_t out_total = 0;
  Error err;
  bool failed = false;
  const LayerStreamOptions* opt = nullptr;
  std::string where;

  // Decoding on another thread (LayerStreamOptions::start_thread): it reads
  // and decodes into `slots` (a ring), the caller takes them in order. The
  // decoded bytes' CRC-32 and SHA-256 and the progress tick are the caller's.
  struct Ahead {
    static constexpr size_t kSlots = 4;
    static constexpr size_t kSlotBytes = 256 << 10;
    std::mutex mu;
    std::condition_variable cv;
    std::vector<uint8_t> slots[kSlots];
    size_t head = 0;    // the caller's next (or current, while `held`) slot
    size_t count = 0;   // slots filled from head on
    bool held = false;  // the caller still reads slots[head]
    bool done = false;  // the decoder ended: at the end of the stream, or failed
    bool failed = false;
    Error err;
    std::atomic<bool> stop{false};     // the caller is gone: end now
    std::atomic<uint64_t> raw_seen{0};  // raw bytes read (the caller's tick)
    uint64_t ticked = 0;
    bool over = false;  // the caller took the end (the thread is joined)
    std::function<void()> join;
  };
  std::unique_ptr<Ahead> ahead;

  ~Pipe() {
    stop_ahead();
    if (a) archive_read_free(a);
  }

  void stop_ahead() {
    if (!ahead || !ahead->join) return;
    {
      std::lock_guard<std::mutex> l(ahead->mu);
      ahead->stop = true;
    }
    ahead->cv.notify_all();
    auto join = std::move(ahead->join);
    ahead->join = nullptr;
    join();
  }

  // Next raw chunk of the blob.
  Result<size_t> raw(const void** data) {
    if (ahead && ahead->stop.load(std::memory_order_relaxed)) return make_error(Code::kCancelled, "cancelled", where);
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
    if (n >= 8) {
      std::memcpy(tail, static_cast<const uint8_t*>(*data) + n - 8, 8);
    } else if (n) {
      std::memmove(tail, tail + n, 8 - n);
      std::memcpy(tail + 8 - n, *data, n);
    }
    raw_total += n;
    if (ahead) {
      ahead->raw_seen.store(raw_total, std::memory_order_relaxed);  // the caller ticks
    } else if (opt->tick && n && !opt->tick(raw_total)) {
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
    LS_ASSIGN_OR_RETURN(direct, make_direct_decoder(compression, opt->partial,
                                                    RawInput{[this](const void** d) { return raw(d); },
                                                             [this] { return raw_total; }},
                                                    where));
    if (direct) {
      gzip = false;  // (no CRC of ours: ISA-L checks every member's trailer)
      return Status::Ok();
    }
    // A reader that may stop early (LayerStreamOptions::partial) would rarely
    // reach the gzip trailer, so it keeps no CRC-32 of the decoded bytes (reading
    // a file at the end of a 627 MB gzip layer in wasm: 1.57 s with it, 1.26 s without).
    if (opt->partial) gzip = false;
    a = archive_read_new();
    if (!a) return make_error(Code::kInternal, "out of memory", where);
    archive_read_support_format_raw(a);
    archive_read_support_format_empty(a);  // a compressed stream of zero bytes: an empty layer
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
    identity = archive_filter_count(a) == 1 && archive_filter_code(a, 0) == ARCHIVE_FILTER_NONE;
    // (as in decode_block: a layer is one tar compressed once, whichever decoder)
    if (archive_filter_count(a) > 2)
      return make_error(Code::kCorrupt,
                        std::string("the layer's decoded bytes are compressed again (") + archive_filter_name(a, 0) +
                            " inside " + archive_filter_name(a, archive_filter_count(a) - 2) +
                            "): a layer is one tar, compressed once",
                        where);
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

  // At the end of a gzip stream: the trailer (the blob's last 8 bytes) must
  // hold the CRC-32 and length of what was decoded. When the length does not
  // match, the blob has several gzip members or trailing bytes and cannot be
  // checked this way; nothing is claimed then.
  Status check_gzip_trailer() {
    LS_RETURN_IF_ERROR(drain_raw());
    return compare_gzip_trailer();
  }

  Status drain_raw() {
    const void* d = nullptr;
    for (;;) {
      auto r = raw(&d);
      if (!r.ok()) return with_where(r.take_error(), where);
      if (r.value() == 0) return Status::Ok();
    }
  }

  Status compare_gzip_trailer() {
    if (raw_total < 18) return Status::Ok();
    uint32_t want = uint32_t{tail[0]} | uint32_t{tail[1]} << 8 | uint32_t{tail[2]} << 16 | uint32_t{tail[3]} << 24;
    uint32_t isize = uint32_t{tail[4]} | uint32_t{tail[5]} << 8 | uint32_t{tail[6]} << 16 | uint32_t{tail[7]} << 24;
    if (isize != static_cast<uint32_t>(out_total) || want == crc) return Status::Ok();
    char b[64];
    std::snprintf(b, sizeof b, "%08x, the trailer says %08x", crc, want);
    return make_error(Code::kCorrupt,
                      std::string("gzip CRC-32 mismatch: the compressed layer is damaged (decoded data has CRC ") + b +
                          ")",
                      where);
  }

  // Next decoded chunk (for the tar reader).
  Result<size_t> decoded(const void** data) {
    if (ahead) return take(data);
    LS_ASSIGN_OR_RETURN(size_t n, decode_block(data));
    if (n == 0) {
      if (gzip) LS_RETURN_IF_ERROR(check_gzip_trailer());
      return n;
    }
    if (hash && !identity) unpacked.update(*data, n);
    if (gzip) crc = crc32_update(crc, static_cast<const uint8_t*>(*data), n);
    return n;
  }

  // Starts decoding on another thread (the decoder is open: start() is done).
  void start_ahead(const StartThread& start_thread) {
    ahead = std::make_unique<Ahead>();
    ahead->raw_seen = raw_total;
    ahead->join = start_thread([this] { produce(); });
  }

  // The decoding thread: fills free slots until the end of the stream (then,
  // for gzip, reads the rest of the raw bytes: the trailer), an error or stop.
  void produce() {
    Ahead& A = *ahead;
    for (;;) {
      std::vector<uint8_t>* s = nullptr;
      {
        std::unique_lock<std::mutex> l(A.mu);
        A.cv.wait(l, [&] { return A.stop || A.count < Ahead::kSlots; });
        if (A.stop) break;
        s = &A.slots[(A.head + A.count) % Ahead::kSlots];
      }
      s->clear();
      Status st = Status::Ok();
      bool end = false;
      while (s->size() < Ahead::kSlotBytes) {
        const void* d = nullptr;
        auto r = decode_block(&d);
        if (!r.ok()) {
          st = r.take_error();
          break;
        }
        if (r.value() == 0) {
          end = true;
          if (gzip) st = drain_raw();
          break;
        }
        const auto* p = static_cast<const uint8_t*>(d);
        s->insert(s->end(), p, p + r.value());
      }
      std::lock_guard<std::mutex> l(A.mu);
      if (!s->empty()) ++A.count;
      if (!st.ok()) {
        A.failed = true;
        A.err = st.error();
      }
      if (!st.ok() || end) {
        A.done = true;
        A.cv.notify_all();
        return;
      }
      A.cv.notify_all();
    }
    std::lock_guard<std::mutex> l(A.mu);
    A.done = true;
    A.cv.notify_all();
  }

  // The caller's next decoded slice from the decoding thread; at the end the
  // thread is joined and the stream is the caller's again.
  Result<size_t> take(const void** data) {
    Ahead& A = *ahead;
    if (A.over) return size_t{0};
    std::unique_lock<std::mutex> l(A.mu);
    if (A.held) {
      A.held = false;
      A.head = (A.head + 1) % Ahead::kSlots;
      --A.count;
      A.cv.notify_all();
    }
    A.cv.wait(l, [&] { return A.count > 0 || A.done; });
    if (A.count > 0) {
      const std::vector<uint8_t>& s = A.slots[A.head];
      A.held = true;
      l.unlock();
      *data = s.data();
      const size_t n = s.size();
      if (hash && !identity) unpacked.update(s.data(), n);
      if (gzip) crc = crc32_update(crc, s.data(), n);
      const uint64_t seen = A.raw_seen.load(std::memory_order_relaxed);
      if (opt->tick && seen != A.ticked) {
        A.ticked = seen;
        if (!opt->tick(seen)) return make_error(Code::kCancelled, "cancelled", where);
      }
      return n;
    }
    l.unlock();
    auto join = std::move(A.join);
    A.join = nullptr;
    if (join) join();
    if (A.failed) return A.err;
    A.over = true;
    if (opt->tick && raw_total != A.ticked && !opt->tick(raw_total))
      return make_error(Code::kCancelled, "cancelled", where);
    if (gzip) LS_RETURN_IF_ERROR(compare_gzip_trailer());
    return size_t{0};
  }

  // The decoder's next block: the limits and counts, not the hashes of the
  // decoded bytes (the caller's, in decoded() / take()).
  Result<size_t> decode_block(const void** data) {
    if (decoder_eof) return size_t{0};
    size_t n = 0;
    if (direct) {
      LS_ASSIGN_OR_RETURN(n, direct->block(data));
    } else {
      la_int64_t off = 0;
      int r = archive_read_data_block(a, data, &n, &off);
      if (r == ARCHIVE_EOF) n = 0;
      else if (r != ARCHIVE_OK && r != ARCHIVE_WARN) return fail("corrupt compressed data");
    }
    if (n == 0) {
      decoder_eof = true;
      return size_t{0};
    }
    // ISA-L and libzstd remove one compression; libarchive's filters (the tar
    // reader's too) would remove another, beyond the expansion limit and with
    // offsets the readers of the decoded stream do not share. A layer is one tar
    // compressed once: decoded bytes that start compressed again are refused.
    if (out_total == 0 && direct) {
      const Compression inner = compressed_again(static_cast<const uint8_t*>(*data), n);
      if (inner != Compression::kNone)
        return make_error(Code::kCorrupt,
                          std::string("the layer's decoded bytes are compressed again (") + compression_name(inner) +
                              "): a layer is one tar, compressed once",
                          where);
    }
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

Result<std::unique_ptr<LayerStream>> LayerStream::open_decoded(std::shared_ptr<ByteSource> src, LayerStreamOptions opt,
                                                               std::string where) {
  std::unique_ptr<LayerStream> ls(new LayerStream());
  ls->opt_ = std::move(opt);
  ls->where_ = std::move(where);
  ls->decoded_only_ = true;
  LS_RETURN_IF_ERROR(ls->init(std::move(src), {}, {}));
  return ls;
}

Result<std::unique_ptr<LayerStream>> LayerStream::open_decoded_stream(std::string prefix, TarReader::Pull pull,
                                                                      LayerStreamOptions opt, std::string where) {
  std::unique_ptr<LayerStream> ls(new LayerStream());
  ls->opt_ = std::move(opt);
  ls->where_ = std::move(where);
  ls->decoded_only_ = true;
  LS_RETURN_IF_ERROR(ls->init(nullptr, std::move(prefix), std::move(pull)));
  return ls;
}

Result<size_t> LayerStream::read_decoded(const void** data) {
  if (!decoded_only_) return make_error(Code::kInternal, "read_decoded on a tar stream", where_);
  if (!pipe_) return size_t{0};
  LS_ASSIGN_OR_RETURN(size_t n, pipe_->decoded(data));
  if (n == 0) LS_RETURN_IF_ERROR(finish());
  return n;
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
  if (src && compression_ == Compression::kNone && !opt_.hash && !decoded_only_) {
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
  pipe_->gzip = compression_ == Compression::kGzip;
  pipe_->compression = compression_;
  pipe_->opt = &opt_;
  pipe_->where = where_;
  if (pipe_->src) {
    pipe_->buf.reset(new uint8_t[kChunk]);
    // The decoder reads the whole blob in order: the source may read ahead.
    if (!opt_.partial) pipe_->src->will_read(0, pipe_->src->size());
    else if (opt_.announce) pipe_->src->will_read(0, std::min(opt_.announce, pipe_->src->size()));
  }
  LS_RETURN_IF_ERROR(pipe_->start());
  // A compressed blob of random access is decoded on another thread (a pulled
  // stream is not: its source is a reader the caller's thread shares).
  if (opt_.start_thread && pipe_->src && compression_ != Compression::kNone && !pipe_->decoder_eof)
    pipe_->start_ahead(opt_.start_thread);
  if (decoded_only_) return Status::Ok();
  Pipe* p = pipe_.get();
  auto t = TarReader::open_stream([p](const void** d) { return p->decoded(d); }, where_);
  if (!t.ok()) {
    p->stop_ahead();  // (joined: the decoder's state is this thread's again)
    if (p->out_total == 0 && p->decoder_eof) {
      // A compressed empty stream: an empty layer.
      return Status::Ok();
    }
    return t.take_error();
  }
  tar_ = std::move(t).value();
  return Status::Ok();
}

// A direct reader has no pipe to tick from: it ticks with the bytes of the
// blob consumed so far, at an entry or a payload read once another MiB has
// gone by (an index of many small entries does not call out per entry).
Status LayerStream::direct_tick() {
  if (!direct_ || !opt_.tick) return Status::Ok();
  uint64_t pos = tar_->position();
  if (pos < next_tick_) return Status::Ok();
  next_tick_ = pos + (1u << 20);
  if (!opt_.tick(pos)) return make_error(Code::kCancelled, "cancelled", where_);
  return Status::Ok();
}

Result<bool> LayerStream::next(TarHeader* h) {
  if (!tar_) return false;
  LS_RETURN_IF_ERROR(direct_tick());
  return tar_->next(h);
}

Result<size_t> LayerStream::read(void* buf, size_t n) {
  if (!tar_) return size_t{0};
  LS_ASSIGN_OR_RETURN(size_t got, tar_->read(buf, n));
  LS_RETURN_IF_ERROR(direct_tick());
  return got;
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
    diff_id_ = pipe_->identity ? stored_digest_ : pipe_->unpacked.finish_digest();
  }
  uncompressed_ = pipe_->out_total;
  return Status::Ok();
}

}  // namespace layerscope
