#include "export/strip.h"

#include <unordered_map>

#include "archive/compress_sink.h"
#include "export/layer_bytes.h"
#include "export/rootfs.h"
#include "layerscope/text.h"
#include "layerscope/tree.h"

namespace layerscope {
namespace {

// A removed regular file that a surviving hard link may still need.
struct Removed {
  uint64_t ordinal = 0;  // its position among the layer's entries
  int64_t size = 0;
};

LayerStreamOptions stream_options(const StripJob& job) {
  LayerStreamOptions lo;
  lo.max_expansion_floor = job.limits.max_expansion_floor;
  lo.max_expansion_ratio = job.limits.max_expansion_ratio;
  lo.tick = job.tick;
  return lo;
}

class LayerFilter {
 public:
  LayerFilter(const std::shared_ptr<ByteSource>& src, const StripJob& job, const std::string& where, TarWriter& tw)
      : src_(src), job_(job), where_(where), tw_(tw), buf_(new uint8_t[kPayloadChunk]) {}

  Status run() {
    LS_ASSIGN_OR_RETURN(auto ls, LayerStream::open(src_, stream_options(job_), where_));
    TarHeader h;
    std::string norm;
    for (uint64_t ordinal = 0;; ++ordinal) {
      LS_ASSIGN_OR_RETURN(bool more, ls->next(&h));
      if (!more) return Status::Ok();
      if (!normalize_path(h.path, &norm) || norm.empty()) {  // the root itself ("./"): kept when a directory
        if (h.type != EntryType::kDir) continue;
        norm = ".";
      }
      Status st = strip_removes(job_.paths, norm) ? forget(h, norm, ordinal) : keep(*ls, h, norm);
      if (!st.ok()) return with_where(st.take_error(), where_ + ": " + escape_text(norm, kQuoteBytes));
    }
  }

 private:
  std::string link_target(const TarHeader& h) const {
    std::string t;
    return normalize_path(h.hardlink, &t) ? t : h.hardlink;
  }

  // A removed entry: a regular file is remembered (by position) for the hard
  // links that may follow; a removed hard link stands for what it points at.
  Status forget(const TarHeader& h, const std::string& norm, uint64_t ordinal) {
    if (h.type == EntryType::kFile) removed_[norm] = Removed{ordinal, h.size};
    if (h.type != EntryType::kHardlink) return Status::Ok();
    std::string t = link_target(h);
    if (auto it = relinked_.find(t); it != relinked_.end()) relinked_[norm] = it->second;
    else if (auto r = removed_.find(t); r != removed_.end()) removed_[norm] = r->second;
    else relinked_[norm] = t;  // the target survives: later links point at it
    return Status::Ok();
  }

  Status keep(LayerStream& ls, const TarHeader& h, const std::string& norm) {
    TarEntryHeader out = entry_header(h, norm, ls.extras());
    if (h.type == EntryType::kHardlink) {
      std::string t = link_target(h);
      if (auto it = relinked_.find(t); it != relinked_.end()) out.link = it->second;
      else if (auto r = removed_.find(t); r != removed_.end()) return materialise(out, norm, t, r->second);
    }
    LS_RETURN_IF_ERROR(tw_.add(out));
    return h.type == EntryType::kFile ? copy_entry_payload(ls, tw_, buf_.get()) : Status::Ok();
  }

  // The first surviving link to a removed file becomes that file.
  Status materialise(TarEntryHeader out, const std::string& norm, const std::string& target, const Removed& r) {
    out.type = EntryType::kFile;
    out.link.clear();
    out.size = r.size;
    LS_RETURN_IF_ERROR(tw_.add(out));
    LS_RETURN_IF_ERROR(copy_removed(r));
    relinked_[target] = norm;
    return Status::Ok();
  }

  // The removed file's content, read by a second stream over the layer.
  Status copy_removed(const Removed& r) {
    LayerStreamOptions lo = stream_options(job_);
    lo.tick = nullptr;
    LS_ASSIGN_OR_RETURN(auto ls, LayerStream::open(src_, lo, where_));
    TarHeader h;
    for (uint64_t i = 0; i <= r.ordinal; ++i) {
      LS_ASSIGN_OR_RETURN(bool more, ls->next(&h));
      if (!more) return make_error(Code::kCorrupt, "the layer changed between two reads", where_);
    }
    return copy_entry_payload(*ls, tw_, buf_.get());
  }

  const std::shared_ptr<ByteSource>& src_;
  const StripJob& job_;
  const std::string& where_;
  TarWriter& tw_;
  std::unique_ptr<uint8_t[]> buf_;
  std::unordered_map<std::string, Removed> removed_;      // removed files (and links to them) by path
  std::unordered_map<std::string, std::string> relinked_;  // removed path -> the surviving path to link to
};

}  // namespace

bool at_or_below(const std::string& path, const std::string& prefix) {
  return prefix.empty() || path == prefix ||
         (path.size() > prefix.size() && path.compare(0, prefix.size(), prefix) == 0 && path[prefix.size()] == '/');
}

bool strip_removes(const std::vector<std::string>& paths, const std::string& path) {
  for (const std::string& p : paths)
    if (at_or_below(path, p)) return true;
  return false;
}

Status write_stripped_layer(const std::shared_ptr<ByteSource>& src, const StripJob& job, const std::string& where,
                            ByteSink& out, std::string* diff_id) {
  UnfinishedSink keep(out);
  LS_ASSIGN_OR_RETURN(auto z, make_compressing_sink(&keep, job.compression));
  HashingSink tar(z.get());
  LS_ASSIGN_OR_RETURN(auto tw, TarWriter::open(&tar));
  LayerFilter filter(src, job, where, *tw);
  LS_RETURN_IF_ERROR(filter.run());
  LS_RETURN_IF_ERROR(tw->finish());
  LS_RETURN_IF_ERROR(tar.finish());  // ends the compressed stream too
  if (diff_id) *diff_id = tar.digest();
  return Status::Ok();
}

}  // namespace layerscope
