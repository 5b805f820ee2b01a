// layerscope — the transport-free request dispatcher.
//
// One entry point for every request a transport carries (the wasm worker today;
// a local server or a stdio loop would reuse it), in the way of Perfetto's
// rpc.h: this file defines the requests and their replies, NOT how they
// travel. A request is a type plus a JSON object of arguments:
//
//   Dispatcher d;
//   d.dispatch({"open", "{\"verify\":false}", source, progress});
//       -> {"ok":true,"value":{"archive":1,"bytes_read":…,"summary":{…inspect…}}}
//   d.dispatch({"list", R"({"archive":1,"image":0,"layer":-1,"merged":true,
//                           "prefix":"","offset":0,"limit":5000})"});
//       -> {"ok":true,"value":{…ls document…}}
//   d.dispatch({"read", R"({"archive":1,"image":0,"layer":-1,"path":"etc/passwd",
//                           "offset":0,"length":65536})"});
//       -> {"ok":true,"value":{"eof":true,"size":1234}}  + reply.bytes
//
// Every reply is ONE envelope, {"ok":true,"value":…} or
// {"ok":false,"code":"not-found","message":"…","where":"…"}: this is the only
// place in the code base that turns an Error into that shape. Byte results
// (read) travel beside the JSON in `bytes`, never inside it.
//
// Handles. The dispatcher owns what requests refer to by number:
//   archive  an open Session over the ByteSource the transport supplied to
//            "open" (several at once: one worker may hold several archives);
//   cursor   an open file (Session::open_file), so two layers' files can be
//            read alternately without decoding a compressed layer from its
//            start again (several at once, at most kMaxCursors).
// Handles are positive, never reused, and share one counter, so a cursor
// number is never mistaken for an archive. Closing an archive closes its
// cursors. Using a handle that was closed, or never opened, or of the wrong
// kind, fails with invalid-argument and names the handle.
//
// Requests and their arguments (unknown keys are ignored, so a transport may
// pass its whole message; missing optional ones take the default shown):
//   open        {verify=false, layers="all"} + source (+ progress)
//               -> {archive, bytes_read, indexed, summary: <inspect document>}
//               layers: "all" indexes every layer; "summary" / "headers" read
//               the summary only (OpenOptions::layers: kSummary / kHeadersOnly;
//               "headers" decodes no compressed layer, whose uncompressed size
//               is then null); the views of files refuse until `index`.
//               indexed: whether they can be shown (an archive compressed as a
//               whole, or a verifying open, is always indexed in its one pass).
//   index       {archive, image=-1, layer=-1} (+ progress)
//               -> {bytes_read, indexed, layers_read, summary}: reads, in place,
//               the layers of an archive opened for its summary only: all of
//               them (image -1), or those a view of `image` as of `layer` needs
//               (0..layer; -1: all of the image). Layers already read are not
//               read again; those read before a cancel stay read; cursors and
//               views stay valid. Progress counts the stored bytes to read. The
//               summary's warnings gain those of the entries read.
//               layers_read (open and index): per image, per layer l, whether
//               a view as of l can be shown (layers 0..l read; an absent layer
//               counts as read).
//               index {archive, blobs, reads, read_lengths}: the blobs `blobs`
//               and `reads` (by blob number; not an image's layers), taking for
//               `reads` the bytes readLayer gave other workers, one after
//               another in the request's source, read_lengths long each.
//   indexPlan   {archive} -> {blobs: [{blob, member, offset, size}]}: the blobs
//               index has yet to read, as byte ranges of the archive.
//   readLayer   {archive, blob} (+ progress) -> {blob, length} + bytes: the
//               blob read on its own (Session::read_layer_alone), for the
//               worker holding the archive to adopt (index {reads}).
//   summary     {archive}               -> <inspect document>
//   resolve     {archive, ref, platform=""} -> image index
//   list        {archive, image, layer=-1, merged=false, prefix="", offset=0, limit=0}
//               -> <ls document>
//   read        {archive, image, layer=-1, path, offset=0, length}
//               | {cursor, offset=0, length}
//               -> {eof, size, warnings} + bytes. The path form keeps its last
//               kImplicitCursors files of each archive open, so paging through
//               a file continues where the previous page stopped.
//   openFile    {archive, image, layer=-1, path} -> {cursor, size, warnings}
//   closeFile   {cursor}                -> null
//   manifest    {archive, image}        -> the raw manifest text (a JSON string)
//   pathHistory {archive, image, path}  -> <log document>
//   verify      {archive, reopen=false, index=true, blobs=[], digests=[]} (+ progress)
//               -> {summary, bytes_read}: hashes every blob and layer.
//               reopen: index the archive again from its source with hashing
//               on (one pass; for an archive compressed as a whole); the
//               handle stays, its cursors continue on the new index at their
//               position (one whose file cannot be opened again is closed).
//               index: false hashes an archive opened for its summary without
//               indexing its layers; then blobs/digests (parallel arrays) may
//               give the stored SHA-256 of plain blobs the host hashed itself
//               (verifyPlan), which are not read (Session::verify).
//   verifyPlan  {archive} -> {blobs: [{blob, member, offset, size}]}: the blobs stored
//               uncompressed and not hashed yet, as byte ranges of the archive.
//   diff        {archive, image, from, to=-1, path="", content=false}
//               | {archive, image, against, against_image, path="", content=false}
//               -> <diff document> (from -1: the empty filesystem; against:
//               an archive handle, which may be `archive` itself), at most
//               kMaxListEntries rows (a limit error at "diff.path": narrow it);
//               content: the content diff document of the file `path`
//   space       {archive, image, top=10} -> {schema_version, image, space: <inspect's space object>}
//   findings    {archive, image, content=false} (+ progress) -> <findings document>
//               (docs/schema/findings.schema.json; secret values masked)
//   verifyRows  {archive} (+ progress)  -> <verify document> (docs/schema/verify.schema.json):
//               one row per blob, as `layerscope verify --json`.
//   write       {archive, what, image=0, …} + sink (+ scratch, progress) -> {bytes, …}:
//               what = save {images=[] (all), format="docker"|"oci", compress=""|"none"|"gzip"|"zstd"}
//               | squash {image, format} | strip {image, paths, format, compress} -> also {image_id, rewritten}
//               | export {image, layer=-1, path=""} (a plain tar) | file {image, layer=-1, path} (its bytes).
//               The sink is finished only when the whole output was written; on
//               an error it is left unfinished, for the transport to discard.
//               save / strip also take recompressed=[{member, digest, size, at}] +
//               kept: layers compressed anew elsewhere, copied from kept, not compressed.
//   writePlan   {archive, what, …as write} -> {layers: [{member, size, blob, plain}]}: the
//               layers that write compresses anew, largest first (reads nothing).
//   recompress  {archive, member, compress} + scratch (+ progress) -> {member, digest, size, diff_id}:
//               one such layer compressed anew into the scratch (its first region),
//               for a write of the same archive in another instance (the page's
//               helper workers: wasm/parallel.ts recompressInParallel).
//   stats       {archive?}              -> {bytes_read} (of that archive; of
//               all open archives without one)
//   close       {archive}               -> null
//   warnings    {archive, image, layer=-1} -> {warnings}
//   history     {archive, image}        -> <history document> (its "warnings" too)
// Warnings travel with each answer about an image: the ls (list) and log
// (pathHistory) documents and the history document carry a "warnings" array,
// read and openFile a "warnings" member, each [{code, message, where}] as
// Session::warnings_for(image, layer) gives them (one "incomplete-image" per
// absent or unreadable layer up to the one shown); open and summary carry the
// archive's in the inspect document's "warnings".
// Argument errors are invalid-argument with where = "<type>.<argument>"; a null
// number argument is of the wrong type (not "use the default"). One read gives
// at most kMaxReadBytes and one list page at most kMaxListEntries (limit errors
// at "read.length" / "list.limit": read or page in pieces). The arguments are
// parsed with the core's JSON bounds (size, depth).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "layerscope/byte_sink.h"
#include "layerscope/byte_source.h"
#include "layerscope/options.h"
#include "layerscope/status.h"

