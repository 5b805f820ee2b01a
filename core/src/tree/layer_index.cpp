#include "tree/layer_index.h"

#include "base/paths.h"
#include "layerscope/text.h"
#include "tree/whiteout.h"

namespace layerscope {
namespace {

constexpr size_t kShown = 100;  // bytes of an entry path quoted in an issue

void count_type(EntryCounts& c, EntryType t) {
  ++c.total;
  switch (t) {
    case EntryType::kFile: ++c.files; break;
    case EntryType::kDir: ++c.dirs; break;
    case EntryType::kSymlink: ++c.symlinks; break;
    case EntryType::kHardlink: ++c.hardlinks; break;
    default: ++c.other; break;
  }
}

std::string quoted(std::string_view p) { return "'" + escape_text(p, kShown) + "'"; }
std::string shown_at(const std::string& norm) { return "'/" + escape_text(norm, kShown) + "'"; }

}  // namespace

void LayerIndexer::issue(std::string_view code, std::string message, std::string_view entry) {
  auto it = issue_counts_.find(code);
  if (it == issue_counts_.end()) it = issue_counts_.emplace(std::string(code), 0).first;
  if (++it->second > lim_.max_warnings_per_code) {
    ++index_->issue_overflow[std::string(code)];
    return;
  }
  index_->issues.push_back(EntryIssue{std::string(code), std::move(message), escape_text(entry, kShown)});
}

// An entry whose path or link target is over the path limit is skipped, not the layer.
bool LayerIndexer::over_limit(const RawEntry& h, const std::string& norm) {
  const uint64_t max = lim_.max_path_bytes;
  std::string_view target = h.type == EntryType::kSymlink ? h.symlink : h.hardlink;
  if (norm.size() > max) {
    issue(kIssueOverLimit,
          "entry path is " + std::to_string(norm.size()) + " bytes, over the limit of " + std::to_string(max) +
              " (PATH_MAX; no runtime can unpack it): the entry is skipped, the layer's other entries are kept",
          h.path);
    return true;
  }
  if (target.size() > max) {
    issue(kIssueOverLimit,
          "link target is " + std::to_string(target.size()) + " bytes, over the limit of " + std::to_string(max) +
              " (PATH_MAX): the entry is skipped, the layer's other entries are kept",
          h.path);
    return true;
  }
  return false;
}

void LayerIndexer::check_path(const RawEntry& h, const PathFacts& facts, const std::string& norm) {
  if (facts.escapes)
    issue(kIssuePathEscapes,
          "entry " + quoted(h.path) + " climbs out of the layer's root with '..': shown at " + shown_at(norm) +
              ", where containerd places it (clamped at /); docker load refuses such a layer",
          h.path);
  else if (facts.absolute && !norm.empty())
    issue(kIssuePathAbsolute,
          "entry " + quoted(h.path) + " has an absolute path: shown at " + shown_at(norm) +
              ", below the image's root, where runtimes unpack it",
          h.path);
}

void LayerIndexer::check_hardlink(const RawEntry& h, Entry* e) {
  std::string t;
  PathFacts facts;
  bool named = normalize_path(h.hardlink, &t, &facts);
  e->link = paths_.intern(t);
  if (facts.escapes)
    issue(kIssueHardlinkEscapes,
          "hard link target " + quoted(h.hardlink) + " climbs out of the layer's root: taken as " + shown_at(t) +
              " (clamped at /); docker load refuses such a layer",
          h.path);
  if (!named || !seen(e->link))
    issue(kIssueHardlinkMissing,
          "hard link to " + quoted(h.hardlink) +
              ", which is not an earlier entry of this layer: unpacking the layer cannot create the link",
          h.path);
}

Status LayerIndexer::add(const RawEntry& h) {
  std::string& norm = norm_;
  // The root "./" itself is kept as an entry (its mode and owner are real) but
  // has no path of its own in trees.
  PathFacts facts;
  if (!normalize_path(h.path, &norm, &facts)) norm.clear();
  if (*budget_ == 0)
    return make_error(Code::kLimit, "more entries than the limit of entries per archive", std::string(h.path));
  --*budget_;
  if (paths_.size() > lim_.max_paths || paths_.memory_bytes() > lim_.max_path_table_bytes) {
    *budget_ = 0;  // fatal, like the entry limit
    return make_error(Code::kLimit,
                      "more than " + std::to_string(lim_.max_paths) + " distinct paths, or " +
                          std::to_string(lim_.max_path_table_bytes >> 20) + " MiB of path names, in the archive",
                      escape_text(norm, kShown));
  }
  if (over_limit(h, norm)) return Status::Ok();
  check_path(h, facts, norm);
  if (!norm.empty()) {
    // (a view: no allocation per entry)
    const size_t slash = norm.rfind('/');
    const std::string_view base = slash == std::string::npos ? std::string_view(norm) : std::string_view(norm).substr(slash + 1);
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
    check_hardlink(h, &e);
  }
  if (!see(e.path))
    issue(kIssueDuplicate,
          "path " + shown_at(norm) + " occurs more than once in this layer: the last entry (a " +
              entry_type_name(h.type) + ") wins, as when the layer is unpacked",
          h.path);
  count_type(index_->counts, h.type);
  index_->entries.push_back(e);
  return Status::Ok();
}

}  // namespace layerscope
