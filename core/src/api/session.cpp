#include "layerscope/session.h"

#include <algorithm>
#include <cctype>
#include <functional>
#include <map>
#include <mutex>

#include "api/session_impl.h"
#include "layerscope/text.h"
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

// What one layer's change set says about `path`, or nullptr.
const TreeItem* find_change(const std::vector<TreeItem>& changes, PathId path) {
  for (const TreeItem& it : changes)
    if (it.path == path) return &it;
  return nullptr;
}

// The recorded facts of one layer entry, resolved to strings.
void fill_from_entry(ListedEntry* e, const Entry& en, const LayerIndex& li, const PathTable& paths) {
  e->type = en.type;
  e->size = en.size;
  e->mode = en.mode;
  e->uid = en.uid;
  e->gid = en.gid;
  e->mtime = en.mtime;
  if (en.type == EntryType::kSymlink && en.link < li.strings.size()) e->link = li.strings[en.link];
  if (en.type == EntryType::kHardlink) e->link = paths.path(en.link);
}

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

// The images an error offers as choices: escaped (tags are archive bytes), and at
// most kMaxChoices of them (an archive may hold thousands).
std::string choices(const Archive& a) {
  constexpr size_t kMaxChoices = 20;
  std::string s;
  for (size_t i = 0; i < a.images.size() && i < kMaxChoices; ++i)
    s += "\n  " + escape_text(image_label(a.images[i], static_cast<int>(i)), 2 * kQuoteBytes);
  if (a.images.size() > kMaxChoices) s += "\n  … and " + std::to_string(a.images.size() - kMaxChoices) + " more";
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

std::string lower(std::string_view in) {
  std::string s(in);
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// containerd's normalisation (platforms.Normalize): architecture aliases, "7" ->
// "v7", and each architecture's default variant made explicit (amd64 v1, arm64
// v8, arm v7), so "linux/arm64" and "linux/arm64/v8" name the same platform.
struct NormPlatform {
  std::string os, arch, variant;
};
NormPlatform normalize_platform(std::string_view os, std::string_view arch, std::string_view variant) {
  NormPlatform p{lower(os), lower(arch), lower(variant)};
  if (p.arch == "x86_64" || p.arch == "x86-64") p.arch = "amd64";
  else if (p.arch == "i386" || p.arch == "i686") p.arch = "386";
  else if (p.arch == "aarch64") p.arch = "arm64";
  else if (p.arch == "armhf") { p.arch = "arm"; if (p.variant.empty()) p.variant = "v7"; }
  else if (p.arch == "armel") { p.arch = "arm"; if (p.variant.empty()) p.variant = "v6"; }
  if (p.variant.size() == 1 && std::isdigit(static_cast<unsigned char>(p.variant[0]))) p.variant = "v" + p.variant;
  if (p.variant == "8" || (p.arch == "arm64" && p.variant.empty())) p.variant = "v8";
  if (p.arch == "amd64" && p.variant.empty()) p.variant = "v1";
  if (p.arch == "arm" && p.variant.empty()) p.variant = "v7";
  return p;
}

// Does the image's platform match the first `parts` parts of the wanted one
// (os, arch, variant)? With parts < 3 any variant of the architecture matches
// (resolve_image then prefers the default one).
bool platform_matches(const Platform& img, const NormPlatform& want, size_t parts) {
  NormPlatform p = normalize_platform(img.os, img.architecture, img.variant);
  if (p.os != want.os) return false;
  if (parts > 1 && p.arch != want.arch) return false;
  if (parts > 2 && p.variant != want.variant) return false;
  return true;
}

// Which images match `platform` ("os[/arch[/variant]]"), and, when no variant is
// named, which of those have the architecture's default one ("linux/amd64"
// matching both amd64 (v1) and amd64/v3: the default variant wins, as
// containerd's matcher ranks it).
Status platform_sets(const Archive& a, std::string_view platform, std::vector<bool>* allowed,
                     std::vector<bool>* preferred) {
  std::vector<std::string> want;
  std::string cur;
  for (char c : platform) {
    if (c == '/') {
      want.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  want.push_back(cur);
  if (want.size() > 3 || std::any_of(want.begin(), want.end(), [](const std::string& x) { return x.empty(); }))
    return make_error(Code::kInvalidArgument,
                      "platform '" + escape_text(platform, kQuoteBytes) + "' is not os[/arch[/variant]] (e.g. linux/arm64)");
  NormPlatform w = normalize_platform(want[0], want.size() > 1 ? want[1] : "", want.size() > 2 ? want[2] : "");
  size_t n = a.images.size();
  allowed->assign(n, false);
  preferred->assign(n, false);
  for (size_t i = 0; i < n; ++i) {
    (*allowed)[i] = platform_matches(a.images[i].platform, w, want.size());
    (*preferred)[i] = want.size() == 2 && (*allowed)[i] && platform_matches(a.images[i].platform, w, 3);
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<int>> Session::images_for_platform(std::string_view platform) const {
  std::vector<bool> allowed, preferred;
  LS_RETURN_IF_ERROR(platform_sets(archive(), platform, &allowed, &preferred));
  std::vector<int> out;
  for (size_t i = 0; i < allowed.size(); ++i)
    if (allowed[i]) out.push_back(static_cast<int>(i));
  return out;
}

Result<int> Session::resolve_image(std::string_view ref, std::string_view platform) const {
  const Archive& a = archive();
  int n = static_cast<int>(a.images.size());
  if (n == 0) return make_error(Code::kNotFound, "the archive holds no images", a.name);
  // The images the platform allows (all without one).
  std::vector<bool> allowed(n, true), preferred(n, false);
  std::string plat_note;
  // Several hits: keep those of the default variant, if that narrows them.
  auto prefer_default = [&](std::vector<int>& hits) {
    std::vector<int> d;
    for (int i : hits)
      if (preferred[i]) d.push_back(i);
    if (!d.empty() && hits.size() > 1) hits = d;
  };
  if (!platform.empty()) {
    LS_RETURN_IF_ERROR(platform_sets(a, platform, &allowed, &preferred));
    int count = static_cast<int>(std::count(allowed.begin(), allowed.end(), true));
    plat_note = " for platform " + escape_text(platform, kQuoteBytes);
    if (count == 0)
      return make_error(Code::kNotFound, "no image" + plat_note + "; choices:" + choices(a));
    if (ref.empty()) {
      std::vector<int> hits;
      for (int i = 0; i < n; ++i)
        if (allowed[i]) hits.push_back(i);
      prefer_default(hits);
      if (hits.size() == 1) return hits[0];
      return make_error(Code::kAmbiguous, std::to_string(hits.size()) + " images" + plat_note +
                                              "; name one by tag, ID or index:" + choices(a));
    }
  }
  if (ref.empty()) {
    if (n == 1) return 0;
    return make_error(Code::kAmbiguous, "the archive holds " + std::to_string(n) +
                                            " images; name one by tag, ID or index:" + choices(a));
  }
  // Index: "0", "#0".
  std::string_view num = ref;
  if (!num.empty() && num[0] == '#') num.remove_prefix(1);
  if (!num.empty() && num.size() < 10 && std::all_of(num.begin(), num.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    int i = std::stoi(std::string(num));
    if (i < n) {
      if (!allowed[i])
        return make_error(Code::kNotFound, "image #" + std::to_string(i) + " is not" + plat_note +
                                               "; choices:" + choices(a));
      return i;
    }
    if (ref[0] == '#')
      return make_error(Code::kNotFound, "no image #" + std::string(num) + "; choices:" + choices(a));
  }
  // Tags.
  std::vector<int> hits;
  auto forms = tag_forms(ref);
  for (int i = 0; i < n; ++i) {
    if (!allowed[i]) continue;
    for (auto& t : a.images[i].tags) {
      bool m = false;
      for (auto& f : forms) m = m || t == f;
      for (auto& f : tag_forms(t)) m = m || f == ref;
      if (m) { hits.push_back(i); break; }
    }
  }
  prefer_default(hits);
  if (hits.size() == 1) return hits[0];
  if (hits.size() > 1)
    return make_error(Code::kAmbiguous, "tag '" + std::string(ref) + "' matches several images" + plat_note +
                                            " (pick one with --platform or by index):" + choices(a));
  // ID / manifest digest prefixes.
  std::string_view hex = ref;
  if (starts_with(hex, "sha256:")) hex.remove_prefix(7);
  if (hex.size() >= 1 && std::all_of(hex.begin(), hex.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); })) {
    for (int i = 0; i < n; ++i) {
      if (!allowed[i]) continue;
      const Image& img = a.images[i];
      bool m = (img.config_digest.size() > 7 && starts_with(std::string_view(img.config_digest).substr(7), hex)) ||
               (img.manifest_digest.size() > 7 && starts_with(std::string_view(img.manifest_digest).substr(7), hex));
      if (m) hits.push_back(i);
    }
    prefer_default(hits);
    if (hits.size() == 1) return hits[0];
    if (hits.size() > 1)
      return make_error(Code::kAmbiguous, "ID prefix '" + std::string(ref) + "' matches several images" + plat_note +
                                              ":" + choices(a));
  }
  return make_error(Code::kNotFound, "no image matches '" + std::string(ref) + "'" + plat_note + "; choices:" + choices(a));
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

std::shared_ptr<const ImageTreeCache> Session::Impl::changes(int image) {
  std::lock_guard<std::mutex> g(mu);
  const Image& img = L->archive.images[image];
  std::vector<int> key;
  for (auto& l : img.layers) key.push_back(l.blob);
  if (auto hit = lru_get(lru, key)) return hit;
  auto c = std::make_shared<ImageTreeCache>();
  for (auto& l : img.layers) {
    const Blob* b = l.blob >= 0 ? &L->archive.blobs[l.blob] : nullptr;
    c->layers.push_back(b && b->present && b->indexed ? &L->indexes[l.blob] : nullptr);
  }
  if (!c->layers.empty()) merge_layers(L->paths, c->layers, static_cast<int>(c->layers.size()) - 1, &c->changes);
  lru.emplace_front(std::move(key), c);
  if (lru.size() > kCacheSlots) lru.pop_back();
  return c;
}

Result<std::vector<ChangeCounts>> Session::change_counts(int image) const {
  if (image < 0 || image >= static_cast<int>(archive().images.size()))
    return make_error(Code::kInvalidArgument, "no image #" + std::to_string(image));
  auto c_ptr = impl_->changes(image);
  const auto& c = *c_ptr;
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

Result<std::shared_ptr<const Listing>> Session::listing(int image, const ListOptions& opt) const {
  const Archive& a = archive();
  if (image < 0 || image >= static_cast<int>(a.images.size()))
    return make_error(Code::kInvalidArgument, "no image #" + std::to_string(image));
  const Image& img = a.images[image];
  int nl = static_cast<int>(img.layers.size());
  int layer = opt.layer < 0 ? nl - 1 : opt.layer;
  if (nl > 0 && layer >= nl)
    return make_error(Code::kInvalidArgument,
                      "layer " + std::to_string(layer) + " does not exist; the image has " + std::to_string(nl) +
                          " layers (0.." + std::to_string(nl - 1) + ")");
  std::string prefix;
  normalize_path(opt.prefix, &prefix);
  PathId pid = prefix.empty() ? kRootPath : paths().find(prefix);
  if (pid == kNoPath) return make_error(Code::kNotFound, "no such path in the archive", opt.prefix);

  Impl::ListingKey key{image, layer, opt.merged, prefix};
  {
    std::lock_guard<std::mutex> g(impl_->mu);
    if (auto hit = lru_get(impl_->listings, key)) return hit;
  }
  auto out = std::make_shared<Listing>();
  out->paths_ = &paths();
  out->image_ = image;
  out->layer_ = layer;
  out->merged_ = opt.merged;
  if (nl > 0) {
    out->cache_ = impl_->changes(image);
    const ImageTreeCache& cache = *out->cache_;
    if (opt.merged) {
      // With the change sets, each item carries what the layer that last wrote it did (A/M).
      ImageChanges upto;
      out->items_ = merge_layers(paths(), cache.layers, layer, &upto).items;
    } else {
      out->items_ = cache.changes.changes[layer];
    }
    if (pid != kRootPath) {
      auto& v = out->items_;
      v.erase(std::remove_if(v.begin(), v.end(),
                             [&](const TreeItem& it) { return it.path != pid && !paths().is_ancestor(pid, it.path); }),
              v.end());
    }
    out->items_.shrink_to_fit();
  }
  std::lock_guard<std::mutex> g(impl_->mu);
  auto& lru = impl_->listings;
  lru.emplace_front(std::move(key), out);
  // At most kListingSlots listings, and fewer when they are large: the items of
  // the cached listings together stay under kListingItems (the newest is always kept).
  uint64_t items = 0;
  size_t keep = 0;
  for (auto& [k, l] : lru) {
    items += l->size();
    if (keep > 0 && (keep >= Impl::kListingSlots || items > Impl::kListingItems)) break;
    ++keep;
  }
  while (lru.size() > keep) lru.pop_back();
  return std::shared_ptr<const Listing>(std::move(out));
}

ListedEntry Listing::entry(uint64_t i) const {
  const TreeItem& it = items_[i];
  ListedEntry e;
  e.path = paths_->path(it.path);
  e.layer = it.layer;
  e.change = it.change;
  e.implicit = it.implicit;
  const LayerIndex* li = it.layer >= 0 ? cache_->layers[it.layer] : nullptr;
  if (it.change == Change::kDeleted) {
    e.type = EntryType::kOther;
  } else if (it.implicit || !li || it.entry >= li->entries.size()) {
    e.type = EntryType::kDir;
    e.mode = 040755;
  } else {
    fill_from_entry(&e, li->entries[it.entry], *li, *paths_);
  }
  return e;
}

Result<std::vector<ListedEntry>> Session::list(int image, const ListOptions& opt) const {
  LS_ASSIGN_OR_RETURN(auto l, listing(image, opt));
  uint64_t from = std::min<uint64_t>(opt.offset, l->size());
  uint64_t to = opt.limit && opt.limit < l->size() - from ? from + opt.limit : l->size();
  std::vector<ListedEntry> out;
  out.reserve(to - from);
  for (uint64_t i = from; i < to; ++i) out.push_back(l->entry(i));
  return out;
}

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
class StreamFileReader final : public FileReader {
 public:
  using Opener = std::function<Result<std::pair<std::unique_ptr<TarReader>, std::unique_ptr<LayerStream>>>()>;
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
    LS_ASSIGN_OR_RETURN(size_t got, ls_->read(buf, n));
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
  Status start() {
    ls_.reset();
    outer_.reset();
    LS_ASSIGN_OR_RETURN(auto pair, open_());
    outer_ = std::move(pair.first);
    ls_ = std::move(pair.second);
    TarHeader h;
    for (;;) {
      LS_ASSIGN_OR_RETURN(bool more, ls_->next(&h));
      if (!more) return make_error(Code::kNotFound, "entry vanished on the second pass", where_);
      if (h.data_offset == data_offset_) break;
    }
    pos_ = 0;
    return Status::Ok();
  }
  Opener open_;
  std::unique_ptr<TarReader> outer_;
  std::unique_ptr<LayerStream> ls_;
  uint64_t data_offset_ = 0;
  std::string where_;
};

}  // namespace

Result<std::unique_ptr<FileReader>> Session::open_file(int image, int layer, std::string_view path) const {
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
  auto cache_ptr = impl_->changes(image);
  const auto& cache = *cache_ptr;
  std::string where = std::string(path) + " @ layer " + std::to_string(upto);
  PathId pid = paths().find(norm);
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
    if (!tgt) return make_error(Code::kNotFound, "hardlink target " + paths().path(en->link) + " is not in this layer", where);
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
  const Blob& b = a.blobs[img.layers[hit->layer].blob];
  const Loaded& L = *impl_->L;
  uint64_t size = static_cast<uint64_t>(en->size);
  // Positional reads only for plain entries: a sparse entry's stored bytes are
  // a map and segments, which libarchive expands when it reads the entry.
  if (L.random_access && b.compression == Compression::kNone && !(en->data_offset & kSparseDataOffset)) {
    LS_ASSIGN_OR_RETURN(auto ws, L.member_source(b.member));
    if (en->data_offset + size > ws->size())
      return make_error(Code::kTruncated, "layer data ends inside this file", where);
    return std::unique_ptr<FileReader>(new DirectFileReader(ws, en->data_offset, size, where));
  }
  LayerStreamOptions lo;
  lo.max_expansion_floor = L.options.limits.max_expansion_floor;
  lo.max_expansion_ratio = L.options.limits.max_expansion_ratio;
  const Loaded* lp = &L;
  std::string member = b.member;
  auto opener = [lp, member, lo]() -> Result<std::pair<std::unique_ptr<TarReader>, std::unique_ptr<LayerStream>>> {
    std::pair<std::unique_ptr<TarReader>, std::unique_ptr<LayerStream>> out;
    if (lp->random_access) {
      LS_ASSIGN_OR_RETURN(auto ws, lp->member_source(member));
      LS_ASSIGN_OR_RETURN(out.second, LayerStream::open(ws, lo, member));
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
    LS_ASSIGN_OR_RETURN(out.second, LayerStream::open_stream({}, out.first->member_pull(), lo, member));
    return out;
  };
  LS_ASSIGN_OR_RETURN(auto r, StreamFileReader::make(opener, en->data_offset, size, where));
  return std::unique_ptr<FileReader>(std::move(r));
}

Status Session::read_file(int image, int layer, std::string_view path, const ChunkSink& sink,
                          const ProgressFn& progress) const {
  LS_ASSIGN_OR_RETURN(auto r, open_file(image, layer, path));
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
      if (!progress(p)) return make_error(Code::kCancelled, "cancelled", std::string(path));
    }
  }
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
  auto cache_ptr = impl_->changes(image);
  const auto& cache = *cache_ptr;
  for (size_t li = 0; li < cache.changes.changes.size(); ++li) {
    if (const TreeItem* hit = find_change(cache.changes.changes[li], pid)) {
      const TreeItem& it = *hit;
      ListedEntry e;
      e.path = norm;
      e.layer = static_cast<int>(li);
      e.change = it.change;
      e.implicit = it.implicit;
      const LayerIndex* idx = cache.layers[li];
      if (it.change == Change::kDeleted) {
        e.type = EntryType::kOther;
      } else if (idx && it.entry < idx->entries.size()) {
        fill_from_entry(&e, idx->entries[it.entry], *idx, paths());
      } else {
        e.type = EntryType::kDir;
      }
      out.push_back(std::move(e));
    }
  }
  return out;
}

Status Session::verify(const ProgressFn& progress) { return verify_blobs(*impl_->L, progress); }

}  // namespace layerscope
