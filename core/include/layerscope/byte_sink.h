// layerscope — where written bytes go.
//
// The mirror of ByteSource for writers (a re-exported image, an extracted
// layer): write() in order, then finish(). The core never decides where output
// lands: natively a file (written beside the target and renamed on finish), in
// the browser a sink over a stream or a download (wasm/io), in tests memory.
// A sink that was not finished must leave nothing behind.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "layerscope/byte_source.h"
#include "layerscope/status.h"

namespace layerscope {

class ByteSink {
 public:
  virtual ~ByteSink() = default;
  // Appends n bytes. After an error the sink is failed: later writes and
  // finish() return the same error.
  virtual Status write(const void* data, size_t n) = 0;
  // Completes the output (flush, close, publish). Called once; writes after it fail.
  virtual Status finish() = 0;
  // A short name for messages ("out.tar").
  virtual std::string name() const { return "output"; }
};

// A file at `path`: bytes go to a temporary file in the same directory
// (".<name>.tmp-XXXXXX"), renamed over `path` by finish(); destroying the sink
// unfinished, or any failed write, removes the temporary and leaves `path`
// (and everything else) untouched. Fails at once if the directory is not
// writable or `path` is a directory. An existing `path` that is not a regular
// file (a device such as /dev/full, a named pipe) is written in place, never
// replaced by a rename.
Result<std::unique_ptr<ByteSink>> open_file_sink(const std::string& path);

// Appends to a vector the caller owns (it must outlive the sink).
std::unique_ptr<ByteSink> make_memory_sink(std::vector<uint8_t>* out, std::string name = "memory");

// Counts the bytes passing through to `next` (nullptr: counts and discards).
class CountingSink final : public ByteSink {
 public:
  explicit CountingSink(ByteSink* next = nullptr) : next_(next) {}
  Status write(const void* data, size_t n) override;
  Status finish() override;
  std::string name() const override { return next_ ? next_->name() : "count"; }
  uint64_t count() const { return count_; }

 private:
  ByteSink* next_;
  uint64_t count_ = 0;
};

// SHA-256 of the bytes passing through to `next` (nullptr: hashes and
// discards). digest() is "sha256:<hex>" once finish() succeeded, "" before.
class HashingSink final : public ByteSink {
 public:
  explicit HashingSink(ByteSink* next = nullptr);
  ~HashingSink() override;
  Status write(const void* data, size_t n) override;
  Status finish() override;
  std::string name() const override { return next_ ? next_->name() : "sha256"; }
  const std::string& digest() const { return digest_; }
  uint64_t count() const { return count_; }

 private:
  struct Hasher;
  ByteSink* next_;
  std::unique_ptr<Hasher> hasher_;
  uint64_t count_ = 0;
  std::string digest_;
};

// Scratch storage for a writer that must know an output's size and digest
// before it writes the output (a recompressed layer inside a tar: the member's
// header comes first): written once through sink(), finished, then read back
// through source(). Its space is freed when the scratch and its sources are
// gone. The caller decides where it lives: natively a temporary file; a writer
// given none computes the bytes twice instead (once to measure them).
class Scratch {
 public:
  virtual ~Scratch() = default;
  virtual ByteSink& sink() = 0;
  // After sink().finish(): the bytes written.
  virtual Result<std::shared_ptr<ByteSource>> source() = 0;
};
using ScratchFactory = std::function<Result<std::unique_ptr<Scratch>>(const std::string& name)>;

// Runs independent tasks and returns the first failure in task order once all
// have ended. The caller decides how: the CLI on a few threads at once (the
// layers a save recompresses are compressed side by side); none given, the
// core runs them one after the other (the browser build has no threads).
using TaskRunner = std::function<Status(const std::vector<std::function<Status()>>& tasks)>;

// A scratch file in `dir` ($TMPDIR, else /tmp, when empty), unlinked as soon as
// it is created, so nothing stays behind whatever happens.
Result<std::unique_ptr<Scratch>> open_temp_scratch(const std::string& name, const std::string& dir = "");

}  // namespace layerscope
