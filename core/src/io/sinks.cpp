#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "base/sha256.h"
#include "layerscope/byte_sink.h"

namespace layerscope {
namespace {

Error io_error(const std::string& what, int err, const std::string& where) {
  return make_error(Code::kIo, what + ": " + std::strerror(err), where);
}

// All of [data, data + n) onto `fd`, through short writes and EINTR.
Status write_all(int fd, const void* data, size_t n, const char* what, const std::string& where) {
  const char* p = static_cast<const char*>(data);
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return io_error(what, errno, where);
    }
    p += w;
    n -= static_cast<size_t>(w);
  }
  return Status::Ok();
}

// mkstemp on `tmpl` (ending in XXXXXX): the descriptor (-1 and errno on
// failure), the file's path in *path.
int make_temp(const std::string& tmpl, std::string* path) {
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  int fd = ::mkstemp(buf.data());
  if (fd >= 0) *path = buf.data();
  return fd;
}

class FileSink final : public ByteSink {
 public:
  FileSink(int fd, std::string tmp, std::string target)
      : fd_(fd), tmp_(std::move(tmp)), target_(std::move(target)) {}
  ~FileSink() override { abandon(); }
  std::string name() const override { return target_; }

  Status write(const void* data, size_t n) override {
    if (failed_) return failed_status();
    if (fd_ < 0) return make_error(Code::kInvalidArgument, "write after finish", target_);
    Status st = write_all(fd_, data, n, "write failed", target_);
    return st.ok() ? st : fail(st.take_error());
  }

  Status finish() override {
    if (failed_) return failed_status();
    if (fd_ < 0) return make_error(Code::kInvalidArgument, "finished twice", target_);
    if (::fsync(fd_) != 0 && errno != EINVAL && errno != EROFS) return fail(io_error("sync failed", errno, target_));
    int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) return fail(io_error("close failed", errno, target_));
    if (tmp_.empty()) return Status::Ok();  // written in place (a device or a pipe)
    if (::rename(tmp_.c_str(), target_.c_str()) != 0) return fail(io_error("cannot rename the temporary file into place", errno, target_));
    tmp_.clear();
    return Status::Ok();
  }

 private:
  Status fail(Error e) {
    failed_ = true;
    error_ = e;
    abandon();
    return e;
  }
  Status failed_status() const { return error_; }
  void abandon() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    if (!tmp_.empty()) ::unlink(tmp_.c_str());
    tmp_.clear();
  }

  int fd_;
  std::string tmp_, target_;
  bool failed_ = false;
  Error error_;
};

class MemorySink final : public ByteSink {
 public:
  MemorySink(std::vector<uint8_t>* out, std::string name) : out_(out), name_(std::move(name)) {}
  std::string name() const override { return name_; }
  Status write(const void* data, size_t n) override {
    if (finished_) return make_error(Code::kInvalidArgument, "write after finish", name_);
    const auto* p = static_cast<const uint8_t*>(data);
    out_->insert(out_->end(), p, p + n);
    return Status::Ok();
  }
  Status finish() override {
    if (finished_) return make_error(Code::kInvalidArgument, "finished twice", name_);
    finished_ = true;
    return Status::Ok();
  }

 private:
  std::vector<uint8_t>* out_;
  std::string name_;
  bool finished_ = false;
};

}  // namespace

Result<std::unique_ptr<ByteSink>> open_file_sink(const std::string& path) {
  if (path.empty()) return make_error(Code::kInvalidArgument, "empty output path");
  struct stat st {};
  bool exists = ::stat(path.c_str(), &st) == 0;
  if (exists && S_ISDIR(st.st_mode))
    return make_error(Code::kInvalidArgument, "is a directory, expected a file to write", path);
  if (exists && !S_ISREG(st.st_mode)) {  // a device or a pipe (/dev/full, /dev/stdout): written in place, never replaced
    int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) return io_error("cannot open the output", errno, path);
    return std::unique_ptr<ByteSink>(std::make_unique<FileSink>(fd, std::string(), path));
  }
  auto slash = path.find_last_of('/');
  std::string dir = slash == std::string::npos ? std::string() : path.substr(0, slash + 1);
  std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  std::string tmp;
  int fd = make_temp(dir + "." + base + ".tmp-XXXXXX", &tmp);
  if (fd < 0) return io_error("cannot create a temporary file beside the output", errno, path);
  ::fchmod(fd, 0644);
  return std::unique_ptr<ByteSink>(std::make_unique<FileSink>(fd, tmp, path));
}

