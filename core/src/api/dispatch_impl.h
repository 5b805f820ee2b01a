// Private to the request dispatcher's sources, which hold its handlers by
// family: dispatch.cpp (the request table, the archives' and cursors' handles,
// open and index), dispatch_views.cpp (listings, reads, diffs, findings, the
// views' documents) and dispatch_jobs.cpp (verify and the writers). The
// requests themselves are documented in layerscope/dispatch.h.
#pragma once

#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "layerscope/analysis.h"
#include "layerscope/dispatch.h"
#include "layerscope/export.h"
#include "layerscope/session.h"
#include "api/file_readers.h"
#include "manifest/json.h"

namespace layerscope {
namespace dispatch_internal {

using json = nlohmann::json;

// A JSON value as text (invalid UTF-8 replaced, never an exception).
std::string dump(const json& j);


// Typed access to a request's arguments; every failure names "<type>.<name>".
class Args {
 public:
  Args(std::string_view type, const json& j) : type_(type), j_(j) {}

  Error bad(std::string_view name, const std::string& message) const {
    return make_error(Code::kInvalidArgument, message, std::string(type_) + "." + std::string(name));
  }
  // A null string or boolean takes its default; a null number is of the wrong
  // type (JSON.stringify turns NaN and Infinity into null: {layer: NaN} must not
  // mean the top layer).
  bool has(const char* name) const { return j_.contains(name) && !j_[name].is_null(); }
  bool present(const char* name) const { return j_.contains(name); }

  Result<int64_t> integer(const char* name, std::optional<int64_t> def = std::nullopt,
                          int64_t min = std::numeric_limits<int64_t>::min()) const {
    if (!present(name)) {
      if (def) return *def;
      return bad(name, std::string("missing argument '") + name + "'");
    }
    const json& v = j_[name];
    int64_t out = 0;
    if (v.is_number_unsigned()) {
      if (v.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
        return bad(name, std::string("argument '") + name + "' is out of range");
      out = static_cast<int64_t>(v.get<uint64_t>());
    } else if (v.is_number_integer()) {
      out = v.get<int64_t>();
    } else if (v.is_number_float() && std::isfinite(v.get<double>()) && std::floor(v.get<double>()) == v.get<double>() &&
               std::fabs(v.get<double>()) < 9.2e18) {
      out = static_cast<int64_t>(v.get<double>());
    } else {
      return bad(name, std::string("argument '") + name + "' must be an integer");
    }
    if (out < min) return bad(name, std::string("argument '") + name + "' must be at least " + std::to_string(min));
    return out;
  }
  Result<int> small_int(const char* name, std::optional<int64_t> def = std::nullopt, int64_t min = -1) const {
    LS_ASSIGN_OR_RETURN(int64_t v, integer(name, def, min));
    if (v > std::numeric_limits<int>::max()) return bad(name, std::string("argument '") + name + "' is out of range");
    return static_cast<int>(v);
  }
  Result<std::string> string(const char* name, std::optional<std::string> def = std::nullopt) const {
    if (!has(name)) {
      if (def) return *def;
      return bad(name, std::string("missing argument '") + name + "'");
    }
    if (!j_[name].is_string()) return bad(name, std::string("argument '") + name + "' must be a string");
    return j_[name].get_ref<const std::string&>();
  }
  // A JSON array of strings ([] when absent or null).
  Result<std::vector<std::string>> strings(const char* name) const {
    std::vector<std::string> out;
    if (!has(name)) return out;
    if (!j_[name].is_array()) return bad(name, std::string("argument '") + name + "' must be an array of strings");
    for (const json& v : j_[name]) {
      if (!v.is_string()) return bad(name, std::string("argument '") + name + "' must be an array of strings");
      out.push_back(v.get<std::string>());
    }
    return out;
  }
  // A JSON array of non-negative integers ([] when absent or null).
  Result<std::vector<int>> indexes(const char* name) const {
    std::vector<int> out;
    if (!has(name)) return out;
    if (!j_[name].is_array()) return bad(name, std::string("argument '") + name + "' must be an array of indexes");
    for (const json& v : j_[name]) {
      if (!v.is_number_integer() || v.get<int64_t>() < 0 || v.get<int64_t>() > std::numeric_limits<int>::max())
        return bad(name, std::string("argument '") + name + "' must be an array of indexes");
      out.push_back(static_cast<int>(v.get<int64_t>()));
    }
    return out;
  }
  // A JSON array of objects, each read through its own Args named
  // "<type>.<name>[i]" (none when absent or null).
  Status objects(const char* name, const std::function<Status(const Args&)>& each) const {
    if (!has(name)) return Status::Ok();
    if (!j_[name].is_array()) return bad(name, std::string("argument '") + name + "' must be an array of objects");
    size_t i = 0;
    for (const json& v : j_[name]) {
      std::string at = std::string(type_) + "." + name + "[" + std::to_string(i++) + "]";
      if (!v.is_object()) return make_error(Code::kInvalidArgument, "must be an object", at);
      LS_RETURN_IF_ERROR(each(Args(at, v)));
    }
    return Status::Ok();
  }
  Result<bool> boolean(const char* name, bool def) const {
    if (!has(name)) return def;
    if (!j_[name].is_boolean()) return bad(name, std::string("argument '") + name + "' must be true or false");
    return j_[name].get<bool>();
  }

 private:
  std::string_view type_;
  const json& j_;
};

// Bytes [offset, offset+length) of an open file (offset clamped to its size),
// into `out`; true when the read reached the file's end. `length` is at most
// Dispatcher::kMaxReadBytes (checked by the caller).
Result<bool> read_range(FileReader& r, uint64_t offset, uint64_t length, std::vector<uint8_t>* out);
// The "warnings" array of an answer about one image: Session::warnings_for.
std::string warnings_value(const Session& s, int image, int layer);
// write's "format" and "compress" arguments.
Status write_format(const Args& a, SaveFormat* format, bool* recompress, Compression* compression);
// One file's content onto `sink` (see dispatch.cpp).
Status copy_file(FileReader& r, ByteSink& sink, const std::string& path, const ProgressFn& progress);
// A read's value: {eof, size, warnings}.
std::string read_value(bool eof, uint64_t size, const std::string& warnings);
// {"blobs": [{blob, member, offset, size}]}: byte ranges of an archive's blobs
// (Session::UnreadBlob for indexPlan, Session::PlainBlob for verifyPlan).
template <class Ranges>
std::string blob_ranges_value(const Session& s, const Ranges& ranges) {
  json blobs = json::array();
  for (const auto& b : ranges)
    blobs.push_back({{"blob", b.blob}, {"member", s.archive().blobs[b.blob].member}, {"offset", b.offset}, {"size", b.size}});
  return json{{"blobs", std::move(blobs)}}.dump();
}

}  // namespace dispatch_internal

struct Dispatcher::Impl {
  using Args = dispatch_internal::Args;

