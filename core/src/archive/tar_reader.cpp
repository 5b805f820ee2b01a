#include "archive/tar_reader.h"

#include "layerscope/text.h"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <cstring>

namespace layerscope {

namespace {
constexpr size_t kBlockSize = 1 << 20;  // 1 MiB reads at most: few JS crossings, bounded memory


bool says_truncated(const char* s) {
  return s && (std::strstr(s, "runcated") || std::strstr(s, "premature") || std::strstr(s, "Premature") ||
               std::strstr(s, "nexpected EOF") || std::strstr(s, "nexpected end"));
}
}  // namespace
const size_t TarReader::kMinRead = 512;

Compression sniff_compression(const uint8_t* p, size_t n) {
  if (n >= 2 && p[0] == 0x1f && p[1] == 0x8b) return Compression::kGzip;
  if (n >= 4 && p[0] == 0x28 && p[1] == 0xb5 && p[2] == 0x2f && p[3] == 0xfd) return Compression::kZstd;
  // A skippable zstd frame (magic 0x184D2A5?, little-endian) may come first; libarchive
  // takes that as zstd too, so a blob starting with one is no plain tar.
  if (n >= 4 && (p[0] & 0xf0) == 0x50 && p[1] == 0x2a && p[2] == 0x4d && p[3] == 0x18) return Compression::kZstd;
  if (n >= 6 && std::memcmp(p, "\xfd" "7zXZ\0", 6) == 0) return Compression::kXz;
  if (n >= 3 && p[0] == 'B' && p[1] == 'Z' && p[2] == 'h') return Compression::kBzip2;
  return Compression::kNone;
}

bool looks_like_layer(const uint8_t* p, size_t n) {
  if (sniff_compression(p, n) != Compression::kNone || looks_like_tar(p, n)) return true;
  return n >= 512 && std::all_of(p, p + 512, [](uint8_t x) { return x == 0; });
}

namespace {
// Whether a 512-byte header's checksum field (octal digits) equals the sum of its
// bytes with that field as spaces: unsigned bytes (POSIX), or also signed ones
// (some old writers) when `signed_too`.
bool checksum_holds(const uint8_t* p, bool signed_too) {
  uint64_t usum = 0;
  int64_t ssum = 0;
  for (int i = 0; i < 512; ++i) {
    const uint8_t c = (i >= 148 && i < 156) ? ' ' : p[i];
    usum += c;
    ssum += static_cast<int8_t>(c);
  }
  uint64_t stored = 0;
  bool digits = false;
  for (int i = 148; i < 156; ++i) {
    if (p[i] >= '0' && p[i] <= '7') { stored = stored * 8 + (p[i] - '0'); digits = true; }
    else if (p[i] == ' ' || p[i] == 0) { if (digits) break; }
    else return false;
  }
  return digits && (stored == usum || (signed_too && static_cast<int64_t>(stored) == ssum));
}
}  // namespace

bool looks_like_tar(const uint8_t* p, size_t n) {
  if (n < 512) return false;
  if (std::memcmp(p + 257, "ustar", 5) == 0) return true;
  // Old-style v7 header: verify the checksum.
  return checksum_holds(p, false) && p[0] != 0;
}

bool tar_header_of_size(const uint8_t* p, uint64_t size) {
  if (!checksum_holds(p, true)) return false;
  // The size: 12 bytes at 124, octal digits (leading spaces allowed) up to a NUL
  // or space, or base-256 when the first byte's high bit is set.
  uint64_t v = 0;
  if (p[124] & 0x80) {
    if (p[124] != 0x80) return false;  // negative, or more than 88 bits
    for (int i = 125; i < 136; ++i) {
      if (v >> 56) return false;
      v = (v << 8) | p[i];
    }
    return v == size;
  }
  int i = 124;
  while (i < 136 && p[i] == ' ') ++i;
  bool digits = false;
  for (; i < 136 && p[i] >= '0' && p[i] <= '7'; ++i) {
    v = v * 8 + (p[i] - '0');
    digits = true;
  }
  if (i < 136 && p[i] != ' ' && p[i] != 0) return false;
  return digits && v == size;
}

TarReader::~TarReader() {
  if (a_) archive_read_free(a_);
}

long TarReader::read_cb(struct archive*, void* self_v, const void** out) {
  auto* self = static_cast<TarReader*>(self_v);
  if (self->pull_) {
    auto r = self->pull_(out);
    if (!r.ok()) {
      self->callback_error_ = r.take_error();
      self->callback_failed_ = true;
      return -1;
    }
    return static_cast<long>(r.value());
  }
  uint64_t size = self->src_->size();
  if (self->pos_ >= size) return 0;
  // Adaptive read size: small right after a skip (so listing reads little more
  // than headers), doubling while reads are sequential (so streaming is fast).
  size_t want = self->next_read_;
  self->next_read_ = std::min(self->buf_size_, self->next_read_ * 2);
  size_t n = static_cast<size_t>(std::min<uint64_t>(want, size - self->pos_));
  auto r = self->src_->read_at(self->pos_, self->buf_.get(), n);
  if (!r.ok()) {
    self->callback_error_ = r.take_error();
    self->callback_failed_ = true;
    return -1;
  }
  self->pos_ += r.value();
  *out = self->buf_.get();
  return static_cast<long>(r.value());
}

int64_t TarReader::skip_cb(struct archive*, void* self_v, int64_t request) {
  auto* self = static_cast<TarReader*>(self_v);
  if (!self->src_ || request <= 0) return 0;
  uint64_t size = self->src_->size();
  uint64_t room = size > self->pos_ ? size - self->pos_ : 0;
  uint64_t step = std::min<uint64_t>(static_cast<uint64_t>(request), room);
  self->pos_ += step;
  self->next_read_ = kMinRead;
  return static_cast<int64_t>(step);
}

int64_t TarReader::seek_cb(struct archive*, void* self_v, int64_t offset, int whence) {
  auto* self = static_cast<TarReader*>(self_v);
  if (!self->src_) return ARCHIVE_FATAL;
  int64_t size = static_cast<int64_t>(self->src_->size());
  int64_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? static_cast<int64_t>(self->pos_) : size;
  int64_t target = base + offset;
  if (target < 0) return ARCHIVE_FATAL;
  if (target > size) target = size;
  self->pos_ = static_cast<uint64_t>(target);
  self->next_read_ = kMinRead;
  return target;
}

Error TarReader::la_error(Code c, const std::string& what) const {
  if (callback_failed_) return with_where(callback_error_, where_);
  const char* s = a_ ? archive_error_string(a_) : nullptr;
  std::string msg = what;
  if (s && *s) msg += ": " + std::string(s);
  return make_error(c, msg, where_);
}

Result<std::unique_ptr<TarReader>> TarReader::open(std::shared_ptr<ByteSource> src, std::string where) {
  std::unique_ptr<TarReader> r(new TarReader());
  r->src_ = std::move(src);
  r->where_ = std::move(where);
  r->buf_size_ = kBlockSize;
  r->buf_.reset(new uint8_t[kBlockSize]);
  LS_RETURN_IF_ERROR(r->start());
  return r;
}

Result<std::unique_ptr<TarReader>> TarReader::open_stream(Pull pull, std::string where) {
  std::unique_ptr<TarReader> r(new TarReader());
  r->pull_ = std::move(pull);
  r->where_ = std::move(where);
  LS_RETURN_IF_ERROR(r->start());
  return r;
}

Status TarReader::start() {
  a_ = archive_read_new();
  if (!a_) return make_error(Code::kInternal, "out of memory creating archive reader", where_);
  archive_read_support_format_tar(a_);
  archive_read_support_filter_gzip(a_);
  archive_read_support_filter_zstd(a_);
  archive_read_support_filter_xz(a_);
  archive_read_support_filter_bzip2(a_);
  archive_read_set_callback_data(a_, this);
  archive_read_set_read_callback(a_, reinterpret_cast<archive_read_callback*>(&TarReader::read_cb));
  if (src_) {
    archive_read_set_skip_callback(a_, reinterpret_cast<archive_skip_callback*>(&TarReader::skip_cb));
    archive_read_set_seek_callback(a_, reinterpret_cast<archive_seek_callback*>(&TarReader::seek_cb));
  }
  if (archive_read_open1(a_) != ARCHIVE_OK) {
    const char* s = archive_error_string(a_);
    return la_error(says_truncated(s) ? Code::kTruncated : Code::kCorrupt,
                    says_truncated(s) ? "the compressed stream ends early" : "not a readable tar archive");
  }
  return Status::Ok();
}

uint64_t TarReader::position() const { return static_cast<uint64_t>(archive_filter_bytes(a_, 0)); }
uint64_t TarReader::raw_position() const { return static_cast<uint64_t>(archive_filter_bytes(a_, -1)); }

Result<bool> TarReader::next(TarHeader* h) {
  int r = archive_read_next_header(a_, &e_);
  if (r == ARCHIVE_EOF) return false;
  if (r == ARCHIVE_WARN) {
    const char* s = archive_error_string(a_);
    if (s && *s) {
      if (!warnings_.empty()) warnings_ += "; ";
      warnings_ += s;
    }
  } else if (r != ARCHIVE_OK) {
    if (callback_failed_) return with_where(callback_error_, where_);
    const char* s = archive_error_string(a_);
    bool trunc = says_truncated(s);
    // Where it broke: inside the previous entry's payload (its size field says
    // more than the input holds), or in the header that follows it.
    uint64_t last_end = last_data_offset_ + static_cast<uint64_t>(last_size_);
    bool in_payload = false;
    if (trunc && count_ > 0 && last_size_ > 0) {
      if (src_ && compression_ == Compression::kNone) in_payload = last_end > src_->size();
      else in_payload = s && std::strstr(s, "Truncated input file") && position() < last_end;
    }
    std::string msg;
    if (in_payload) {
      msg = "the input ends inside the data of entry '" + escape_text(last_path_, kQuoteBytes) + "' (" + std::to_string(last_size_) +
            " bytes declared at offset " + std::to_string(last_data_offset_) +
            (src_ && compression_ == Compression::kNone
                 ? ", " + std::to_string(src_->size() > last_data_offset_ ? src_->size() - last_data_offset_ : 0) +
                       " present)"
                 : ")");
    } else {
      msg = "cannot read the tar header " +
            (count_ ? "after entry '" + escape_text(last_path_, kQuoteBytes) + "'" : std::string("at the start")) + " (entry " +
            std::to_string(count_ + 1) + ", uncompressed offset " + std::to_string(position()) + ")";
    }
    if (s && *s) msg += ": " + escape_text(s, 400);
    Error e = make_error(trunc ? Code::kTruncated : Code::kCorrupt, msg, where_);
    if (in_payload) e.where = where_.empty() ? last_path_ : where_ + ": " + last_path_;
    return e;
  }
  if (first_) {
    first_ = false;
    switch (archive_filter_code(a_, 0)) {
      case ARCHIVE_FILTER_GZIP: compression_ = Compression::kGzip; break;
      case ARCHIVE_FILTER_ZSTD: compression_ = Compression::kZstd; break;
      case ARCHIVE_FILTER_XZ: compression_ = Compression::kXz; break;
      case ARCHIVE_FILTER_BZIP2: compression_ = Compression::kBzip2; break;
      case ARCHIVE_FILTER_NONE: compression_ = Compression::kNone; break;
      default: compression_ = Compression::kUnknown; break;
    }
  }
  ++count_;
  const char* p = archive_entry_pathname(e_);
  if (!p) p = archive_entry_pathname_utf8(e_);
  h->path = p ? p : "";
  const char* hl = archive_entry_hardlink(e_);
  if (!hl) hl = archive_entry_hardlink_utf8(e_);
  h->hardlink = hl ? hl : "";
  h->symlink.clear();
  auto ft = archive_entry_filetype(e_);
  if (!h->hardlink.empty()) {
    h->type = EntryType::kHardlink;
  } else {
    switch (ft) {
      case AE_IFREG: h->type = EntryType::kFile; break;
      case AE_IFDIR: h->type = EntryType::kDir; break;
      case AE_IFLNK: {
        h->type = EntryType::kSymlink;
        const char* t = archive_entry_symlink(e_);
        if (!t) t = archive_entry_symlink_utf8(e_);
        h->symlink = t ? t : "";
        break;
      }
      case AE_IFCHR: h->type = EntryType::kCharDev; break;
      case AE_IFBLK: h->type = EntryType::kBlockDev; break;
      case AE_IFIFO: h->type = EntryType::kFifo; break;
      case AE_IFSOCK: h->type = EntryType::kSocket; break;
      default: h->type = EntryType::kOther; break;
    }
  }
  h->size = archive_entry_size_is_set(e_) ? archive_entry_size(e_) : 0;
  if (h->size < 0) h->size = 0;
  h->mode = static_cast<uint32_t>(archive_entry_mode(e_));
  h->uid = static_cast<uint32_t>(archive_entry_uid(e_));
  h->gid = static_cast<uint32_t>(archive_entry_gid(e_));
  h->mtime = archive_entry_mtime(e_);
  h->data_offset = position();
  last_path_ = h->path;
  last_size_ = h->size;
  last_data_offset_ = h->data_offset;
  if (archive_entry_sparse_count(e_) > 0) h->data_offset |= kSparseDataOffset;
  return true;
}

TarExtras TarReader::extras() const {
  TarExtras x;
  if (!e_) return x;
  const char* u = archive_entry_uname(e_);
  const char* g = archive_entry_gname(e_);
  x.uname = u ? u : "";
  x.gname = g ? g : "";
  auto ft = archive_entry_filetype(e_);
  if (ft == AE_IFCHR || ft == AE_IFBLK) {
    x.devmajor = static_cast<uint32_t>(archive_entry_rdevmajor(e_));
    x.devminor = static_cast<uint32_t>(archive_entry_rdevminor(e_));
  }
  const char* name = nullptr;
  const void* value = nullptr;
  size_t size = 0;
  if (archive_entry_xattr_reset(e_) > 0)
    while (archive_entry_xattr_next(e_, &name, &value, &size) == ARCHIVE_OK)
      if (name) x.xattrs.emplace_back(name, std::string(static_cast<const char*>(value), size));
  return x;
}

Result<size_t> TarReader::read(void* buf, size_t n) {
  la_ssize_t r = archive_read_data(a_, buf, n);
  if (r < 0) {
    const char* p = e_ ? archive_entry_pathname(e_) : nullptr;
    return with_where(la_error(Code::kCorrupt, "cannot read entry data"), p ? p : "");
  }
  return static_cast<size_t>(r);
}

TarReader::Pull TarReader::member_pull() {
  return [this](const void** d) -> Result<size_t> {
    size_t n = 0;
    auto r = read_block(d, &n);
    if (!r.ok()) return r.take_error();
    return r.value() ? n : size_t{0};
  };
}

Result<bool> TarReader::read_block(const void** data, size_t* n) {
  la_int64_t off = 0;
  int r = archive_read_data_block(a_, data, n, &off);
  if (r == ARCHIVE_EOF) return false;
  if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
    const char* p = e_ ? archive_entry_pathname(e_) : nullptr;
    Error e = la_error(Code::kCorrupt, "cannot read entry data");
    if (p) e.where += std::string(": ") + p;
    return e;
  }
  return true;
}

}  // namespace layerscope
