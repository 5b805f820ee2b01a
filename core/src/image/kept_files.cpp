#include "image/kept_files.h"

#include <memory>

#include "layerscope/tree.h"

namespace layerscope {

std::shared_ptr<KeptFiles> KeptFiles::for_path(std::string_view path) {
  std::string norm;
  if (!normalize_path(path, &norm)) return nullptr;
  return std::shared_ptr<KeptFiles>(new KeptFiles(std::move(norm)));
}

bool KeptFiles::reserve(std::string_view stored_path, uint64_t size) {
  if (size > kMaxFile) return false;
  // (most entries differ in their last name: no normalising for those; a
  // stored name whose tail normalising would change is only not kept)
  const std::string_view last = std::string_view(path_).substr(path_.rfind('/') + 1);
  if (stored_path.size() < last.size() || stored_path.substr(stored_path.size() - last.size()) != last) return false;
  std::string norm;
  if (!normalize_path(stored_path, &norm) || norm != path_) return false;
  std::lock_guard<std::mutex> lk(mu_);
  if (total_ + size > kMaxTotal) return false;
  total_ += size;
  return true;
}

void KeptFiles::release(uint64_t size) {
  std::lock_guard<std::mutex> lk(mu_);
  total_ -= std::min(total_, size);
}

void KeptFiles::put(const std::string& member, uint64_t data_offset, std::vector<uint8_t> bytes) {
  std::lock_guard<std::mutex> lk(mu_);
  auto [it, fresh] = files_.try_emplace({member, data_offset});
  if (!fresh) total_ -= std::min<uint64_t>(total_, it->second.size());  // (the same blob read again)
  it->second = std::move(bytes);
}

std::optional<std::vector<uint8_t>> KeptFiles::take(const std::string& member, uint64_t data_offset, uint64_t size) {
  std::lock_guard<std::mutex> lk(mu_);
  auto it = files_.find({member, data_offset});
  if (it == files_.end() || it->second.size() != size) return std::nullopt;
  std::vector<uint8_t> out = std::move(it->second);
  files_.erase(it);
  total_ -= std::min<uint64_t>(total_, out.size());
  return out;
}

}  // namespace layerscope
