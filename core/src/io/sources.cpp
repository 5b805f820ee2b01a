#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <iterator>

#include "layerscope/byte_source.h"

namespace layerscope {

uint64_t ByteSource::bytes_read() const {
  std::lock_guard<std::mutex> lock(ranges_mu_);
  fold();
  return distinct_;
}

void ByteSource::fold() const {
  if (recent_.empty()) return;
  std::sort(recent_.begin(), recent_.end());
  std::vector<Range> out;
  out.reserve(ranges_.size() + recent_.size());
  auto put = [&out](const Range& r) {
    if (!out.empty() && out.back().second >= r.first) out.back().second = std::max(out.back().second, r.second);
    else out.push_back(r);
  };
  size_t i = 0, j = 0;
  while (i < ranges_.size() || j < recent_.size())
    put(j == recent_.size() || (i < ranges_.size() && ranges_[i].first <= recent_[j].first) ? ranges_[i++] : recent_[j++]);
  uint64_t n = 0;
  for (const Range& r : out) n += r.second - r.first;
  distinct_ = n;
  ranges_.swap(out);
  recent_.clear();
}

void ByteSource::count(uint64_t offset, size_t n) {
  read_calls_.fetch_add(1, std::memory_order_relaxed);
  bytes_fetched_.fetch_add(n, std::memory_order_relaxed);
  if (n == 0) return;
  const uint64_t lo = offset, hi = offset + n;
  std::lock_guard<std::mutex> lock(ranges_mu_);
  if (!recent_.empty() && recent_.back().second >= lo && recent_.back().first <= hi) {
    recent_.back().first = std::min(recent_.back().first, lo);
    recent_.back().second = std::max(recent_.back().second, hi);
    return;
  }
  recent_.emplace_back(lo, hi);
  if (recent_.size() >= std::max<size_t>(4096, ranges_.size() / 4)) fold();
}

Status read_exact(ByteSource& src, uint64_t offset, void* buf, size_t n) {
  auto* p = static_cast<uint8_t*>(buf);
  size_t got = 0;
  while (got < n) {
    auto r = src.read_at(offset + got, p + got, n - got);
    if (!r.ok()) return r.take_error();
    if (r.value() == 0) {
      return make_error(Code::kTruncated,
                        "input ends at byte " + std::to_string(offset + got) + ", " +
                            std::to_string(n - got) + " bytes short",
                        src.name());
    }
    got += r.value();
  }
  return Status::Ok();
}

namespace {

class FileSource final : public ByteSource {
 public:
  FileSource(int fd, uint64_t size, std::string name) : fd_(fd), size_(size), name_(std::move(name)) {}
  ~FileSource() override { ::close(fd_); }
  uint64_t size() const override { return size_; }
  std::string name() const override { return name_; }
  Result<size_t> read_at(uint64_t offset, void* buf, size_t n) override {
    if (offset >= size_) return size_t{0};
    if (n > size_ - offset) n = static_cast<size_t>(size_ - offset);
    size_t got = 0;
    while (got < n) {
      ssize_t r = ::pread(fd_, static_cast<char*>(buf) + got, n - got, static_cast<off_t>(offset + got));
      if (r < 0) {
        if (errno == EINTR) continue;
        return make_error(Code::kIo, std::string("read failed: ") + std::strerror(errno), name_);
      }
      if (r == 0) break;
      got += static_cast<size_t>(r);
    }
    count(offset, got);
    return got;
  }

 private:
  int fd_;
  uint64_t size_;
  std::string name_;
};

class MemorySource final : public ByteSource {
 public:
  MemorySource(std::vector<uint8_t> b, std::string name) : bytes_(std::move(b)), name_(std::move(name)) {}
  uint64_t size() const override { return bytes_.size(); }
  std::string name() const override { return name_; }
  Result<size_t> read_at(uint64_t offset, void* buf, size_t n) override {
    if (offset >= bytes_.size()) return size_t{0};
    size_t avail = bytes_.size() - static_cast<size_t>(offset);
    if (n > avail) n = avail;
    std::memcpy(buf, bytes_.data() + offset, n);
    count(offset, n);
    return n;
  }

 private:
  std::vector<uint8_t> bytes_;
  std::string name_;
};

class WindowSource final : public ByteSource {
 public:
  WindowSource(std::shared_ptr<ByteSource> base, uint64_t off, uint64_t len, std::string name)
      : base_(std::move(base)), off_(off), len_(len), name_(std::move(name)) {}
  uint64_t size() const override { return len_; }
  std::string name() const override { return name_; }
  Result<size_t> read_at(uint64_t offset, void* buf, size_t n) override {
    if (offset >= len_) return size_t{0};
    if (n > len_ - offset) n = static_cast<size_t>(len_ - offset);
    auto r = base_->read_at(off_ + offset, buf, n);
    if (r.ok()) count(offset, r.value());
    return r;
  }
  void will_read(uint64_t offset, uint64_t length) override {
    if (offset >= len_) return;
    base_->will_read(off_ + offset, std::min(length, len_ - offset));
  }

 private:
  std::shared_ptr<ByteSource> base_;
  uint64_t off_, len_;
  std::string name_;
};

}  // namespace

Result<std::shared_ptr<ByteSource>> open_file_source(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return make_error(Code::kIo, std::string("cannot open: ") + std::strerror(errno), path);
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    int e = errno;
    ::close(fd);
    return make_error(Code::kIo, std::string("cannot stat: ") + std::strerror(e), path);
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    return make_error(Code::kInvalidArgument, "is a directory, expected an image archive file", path);
  }
  std::string name = path;
  auto slash = name.find_last_of('/');
  if (slash != std::string::npos) name = name.substr(slash + 1);
  return std::shared_ptr<ByteSource>(std::make_shared<FileSource>(fd, static_cast<uint64_t>(st.st_size), name));
}

std::shared_ptr<ByteSource> make_fd_source(int fd, uint64_t size, std::string name) {
  return std::make_shared<FileSource>(fd, size, std::move(name));
}

std::shared_ptr<ByteSource> make_memory_source(std::vector<uint8_t> bytes, std::string name) {
  return std::make_shared<MemorySource>(std::move(bytes), std::move(name));
}

std::shared_ptr<ByteSource> make_window_source(std::shared_ptr<ByteSource> base, uint64_t offset,
                                               uint64_t length, std::string name) {
  return std::make_shared<WindowSource>(std::move(base), offset, length, std::move(name));
}

}  // namespace layerscope
