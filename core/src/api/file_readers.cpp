#include "api/file_readers.h"

#include <algorithm>
#include <cstring>
#include <functional>
#include <map>
#include <utility>
#include <vector>

#include "archive/layer_stream.h"
#include "archive/tar_reader.h"
#include "base/sha256.h"
#include "base/siphash.h"

namespace layerscope {

namespace {

// Uncompressed layer in a seekable archive: positional reads of the entry's bytes.
class DirectFileReader final : public FileReader {
 public:
  DirectFileReader(std::shared_ptr<ByteSource> layer, uint64_t offset, uint64_t size, std::string where)
      : layer_(std::move(layer)), offset_(offset), where_(std::move(where)) {
    size_ = size;
  }
  Result<size_t> read(void* buf, size_t n) override {
    if (pos_ >= size_) return size_t{0};
    n = static_cast<size_t>(std::min<uint64_t>(n, size_ - pos_));
    Status st = read_exact(*layer_, offset_ + pos_, buf, n);
    if (!st.ok()) {
      Error e = st.take_error();
      if (e.code == Code::kTruncated) e.message = "layer data ends inside this file: " + e.message;
      return with_where(std::move(e), where_);
    }
    pos_ += n;
    return n;
  }
  Status seek(uint64_t offset) override {
    if (offset > size_) return make_error(Code::kInvalidArgument, "seek past the end of the file", where_);
    pos_ = offset;
    return Status::Ok();
  }

 private:
  std::shared_ptr<ByteSource> layer_;
  uint64_t offset_;
  std::string where_;
};

// Compressed layer, or any layer of a compressed archive: a decoder positioned at the entry.
//
// The index knows where the entry's bytes start in the decoded stream, so the
// reader decodes up to there without parsing the entries before it (a file at
// the end of a layer of 60,000 entries: 25 of 540 ms in wasm), once the tar
// header right before that offset still says what the index read (a valid
// checksum and the entry's size). When it does not (a pax header that holds the
// size, a sparse entry, a source that changed), the entries are walked instead.
class StreamFileReader final : public FileReader {
 public:
  // decoded: the layer's decoded bytes (LayerStream::read_decoded), else its tar entries.
  using Opener =
      std::function<Result<std::pair<std::unique_ptr<TarReader>, std::unique_ptr<LayerStream>>>(bool decoded)>;
  static Result<std::unique_ptr<StreamFileReader>> make(Opener open, uint64_t data_offset, uint64_t size,
                                                        std::string where) {
    std::unique_ptr<StreamFileReader> r(new StreamFileReader());
    r->open_ = std::move(open);
    r->data_offset_ = data_offset;
    r->size_ = size;
    r->where_ = std::move(where);
    LS_RETURN_IF_ERROR(r->start());
    return r;
  }
  Result<size_t> read(void* buf, size_t n) override {
    if (pos_ >= size_) return size_t{0};
    n = static_cast<size_t>(std::min<uint64_t>(n, size_ - pos_));
    size_t got = 0;
    if (decoded_) {
      if (left_ == 0) {
        const void* d = nullptr;
        LS_ASSIGN_OR_RETURN(left_, ls_->read_decoded(&d));
        at_ = static_cast<const uint8_t*>(d);
      }
      got = std::min(n, left_);
      if (got) std::memcpy(buf, at_, got);
      at_ += got;
      left_ -= got;
    } else {
      LS_ASSIGN_OR_RETURN(got, ls_->read(buf, n));
    }
    if (got == 0)
      return make_error(Code::kTruncated,
                        "file ends after " + std::to_string(pos_) + " of " + std::to_string(size_) + " bytes", where_);
    pos_ += got;
    return got;
  }
  Status seek(uint64_t offset) override {
    if (offset > size_) return make_error(Code::kInvalidArgument, "seek past the end of the file", where_);
    if (offset < pos_) LS_RETURN_IF_ERROR(start());
    std::vector<uint8_t> junk(std::min<uint64_t>(1 << 20, offset - pos_ + 1));
    while (pos_ < offset) {
      LS_ASSIGN_OR_RETURN(size_t got, read(junk.data(), static_cast<size_t>(std::min<uint64_t>(junk.size(), offset - pos_))));
      (void)got;
    }
    return Status::Ok();
  }

