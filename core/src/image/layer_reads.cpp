#include "image/layer_reads.h"

#include <cstring>

namespace layerscope {

namespace {

// A blob read elsewhere (another instance of the core: a helper worker of
// the page), carried as bytes. Little-endian fixed-width integers and
// length-prefixed strings; read back with every id and length checked.

constexpr char kReadMagic[8] = {'L', 'S', 'R', 'E', 'A', 'D', '1', '\n'};

class Out {
 public:
  void u8(uint8_t v) { s_.push_back(static_cast<char>(v)); }
  void u32(uint32_t v) { for (int i = 0; i < 4; ++i) u8(static_cast<uint8_t>(v >> (8 * i))); }
  void u64(uint64_t v) { for (int i = 0; i < 8; ++i) u8(static_cast<uint8_t>(v >> (8 * i))); }
  void str(std::string_view v) {
    u64(v.size());
    s_.append(v);
  }
  std::string take() { return std::move(s_); }
  std::string s_;
};

class In {
 public:
  explicit In(std::string_view b) : b_(b) {}
  bool u8(uint8_t* v) {
    if (at_ >= b_.size()) return false;
    *v = static_cast<uint8_t>(b_[at_++]);
    return true;
  }
  bool u32(uint32_t* v) {
    uint64_t w;
    if (!n(4, &w)) return false;
    *v = static_cast<uint32_t>(w);
    return true;
  }
  bool u64(uint64_t* v) { return n(8, v); }
  bool i64(int64_t* v) {
    uint64_t w;
    if (!n(8, &w)) return false;
    *v = static_cast<int64_t>(w);
    return true;
  }
  bool str(std::string* v) {
    uint64_t len;
    if (!u64(&len) || len > b_.size() - at_) return false;
    v->assign(b_.substr(at_, static_cast<size_t>(len)));
    at_ += static_cast<size_t>(len);
    return true;
  }
  // A count of items each at least `min_bytes` long: never more than the bytes left allow.
  bool count(uint64_t min_bytes, uint64_t* v) { return u64(v) && *v <= (b_.size() - at_) / min_bytes; }
  bool done() const { return at_ == b_.size(); }

