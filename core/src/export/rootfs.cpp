#include "export/rootfs.h"

#include "archive/layer_stream.h"
#include "archive/tar_writer.h"
#include "base/paths.h"
#include "layerscope/text.h"
#include "tree/whiteout.h"

namespace layerscope {

TarEntryHeader entry_header(const TarHeader& h, const std::string& path, TarExtras x) {
  TarEntryHeader o;
  o.uname = std::move(x.uname);
  o.gname = std::move(x.gname);
  o.devmajor = x.devmajor;
  o.devminor = x.devminor;
  o.xattrs = std::move(x.xattrs);
  o.path = h.type == EntryType::kDir ? path + "/" : path;
  o.type = h.type;
  o.mode = h.mode;
  o.uid = h.uid;
  o.gid = h.gid;
  o.mtime = h.mtime;
  o.size = h.type == EntryType::kFile ? h.size : 0;
  if (h.type == EntryType::kSymlink) o.link = h.symlink;
  if (h.type == EntryType::kHardlink && !normalize_path(h.hardlink, &o.link)) o.link = h.hardlink;
  return o;
}

Status copy_entry_payload(LayerStream& ls, TarWriter& tw, uint8_t* buf) {
  for (;;) {
    LS_ASSIGN_OR_RETURN(size_t n, ls.read(buf, kPayloadChunk));
    if (n == 0) return Status::Ok();
    LS_RETURN_IF_ERROR(tw.write(buf, n));
  }
}

namespace {

Status write_layer(const Loaded& L, const RootfsJob& job, int layer, TarWriter& tw, uint8_t* buf,
                   const ProgressFn& progress) {
  const Image& img = L.archive.images[job.image];
  const Layer& l = img.layers[layer];
  std::string where = "layer " + std::to_string(layer);
  if (l.blob < 0 || !L.archive.blobs[l.blob].present)
    return make_error(Code::kNotFound, "the layer is not stored in the archive", where);
  const Blob& b = L.archive.blobs[l.blob];
  LS_ASSIGN_OR_RETURN(auto src, L.member_source(b.member));
  LayerStreamOptions lo;
  lo.max_expansion_floor = L.options.limits.max_expansion_floor;
  lo.max_expansion_ratio = L.options.limits.max_expansion_ratio;
  const uint64_t total = src->size();
  lo.tick = [&](uint64_t n) { return !progress || progress(Progress{"export", n, total, b.member}); };
  LS_ASSIGN_OR_RETURN(auto ls, LayerStream::open(src, lo, b.member));
  TarHeader h;
  std::string norm;
  for (;;) {
    LS_ASSIGN_OR_RETURN(bool more, ls->next(&h));
    if (!more) return Status::Ok();
    if (!normalize_path(h.path, &norm) || norm.empty()) continue;
    bool marker = classify_marker(basename_of(norm)).kind != MarkerKind::kNone;
    if (!job.keep(layer, norm, marker)) continue;
    Status st = tw.add(entry_header(h, norm, ls->extras()));
    if (st.ok() && h.type == EntryType::kFile) st = copy_entry_payload(*ls, tw, buf);
    if (!st.ok()) return with_where(st.take_error(), b.member + ": " + escape_text(norm, kQuoteBytes));
  }
}

}  // namespace

Status write_rootfs(const Loaded& L, const RootfsJob& job, ByteSink& sink, const ProgressFn& progress) {
  LS_ASSIGN_OR_RETURN(auto tw, TarWriter::open(&sink));
  for (const std::string& d : job.implicit_dirs) {
    TarEntryHeader h;
    h.path = d + "/";
    h.type = EntryType::kDir;
    h.mode = 0755;
    LS_RETURN_IF_ERROR(tw->add(h));
  }
  std::unique_ptr<uint8_t[]> buf(new uint8_t[kPayloadChunk]);
  for (int layer : job.layers) LS_RETURN_IF_ERROR(write_layer(L, job, layer, *tw, buf.get(), progress));
  return tw->finish();
}

}  // namespace layerscope
