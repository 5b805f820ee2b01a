// Opens one layer blob for reading its tar entries.
//
//   seekable source, uncompressed, no hashing -> TarReader straight on the
//       source: payloads are skipped by seeking (listing reads headers only);
//   otherwise -> a decoding pipeline:
//       raw bytes ─(sha256 stored digest)─> a decoder (ISA-L's gzip or
//       libzstd where the build has them: direct_decoders.h; else libarchive's
//       raw format + filter) ─(sha256 diff_id, uncompressed count, expansion
//       limit)─> TarReader;
//       with a StartThread, reading and decoding run on that thread, a few
//       slices ahead, and the hashing of the decoded bytes (CRC-32, diff_id)
//       and the TarReader on the caller's (as gzip -dc | tar -t would).
// Compression is sniffed from magic bytes, never from names.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "archive/tar_reader.h"
#include "layerscope/options.h"

namespace layerscope {

struct LayerStreamOptions {
  bool hash = false;                 // compute stored digest and diff_id
  uint64_t max_expansion_floor = 1ull << 30;
  double max_expansion_ratio = 2000.0;
  // Called with raw bytes consumed so far (a decoding pipeline: per chunk; an
  // uncompressed blob read directly: per entry and per payload read); return
  // false to cancel.
  std::function<bool(uint64_t)> tick;
  // Set: a compressed blob of random access is decoded on that thread, a few
  // slices ahead of the reader (OpenOptions::start_thread).
  StartThread start_thread;
  // The reader may stop before the blob's end (one file of the layer, the
  // digests of some entries): the blob is not announced to its source
  // (ByteSource::will_read), which would read ahead up to its largest window
  // at once — 8 MiB from a URL to show a file in the blob's first KBs.
  bool partial = false;
  // A partial reader that knows about how far it will read (a file's share of
  // the blob at the layer's average ratio) announces the blob's first
  // `announce` bytes: a file at the end of a big layer is read ahead from the
  // start, one in its first KBs is not (0: nothing announced).
  uint64_t announce = 0;
};

class LayerStream {
 public:
  static Result<std::unique_ptr<LayerStream>> open(std::shared_ptr<ByteSource> src, LayerStreamOptions opt,
                                                   std::string where);
  // `prefix` holds bytes already taken from the stream (for sniffing).
  static Result<std::unique_ptr<LayerStream>> open_stream(std::string prefix, TarReader::Pull pull,
                                                          LayerStreamOptions opt, std::string where);
  // The blob's decoded (uncompressed) bytes instead of its tar entries: read
  // them with read_decoded(); the decompression limits and hashing apply alike.
  static Result<std::unique_ptr<LayerStream>> open_decoded(std::shared_ptr<ByteSource> src, LayerStreamOptions opt,
                                                           std::string where);
  // The same over a stream (`prefix` as in open_stream).
  static Result<std::unique_ptr<LayerStream>> open_decoded_stream(std::string prefix, TarReader::Pull pull,
                                                                  LayerStreamOptions opt, std::string where);
  ~LayerStream();

  // open_decoded() streams: the next decoded chunk (valid until the next call),
  // 0 at the end, when sizes and digests are complete (finish() is done).
  Result<size_t> read_decoded(const void** data);

  Result<bool> next(TarHeader* h);
  // The current entry's names, device numbers and extended attributes.
  TarExtras extras() const { return tar_ ? tar_->extras() : TarExtras{}; }
  Result<size_t> read(void* buf, size_t n);
  // Call after next() returned false: reads the rest of the stream (trailing
  // padding) so sizes and digests cover every byte.
  Status finish();

  Compression compression() const { return compression_; }
  uint64_t uncompressed_size() const { return uncompressed_; }
  const std::string& stored_digest() const { return stored_digest_; }
  const std::string& diff_id() const { return diff_id_; }

 private:
  struct Pipe;
  LayerStream() = default;
  Status init(std::shared_ptr<ByteSource> src, std::string prefix, TarReader::Pull pull);
  Status direct_tick();
  uint64_t next_tick_ = 1u << 20;  // direct_tick: the position of the next tick

  LayerStreamOptions opt_;
  std::string where_;
  Compression compression_ = Compression::kNone;
  std::unique_ptr<Pipe> pipe_;
  std::unique_ptr<TarReader> tar_;
  uint64_t uncompressed_ = 0;
  std::string stored_digest_, diff_id_;
  bool direct_ = false;
  bool decoded_only_ = false;
  uint64_t direct_size_ = 0;
};

}  // namespace layerscope
