#include "export/layer_bytes.h"

#include "archive/compress_sink.h"
#include "archive/layer_stream.h"
#include "digest/verify.h"

namespace layerscope {
namespace {

constexpr size_t kCopyChunk = 1 << 20;

Status copy_stored(ByteSource& src, const LayerBytes& how, const std::string& where, ByteSink& out) {
  std::unique_ptr<uint8_t[]> buf(new uint8_t[kCopyChunk]);
  const uint64_t size = src.size();
  for (uint64_t off = 0; off < size;) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(kCopyChunk, size - off));
    LS_ASSIGN_OR_RETURN(size_t n, src.read_at(off, buf.get(), want));
    if (n == 0) return make_error(Code::kTruncated, "layer ends early", where);
    LS_RETURN_IF_ERROR(out.write(buf.get(), n));
    off += n;
    if (how.tick && !how.tick(off)) return make_error(Code::kCancelled, "cancelled", where);
  }
  return Status::Ok();
}

// Decodes the layer into `out`; with a hashing `ls`, its diff_id afterwards.
Status decode_into(const std::shared_ptr<ByteSource>& src, const LayerBytes& how, const std::string& where,
                   ByteSink& out, std::string* diff_id) {
  LS_ASSIGN_OR_RETURN(auto ls, LayerStream::open_decoded(src, hashing_options(how.limits, how.tick), where));
  for (;;) {
    const void* d = nullptr;
    LS_ASSIGN_OR_RETURN(size_t n, ls->read_decoded(&d));
    if (n == 0) break;
    LS_RETURN_IF_ERROR(out.write(d, n));
  }
  if (diff_id) *diff_id = ls->diff_id();
  return Status::Ok();
}

Status recompress(const std::shared_ptr<ByteSource>& src, const LayerBytes& how, const std::string& where,
                  ByteSink& out, std::string* diff_id) {
  UnfinishedSink keep(out);
  LS_ASSIGN_OR_RETURN(auto z, make_compressing_sink(&keep, how.compression));
  LS_RETURN_IF_ERROR(decode_into(src, how, where, *z, diff_id));
  return z->finish();
}

}  // namespace

Status write_layer_bytes(const std::shared_ptr<ByteSource>& src, const LayerBytes& how, const std::string& where,
                         ByteSink& out) {
  if (!how.recompress) return copy_stored(*src, how, where, out);
  return recompress(src, how, where, out, nullptr);
}

Result<LayerMeasure> measure_layer(const std::shared_ptr<ByteSource>& src, const LayerBytes& how,
                                   const std::string& where, Scratch* scratch) {
  HashingSink h(scratch ? &scratch->sink() : nullptr);
  std::string diff_id;
  LS_RETURN_IF_ERROR(how.recompress ? recompress(src, how, where, h, &diff_id) : copy_stored(*src, how, where, h));
  LS_RETURN_IF_ERROR(h.finish());
  LayerMeasure m{h.digest(), diff_id, h.count(), nullptr};
  if (scratch) {
    LS_ASSIGN_OR_RETURN(m.kept, scratch->source());
  }
  return m;
}

}  // namespace layerscope
