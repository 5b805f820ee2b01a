#include "archive/direct_decoders.h"

#include <cstdio>

#ifdef LAYERSCOPE_HAVE_ISAL
#include <isa-l/igzip_lib.h>
#endif
#ifdef LAYERSCOPE_HAVE_ZSTD
#define ZSTD_STATIC_LINKING_ONLY  // ZSTD_d_forceIgnoreChecksum (the same libzstd at build and run time)
#include <zstd.h>
#endif

namespace layerscope {

namespace {

#ifdef LAYERSCOPE_HAVE_ISAL
// gzip through ISA-L's inflate instead of libarchive's filter (zlib): it
// checks each member's CRC-32 and length itself. Members follow one another;
// bytes after the last that are no gzip member end the stream (as libarchive's
// filter does).
class IsalDecoder final : public DirectDecoder {
 public:
  IsalDecoder(RawInput in, std::string where) : in_(std::move(in)), where_(std::move(where)) {
    isal_inflate_init(&z_);
    z_.crc_flag = ISAL_GZIP;
  }

  Result<size_t> block(const void** data) override {
    inflate_state& z = z_;
    const auto at = [&] { return where_ + " (compressed byte " + std::to_string(in_.consumed() - z.avail_in) + ")"; };
    for (;;) {
      if (z.block_state == ISAL_BLOCK_FINISH) {
        if (z.avail_in == 0) {
          const void* d = nullptr;
          LS_ASSIGN_OR_RETURN(size_t got, in_.next(&d));
          if (got == 0) return size_t{0};
          z.next_in = static_cast<uint8_t*>(const_cast<void*>(d));
          z.avail_in = static_cast<uint32_t>(got);
        }
        if (z.next_in[0] != 0x1f) return size_t{0};  // not another member: the end
        uint8_t* next = z.next_in;
        uint32_t avail = z.avail_in;
        isal_inflate_reset(&z);
        z.crc_flag = ISAL_GZIP;
        z.next_in = next;
        z.avail_in = avail;
        member_out_ = 0;
        header_checked_ = false;
      }
      if (z.avail_in == 0) {
        const void* d = nullptr;
        LS_ASSIGN_OR_RETURN(size_t got, in_.next(&d));
        if (got == 0)
          return make_error(Code::kTruncated, "compressed stream is truncated: the gzip data ends early", at());
        z.next_in = static_cast<uint8_t*>(const_cast<void*>(d));
        z.avail_in = static_cast<uint32_t>(got);
      }
      if (!header_checked_ && z.avail_in >= 4) {
        // RFC 1952: reserved FLG bits set must be refused (ISA-L ignores them).
        header_checked_ = true;
        if (z.next_in[0] == 0x1f && z.next_in[1] == 0x8b && (z.next_in[3] & 0xe0) != 0)
          return make_error(Code::kCorrupt, "corrupt compressed data: reserved gzip header flags are set", at());
      }
      z.next_out = out_.get();
      z.avail_out = kOut;
      const int r = isal_inflate(&z);
      const size_t n = kOut - z.avail_out;
      if (r == ISAL_INCORRECT_CHECKSUM) {
        char b[64];
        std::snprintf(b, sizeof b, "%08x", z.crc);
        return make_error(Code::kCorrupt,
                          std::string("gzip CRC-32 mismatch: the compressed layer is damaged (decoded data has CRC ") + b +
                              ", not the one its trailer says, or not its length)",
                          where_);
      }
      if (r < 0) {
        const char* why = r == ISAL_INVALID_WRAPPER       ? "not a gzip header"
                          : r == ISAL_UNSUPPORTED_METHOD ? "unsupported compression method"
                          : r == ISAL_INVALID_LOOKBACK   ? "invalid distance too far back"
                          : r == ISAL_INVALID_SYMBOL     ? "invalid code"
                                                         : "invalid block";
        // A second member that does not start as one: trailing bytes, the end.
        if (r == ISAL_INVALID_WRAPPER && member_out_ == 0 && out_total_ > 0) return size_t{0};
        return make_error(Code::kCorrupt, std::string("corrupt compressed data: ") + why, at());
      }
      if (n) {
        member_out_ += n;
        out_total_ += n;
        *data = out_.get();
        return n;
      }
    }
  }