 private:
  StreamFileReader() = default;
  void reset() {
    ls_.reset();
    outer_.reset();
    pos_ = 0;
    left_ = 0;
    decoded_ = false;
  }
  Status start() {
    reset();
    if (!walk_ && !(data_offset_ & kSparseDataOffset) && data_offset_ >= kBlock) {
      LS_ASSIGN_OR_RETURN(bool there, start_decoded());
      if (there) return Status::Ok();
      walk_ = true;  // (and for every later start of this reader)
      reset();
    }
    LS_ASSIGN_OR_RETURN(auto pair, open_(false));
    outer_ = std::move(pair.first);
    ls_ = std::move(pair.second);
    TarHeader h;
    for (;;) {
      LS_ASSIGN_OR_RETURN(bool more, ls_->next(&h));
      if (!more) return make_error(Code::kNotFound, "entry vanished on the second pass", where_);
      if (h.data_offset == data_offset_) break;
    }
    return Status::Ok();
  }

  // Decodes up to the entry's first byte; true when the header block before it
  // is a tar header of a file of this size (false: walk the entries instead).
  Result<bool> start_decoded() {
    LS_ASSIGN_OR_RETURN(auto pair, open_(true));
    outer_ = std::move(pair.first);
    ls_ = std::move(pair.second);
    decoded_ = true;
    uint8_t header[kBlock];
    const uint64_t from = data_offset_ - kBlock;
    uint64_t at = 0;  // the decoded offset of the chunk's first byte
    for (;;) {
      const void* d = nullptr;
      LS_ASSIGN_OR_RETURN(size_t n, ls_->read_decoded(&d));
      if (n == 0) return false;  // the stream ends before the entry
      const auto* p = static_cast<const uint8_t*>(d);
      const uint64_t end = at + n;
      if (end > from && at < data_offset_) {
        const uint64_t a = std::max(at, from), b = std::min(end, data_offset_);
        std::memcpy(header + (a - from), p + (a - at), static_cast<size_t>(b - a));
      }
      if (end >= data_offset_) {
        at_ = p + (data_offset_ - at);
        left_ = static_cast<size_t>(end - data_offset_);
        break;
      }
      at = end;
    }
    return tar_header_of_size(header, size_);
  }

