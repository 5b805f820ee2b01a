// layerscope — where bytes come from.
//
// The core never opens files or fetches URLs itself. It reads through a
// ByteSource: a size and positional reads. Natively that is a file
// descriptor (FileSource); in the browser a File read with FileReaderSync
// over slice() (wasm/); in tests a memory buffer. Sources count the bytes
// they deliver so tests and benchmarks can prove that listing an archive
// skips layer payloads instead of reading them.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "layerscope/status.h"

namespace layerscope {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Total size in bytes.
  virtual uint64_t size() const = 0;
  // Reads up to n bytes at `offset` into buf; returns the count read, which
  // is n unless the read crosses size(). Never reads past size().
  virtual Result<size_t> read_at(uint64_t offset, void* buf, size_t n) = 0;
  // A short name for messages ("image.tar").
  virtual std::string name() const { return "input"; }
  // Advice, like posix_fadvise(SEQUENTIAL): [offset, offset + length) is about
  // to be read from start to end (a compressed blob handed to its decoder).
  // A source may start reading it ahead; the default ignores it.
  virtual void will_read(uint64_t offset, uint64_t length) {
    (void)offset;
    (void)length;
  }

  // Distinct bytes of the source delivered by read_at so far: each byte counts
  // once however often it is fetched (a member read again after the scan, a
  // file read twice), so it never exceeds size(). Monotonic; for tests,
  // benchmarks and the "Read: N of SIZE bytes" figure.
  uint64_t bytes_read() const;
  // Every byte delivered, a region read twice counting twice (the I/O cost).
  uint64_t bytes_fetched() const { return bytes_fetched_.load(std::memory_order_relaxed); }
  uint64_t read_calls() const { return read_calls_.load(std::memory_order_relaxed); }

 protected:
  // Records a delivered read of n bytes at `offset`. The ranges seen are kept
  // merged (memory grows with the number of disjoint regions read, i.e. with
  // the entries whose payloads were skipped, never with the bytes read).
  void count(uint64_t offset, size_t n);

 private:
  using Range = std::pair<uint64_t, uint64_t>;  // [start, end)
  // Merges `recent_` into `ranges_` and sets `distinct_` (ranges_mu_ held).
  void fold() const;
  mutable std::mutex ranges_mu_;
  // The ranges seen: `ranges_` sorted, disjoint, not touching; `recent_` the
  // reads since the last fold, as they came (a read touching the one before
  // extends it). Folded when `recent_` holds a quarter of `ranges_` (at least
  // 4,096), so a read costs O(log) amortised, as in a tree, at 16 bytes a
  // region where a tree's node took ~64 (142,000 regions in a 1.5 GB archive).
  mutable std::vector<Range> ranges_, recent_;
  mutable uint64_t distinct_ = 0;
  std::atomic<uint64_t> bytes_fetched_{0};
  std::atomic<uint64_t> read_calls_{0};
};

// Reads exactly n bytes at offset or fails with kTruncated/kIo.
Status read_exact(ByteSource& src, uint64_t offset, void* buf, size_t n);

// A local file (POSIX pread). Not available in the browser build's I/O policy
// but compiled everywhere (the wasm node tests may use it through NODEFS).
Result<std::shared_ptr<ByteSource>> open_file_source(const std::string& path);
// The first `size` bytes of an open file descriptor, which the source owns (closes).
std::shared_ptr<ByteSource> make_fd_source(int fd, uint64_t size, std::string name);

// A buffer held in memory (tests, small inputs).
std::shared_ptr<ByteSource> make_memory_source(std::vector<uint8_t> bytes,
                                               std::string name = "memory");

// A window [offset, offset+length) of another source; reads are counted on
// both. Used for archive members (a layer tar inside the outer tar).
std::shared_ptr<ByteSource> make_window_source(std::shared_ptr<ByteSource> base,
                                               uint64_t offset, uint64_t length,
                                               std::string name);

}  // namespace layerscope
