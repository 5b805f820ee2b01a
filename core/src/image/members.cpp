#include "image/members.h"

#include <algorithm>

#include "archive/tar_reader.h"
#include "base/paths.h"
#include "image/loader.h"
#include "layerscope/text.h"

namespace layerscope {

bool is_json_name(const std::string& p) {
  return p == "manifest.json" || p == "index.json" || p == "repositories" || p == "oci-layout" ||
         (p.size() > 5 && p.compare(p.size() - 5, 5, ".json") == 0) || basename_of(p) == "json";
}

bool is_junk(const std::string& p) {
  std::string b = basename_of(p);
  return b.rfind("._", 0) == 0 || b == ".DS_Store" || p.rfind("__MACOSX", 0) == 0 || b == "Thumbs.db";
}

std::string member_link_target(const std::string& at, const Member& m) {
  if (m.type == EntryType::kSymlink)
    return resolve_dots(m.link.size() && m.link[0] == '/' ? m.link : dirname_of(at) + "/" + m.link);
  return resolve_dots(m.link);
}

Error unresolved_member(const Loaded& L, const std::string& path) {
  std::string cur;
  normalize_path(path, &cur);
  std::string raw;
  for (int hop = 0; hop <= static_cast<int>(L.options.limits.max_member_link_hops); ++hop) {
    auto it = L.by_path.find(cur);
    if (it == L.by_path.end()) {
      if (hop == 0) return make_error(Code::kNotFound, "no such member in the archive", path);
      return make_error(Code::kNotFound,
                        "member is a link to '" + escape_text(raw, kQuoteBytes) + "' ('" + escape_text(cur, kQuoteBytes) +
                            "' in the archive), which the archive does not hold",
                        path);
    }
    const Member& m = L.members[it->second];
    if (m.type != EntryType::kSymlink && m.type != EntryType::kHardlink)
      return make_error(Code::kInternal, "member resolves", path);
    raw = m.link;
    cur = member_link_target(cur, m);
  }
  return make_error(Code::kCorrupt,
                    "links between archive members form a loop (or a chain of more than " +
                        std::to_string(L.options.limits.max_member_link_hops) + ")",
                    path);
}

const Member* Loaded::resolve(const std::string& path, std::string* resolved, bool* via_link) const {
  std::string cur;
  normalize_path(path, &cur);
  for (int hop = 0; hop <= static_cast<int>(options.limits.max_member_link_hops); ++hop) {
    auto it = by_path.find(cur);
    if (it == by_path.end()) return nullptr;
    const Member& m = members[it->second];
    if (m.type == EntryType::kSymlink || m.type == EntryType::kHardlink) {
      if (via_link) *via_link = true;
      cur = member_link_target(cur, m);
      continue;
    }
    if (resolved) *resolved = cur;
    return &m;
  }
  return nullptr;
}

Result<std::string> Loaded::read_member(const std::string& path, uint64_t limit) const {
  const Member* m = resolve(path);
  if (!m) return unresolved_member(*this, path);
  if (m->type != EntryType::kFile)
    return make_error(Code::kCorrupt, std::string("member is not a regular file (it is a ") + entry_type_name(m->type) + ")",
                      path);
  if (m->size > limit)
    return make_error(Code::kLimit,
                      "member is " + std::to_string(m->size) + " bytes, over the limit of " + std::to_string(limit),
                      path);
  if (!random_access) {
    auto it = held.find(m->path);
    if (it == held.end())
      return make_error(Code::kNotFound, "member was not kept while streaming the compressed archive", path);
    return it->second;
  }
  if (m->data_offset & kSparseDataOffset)
    return make_error(Code::kUnsupported, "member is stored as a sparse file", path);
  if (m->data_offset > src->size() || m->size > src->size() - m->data_offset)
    return make_error(Code::kTruncated,
                      "the archive ends inside this member (" + std::to_string(m->size) + " bytes declared, " +
                          std::to_string(src->size() > m->data_offset ? src->size() - m->data_offset : 0) +
                          " present)",
                      path);
  std::string out(static_cast<size_t>(m->size), '\0');
  if (m->size) LS_RETURN_IF_ERROR(read_exact(*src, m->data_offset, out.data(), out.size()));
  return out;
}

namespace {
bool blob_readable(const Loaded& L, int b) {
  if (b < 0 || static_cast<size_t>(b) >= L.archive.blobs.size() || !L.archive.blobs[b].present) return true;
  return static_cast<size_t>(b) < L.readable.size() && L.readable[b];
}
}  // namespace

Status Loaded::layers_readable() const {
  for (size_t b = 0; b < archive.blobs.size(); ++b)
    if (!blob_readable(*this, static_cast<int>(b)))
      return make_error(Code::kUnsupported,
                        "the archive was opened for its summary only: its layers' files were not read", src->name());
  return Status::Ok();
}

int Loaded::layers_read(int image) const {
  const auto& layers = archive.images[image].layers;
  int n = 0;
  while (n < static_cast<int>(layers.size()) && blob_readable(*this, layers[n].blob)) ++n;
  return n;
}

Status Loaded::layers_readable(int image, int upto) const {
  const int nl = static_cast<int>(archive.images[image].layers.size());
  const int last = upto < 0 ? nl - 1 : std::min(upto, nl - 1);
  const int read = layers_read(image);
  if (read > last) return Status::Ok();
  return make_error(Code::kUnsupported,
                    "layer " + std::to_string(read) + " of image " + std::to_string(image) +
                        " was not read yet: the archive was opened for its summary only (indexing reads it)",
                    src->name());
}

Result<const Member*> Loaded::member_data(const std::string& path) const {
  const Member* m = resolve(path);
  if (!m) return unresolved_member(*this, path);
  if (!random_access) return make_error(Code::kUnsupported, "compressed archive has no random access", path);
  if (m->data_offset & kSparseDataOffset)
    return make_error(Code::kUnsupported, "member is stored as a sparse file", path);
  if (m->data_offset > src->size() || m->size > src->size() - m->data_offset)
    return make_error(Code::kTruncated,
                      "member data runs past the end of the archive (" + std::to_string(m->data_offset + m->size) +
                          " > " + std::to_string(src->size()) + ")",
                      path);
  return m;
}

Result<std::shared_ptr<ByteSource>> Loaded::member_source(const std::string& path) const {
  LS_ASSIGN_OR_RETURN(const Member* m, member_data(path));
  return make_window_source(src, m->data_offset, m->size, m->path);
}

}  // namespace layerscope
