#include "image/load_context.h"

#include <algorithm>

#include "layerscope/text.h"

namespace layerscope {

void LoadContext::warn(std::string code, std::string msg, std::string where) {
  warn(Warning{std::move(code), std::move(msg), std::move(where)});
}

void LoadContext::warn(Warning w) {
  if (++warn_counts_[w.code] > lim.max_warnings_per_code) return;
  L.archive.warnings.push_back(std::move(w));
}

namespace {
constexpr std::string_view kMorePrefix = "… and ";
constexpr std::string_view kMoreSuffix = " more warnings like the above";
bool is_more_line(const Warning& w) {
  return w.where.empty() && w.blob < 0 && w.image < 0 && w.message.starts_with(kMorePrefix) &&
         w.message.ends_with(kMoreSuffix);
}
}  // namespace

void LoadContext::summarize_warnings() {
  auto& ws = L.archive.warnings;
  // Layers indexed after the open (index_more) summarise again: the earlier
  // lines go, so each code has one, with the count as it is now.
  ws.erase(std::remove_if(ws.begin(), ws.end(),
                          [&](const Warning& w) {
                            auto it = warn_counts_.find(w.code);
                            return it != warn_counts_.end() && it->second > lim.max_warnings_per_code && is_more_line(w);
                          }),
           ws.end());
  std::vector<std::string> codes;
  for (auto& [code, n] : warn_counts_)
    if (n > lim.max_warnings_per_code) codes.push_back(code);
  std::sort(codes.begin(), codes.end());
  for (auto& code : codes)
    ws.push_back(Warning{code,
                         std::string(kMorePrefix) + std::to_string(warn_counts_[code] - lim.max_warnings_per_code) +
                             std::string(kMoreSuffix),
                         ""});
}

int64_t LoadContext::descriptor_size(const Json& d, const std::string& where) {
  const Json* sz = jget(d, "size");
  if (!sz) return -1;
  if (sz->is_number_unsigned() && sz->get<uint64_t>() <= static_cast<uint64_t>(INT64_MAX))
    return static_cast<int64_t>(sz->get<uint64_t>());
  if (sz->is_number_integer() && sz->get<int64_t>() >= 0) return sz->get<int64_t>();
  warn("invalid-descriptor", "descriptor size " + escape_text(jdump(*sz), 60) + " is not a byte count; ignored", where);
  return -1;
}

Result<Json> LoadContext::read_json(const std::string& path) {
  LS_ASSIGN_OR_RETURN(std::string text, L.read_member(path, lim.max_json_bytes));
  return parse_json(text, path, lim.max_json_depth);
}

int LoadContext::blob_for(const std::string& ref, const std::string& digest, const std::string& where) {
  std::string resolved;
  bool via_link = false;
  const Member* m = ref.empty() ? nullptr : L.resolve(ref, &resolved, &via_link);
  std::string key = m ? resolved : ("absent:" + (digest.empty() ? ref : digest));
  auto it = blob_by_member.find(key);
  if (it != blob_by_member.end()) return it->second;
  Blob b;
  b.referenced_as = ref;
  std::string why;
  if (m && m->type == EntryType::kFile) {
    b.member = resolved;
    b.present = true;
    b.stored_size = m->size;
    if (via_link) ++symlinked_layers;
  } else {
    b.present = false;
    std::string nref;
    normalize_path(ref, &nref);
    if (m) why = std::string(": member ") + escape_text(ref, kQuoteBytes) + " is a " + entry_type_name(m->type) + ", not a file";
    else if (!ref.empty() && L.by_path.count(nref)) why = ": member " + escape_text(ref, kQuoteBytes) + ": " + unresolved_member(L, ref).message;
    else if (!ref.empty()) why = " (expected member " + escape_text(ref, kQuoteBytes) + ")";
  }
  int id = static_cast<int>(L.archive.blobs.size());
  if (!b.present)
    warn(Warning{"missing-blob",
                 "layer " + escape_text(digest.empty() ? ref : digest, kQuoteBytes) +
                     " is referenced but not stored in the archive" + why,
                 where, id});
  L.archive.blobs.push_back(std::move(b));
  L.indexes.emplace_back();
  blob_by_member[key] = id;
  return id;
}

bool emit_progress(const ProgressFn& fn, std::string_view phase, uint64_t done, uint64_t total,
                   std::string_view detail) {
  if (!fn) return true;
  Progress p;
  p.phase = phase;
  p.done = done;
  p.total = total;
  p.detail = detail;
  return fn(p);
}

Error in_member(Error e, const std::string& member) {
  if (e.where.compare(0, member.size(), member) == 0) return e;
  return with_where(std::move(e), member);
}

}  // namespace layerscope
