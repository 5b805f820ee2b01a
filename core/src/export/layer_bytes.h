// export/layer_bytes — a layer's bytes as an output carries them: copied as
// stored, or decoded and compressed anew. A recompressed layer's digest and
// size are not known before its bytes exist, while a tar member needs its size
// in its header. With scratch storage from the caller (layerscope/byte_sink.h
// Scratch: natively a temporary file) measure_layer() compresses once into it
// and the writer copies those bytes; without, it compresses into a hashing
// sink only (nothing kept) and the writer compresses again (deterministic
// compression gives the same bytes).
#pragma once

#include <functional>
#include <memory>

#include "layerscope/byte_sink.h"
#include "layerscope/byte_source.h"
#include "layerscope/model.h"
#include "layerscope/options.h"

namespace layerscope {

struct LayerBytes {
  bool recompress = false;                       // false: the stored bytes
  Compression compression = Compression::kNone;  // with recompress
  Limits limits;                                 // decompression bounds
  std::function<bool(uint64_t)> tick;            // source bytes consumed; false cancels
};

// Passes writes on to `next` but never finishes it: a compressor's finish()
// ends the compressed stream and then finishes this wrapper, which stops
// there (the bytes go on into a tar member that has more after it).
class UnfinishedSink final : public ByteSink {
 public:
  explicit UnfinishedSink(ByteSink& next) : next_(next) {}
  Status write(const void* d, size_t n) override { return next_.write(d, n); }
  Status finish() override { return Status::Ok(); }
  std::string name() const override { return next_.name(); }

 private:
  ByteSink& next_;
};

// Streams the layer's output bytes into `out` (out is not finished).
Status write_layer_bytes(const std::shared_ptr<ByteSource>& src, const LayerBytes& how, const std::string& where,
                         ByteSink& out);

// The output bytes' "sha256:<hex>" digest and size, and the diff_id of the
// decoded stream; with `scratch`, also the output bytes themselves (`kept`).
struct LayerMeasure {
  std::string digest, diff_id;
  uint64_t size = 0;
  std::shared_ptr<ByteSource> kept;
};
Result<LayerMeasure> measure_layer(const std::shared_ptr<ByteSource>& src, const LayerBytes& how,
                                   const std::string& where, Scratch* scratch = nullptr);

}  // namespace layerscope