  static constexpr uint64_t kBlock = 512;
  Opener open_;
  std::unique_ptr<TarReader> outer_;
  std::unique_ptr<LayerStream> ls_;
  uint64_t data_offset_ = 0;
  bool walk_ = false;     // the header before the data did not match: walk the entries
  bool decoded_ = false;  // reading the decoded bytes (ls_->read_decoded), not an entry
  const uint8_t* at_ = nullptr;  // decoded: the rest of the current chunk
  size_t left_ = 0;
  std::string where_;
};

// The stored bytes of blob `b` a reader up to decoded byte `end` likely needs:
// that share of the blob at its average ratio, an eighth more and 256 KiB (the
// ratio varies along a layer: a short guess only means reading the rest in
// growing windows), for ByteSource::will_read.
uint64_t likely_stored_bytes(const Blob& b, uint64_t end) {
  if (b.uncompressed_size <= 0 || b.stored_size == 0) return 0;
  const double share = std::min(1.0, static_cast<double>(end) / static_cast<double>(b.uncompressed_size));
  const double guess = share * static_cast<double>(b.stored_size) * 1.125 + (256 << 10);
  return std::min<uint64_t>(b.stored_size, static_cast<uint64_t>(guess));
}

// Opens layer blob `member` as a decoded tar stream (through the outer archive
// when that is compressed as a whole), read up to a file (or the last entry
// whose digest is wanted): partial, so only the blob's first `announce` bytes
// are announced (likely_stored_bytes), not the whole blob.
LayerStreamOptions partial_stream_options(const Loaded& L, uint64_t announce) {
  LayerStreamOptions lo;
  lo.announce = announce;
  lo.max_expansion_floor = L.options.limits.max_expansion_floor;
  lo.max_expansion_ratio = L.options.limits.max_expansion_ratio;
  lo.partial = true;
  return lo;
}

StreamFileReader::Opener layer_opener(const Loaded& L, const std::string& member, uint64_t announce) {
  const LayerStreamOptions lo = partial_stream_options(L, announce);
  const Loaded* lp = &L;
  return [lp, member, lo](bool decoded) -> Result<std::pair<std::unique_ptr<TarReader>, std::unique_ptr<LayerStream>>> {
    std::pair<std::unique_ptr<TarReader>, std::unique_ptr<LayerStream>> out;
    if (lp->random_access) {
      LS_ASSIGN_OR_RETURN(auto ws, lp->member_source(member));
      if (decoded) {
        LS_ASSIGN_OR_RETURN(out.second, LayerStream::open_decoded(ws, lo, member));
      } else {
        LS_ASSIGN_OR_RETURN(out.second, LayerStream::open(ws, lo, member));
      }
      return out;
    }
    LS_ASSIGN_OR_RETURN(out.first, TarReader::open(lp->src, lp->src->name()));
    TarHeader oh;
    std::string on;
    for (;;) {
      LS_ASSIGN_OR_RETURN(bool more, out.first->next(&oh));
      if (!more) return make_error(Code::kNotFound, "layer member vanished on the second pass", member);
      normalize_path(oh.path, &on);
      if (on == member) break;
    }
    if (decoded) {
      LS_ASSIGN_OR_RETURN(out.second, LayerStream::open_decoded_stream({}, out.first->member_pull(), lo, member));
    } else {
      LS_ASSIGN_OR_RETURN(out.second, LayerStream::open_stream({}, out.first->member_pull(), lo, member));
    }
    return out;
  };
}

Result<std::unique_ptr<FileReader>> open_entry(const Loaded& L, const Image& img, int layer, const Entry& entry,
                                               std::string where);

}  // namespace

Result<std::unique_ptr<FileReader>> open_file_reader(const Loaded& L, Listings& listings, int image, int layer,
                                                     std::string_view path, KeptFiles* kept) {
  const Archive& a = L.archive;
  const PathTable& paths = L.paths;
  if (image < 0 || image >= static_cast<int>(a.images.size()))
    return make_error(Code::kInvalidArgument, "no image #" + std::to_string(image));
  const Image& img = a.images[image];
  int nl = static_cast<int>(img.layers.size());
  int upto = layer < 0 ? nl - 1 : layer;
  if (upto >= nl || nl == 0)
    return make_error(Code::kInvalidArgument, "layer " + std::to_string(upto) + " does not exist; the image has " +
                                                  std::to_string(nl) + " layers");
  LS_RETURN_IF_ERROR(L.layers_readable(image, upto));
  std::string norm;
  normalize_path(path, &norm);
  auto cache_ptr = listings.changes(image, upto);
  const auto& cache = *cache_ptr;
  std::string where = std::string(path) + " @ layer " + std::to_string(upto);
  PathId pid = paths.find(norm);
  if (pid == kNoPath) return make_error(Code::kNotFound, "no such file in this image", where);
  // Which layer holds the path's content at `upto`: the last layer at or below
  // it that changed the path (the change sets record every deletion, including
  // paths hidden by an opaque dir or a replaced parent, so this is the merged
  // tree's answer without merging).
  const TreeItem* hit = nullptr;
  for (int li = upto; li >= 0 && !hit; --li) hit = find_change(cache.changes.changes[li], pid);
  if (hit && hit->change == Change::kDeleted) hit = nullptr;
  if (!hit) return make_error(Code::kNotFound, "path does not exist at this layer (absent or deleted)", where);
  const LayerIndex* li = cache.layers[hit->layer];
  if (hit->implicit || !li) return make_error(Code::kInvalidArgument, "is a directory", where);
  const Entry* en = &li->entries[hit->entry];
  // Hardlinks: the content is that of the target entry in the same layer.
  for (int hops = 0; en->type == EntryType::kHardlink && hops < 8; ++hops) {
    const Entry* tgt = nullptr;
    for (size_t k = 0; k < li->entries.size(); ++k)
      if (li->entries[k].path == en->link && li->entries[k].type != EntryType::kHardlink) { tgt = &li->entries[k]; break; }
    if (!tgt)
      for (size_t k = 0; k < li->entries.size(); ++k)
        if (li->entries[k].path == en->link && &li->entries[k] != en) { tgt = &li->entries[k]; break; }
    if (!tgt) return make_error(Code::kNotFound, "hardlink target " + paths.path(en->link) + " is not in this layer", where);
    en = tgt;
  }
  if (en->type == EntryType::kHardlink) return make_error(Code::kCorrupt, "hardlinks form a loop", where);
  if (en->type == EntryType::kDir) return make_error(Code::kInvalidArgument, "is a directory", where);
  if (en->type == EntryType::kSymlink)
    return make_error(Code::kInvalidArgument,
                      "is a symlink to " + (en->link < li->strings.size() ? li->strings[en->link] : std::string("?")) +
                          "; read its target instead",
                      where);
  if (en->type != EntryType::kFile) return make_error(Code::kInvalidArgument, "is not a regular file", where);
  if (kept) {
    const Blob& b = L.archive.blobs[img.layers[hit->layer].blob];
    // (kept while its layer was indexed: image/kept_files.h)
    if (auto bytes = kept->take(b.member, en->data_offset, static_cast<uint64_t>(en->size)))
      return std::unique_ptr<FileReader>(
          new DirectFileReader(make_memory_source(std::move(*bytes), where), 0, static_cast<uint64_t>(en->size), where));
  }
  return open_entry(L, img, hit->layer, *en, std::move(where));
}

Result<std::unique_ptr<FileReader>> open_entry_reader(const Loaded& L, int image, int layer, uint32_t entry) {
  const Archive& a = L.archive;
  std::string where = "image " + std::to_string(image) + " layer " + std::to_string(layer);
  if (image < 0 || image >= static_cast<int>(a.images.size()) || layer < 0 ||
      layer >= static_cast<int>(a.images[image].layers.size()))
    return make_error(Code::kInvalidArgument, "no such image layer", where);
  LS_RETURN_IF_ERROR(L.layers_readable(image, layer));
  int blob = a.images[image].layers[layer].blob;
  if (blob < 0 || !a.blobs[blob].present || !a.blobs[blob].indexed || entry >= L.indexes[blob].entries.size())
    return make_error(Code::kNotFound, "no such entry in this layer", where);
  const Entry& en = L.indexes[blob].entries[entry];
  where += ": " + L.paths.path(en.path);
  if (en.type != EntryType::kFile) return make_error(Code::kInvalidArgument, "is not a regular file", where);
  return open_entry(L, a.images[image], layer, en, std::move(where));
}

namespace {

// A reader of one regular-file entry of image layer `layer`.
Result<std::unique_ptr<FileReader>> open_entry(const Loaded& L, const Image& img, int layer, const Entry& entry,
                                               std::string where) {
  const Archive& a = L.archive;
  const Entry* en = &entry;
  const Blob& b = a.blobs[img.layers[layer].blob];
  uint64_t size = static_cast<uint64_t>(en->size);
  // Positional reads only for plain entries: a sparse entry's stored bytes are
  // a map and segments, which libarchive expands when it reads the entry.
  if (L.random_access && b.compression == Compression::kNone && !(en->data_offset & kSparseDataOffset)) {
    LS_ASSIGN_OR_RETURN(auto ws, L.member_source(b.member));
    if (en->data_offset + size > ws->size())
      return make_error(Code::kTruncated, "layer data ends inside this file", where);
    return std::unique_ptr<FileReader>(new DirectFileReader(ws, en->data_offset, size, where));
  }
  auto opener = layer_opener(L, b.member, likely_stored_bytes(b, data_position(en->data_offset) + size));
  LS_ASSIGN_OR_RETURN(auto r, StreamFileReader::make(opener, en->data_offset, size, where));
  return std::unique_ptr<FileReader>(std::move(r));
}

}  // namespace

Status drain_reader(FileReader& reader, const ChunkSink& sink, const ProgressFn& progress, std::string_view where) {
  FileReader* r = &reader;
  std::vector<uint8_t> buf(static_cast<size_t>(std::min<uint64_t>(r->size(), 1 << 20)) + 1);
  for (;;) {
    LS_ASSIGN_OR_RETURN(size_t n, r->read(buf.data(), buf.size()));
    if (n == 0) break;
    if (!sink(buf.data(), n)) return Status::Ok();
    if (progress) {
      Progress p;
      p.phase = "read";
      p.done = r->position();
      p.total = r->size();
      if (!progress(p)) return make_error(Code::kCancelled, "cancelled", std::string(where));
    }
  }
  return Status::Ok();
}

namespace {

// Fingerprints `n` bytes of the entry a stream is positioned at.
Status hash_entry(LayerStream& ls, uint64_t n, std::vector<uint8_t>& buf, Fingerprint* digest,
                  const std::function<bool(uint64_t)>& advance, const std::string& where) {
  SipHash128 h(process_fingerprint_key());
  while (n > 0) {
    LS_ASSIGN_OR_RETURN(size_t got, ls.read(buf.data(), static_cast<size_t>(std::min<uint64_t>(n, buf.size()))));
    if (got == 0) return make_error(Code::kTruncated, "layer data ends inside this file", where);
    h.update(buf.data(), got);
    n -= got;
    if (!advance(got)) return make_error(Code::kCancelled, "cancelled", where);
  }
  *digest = h.finish();
  return Status::Ok();
}

// Fingerprints `entries` of layer index `li` (regular files) into `out`, in
// their order, as the decoded layer `ls` (at its start) reaches them: one pass.
Status hash_in_stream_order(LayerStream& ls, const LayerIndex& li, const std::vector<uint32_t>& entries,
                            std::vector<Fingerprint>* out, std::vector<uint8_t>& buf,
                            const std::function<bool(uint64_t)>& advance, const std::string& where) {
  out->assign(entries.size(), Fingerprint{});
  std::vector<size_t> order(entries.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](size_t x, size_t y) {
              return data_position(li.entries[entries[x]].data_offset) < data_position(li.entries[entries[y]].data_offset);
            });
  TarHeader h;
  size_t k = 0;
  while (k < order.size()) {
    LS_ASSIGN_OR_RETURN(bool more, ls.next(&h));
    if (!more) return make_error(Code::kNotFound, "entry vanished on the second pass", where);
    while (k < order.size() && li.entries[entries[order[k]]].data_offset == h.data_offset) {
      const Entry& en = li.entries[entries[order[k]]];
      // The same entry asked twice: hashed once.
      if (k > 0 && entries[order[k - 1]] == entries[order[k]]) (*out)[order[k]] = (*out)[order[k - 1]];
      else LS_RETURN_IF_ERROR(hash_entry(ls, static_cast<uint64_t>(en.size), buf, &(*out)[order[k]], advance, where));
      ++k;
    }
  }
  return Status::Ok();
}

// Whether every one of `entries` is a regular file of `li`.
Status check_files(const LayerIndex& li, const std::vector<uint32_t>& entries, const std::string& where) {
  for (uint32_t e : entries)
    if (e >= li.entries.size() || li.entries[e].type != EntryType::kFile)
      return make_error(Code::kInvalidArgument, "not a regular file of this layer", where);
  return Status::Ok();
}

bool is_image_layer(const Archive& a, int image, int layer) {
  return image >= 0 && image < static_cast<int>(a.images.size()) && layer >= 0 &&
         layer < static_cast<int>(a.images[image].layers.size()) && a.images[image].layers[layer].blob >= 0;
}

}  // namespace

