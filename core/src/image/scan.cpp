#include "image/scan.h"

#include <optional>

#include "archive/layer_stream.h"
#include "archive/tar_reader.h"
#include "image/layers.h"
#include "image/members.h"
#include "layerscope/text.h"

namespace layerscope {

Status scan_outer(LoadContext& ctx, const Limits& lim, OuterScan* out) {
  Loaded& L = ctx.L;
  const std::shared_ptr<ByteSource>& src = L.src;
  const OpenOptions& options = L.options;
  const uint64_t total = src->size();
  auto opened = TarReader::open(src, src->name());
  if (!opened.ok()) {
    Error e = opened.take_error();
    if (e.code == Code::kCorrupt) e.message = "not a tar archive (nor a gzip/zstd/xz/bzip2-compressed one): " + e.message;
    return e;
  }
  auto outer = std::move(opened).value();
  TarHeader h;
  std::string norm;
  std::string last_entry;    // the last outer header read, for messages
  uint64_t entries_end = 0;  // where the last entry's padded data ends
  bool clean_end = false;    // the end-of-archive marker (two zero blocks) was read
  // Streaming (a compressed outer archive): every byte of the outer stream goes
  // through outer_block, which stops an outer decompression bomb (the same
  // ratio limit as for layers) and keeps progress and cancellation going.
  uint64_t next_tick = 0;
  auto outer_block = [&](const void** d, size_t* n) -> Result<bool> {
    auto b = outer->read_block(d, n);
    if (!b.ok()) return b.take_error();
    uint64_t out = outer->position(), raw = outer->raw_position();
    if (out > lim.max_expansion_floor &&
        static_cast<double>(out) > lim.max_expansion_ratio * static_cast<double>(raw ? raw : 1))
      return make_error(Code::kLimit,
                        "decompression bomb: " + std::to_string(raw) + " compressed bytes of the archive expand past " +
                            std::to_string(out) + " bytes (limit ratio " +
                            std::to_string(static_cast<int>(lim.max_expansion_ratio)) + ")",
                        src->name() + ": " + escape_text(norm, kQuoteBytes));
    if (out >= next_tick) {
      next_tick = out + (16u << 20);
      if (!emit_progress(options.progress, "scan", raw, total, norm))
        return make_error(Code::kCancelled, "cancelled while reading the archive", norm);
    }
    return b.value();
  };
  for (;;) {
    auto r = outer->next(&h);
    if (!r.ok()) {
      Error e = r.take_error();
      // Only zero bytes left after the last member: an incomplete end-of-archive
      // marker, no data lost (warned below).
      if (e.code == Code::kTruncated && L.random_access && !L.members.empty() && total > entries_end &&
          total - entries_end < 1024) {
        std::string tail(static_cast<size_t>(total - entries_end), '\0');
        if (read_exact(*src, entries_end, tail.data(), tail.size()).ok() &&
            tail.find_first_not_of('\0') == std::string::npos)
          break;
      }
      if (L.members.empty() && e.code == Code::kCorrupt)
        e.message = "not a tar archive (nor a gzip/zstd/xz/bzip2-compressed one): " + e.message;
      return e;
    }
    if (!r.value()) {
      clean_end = outer->position() >= entries_end + 1024;
      break;
    }
    last_entry = h.path;
    entries_end = data_position(h.data_offset) + (h.type == EntryType::kFile ? (static_cast<uint64_t>(h.size) + 511) / 512 * 512 : 0);
    if (!normalize_path(h.path, &norm)) continue;
    if (norm.size() > lim.max_path_bytes || h.symlink.size() > lim.max_path_bytes || h.hardlink.size() > lim.max_path_bytes) {
      // No image member has such a name; keeping it would only cost memory.
      ctx.warn("tar-warning",
             "member with a name or link target over " + std::to_string(lim.max_path_bytes) + " bytes ignored: '" +
                 escape_text(norm, 100) + "'",
             src->name());
      norm.clear();
      if (!L.random_access)
        for (;;) {
          const void* d = nullptr;
          size_t n = 0;
          auto b = outer_block(&d, &n);
          if (!b.ok()) return b.take_error();
          if (!b.value()) break;
        }
      continue;
    }
    if (L.members.size() >= lim.max_members)
      return make_error(Code::kLimit, "more than " + std::to_string(lim.max_members) + " members", src->name());
    Member m;
    m.path = norm;
    m.type = h.type;
    m.size = static_cast<uint64_t>(h.size);
    m.data_offset = h.data_offset;
    if (h.type == EntryType::kSymlink) m.link = h.symlink;
    if (h.type == EntryType::kHardlink) normalize_path(h.hardlink, &m.link);
    if (is_junk(norm)) ctx.warn("junk-entry", "stray file, not part of any image (e.g. macOS AppleDouble)", norm);
    if (L.by_path.count(norm)) ctx.warn("duplicate-member", "member appears more than once; the last one wins", norm);
    L.by_path[norm] = L.members.size();
    L.members.push_back(m);
    const void* d = nullptr;
    size_t n = 0;
    if (!L.random_access && m.type == EntryType::kFile && m.size > 0) {
      // One pass must gather everything: keep JSON, index layer tars now.
      std::string prefix;
      while (prefix.size() < 512) {
        auto b = outer_block(&d, &n);
        if (!b.ok()) return b.take_error();
        if (!b.value()) break;
        prefix.append(static_cast<const char*>(d), n);
      }
      size_t ws = prefix.find_first_not_of(" \t\r\n");
      bool jsonish = ws != std::string::npos && (prefix[ws] == '{' || prefix[ws] == '[');
      const auto* up = reinterpret_cast<const uint8_t*>(prefix.data());
      if ((jsonish || is_json_name(norm)) && m.size <= lim.max_json_bytes) {
        for (;;) {
          auto b = outer_block(&d, &n);
          if (!b.ok()) return b.take_error();
          if (!b.value()) break;
          prefix.append(static_cast<const char*>(d), n);
        }
        L.held[norm] = std::move(prefix);
      } else if (looks_like_layer(up, prefix.size())) {
        LayerStreamOptions lo;
        lo.hash = options.verify;
        lo.max_expansion_floor = lim.max_expansion_floor;
        lo.max_expansion_ratio = lim.max_expansion_ratio;
        TarReader* o = outer.get();
        const ProgressFn& pf = options.progress;
        lo.tick = [o, &pf, total, &norm](uint64_t) {
          return emit_progress(pf, "scan", o->raw_position(), total, norm);
        };
        (void)o;
        // Errors of the outer stream itself (truncation, a bomb) end the open;
        // errors of the layer's own stream only make the layer unreadable.
        std::optional<Error> outer_err;
        auto pull = [&](const void** data) -> Result<size_t> {
          size_t nn = 0;
          auto b = outer_block(data, &nn);
          if (!b.ok()) {
            outer_err = b.error();
            return b.take_error();
          }
          return b.value() ? nn : size_t{0};
        };
        auto ls = LayerStream::open_stream(std::move(prefix), pull, lo, norm);
        LayerIndex idx;
        Blob blob;
        Status st = ls.ok() ? index_layer(*ls.value(), L.paths, &idx, &ctx.entry_budget, lim) : Status(ls.error());
        if (outer_err) return *outer_err;
        if (!st.ok() && st.error().code == Code::kCancelled) return st.take_error();
        if (!st.ok() && st.error().code == Code::kLimit && ctx.entry_budget == 0) return st.take_error();
        if (st.ok()) {
          record_blob_result(blob, *ls.value());
        } else {
          blob.error = in_member(st.error(), norm).to_string();
        }
        ctx.pre_index[norm] = std::move(idx);
        ctx.pre_blob[norm] = std::move(blob);
      }
    }
    if (!L.random_access) {
      // The rest of the member's data (libarchive would skip it by decoding it anyway).
      for (;;) {
        auto b = outer_block(&d, &n);
        if (!b.ok()) return b.take_error();
        if (!b.value()) break;
      }
    }
    if (!emit_progress(options.progress, "scan", outer->raw_position(), total, norm))
      return make_error(Code::kCancelled, "cancelled while reading the archive", norm);
  }
  if (!outer->warnings().empty())
    ctx.warn("tar-warning", escape_text(outer->warnings(), 400), src->name());
  L.archive.member_count = static_cast<uint32_t>(L.members.size());
  out->clean_end = clean_end;
  out->last_entry = std::move(last_entry);
  return Status::Ok();
}

}  // namespace layerscope
