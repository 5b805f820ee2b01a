// layerscope — errors as values.
//
// Every fallible call in core/ returns Status or Result<T>. Nothing throws
// across a module seam: an Error carries a stable machine-readable code, a
// human message, and `where` — the place in the input it concerns (an archive
// member path, "layer 3 (sha256:…)", "manifest.json[0].Config", an entry
// path inside a layer). The CLI prints it, the wasm bridge turns it into
// {ok:false, code, message, where} unchanged.
#pragma once

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace layerscope {

enum class Code {
  kOk = 0,
  kIo,              // the byte source failed to deliver bytes
  kTruncated,       // input ends before a structure it promised
  kCorrupt,         // a structure is malformed (bad tar header, bad JSON, bad compressed stream)
  kUnsupported,     // recognised but not handled (e.g. an unknown compression)
  kNotFound,        // a referenced thing (blob, image, path) is absent
  kInvalidArgument, // the caller asked for something impossible
  kAmbiguous,       // a reference matches several things
  kLimit,           // a documented resource limit was hit (entries, depth, bomb ratio)
  kCancelled,       // the caller's progress callback asked to stop
  kNotImage,        // the archive holds nothing image-like
  kInternal,
};

// Stable lower-case name of a code, used in JSON and CLI output ("corrupt").
std::string_view code_name(Code c);

struct Error {
  Code code = Code::kInternal;
  std::string message;
  std::string where;  // may be empty
  // "corrupt: bad tar header (at layer 2 …)" — one line for humans.
  std::string to_string() const;
};

// Status: ok, or an Error.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error e) : err_(std::move(e)), ok_(false) {}  // NOLINT implicit by design
  static Status Ok() { return Status(); }
  bool ok() const { return ok_; }
  const Error& error() const { assert(!ok_); return err_; }
  Error&& take_error() { assert(!ok_); return std::move(err_); }

 private:
  Error err_;
  bool ok_ = true;
};

// Result<T>: a T, or an Error.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T v) : v_(std::move(v)) {}          // NOLINT implicit by design
  Result(Error e) : v_(std::move(e)) {}      // NOLINT
  Result(Status s) : v_(s.take_error()) {}   // must be a failed Status
  bool ok() const { return v_.index() == 0; }
  T& value() & { assert(ok()); return std::get<0>(v_); }
  const T& value() const& { assert(ok()); return std::get<0>(v_); }
  T&& value() && { assert(ok()); return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const Error& error() const { assert(!ok()); return std::get<1>(v_); }
  Error&& take_error() { assert(!ok()); return std::get<1>(std::move(v_)); }
  Status status() const { return ok() ? Status() : Status(error()); }

 private:
  std::variant<T, Error> v_;
};

inline Error make_error(Code c, std::string message, std::string where = {}) {
  return Error{c, std::move(message), std::move(where)};
}

// Prefixes `where` with an outer location: "layer 2" + "etc/passwd" -> "layer 2: etc/passwd".
Error with_where(Error e, std::string_view outer);

}  // namespace layerscope

#define LS_RETURN_IF_ERROR(expr)                \
  do {                                          \
    auto _ls_s = (expr);                        \
    if (!_ls_s.ok()) return _ls_s.take_error(); \
  } while (0)

#define LS_CONCAT_INNER(a, b) a##b
#define LS_CONCAT(a, b) LS_CONCAT_INNER(a, b)
#define LS_ASSIGN_OR_RETURN(lhs, expr) \
  LS_ASSIGN_OR_RETURN_IMPL(LS_CONCAT(_ls_r_, __LINE__), lhs, expr)
#define LS_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                             \
  if (!tmp.ok()) return tmp.take_error();        \
  lhs = std::move(tmp).value()