 private:
  bool n(int k, uint64_t* v) {
    if (b_.size() - at_ < static_cast<size_t>(k)) return false;
    uint64_t w = 0;
    for (int i = 0; i < k; ++i) w |= static_cast<uint64_t>(static_cast<uint8_t>(b_[at_ + i])) << (8 * i);
    at_ += k;
    *v = w;
    return true;
  }
  std::string_view b_;
  size_t at_ = 0;
};

// The limits a read depends on besides the archive-wide ones: a read made
// under others is read again rather than adopted.
void put_limits(Out& o, const Limits& lim) {
  o.u64(lim.max_path_bytes);
  o.u64(lim.max_warnings_per_code);
  o.u64(lim.max_expansion_floor);
  uint64_t ratio;
  static_assert(sizeof ratio == sizeof lim.max_expansion_ratio);
  std::memcpy(&ratio, &lim.max_expansion_ratio, sizeof ratio);
  o.u64(ratio);
}

}  // namespace

std::string encode_read(const Prefetched& p, const Limits& lim) {
  Out o;
  for (char c : kReadMagic) o.u8(static_cast<uint8_t>(c));
  put_limits(o, lim);
  o.u64(p.bi);
  o.u64(p.budget_before);
  o.u64(p.budget);
  o.u8(p.read.st.ok() ? 0 : 1);
  if (!p.read.st.ok()) {
    const Error& e = p.read.st.error();
    o.u32(static_cast<uint32_t>(e.code));
    o.str(e.message);
    o.str(e.where);
  }
  const Blob& f = p.read.found;
  o.u8(static_cast<uint8_t>(f.compression));
  o.u64(static_cast<uint64_t>(f.uncompressed_size));
  o.str(f.computed_digest);
  o.str(f.computed_diff_id);
  o.u64(p.paths.size());
  for (PathId id = 1; id < p.paths.size(); ++id) {
    o.u32(p.paths.parent(id));
    o.str(p.paths.name(id));
  }
  const LayerIndex& x = p.index;
  o.u64(x.entries.size());
  for (const Entry& e : x.entries) {
    o.u32(e.path);
    o.u8(static_cast<uint8_t>(e.type));
    o.u32(e.mode);
    o.u32(e.uid);
    o.u32(e.gid);
    o.u64(static_cast<uint64_t>(e.size));
    o.u64(static_cast<uint64_t>(e.mtime));
    o.u32(e.link);
    o.u64(e.data_offset);
  }
  o.u64(x.whiteouts.size());
  for (PathId w : x.whiteouts) o.u32(w);
  o.u64(x.opaque_dirs.size());
  for (PathId d : x.opaque_dirs) o.u32(d);
  o.u64(x.strings.size());
  for (const std::string& t : x.strings) o.str(t);
  o.u64(x.issues.size());
  for (const EntryIssue& i : x.issues) {
    o.str(i.code);
    o.str(i.message);
    o.str(i.entry);
  }
  o.u64(x.issue_overflow.size());
  for (const auto& [code, n] : x.issue_overflow) {
    o.str(code);
    o.u64(n);
  }
  const EntryCounts& c = x.counts;
  for (uint32_t v : {c.total, c.files, c.dirs, c.symlinks, c.hardlinks, c.other, c.whiteouts, c.opaque_dirs}) o.u32(v);
  return o.take();
}

Result<std::unique_ptr<Prefetched>> decode_read(std::string_view bytes, size_t bi, const Limits& lim, bool* stale) {
  *stale = false;
  auto bad = [bi](const std::string& what) {
    return make_error(Code::kInvalidArgument, "the read of blob " + std::to_string(bi) + " handed over is malformed: " + what,
                      "layers read elsewhere");
  };
  In in(bytes);
  for (char c : kReadMagic) {
    uint8_t v;
    if (!in.u8(&v) || v != static_cast<uint8_t>(c)) return bad("not a layer read");
  }
  Out want;
  put_limits(want, lim);
  for (char c : want.s_) {
    uint8_t v;
    if (!in.u8(&v)) return bad("cut short in its limits");
    if (v != static_cast<uint8_t>(c)) *stale = true;
  }
  if (*stale) return std::unique_ptr<Prefetched>();
  auto p = std::make_unique<Prefetched>();
  uint64_t blob, n;
  uint8_t failed, u8;
  if (!in.u64(&blob) || blob != bi) return bad("it is the read of another blob");
  p->bi = bi;
  if (!in.u64(&p->budget_before) || !in.u64(&p->budget) || p->budget > p->budget_before) return bad("its entry budget");
  if (!in.u8(&failed) || failed > 1) return bad("its outcome");
  if (failed) {
    uint32_t code;
    Error e;
    if (!in.u32(&code) || code == 0 || code > static_cast<uint32_t>(Code::kInternal) || !in.str(&e.message) || !in.str(&e.where))
      return bad("its error");
    e.code = static_cast<Code>(code);
    p->read.st = std::move(e);
  }
  Blob& f = p->read.found;
  if (!in.u8(&u8) || u8 > static_cast<uint8_t>(Compression::kUnknown)) return bad("its compression");
  f.compression = static_cast<Compression>(u8);
  if (!in.i64(&f.uncompressed_size) || !in.str(&f.computed_digest) || !in.str(&f.computed_diff_id)) return bad("its sizes and digests");
  if (!in.count(12, &n) || n == 0 || n > kNoPath) return bad("its path table");
  const uint64_t npaths = n;
  for (PathId id = 1; id < npaths; ++id) {
    uint32_t parent;
    std::string name;
    if (!in.u32(&parent) || parent >= id || !in.str(&name) || name.empty() || name == "." || name == ".." ||
        name.find('/') != std::string::npos)
      return bad("path " + std::to_string(id));
    if (p->paths.intern_child(parent, name) != id) return bad("path " + std::to_string(id) + " is there twice");
  }
  LayerIndex& x = p->index;
  auto path_ok = [npaths](uint32_t id) { return id < npaths; };
  if (!in.count(45, &n)) return bad("its entries");
  x.entries.resize(static_cast<size_t>(n));
  for (Entry& e : x.entries) {
    uint64_t size, mtime;
    if (!in.u32(&e.path) || !path_ok(e.path) || !in.u8(&u8) || u8 > static_cast<uint8_t>(EntryType::kOther) || !in.u32(&e.mode) ||
        !in.u32(&e.uid) || !in.u32(&e.gid) || !in.u64(&size) || !in.u64(&mtime) || !in.u32(&e.link) || !in.u64(&e.data_offset))
      return bad("an entry");
    e.type = static_cast<EntryType>(u8);
    e.size = static_cast<int64_t>(size);
    e.mtime = static_cast<int64_t>(mtime);
    if (e.type == EntryType::kHardlink && !path_ok(e.link)) return bad("a hard link's target");
  }
  for (std::vector<PathId>* v : {&x.whiteouts, &x.opaque_dirs}) {
    if (!in.count(4, &n)) return bad("its whiteouts");
    v->resize(static_cast<size_t>(n));
    for (PathId& id : *v)
      if (!in.u32(&id) || !path_ok(id)) return bad("a whiteout");
  }
  if (!in.count(8, &n)) return bad("its link targets");
  x.strings.resize(static_cast<size_t>(n));
  for (std::string& t : x.strings)
    if (!in.str(&t)) return bad("a link target");
  for (const Entry& e : x.entries)
    if (e.type == EntryType::kSymlink && e.link >= x.strings.size()) return bad("a symlink's target");
  if (!in.count(24, &n)) return bad("its issues");
  x.issues.resize(static_cast<size_t>(n));
  for (EntryIssue& i : x.issues)
    if (!in.str(&i.code) || !in.str(&i.message) || !in.str(&i.entry)) return bad("an issue");
  if (!in.count(16, &n)) return bad("its issue counts");
  for (uint64_t k = 0; k < n; ++k) {
    std::string code;
    uint64_t c;
    if (!in.str(&code) || !in.u64(&c)) return bad("an issue count");
    x.issue_overflow[code] = c;
  }
  EntryCounts& c = x.counts;
  for (uint32_t* v : {&c.total, &c.files, &c.dirs, &c.symlinks, &c.hardlinks, &c.other, &c.whiteouts, &c.opaque_dirs})
    if (!in.u32(v)) return bad("its counts");
  if (!in.done()) return bad("bytes after its end");
  return p;
}

}  // namespace layerscope