namespace {

// A descriptor written in order (the scratch file; it stays open for reading back).
class FdSink final : public ByteSink {
 public:
  FdSink(int fd, std::string name) : fd_(fd), name_(std::move(name)) {}
  std::string name() const override { return name_; }
  Status write(const void* data, size_t n) override {
    if (!failed_.ok()) return failed_;
    failed_ = write_all(fd_, data, n, "scratch write failed", name_);
    if (failed_.ok()) size_ += n;
    return failed_;
  }
  Status finish() override {
    finished_ = failed_.ok();
    return failed_;
  }
  bool finished() const { return finished_; }
  uint64_t size() const { return size_; }

 private:
  int fd_;
  std::string name_;
  Status failed_ = Status::Ok();
  uint64_t size_ = 0;
  bool finished_ = false;
};

class TempScratch final : public Scratch {
 public:
  TempScratch(int fd, std::string name) : fd_(fd), sink_(fd, std::move(name)) {}
  ~TempScratch() override { ::close(fd_); }
  ByteSink& sink() override { return sink_; }
  Result<std::shared_ptr<ByteSource>> source() override {
    if (!sink_.finished()) return make_error(Code::kInternal, "scratch read before it was finished", sink_.name());
    int fd = ::dup(fd_);
    if (fd < 0) return io_error("cannot read the scratch file back", errno, sink_.name());
    return make_fd_source(fd, sink_.size(), sink_.name());
  }

 private:
  int fd_;
  FdSink sink_;
};

}  // namespace

Result<std::unique_ptr<Scratch>> open_temp_scratch(const std::string& name, const std::string& dir) {
  std::string d = dir;
  if (d.empty()) {
    const char* t = std::getenv("TMPDIR");
    d = t && *t ? t : "/tmp";
  }
  std::string tmp;
  int fd = make_temp(d + "/layerscope-scratch-XXXXXX", &tmp);
  if (fd < 0) return io_error("cannot create a scratch file", errno, d);
  ::unlink(tmp.c_str());
  return std::unique_ptr<Scratch>(std::make_unique<TempScratch>(fd, name));
}

std::unique_ptr<ByteSink> make_memory_sink(std::vector<uint8_t>* out, std::string name) {
  return std::make_unique<MemorySink>(out, std::move(name));
}

Status CountingSink::write(const void* data, size_t n) {
  if (next_) LS_RETURN_IF_ERROR(next_->write(data, n));
  count_ += n;
  return Status::Ok();
}

Status CountingSink::finish() { return next_ ? next_->finish() : Status::Ok(); }

struct HashingSink::Hasher {
  Sha256 sha;
};

HashingSink::HashingSink(ByteSink* next) : next_(next), hasher_(std::make_unique<Hasher>()) {}
HashingSink::~HashingSink() = default;

Status HashingSink::write(const void* data, size_t n) {
  if (!digest_.empty()) return make_error(Code::kInvalidArgument, "write after finish", name());
  if (next_) LS_RETURN_IF_ERROR(next_->write(data, n));
  hasher_->sha.update(data, n);
  count_ += n;
  return Status::Ok();
}

Status HashingSink::finish() {
  if (!digest_.empty()) return make_error(Code::kInvalidArgument, "finished twice", name());
  if (next_) LS_RETURN_IF_ERROR(next_->finish());
  digest_ = hasher_->sha.finish_digest();
  return Status::Ok();
}

}  // namespace layerscope
