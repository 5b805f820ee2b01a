// RAII libarchive reader over a ByteSource (seekable: payloads of entries not
// read are skipped by moving the offset, not by reading) or over a pull
// stream (a member of an outer archive being read in one pass).
// Only the tar format and the gzip/zstd/xz/bzip2 filters are registered.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "layerscope/byte_source.h"
#include "layerscope/model.h"
#include "layerscope/status.h"

struct archive;
struct archive_entry;

namespace layerscope {

struct TarHeader {
  std::string path;      // pathname bytes as stored (not normalised)
  EntryType type = EntryType::kOther;
  int64_t size = 0;
  uint32_t mode = 0, uid = 0, gid = 0;
  int64_t mtime = 0;
  std::string symlink;   // symlink target
  std::string hardlink;  // hardlink target path (as stored)
  uint64_t data_offset = 0;  // offset of the payload in the uncompressed stream;
                             // kSparseDataOffset is set for a sparse entry (below)
};

// What a writer needs besides TarHeader to copy an entry faithfully (user and
// group names, device numbers, extended attributes such as
// security.capability); read on demand, so listing pays nothing for it.
struct TarExtras {
  std::string uname, gname;
  uint32_t devmajor = 0, devminor = 0;
  std::vector<std::pair<std::string, std::string>> xattrs;  // name, value bytes
};

// Set in TarHeader::data_offset of a sparse entry (GNU or PAX sparse): its
// stored bytes are not its content (holes are left out), so it must be read
// through the tar reader, never by position. The offset stays unique and equal
// on every pass, so entries can still be matched by it.
inline constexpr uint64_t kSparseDataOffset = 1ull << 63;
// Where an entry's stored bytes start in the decoded stream, whether it is sparse or not.
inline constexpr uint64_t data_position(uint64_t data_offset) { return data_offset & ~kSparseDataOffset; }

// Sniffs compression from magic bytes (gzip 1f8b, zstd 28b52ffd or a skippable frame 5?2a4d18,
// xz fd377a585a00, bzip2 "BZh").
Compression sniff_compression(const uint8_t* p, size_t n);
// True if the 512-byte block looks like a tar header (ustar magic or a valid checksum).
bool looks_like_tar(const uint8_t* p, size_t n);
// True if the 512-byte block is a tar header (its checksum holds) whose size
// field says `size` (octal, or base-256 as GNU tar writes large sizes).
bool tar_header_of_size(const uint8_t* p, uint64_t size);
// True if the first bytes of a member can start a layer: a compressed stream, a
// tar header, or a zero block (an empty tar is two zero blocks and nothing else).
bool looks_like_layer(const uint8_t* p, size_t n);

class TarReader {
 public:
  // Pull: sets *data to the next chunk and returns its size; 0 at the end.
  using Pull = std::function<Result<size_t>(const void** data)>;

  static Result<std::unique_ptr<TarReader>> open(std::shared_ptr<ByteSource> src, std::string where);
  static Result<std::unique_ptr<TarReader>> open_stream(Pull pull, std::string where);
  ~TarReader();

  // Advances to the next entry. false at the end of the archive.
  Result<bool> next(TarHeader* h);
  // The current entry's names, device numbers and extended attributes.
  TarExtras extras() const;
  // Reads the current entry's payload; 0 at its end.
  Result<size_t> read(void* buf, size_t n);
  // Zero-copy: next block of the current entry's payload; false at its end.
  Result<bool> read_block(const void** data, size_t* n);
  // The current entry's payload as a Pull stream (for a layer nested in this
  // archive); valid while this reader lives and stays on the entry.
  Pull member_pull();

  Compression compression() const { return compression_; }
  // Uncompressed bytes consumed so far by the tar parser.
  uint64_t position() const;
  // Raw (compressed) bytes consumed so far.
  uint64_t raw_position() const;
  // Warnings libarchive reported (ARCHIVE_WARN), joined; empty if none.
  const std::string& warnings() const { return warnings_; }
  // Number of entries returned so far.
  uint64_t count() const { return count_; }

 private:
  TarReader() = default;
  Status start();
  Error la_error(Code c, const std::string& what) const;

  struct archive* a_ = nullptr;
  struct archive_entry* e_ = nullptr;
  std::shared_ptr<ByteSource> src_;
  Pull pull_;
  uint64_t pos_ = 0;
  std::unique_ptr<uint8_t[]> buf_;
  size_t buf_size_ = 0;
  static const size_t kMinRead;
  size_t next_read_ = 512;
  std::string where_;
  Compression compression_ = Compression::kNone;
  bool first_ = true;
  std::string warnings_;
  uint64_t count_ = 0;
  std::string last_path_;         // the previous entry, for errors that concern it
  int64_t last_size_ = 0;
  uint64_t last_data_offset_ = 0;
  Error callback_error_;
  bool callback_failed_ = false;

  static long read_cb(struct archive*, void* self, const void** buf);
  static int64_t skip_cb(struct archive*, void* self, int64_t request);
  static int64_t seek_cb(struct archive*, void* self, int64_t offset, int whence);
};

}  // namespace layerscope
