// RAII libarchive tar writer onto a ByteSink: one header, then the payload in
// chunks of any size; optionally compressed as a whole (gzip or zstd).
//
//   TarWriter::open(sink, opts) -> add(header) -> write(data, n)... -> add(...)
//   ... -> finish()   (then the caller finishes the sink)
//
// Paths and link targets are bytes written as given (long names and non-UTF-8
// names go into pax records, or GNU long-name entries in the GNU format);
// modes, owners (ids and names), mtimes and hard links are kept. A payload
// shorter or longer than the header's size is an error, never silent padding
// or truncation. Only the formats and filters named here are linked (the
// wasm build keeps the others out).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "layerscope/byte_sink.h"
#include "layerscope/model.h"
#include "layerscope/status.h"

struct archive;
struct archive_entry;

namespace layerscope {

enum class TarFormat {
  kPax,    // ustar headers, pax extended headers only where needed (pax_restricted)
  kUstar,  // strict POSIX ustar (names over 255 bytes, big sizes: an error)
  kGnu,    // GNU tar (././@LongLink for long names)
};

struct TarWriterOptions {
  TarFormat format = TarFormat::kPax;
  Compression compression = Compression::kNone;  // kNone, kGzip or kZstd
  int level = 0;                                 // compression level; 0 = the filter's default
};

struct TarEntryHeader {
  std::string path;   // bytes as they should be stored ("etc/passwd", "dir/")
  EntryType type = EntryType::kFile;
  uint32_t mode = 0644;  // permission bits (type bits come from `type`)
  uint32_t uid = 0, gid = 0;
  std::string uname, gname;  // empty: not written
  int64_t mtime = 0;
  int64_t size = 0;      // payload bytes (files only)
  std::string link;      // symlink target, or the hardlink's target path
  uint32_t devmajor = 0, devminor = 0;  // char/block devices
  // Extended attributes (name, value bytes), e.g. security.capability: written
  // as pax SCHILY.xattr/LIBARCHIVE.xattr records (kPax; the other formats drop them).
  std::vector<std::pair<std::string, std::string>> xattrs;
};

class TarWriter {
 public:
  // `sink` must outlive the writer; finish() does not finish it.
  static Result<std::unique_ptr<TarWriter>> open(ByteSink* sink, TarWriterOptions options = {});
  ~TarWriter();
  TarWriter(const TarWriter&) = delete;
  TarWriter& operator=(const TarWriter&) = delete;

  // Writes the next entry's header (the previous entry's payload must be complete).
  Status add(const TarEntryHeader& h);
  // Appends to the current entry's payload.
  Status write(const void* data, size_t n);
  // Ends the archive (end-of-archive blocks, compressed trailer).
  Status finish();

  uint64_t entries() const { return entries_; }

 private:
  TarWriter() = default;
  Status check_payload_complete();
  Error la_error(const std::string& what);

  struct archive* a_ = nullptr;
  struct archive_entry* e_ = nullptr;
  ByteSink* sink_ = nullptr;
  std::string current_;
  uint64_t remaining_ = 0;
  uint64_t entries_ = 0;
  bool finished_ = false;
  bool failed_ = false;
  Error sink_error_;
  bool sink_failed_ = false;

  static long write_cb(struct archive*, void* self, const void* buf, size_t n);
};

}  // namespace layerscope
