#include "tree/layer_index.h"

#include "base/paths.h"
#include "layerscope/text.h"
#include "tree/whiteout.h"

namespace layerscope {

Status LayerIndexer::add(const RawEntry& h) {
  std::string& norm = norm_;
  // The root "./" itself is kept as an entry (its mode and owner are real) but
  // has no path of its own in trees.
  if (!normalize_path(h.path, &norm)) norm.clear();
  if (*budget_ == 0)
    return make_error(Code::kLimit, "more entries than the limit of entries per archive", std::string(h.path));
  --*budget_;
  if (norm.size() > lim_.max_path_bytes)
    return make_error(Code::kLimit,
                      "entry path is " + std::to_string(norm.size()) + " bytes, over the limit of " +
                          std::to_string(lim_.max_path_bytes) + " (PATH_MAX; no runtime can unpack it): '" +
                          escape_text(norm, 100) + "'",
                      escape_text(norm, 100));
  if (paths_.size() > lim_.max_paths || paths_.memory_bytes() > lim_.max_path_table_bytes) {
    *budget_ = 0;  // fatal, like the entry limit
    return make_error(Code::kLimit,
                      "more than " + std::to_string(lim_.max_paths) + " distinct paths, or " +
                          std::to_string(lim_.max_path_table_bytes >> 20) + " MiB of path names, in the archive",
                      escape_text(norm, 100));
  }
  std::string_view target = h.type == EntryType::kSymlink ? h.symlink : h.hardlink;
  if (target.size() > lim_.max_path_bytes)
    return make_error(Code::kLimit,
                      "link target is " + std::to_string(target.size()) + " bytes, over the limit of " +
                          std::to_string(lim_.max_path_bytes) + " (PATH_MAX): '" + escape_text(target, 100) + "'",
                      escape_text(norm, 100));
  std::string base = basename_of(norm);
  if (!norm.empty()) {
    Marker mk = classify_marker(base);
    if (mk.kind != MarkerKind::kNone) {
      std::string dir = dirname_of(norm);
      if (mk.kind == MarkerKind::kOpaque) {
        index_->opaque_dirs.push_back(paths_.intern(dir));
        ++index_->counts.opaque_dirs;
      } else if (mk.kind == MarkerKind::kWhiteout) {
        std::string name(mk.target);
        index_->whiteouts.push_back(paths_.intern(dir.empty() ? name : dir + "/" + name));
        ++index_->counts.whiteouts;
      }
      return Status::Ok();
    }
  }
  Entry e;
  e.path = norm.empty() ? kRootPath : paths_.intern(norm);
  e.type = h.type;
  e.mode = h.mode;
  e.uid = h.uid;
  e.gid = h.gid;
  e.size = h.type == EntryType::kFile ? h.size : 0;
  e.mtime = h.mtime;
  e.data_offset = h.data_offset;
  if (h.type == EntryType::kSymlink) {
    e.link = static_cast<uint32_t>(index_->strings.size());
    index_->strings.emplace_back(h.symlink);
  } else if (h.type == EntryType::kHardlink) {
    std::string t;
    normalize_path(h.hardlink, &t);
    e.link = paths_.intern(t);
  }
  ++index_->counts.total;
  switch (h.type) {
    case EntryType::kFile: ++index_->counts.files; break;
    case EntryType::kDir: ++index_->counts.dirs; break;
    case EntryType::kSymlink: ++index_->counts.symlinks; break;
    case EntryType::kHardlink: ++index_->counts.hardlinks; break;
    default: ++index_->counts.other; break;
  }
  index_->entries.push_back(e);
  return Status::Ok();
}

}  // namespace layerscope
