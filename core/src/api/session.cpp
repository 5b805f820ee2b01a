#include "layerscope/session.h"

#include <algorithm>
#include <map>
#include <mutex>

#include "api/session_impl.h"
#include "archive/layer_stream.h"
#include "archive/tar_reader.h"

namespace layerscope {

Session::Session(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Session::~Session() = default;

Result<std::unique_ptr<Session>> Session::open(std::shared_ptr<ByteSource> source, OpenOptions options) {
  if (!source) return make_error(Code::kInvalidArgument, "no input");
  auto impl = std::make_unique<Impl>();
  LS_ASSIGN_OR_RETURN(impl->L, load_archive(std::move(source), options));
  return std::unique_ptr<Session>(new Session(std::move(impl)));
}

const Archive& Session::archive() const { return impl_->L->archive; }
const PathTable& Session::paths() const { return impl_->L->paths; }
ByteSource& Session::source() const { return *impl_->L->src; }

namespace {

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

std::string image_label(const Image& img, int i) {
  std::string id = img.config_digest.size() > 19 ? img.config_digest.substr(7, 12) : img.config_digest;
  std::string s = "#" + std::to_string(i) + " " + (id.empty() ? "(no config)" : id);
  if (!img.tags.empty()) {
    s += " (";
    for (size_t k = 0; k < img.tags.size(); ++k) s += (k ? ", " : "") + img.tags[k];
    s += ")";
  }
  if (!img.platform.os.empty() || !img.platform.architecture.empty()) s += " " + img.platform.to_string();
  return s;
}

std::string choices(const Archive& a) {
  std::string s;
  for (size_t i = 0; i < a.images.size(); ++i) s += "\n  " + image_label(a.images[i], static_cast<int>(i));
  return s;
}

// Docker's reference rules, loosely: "repo" means "repo:latest"; "docker.io/" and
// "docker.io/library/" prefixes are optional; "localhost/" likewise (podman).
std::vector<std::string> tag_forms(std::string_view ref) {
  std::string r(ref);
  std::vector<std::string> forms{r};
  auto last_slash = r.rfind('/');
  bool has_tag = r.find(':', last_slash == std::string::npos ? 0 : last_slash) != std::string::npos;
  if (!has_tag && r.find('@') == std::string::npos) forms.push_back(r + ":latest");
  std::vector<std::string> out;
  for (auto& f : forms) {
    out.push_back(f);
    out.push_back("docker.io/" + f);
    out.push_back("docker.io/library/" + f);
    out.push_back("localhost/" + f);
  }
  return out;
}

}  // namespace

Result<int> Session::resolve_image(std::string_view ref) const {
  const Archive& a = archive();
  int n = static_cast<int>(a.images.size());
  if (n == 0) return make_error(Code::kNotFound, "the archive holds no images", a.name);
  if (ref.empty()) {
    if (n == 1) return 0;
    return make_error(Code::kAmbiguous, "the archive holds " + std::to_string(n) +
                                            " images; name one by tag, ID or index:" + choices(a));
  }
  // Index: "0", "#0".
  std::string_view num = ref;
  if (!num.empty() && num[0] == '#') num.remove_prefix(1);
  if (!num.empty() && num.size() < 6 && std::all_of(num.begin(), num.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    int i = std::stoi(std::string(num));
    if (i < n) return i;
    if (ref[0] == '#')
      return make_error(Code::kNotFound, "no image #" + std::string(num) + "; choices:" + choices(a));
  }
  // Tags.
  std::vector<int> hits;
  auto forms = tag_forms(ref);
  for (int i = 0; i < n; ++i) {
    for (auto& t : a.images[i].tags) {
      bool m = false;
      for (auto& f : forms) m = m || t == f;
      for (auto& f : tag_forms(t)) m = m || f == ref;
      if (m) { hits.push_back(i); break; }
    }
  }
  if (hits.size() == 1) return hits[0];
  if (hits.size() > 1)
    return make_error(Code::kAmbiguous, "tag '" + std::string(ref) + "' matches several images:" + choices(a));
  // ID / manifest digest prefixes.
  std::string_view hex = ref;
  if (starts_with(hex, "sha256:")) hex.remove_prefix(7);
  if (hex.size() >= 1 && std::all_of(hex.begin(), hex.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); })) {
    for (int i = 0; i < n; ++i) {
      const Image& img = a.images[i];
      bool m = (img.config_digest.size() > 7 && starts_with(std::string_view(img.config_digest).substr(7), hex)) ||
               (img.manifest_digest.size() > 7 && starts_with(std::string_view(img.manifest_digest).substr(7), hex));
      if (m) hits.push_back(i);
    }
    if (hits.size() == 1) return hits[0];
    if (hits.size() > 1)
      return make_error(Code::kAmbiguous, "ID prefix '" + std::string(ref) + "' matches several images:" + choices(a));
  }
  return make_error(Code::kNotFound, "no image matches '" + std::string(ref) + "'; choices:" + choices(a));
}

const LayerIndex* Session::layer_index(int image, int layer) const {
  const Archive& a = archive();
  if (image < 0 || image >= static_cast<int>(a.images.size())) return nullptr;
  const Image& img = a.images[image];
  if (layer < 0 || layer >= static_cast<int>(img.layers.size())) return nullptr;
  int b = img.layers[layer].blob;
  if (b < 0 || !a.blobs[b].present || !a.blobs[b].indexed) return nullptr;
  return &impl_->L->indexes[b];
}

const ImageTreeCache& Session::Impl::changes(int image) {
  std::lock_guard<std::mutex> g(mu);
  auto it = cache.find(image);
  if (it != cache.end()) return it->second;
  const Image& img = L->archive.images[image];
  std::vector<const LayerIndex*> layers;
  for (auto& l : img.layers) {
    const Blob* b = l.blob >= 0 ? &L->archive.blobs[l.blob] : nullptr;
    layers.push_back(b && b->present && b->indexed ? &L->indexes[l.blob] : nullptr);
  }
  ImageTreeCache c;
  c.layers = layers;
  if (!layers.empty()) merge_layers(L->paths, layers, static_cast<int>(layers.size()) - 1, &c.changes);
  return cache.emplace(image, std::move(c)).first->second;
}

Result<std::vector<ChangeCounts>> Session::change_counts(int image) const {
  if (image < 0 || image >= static_cast<int>(archive().images.size()))
    return make_error(Code::kInvalidArgument, "no image #" + std::to_string(image));
  const auto& c = impl_->changes(image);
  std::vector<ChangeCounts> out;
  for (size_t li = 0; li < c.changes.changes.size(); ++li) {
    ChangeCounts cc;
    const LayerIndex* idx = c.layers[li];
    for (auto& it : c.changes.changes[li]) {
      int64_t size = 0;
      if (idx && it.entry < idx->entries.size()) size = idx->entries[it.entry].size;
      if (it.change == Change::kAdded) { ++cc.added; cc.added_bytes += size; }
      else if (it.change == Change::kModified) { ++cc.modified; cc.modified_bytes += size; }
      else if (it.change == Change::kDeleted) ++cc.deleted;
    }
    out.push_back(cc);
  }
  return out;
}

Result<std::vector<ListedEntry>> Session::list(int image, const ListOptions& opt) const {
  const Archive& a = archive();
  if (image < 0 || image >= static_cast<int>(a.images.size()))
    return make_error(Code::kInvalidArgument, "no image #" + std::to_string(image));
  const Image& img = a.images[image];
  int nl = static_cast<int>(img.layers.size());
  int layer = opt.layer < 0 ? nl - 1 : opt.layer;
  if (nl == 0) return std::vector<ListedEntry>{};
  if (layer >= nl)
    return make_error(Code::kInvalidArgument,
                      "layer " + std::to_string(layer) + " does not exist; the image has " + std::to_string(nl) +
                          " layers (0.." + std::to_string(nl - 1) + ")");
  const auto& cache = impl_->changes(image);
  std::vector<TreeItem> items;
  if (opt.merged) {
    // With the change sets, each item carries what the layer that last wrote it did (A/M).
    ImageChanges upto;
    items = merge_layers(paths(), cache.layers, layer, &upto).items;
  } else {
    items = cache.changes.changes[layer];
  }
  std::string prefix;
  normalize_path(opt.prefix, &prefix);
  PathId pid = prefix.empty() ? kRootPath : paths().find(prefix);
  if (pid == kNoPath) return make_error(Code::kNotFound, "no such path in the archive", opt.prefix);
  std::vector<ListedEntry> out;
  out.reserve(items.size());
  for (auto& it : items) {
    if (pid != kRootPath && it.path != pid && !paths().is_ancestor(pid, it.path)) continue;
    ListedEntry e;
    e.path = paths().path(it.path);
    e.layer = it.layer;
    e.change = it.change;
    e.implicit = it.implicit;
    const LayerIndex* li = it.layer >= 0 ? cache.layers[it.layer] : nullptr;
    if (it.change == Change::kDeleted) {
      e.type = EntryType::kOther;
    } else if (it.implicit || !li || it.entry >= li->entries.size()) {
      e.type = EntryType::kDir;
      e.mode = 040755;
    } else {
      const Entry& en = li->entries[it.entry];
      e.type = en.type;
      e.size = en.size;
      e.mode = en.mode;
      e.uid = en.uid;
      e.gid = en.gid;
      e.mtime = en.mtime;
      if (en.type == EntryType::kSymlink && en.link < li->strings.size()) e.link = li->strings[en.link];
      if (en.type == EntryType::kHardlink) e.link = paths().path(en.link);
    }
    out.push_back(std::move(e));
  }
  return out;
}

Status Session::read_file(int image, int layer, std::string_view path, const ChunkSink& sink,
                          const ProgressFn& progress) const {
  const Archive& a = archive();
  if (image < 0 || image >= static_cast<int>(a.images.size()))
    return make_error(Code::kInvalidArgument, "no image #" + std::to_string(image));
  const Image& img = a.images[image];
  int nl = static_cast<int>(img.layers.size());
  int upto = layer < 0 ? nl - 1 : layer;
  if (upto >= nl || nl == 0)
    return make_error(Code::kInvalidArgument, "layer " + std::to_string(upto) + " does not exist; the image has " +
                                                  std::to_string(nl) + " layers");
  std::string norm;
  normalize_path(path, &norm);
  const auto& cache = impl_->changes(image);
  PathId pid = paths().find(norm);
  if (pid == kNoPath) return make_error(Code::kNotFound, "no such file in this image", std::string(path));
  // Which layer holds the path's content at `upto`: the merged tree's answer.
  auto merged = merge_layers(paths(), cache.layers, upto, nullptr);
  const TreeItem* hit = nullptr;
  for (auto& it : merged.items)
    if (it.path == pid) { hit = &it; break; }
  std::string where = std::string(path) + " @ layer " + std::to_string(upto);
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
    if (!tgt) return make_error(Code::kNotFound, "hardlink target " + paths().path(en->link) + " is not in this layer", where);
    en = tgt;
  }
  if (en->type == EntryType::kDir) return make_error(Code::kInvalidArgument, "is a directory", where);
  if (en->type == EntryType::kSymlink)
    return make_error(Code::kInvalidArgument,
                      "is a symlink to " + (en->link < li->strings.size() ? li->strings[en->link] : std::string("?")) +
                          "; read its target instead",
                      where);
  if (en->type != EntryType::kFile) return make_error(Code::kInvalidArgument, "is not a regular file", where);
  const Blob& b = a.blobs[img.layers[hit->layer].blob];
  const Loaded& L = *impl_->L;
  uint64_t want = static_cast<uint64_t>(en->size);
  if (L.random_access && b.compression == Compression::kNone) {
    LS_ASSIGN_OR_RETURN(auto ws, L.member_source(b.member));
    std::vector<uint8_t> buf(std::min<uint64_t>(want, 1 << 20) + 1);
    uint64_t done = 0;
    while (done < want) {
      size_t n = static_cast<size_t>(std::min<uint64_t>(buf.size(), want - done));
      Status rs = read_exact(*ws, en->data_offset + done, buf.data(), n);
      if (!rs.ok()) return with_where(rs.take_error(), where);
      if (!sink(buf.data(), n)) return Status::Ok();
      done += n;
      if (progress) {
        Progress p;
        p.phase = "read";
        p.done = done;
        p.total = want;
        if (!progress(p)) return make_error(Code::kCancelled, "cancelled", where);
      }
    }
    return Status::Ok();
  }
  // Compressed layer (or a compressed outer archive): decode up to the entry.
  std::unique_ptr<TarReader> outer;
  std::unique_ptr<LayerStream> ls;
  LayerStreamOptions lo;
  lo.max_expansion_floor = L.options.limits.max_expansion_floor;
  lo.max_expansion_ratio = L.options.limits.max_expansion_ratio;
  if (L.random_access) {
    LS_ASSIGN_OR_RETURN(auto ws, L.member_source(b.member));
    LS_ASSIGN_OR_RETURN(ls, LayerStream::open(ws, lo, b.member));
  } else {
    LS_ASSIGN_OR_RETURN(outer, TarReader::open(L.src, L.src->name()));
    TarHeader oh;
    std::string on;
    bool found = false;
    for (;;) {
      LS_ASSIGN_OR_RETURN(bool more, outer->next(&oh));
      if (!more) break;
      normalize_path(oh.path, &on);
      if (on == b.member) { found = true; break; }
    }
    if (!found) return make_error(Code::kNotFound, "layer member vanished on the second pass", b.member);
    TarReader* o = outer.get();
    auto pull = [o](const void** d) -> Result<size_t> {
      size_t n = 0;
      auto r = o->read_block(d, &n);
      if (!r.ok()) return r.take_error();
      return r.value() ? n : size_t{0};
    };
    LS_ASSIGN_OR_RETURN(ls, LayerStream::open_stream({}, pull, lo, b.member));
  }
  TarHeader h;
  for (;;) {
    LS_ASSIGN_OR_RETURN(bool more, ls->next(&h));
    if (!more) return make_error(Code::kNotFound, "entry vanished on the second pass", where);
    if (h.data_offset == en->data_offset) break;
  }
  std::vector<uint8_t> buf(1 << 20);
  uint64_t done = 0;
  for (;;) {
    LS_ASSIGN_OR_RETURN(size_t n, ls->read(buf.data(), buf.size()));
    if (n == 0) break;
    if (!sink(buf.data(), n)) return Status::Ok();
    done += n;
    if (progress) {
      Progress p;
      p.phase = "read";
      p.done = done;
      p.total = want;
      if (!progress(p)) return make_error(Code::kCancelled, "cancelled", where);
    }
  }
  if (done != want)
    return make_error(Code::kTruncated,
                      "file ends after " + std::to_string(done) + " of " + std::to_string(want) + " bytes", where);
  return Status::Ok();
}

