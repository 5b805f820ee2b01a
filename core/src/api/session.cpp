// Session: a thin facade over the rooms of api/ (image_refs, image_filters,
// listings, file_readers, path_history, documents), each a file of its own.
#include "layerscope/session.h"

#include <algorithm>

#include "api/file_readers.h"
#include "api/image_filters.h"
#include "api/image_refs.h"
#include "api/path_history.h"
#include "api/session_impl.h"
#include "api/view_warnings.h"
#include "archive/tar_reader.h"

namespace layerscope {

Session::Session(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Session::~Session() = default;

Result<std::unique_ptr<Session>> Session::open(std::shared_ptr<ByteSource> source, OpenOptions options) {
  if (!source) return make_error(Code::kInvalidArgument, "no input");
  LS_ASSIGN_OR_RETURN(auto loaded, load_archive(std::move(source), options));
  return std::unique_ptr<Session>(new Session(std::make_unique<Impl>(std::move(loaded))));
}

const std::vector<LegacyV1Image>& Session::Impl::legacy() {
  std::lock_guard<std::mutex> g(legacy_mu);
  if (!legacy_records) legacy_records = read_legacy_v1(*L);
  return *legacy_records;
}

const Archive& Session::archive() const { return impl_->L->archive; }
const PathTable& Session::paths() const { return impl_->L->paths; }
ByteSource& Session::source() const { return *impl_->L->src; }

Result<std::vector<int>> Session::images_for_platform(std::string_view platform) const {
  return layerscope::images_for_platform(archive(), platform);
}

Result<int> Session::resolve_image(std::string_view ref, std::string_view platform) const {
  return layerscope::resolve_image(archive(), ref, platform);
}

Result<std::vector<ImageSummary>> Session::images(const ImagesQuery& query) const {
  if (archive().images.empty()) return no_image_error(archive());
  if (query.all) return list_images(*impl_->L, impl_->legacy(), query);
  return list_images(*impl_->L, {}, query);
}

std::vector<Warning> Session::warnings_for(int image, int layer) const {
  return view_warnings(archive(), image, layer);
}

std::vector<Warning> Session::images_warnings(const std::vector<ImageSummary>& rows) const {
  std::vector<int> listed;
  for (auto& r : rows)
    if (r.index >= 0) listed.push_back(r.index);
  return layerscope::images_warnings(archive(), listed);
}

const LayerIndex* Session::layer_index(int image, int layer) const {
  const Archive& a = archive();
  if (image < 0 || image >= static_cast<int>(a.images.size())) return nullptr;
  const Image& img = a.images[image];
  if (layer < 0 || layer >= static_cast<int>(img.layers.size())) return nullptr;
  int b = img.layers[layer].blob;
  if (b < 0 || !a.blobs[b].present || !a.blobs[b].indexed) return nullptr;
  // Opened for the summary only, a layer indexed for its size is still not a view.
  const auto& readable = impl_->L->readable;
  if (static_cast<size_t>(b) >= readable.size() || !readable[b]) return nullptr;
  return &impl_->L->indexes[b];
}

bool Session::layers_indexed() const { return impl_->L->layers_readable().ok(); }

Status Session::layers_readable(int image, int layer) const {
  if (image < 0 || image >= static_cast<int>(archive().images.size()))
    return make_error(Code::kInvalidArgument, "no image #" + std::to_string(image));
  return impl_->L->layers_readable(image, layer);
}

int Session::layers_read(int image) const {
  if (image < 0 || image >= static_cast<int>(archive().images.size())) return 0;
  return impl_->L->layers_read(image);
}

Status Session::index_layers(int image, int layer, const ProgressFn& progress) {
  const Archive& a = archive();
  std::vector<int> blobs;
  if (image < 0) {
    for (size_t b = 0; b < a.blobs.size(); ++b) blobs.push_back(static_cast<int>(b));
  } else {
    if (image >= static_cast<int>(a.images.size()))
      return make_error(Code::kInvalidArgument, "no image #" + std::to_string(image));
    const auto& layers = a.images[image].layers;
    int last = layer < 0 ? static_cast<int>(layers.size()) - 1 : std::min(layer, static_cast<int>(layers.size()) - 1);
    for (int l = 0; l <= last; ++l) blobs.push_back(layers[l].blob);
  }
  return index_more(*impl_->L, blobs, progress);
}

Status Session::index_layers(int image, int layer, const ProgressFn& progress, std::string_view keep_path) {
  impl_->kept = KeptFiles::for_path(keep_path);
  impl_->L->keep = impl_->kept;
  Status st = index_layers(image, layer, progress);
  impl_->L->keep.reset();  // (later reads keep nothing)
  return st;
}

Result<std::vector<ChangeCounts>> Session::change_counts(int image) const {
  return impl_->listings.change_counts(image);
}

Result<std::shared_ptr<const Listing>> Session::listing(int image, const ListOptions& opt) const {
  return impl_->listings.listing(image, opt);
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

Result<std::unique_ptr<FileReader>> Session::open_file(int image, int layer, std::string_view path) const {
  return open_file_reader(*impl_->L, impl_->listings, image, layer, path);
}

Status Session::read_file(int image, int layer, std::string_view path, const ChunkSink& sink,
                          const ProgressFn& progress) const {
  LS_ASSIGN_OR_RETURN(auto r, open_file_reader(*impl_->L, impl_->listings, image, layer, path, impl_->kept.get()));
  return drain_reader(*r, sink, progress, path);
}

Result<std::vector<ListedEntry>> Session::path_history(int image, std::string_view path) const {
  return layerscope::path_history(*impl_->L, impl_->listings, image, path);
}

Status Session::verify(const ProgressFn& progress) { return verify_blobs(*impl_->L, progress); }

Status Session::verify(const ProgressFn& progress, const std::vector<StoredDigest>& stored) {
  std::vector<SuppliedDigest> s;
  s.reserve(stored.size());
  for (const StoredDigest& d : stored) s.push_back(SuppliedDigest{d.blob, d.digest});
  return verify_blobs(*impl_->L, progress, s);
}

std::vector<Session::UnreadBlob> Session::unread_blobs() const {
  std::vector<UnreadBlob> out;
  const Loaded& L = *impl_->L;
  if (!L.random_access) return out;
  for (size_t b = 0; b < L.archive.blobs.size(); ++b) {
    const Blob& blob = L.archive.blobs[b];
    if (!blob.present || L.readable[b]) continue;
    auto it = L.by_path.find(blob.member);
    if (it == L.by_path.end() || (L.members[it->second].data_offset & kSparseDataOffset)) continue;
    out.push_back(UnreadBlob{static_cast<int>(b), L.members[it->second].data_offset, blob.stored_size});
  }
  return out;
}

Result<std::string> Session::read_layer_alone(int blob, const ProgressFn& progress) {
  return read_blob_alone(*impl_->L, blob, progress);
}

Status Session::index_blobs(const std::vector<int>& blobs, const ProgressFn& progress,
                            const std::map<int, std::string_view>& reads) {
  if (blobs.empty()) {
    std::vector<int> all;
    for (size_t b = 0; b < archive().blobs.size(); ++b) all.push_back(static_cast<int>(b));
    return index_more(*impl_->L, all, progress, reads);
  }
  return index_more(*impl_->L, blobs, progress, reads);
}

std::vector<Session::PlainBlob> Session::plain_blobs() const {
  std::vector<PlainBlob> out;
  for (const PlainRange& r : plain_ranges(*impl_->L)) out.push_back(PlainBlob{r.blob, r.offset, r.size});
  return out;
}

}  // namespace layerscope