Result<std::vector<Fingerprint>> fingerprint_entries(const Loaded& L, int image, int layer,
                                                     const std::vector<uint32_t>& entries, const ProgressFn& progress) {
  const Archive& a = L.archive;
  std::vector<Fingerprint> out(entries.size());
  std::string where = "image " + std::to_string(image) + " layer " + std::to_string(layer);
  if (!is_image_layer(a, image, layer)) return make_error(Code::kInvalidArgument, "no such image layer", where);
  const Blob& b = a.blobs[a.images[image].layers[layer].blob];
  const LayerIndex& li = L.indexes[a.images[image].layers[layer].blob];
  LS_RETURN_IF_ERROR(check_files(li, entries, where));
  uint64_t done = 0, total = 0;
  for (uint32_t e : entries) total += static_cast<uint64_t>(li.entries[e].size);
  auto advance = [&](uint64_t n) {
    done += n;
    Progress p;
    p.phase = "read";
    p.done = done;
    p.total = total;
    return !progress || progress(p);
  };
  std::vector<uint8_t> buf(1 << 20);
  if (L.random_access && b.compression == Compression::kNone) {
    for (size_t i = 0; i < entries.size(); ++i) {
      LS_ASSIGN_OR_RETURN(auto r, open_entry_reader(L, image, layer, entries[i]));
      SipHash128 h(process_fingerprint_key());
      bool go = true;
      LS_RETURN_IF_ERROR(drain_reader(*r, [&](const uint8_t* d, size_t n) { h.update(d, n); return go = advance(n); },
                                      {}, where));
      if (!go) return make_error(Code::kCancelled, "cancelled", where);
      out[i] = h.finish();
    }
    return out;
  }
  // A compressed layer: one pass, the entries hashed as the stream reaches them,
  // read as far as the last of them ends.
  uint64_t end = 0;
  for (uint32_t e : entries)
    end = std::max(end, data_position(li.entries[e].data_offset) + static_cast<uint64_t>(li.entries[e].size));
  LS_ASSIGN_OR_RETURN(auto pair, layer_opener(L, b.member, likely_stored_bytes(b, end))(false));
  LS_RETURN_IF_ERROR(hash_in_stream_order(*pair.second, li, entries, &out, buf, advance, where));
  return out;
}