Result<std::vector<ListedEntry>> Session::path_history(int image, std::string_view path) const {
  const Archive& a = archive();
  if (image < 0 || image >= static_cast<int>(a.images.size()))
    return make_error(Code::kInvalidArgument, "no image #" + std::to_string(image));
  std::string norm;
  normalize_path(path, &norm);
  PathId pid = paths().find(norm);
  std::vector<ListedEntry> out;
  if (pid == kNoPath) return out;
  const auto& cache = impl_->changes(image);
  for (size_t li = 0; li < cache.changes.changes.size(); ++li) {
    for (const TreeItem& it : cache.changes.changes[li]) {
      if (it.path != pid) continue;
      ListedEntry e;
      e.path = norm;
      e.layer = static_cast<int>(li);
      e.change = it.change;
      e.implicit = it.implicit;
      const LayerIndex* idx = cache.layers[li];
      if (it.change == Change::kDeleted) {
        e.type = EntryType::kOther;
      } else if (idx && it.entry < idx->entries.size()) {
        const Entry& en = idx->entries[it.entry];
        e.type = en.type;
        e.size = en.size;
        e.mode = en.mode;
        e.uid = en.uid;
        e.gid = en.gid;
        e.mtime = en.mtime;
        if (en.type == EntryType::kSymlink && en.link < idx->strings.size()) e.link = idx->strings[en.link];
        if (en.type == EntryType::kHardlink) e.link = paths().path(en.link);
      } else {
        e.type = EntryType::kDir;
      }
      out.push_back(std::move(e));
      break;
    }
  }
  return out;
}

Status Session::verify(const ProgressFn& progress) { return verify_blobs(*impl_->L, progress); }

}  // namespace layerscope