  struct Implicit {
    int image = 0, layer = 0;
    std::string path;
    std::unique_ptr<FileReader> reader;
  };
  struct ArchiveSlot {
    std::shared_ptr<ByteSource> source;
    std::unique_ptr<Session> session;
    std::list<Implicit> implicit;  // declared after the session: destroyed first; most recent first
  };
  struct Cursor {
    uint64_t archive = 0;
    const Session* session = nullptr;  // for the warnings of each read; replaced by verify {reopen}
    int image = 0, layer = 0;  // as opened: verify {reopen} opens it again on the new session
    std::string path;
    std::unique_ptr<FileReader> reader;
  };

  // Cursors are declared after the archives, so they are destroyed first.
  std::map<uint64_t, ArchiveSlot> archives;
  std::map<uint64_t, Cursor> cursors;
  uint64_t next = 1;

  using Value = Result<std::string>;  // the value's JSON

  // ---- dispatch.cpp: handles, open, index, stats, close
  Result<ArchiveSlot*> archive(const Args& a, const char* name = "archive");
  Result<Cursor*> cursor(const Args& a);
  std::string handle_problem(int64_t h, const char* kind, const char* other_kind) const;
  void close_cursors_of(uint64_t archive);
  uint64_t handle_of(const ArchiveSlot* slot) const;
  Value open(const Args& a, const DispatchRequest& req);

  // "bytes_read":…,"indexed":…,"summary":{…} of an open session.
  static std::string opened_json(const Session& s);

  // Reads, in place, the layers of an archive opened for its summary only:
  // every one, or (image, layer) those a view of that image as of that layer
  // needs (0..layer; -1: all of the image). Layers read already are not read
  // again, and what was read before a cancel or an error stays read; views and
  // cursors open on the archive stay valid.
  Value index(const Args& a, const DispatchRequest& req);

  // The blobs index has yet to read, as byte ranges of the archive (for several
  // workers to read some each: readLayer).
  Value index_plan(const Args& a);

  // One blob read on its own, as bytes for the worker that holds the archive
  // to adopt (index {reads}).
  Value read_layer(const Args& a, const DispatchRequest& req, DispatchReply* reply);
  Value summary(const Args& a);
  Value resolve(const Args& a);
  Value stats(const Args& a);
  Value close(const Args& a);

  // ---- dispatch_views.cpp
  Value list(const Args& a);
  Value read(const Args& a, DispatchReply* reply);
  Value open_file(const Args& a);
  Value close_file(const Args& a);
  Value manifest(const Args& a);
  Value path_history(const Args& a);

  // diff: the layer diff {from, to}, or the image comparison {against,
  // against_image}; with content, the one file `path` at both points.
  Value diff(const Args& a);
  Value space(const Args& a);
  Value findings(const Args& a, const DispatchRequest& req);

  // The warnings that concern a view of one image (as of a layer), for the
  // views that have no document of their own (the config, the history).
  Value warnings(const Args& a);
  Value history(const Args& a);

  // ---- dispatch_jobs.cpp: verify, write
  // The plain blobs a host may hash itself for verify {digests}: their byte
  // ranges in the archive (Session::plain_blobs).
  Value verify_plan(const Args& a);
  Value verify(const Args& a, const DispatchRequest& req);
  Value verify_rows(const Args& a, const DispatchRequest& req);

  // The layers a write compressed anew elsewhere (args "recompressed": [{member,
  // digest, size, at}], each `size` bytes of req.kept from `at`), for
  // SaveOptions::recompressed. The write checks only that they lie in req.kept.
  Result<std::vector<RecompressedLayer>> recompressed(const Args& a, const DispatchRequest& req, Compression c);

  // writePlan {archive, what: save | strip, …as write}: the layers that write
  // would compress anew, largest first ({layers: [{member, size, blob, plain}]};

  // plain: stored uncompressed, so the diff_id recompress gives is the blob's
  // digest, for verify {blobs, digests}); reads nothing.
  Value write_plan(const Args& a);

  // recompress {archive, member, compress} + scratch: the layer stored as
  // `member` compressed anew into the scratch ({member, digest, size, diff_id}; its
  // bytes are the scratch's first region). Progress "measure".
  Value recompress(const Args& a, const DispatchRequest& req);

  // write {archive, what, …} + sink: what = save {images, format, compress} |
  // squash {image, format} | strip {image, paths, format, compress} |
  // export {image, layer, path} | file {image, layer, path}. The sink is
  // finished only when everything was written.
  Value write(const Args& a, const DispatchRequest& req);
};

}  // namespace layerscope