Status fingerprint_layers_in_one_pass(const Loaded& L, int image, const std::vector<DigestWant>& wants,
                                      const std::function<bool(uint64_t)>& advance) {
  const Archive& a = L.archive;
  // The wants per layer member (several layers of an image may be one blob).
  std::map<std::string, std::vector<size_t>> by_member;
  for (size_t i = 0; i < wants.size(); ++i) {
    const std::string where = "image " + std::to_string(image) + " layer " + std::to_string(wants[i].layer);
    if (!is_image_layer(a, image, wants[i].layer)) return make_error(Code::kInvalidArgument, "no such image layer", where);
    const int bi = a.images[image].layers[wants[i].layer].blob;
    LS_RETURN_IF_ERROR(check_files(L.indexes[bi], *wants[i].entries, where));
    if (!wants[i].entries->empty()) by_member[a.blobs[bi].member].push_back(i);
    else wants[i].prints->clear();
  }
  if (by_member.empty()) return Status::Ok();
  LS_ASSIGN_OR_RETURN(auto tar, TarReader::open(L.src, L.src->name()));
  TarHeader oh;
  std::string on;
  std::vector<uint8_t> buf(1 << 20);
  while (!by_member.empty()) {
    LS_ASSIGN_OR_RETURN(bool more, tar->next(&oh));
    if (!more) return make_error(Code::kNotFound, "layer member vanished on the second pass", by_member.begin()->first);
    normalize_path(oh.path, &on);
    auto it = by_member.find(on);
    if (it == by_member.end()) continue;
    const std::vector<size_t>& mine = it->second;
    const int bi = a.images[image].layers[wants[mine.front()].layer].blob;
    const LayerIndex& li = L.indexes[bi];
    // What every layer of this blob asks, hashed once.
    std::vector<uint32_t> all;
    uint64_t asked = 0;
    for (size_t i : mine) {
      all.insert(all.end(), wants[i].entries->begin(), wants[i].entries->end());
      asked += wants[i].bytes;
    }
    std::sort(all.begin(), all.end());
    all.erase(std::unique(all.begin(), all.end()), all.end());
    uint64_t hashed = 0;
    for (uint32_t e : all) hashed += static_cast<uint64_t>(li.entries[e].size);
    LS_ASSIGN_OR_RETURN(auto ls, LayerStream::open_stream({}, tar->member_pull(), partial_stream_options(L, 0), on));
    std::vector<Fingerprint> prints;
    LS_RETURN_IF_ERROR(hash_in_stream_order(*ls, li, all, &prints, buf, advance, on));
    for (size_t i : mine) {
      std::vector<Fingerprint>& out = *wants[i].prints;
      out.clear();
      for (uint32_t e : *wants[i].entries)
        out.push_back(prints[std::lower_bound(all.begin(), all.end(), e) - all.begin()]);
    }
    // (bytes asked by two layers of one blob were hashed once: counted as asked)
    if (asked > hashed && !advance(asked - hashed)) return make_error(Code::kCancelled, "cancelled", on);
    by_member.erase(it);
  }
  return Status::Ok();
}

}  // namespace layerscope