 private:
  static constexpr size_t kOut = 256 << 10;
  RawInput in_;
  std::string where_;
  inflate_state z_{};
  std::unique_ptr<uint8_t[]> out_{new uint8_t[kOut]};
  uint64_t member_out_ = 0;  // decoded bytes of the current gzip member
  uint64_t out_total_ = 0;   // decoded bytes of the stream
  bool header_checked_ = false;
};
#endif

#ifdef LAYERSCOPE_HAVE_ZSTD
// zstd through libzstd's streaming decoder instead of libarchive's filter (the
// same frames, one after another, up to the end of the blob): a reader that may
// stop early skips the frames' XXH64 content checksums, which only the end of a
// frame could check (40 of 540 ms reading a file at the end of a 627 MB layer in
// wasm); a reader to the end checks them. Frames (and skippable frames) follow
// one another to the end of the blob; anything else after a frame is corrupt
// data, and a frame cut short is a truncated stream, as with libarchive's filter.
class ZstdDecoder final : public DirectDecoder {
 public:
  ZstdDecoder(ZSTD_DStream* z, RawInput in, std::string where) : z_(z), in_(std::move(in)), where_(std::move(where)) {}
  ~ZstdDecoder() override { ZSTD_freeDStream(z_); }

  Result<size_t> block(const void** data) override {
    ZSTD_outBuffer out{out_.get(), kOut, 0};
    while (out.pos < out.size) {
      if (zin_.pos == zin_.size) {
        const void* d = nullptr;
        LS_ASSIGN_OR_RETURN(size_t got, in_.next(&d));
        if (got == 0) {
          if (in_frame_)
            return make_error(Code::kTruncated, "compressed stream is truncated: the zstd data ends early", at());
          break;
        }
        zin_ = ZSTD_inBuffer{d, got, 0};
      }
      const size_t r = ZSTD_decompressStream(z_, &out, &zin_);
      if (ZSTD_isError(r)) return make_error(Code::kCorrupt, std::string("corrupt compressed data: ") + ZSTD_getErrorName(r), at());
      in_frame_ = r != 0;
    }
    *data = out_.get();
    return out.pos;
  }

 private:
  static constexpr size_t kOut = 256 << 10;
  std::string at() const { return where_ + " (compressed byte " + std::to_string(in_.consumed()) + ")"; }
  ZSTD_DStream* z_;
  RawInput in_;
  std::string where_;
  std::unique_ptr<uint8_t[]> out_{new uint8_t[kOut]};
  ZSTD_inBuffer zin_{nullptr, 0, 0};
  bool in_frame_ = false;
};
#endif

}  // namespace

Result<std::unique_ptr<DirectDecoder>> make_direct_decoder(Compression c, bool partial, RawInput in,
                                                           std::string where) {
#ifdef LAYERSCOPE_HAVE_ISAL
  if (c == Compression::kGzip) return std::unique_ptr<DirectDecoder>(new IsalDecoder(std::move(in), std::move(where)));
#endif
#ifdef LAYERSCOPE_HAVE_ZSTD
  if (c == Compression::kZstd) {
    ZSTD_DStream* z = ZSTD_createDStream();
    if (!z) return make_error(Code::kInternal, "out of memory", where);
    if (partial) ZSTD_DCtx_setParameter(z, ZSTD_d_forceIgnoreChecksum, ZSTD_d_ignoreChecksum);
    return std::unique_ptr<DirectDecoder>(new ZstdDecoder(z, std::move(in), std::move(where)));
  }
#endif
  (void)c;
  (void)partial;
  (void)in;
  (void)where;
  return std::unique_ptr<DirectDecoder>();
}

}  // namespace layerscope