namespace layerscope {

struct DispatchRequest {
  std::string_view type;
  std::string_view args;               // a JSON object; "" means {}
  std::shared_ptr<ByteSource> source;  // "open": where the archive's bytes come from; "index": its reads
  ProgressFn progress;                 // open, index, verify: optional; returning false cancels
  std::shared_ptr<ByteSink> sink;      // "write" only: where the output goes (finished on success only)
  // "write" only, optional: where a save or strip keeps each layer it
  // recompresses between measuring and writing it (SaveOptions::scratch), so
  // it is compressed once; none: compressed twice.
  ScratchFactory scratch;
  // "write" only, optional: the bytes of layers compressed anew elsewhere
  // (args "recompressed": [{member, digest, size, at}], SaveOptions::recompressed).
  std::shared_ptr<ByteSource> kept;
};

struct DispatchReply {
  bool ok = false;
  std::string json;            // the envelope (UTF-8; invalid bytes replaced)
  bool has_bytes = false;      // the request returns bytes (read), even when none
  std::vector<uint8_t> bytes;  // those bytes
};

// The error envelope of `e`: {"ok":false,"code","message","where"}.
std::string error_envelope(const Error& e);

class Dispatcher {
 public:
  static constexpr size_t kMaxCursors = 64;      // explicit cursors open at once
  static constexpr size_t kImplicitCursors = 1;
  static constexpr uint64_t kMaxReadBytes = 64ull << 20;  // one read's length; more is a limit error ("read.length")
  static constexpr uint64_t kMaxListEntries = 100000;     // one list page's entries (limit 0: all from offset); more is a limit error  // per archive, for path-addressed reads (as before the dispatcher)

  Dispatcher();
  ~Dispatcher();
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  DispatchReply dispatch(const DispatchRequest& req);

  size_t open_archives() const;
  size_t open_cursors() const;  // explicit ones

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace layerscope
