// Edge cases of layer contents, through archives built in memory
// (archive_builder.h) and opened with make_memory_source: whiteout marker
// look-alikes, marker order, ./ and // prefixes, non-UTF-8 and long names,
// `..`, hardlinks, implicit dirs, compressed layers, hostile input.
#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "archive/tar_reader.h"
#include "archive_builder.h"
#include "layerscope/byte_sink.h"
#include "layerscope/export.h"
#include "test_util.h"

using namespace layerscope;
using namespace lstest;

namespace {

std::unique_ptr<Session> open_bytes(const std::vector<uint8_t>& bytes, std::shared_ptr<ByteSource>* src_out = nullptr) {
  auto src = make_memory_source(bytes, "built.tar");
  if (src_out) *src_out = src;
  auto s = Session::open(src);
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().to_string());
  if (!s.ok()) return nullptr;
  return std::move(s).value();
}

std::map<std::string, ListedEntry> listing(const Session& s, int image, int layer, bool merged) {
  std::map<std::string, ListedEntry> m;
  auto r = s.list(image, ListOptions{.layer = layer, .merged = merged});
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().to_string());
  if (r.ok())
    for (auto& e : r.value()) m[e.path] = e;
  return m;
}

std::set<std::string> keys(const std::map<std::string, ListedEntry>& m) {
  std::set<std::string> s;
  for (auto& [k, v] : m) s.insert(k);
  return s;
}

// Copies of `full` with one byte flipped, and cut short, at first%, first+step%, … of its length.
std::vector<std::pair<std::string, std::vector<uint8_t>>> damaged_copies(const std::vector<uint8_t>& full, int first, int step) {
  std::vector<std::pair<std::string, std::vector<uint8_t>>> out;
  for (int pct = first; pct < 100; pct += step) {
    const size_t at = full.size() * pct / 100;
    auto flip = full;
    flip[at] ^= 0x5a;
    out.emplace_back("byte " + std::to_string(at) + " flipped", flip);
    out.emplace_back("cut at " + std::to_string(at), std::vector<uint8_t>(full.begin(), full.begin() + static_cast<long>(at)));
  }
  return out;
}

std::string warnings_of(const Archive& a) {
  std::string w;
  for (auto& x : a.warnings) w += "\n  [" + x.code + "] " + x.message + " @ " + x.where;
  return w;
}

std::string read_or_error(const Session& s, int image, int layer, const std::string& path) {
  std::string out;
  Status st = read_all(s, image, layer, path, &out);
  return st.ok() ? out : "ERROR " + st.error().to_string();
}

}  // namespace

TEST(ArchiveBuilder, LegacyArchiveRoundTrips) {
  TImage img{{"test/one:1.0"}, {TLayer{{D("etc"), F("etc/hosts", "127.0.0.1 localhost\n")}}}};
  std::shared_ptr<ByteSource> src;
  auto s = open_bytes(build_docker_legacy({img}), &src);
  ASSERT_TRUE(s);
  const Archive& a = s->archive();
  EXPECT_EQ(layout_id(a.layout), std::string("docker-legacy"));
  EXPECT_TRUE(a.warnings.empty()) << warnings_of(a);
  ASSERT_EQ(a.images.size(), 1u);
  EXPECT_EQ(a.images[0].tags, std::vector<std::string>{"test/one:1.0"});
  EXPECT_EQ(a.images[0].config_digest, config_digest_of(img));
  EXPECT_EQ(keys(listing(*s, 0, -1, true)), (std::set<std::string>{"etc", "etc/hosts"}));
  EXPECT_EQ(read_or_error(*s, 0, -1, "etc/hosts"), "127.0.0.1 localhost\n");
  EXPECT_GT(src->bytes_read(), 0u);
}

TEST(ArchiveBuilder, OciArchiveRoundTrips) {
  TImage img{{"test/oci:2"}, {TLayer{{F("a.txt", "A")}}, TLayer{{F("b.txt", "B")}, Filter::kGzip}}};
  auto s = open_bytes(build_oci_archive({img}));
  ASSERT_TRUE(s);
  const Archive& a = s->archive();
  EXPECT_EQ(layout_id(a.layout), std::string("oci-archive"));
  EXPECT_TRUE(a.warnings.empty()) << warnings_of(a);
  ASSERT_EQ(a.images.size(), 1u);
  EXPECT_EQ(a.images[0].tags, std::vector<std::string>{"test/oci:2"});
  EXPECT_EQ(a.images[0].config_digest, config_digest_of(img));
  EXPECT_EQ(read_or_error(*s, 0, -1, "a.txt"), "A");
  EXPECT_EQ(read_or_error(*s, 0, -1, "b.txt"), "B");
}

// `.wh..wh..opqX` is not the opaque marker (exact match only); `.wh.b` is a
// whiteout; `./c` is "c"; markers never show as files.
TEST(EdgeLayers, OpaqueMarkerLookalikeIsNotOpaque) {
  TImage img{{"edge/opq:1"},
             {TLayer{{D("a"), F("a/keep.txt", "keep"), F("a/b", "bee")}},
              TLayer{{F("a/.wh..wh..opqX"), F("a/.wh.b"), F("./c", "sea")}}}};
  for (bool oci : {false, true}) {
    SCOPED_TRACE(oci ? "oci" : "legacy");
    auto s = open_bytes(oci ? build_oci_archive({img}) : build_docker_legacy({img}));
    ASSERT_TRUE(s);
    const LayerIndex* idx = s->layer_index(0, 1);
    ASSERT_NE(idx, nullptr);
    EXPECT_TRUE(idx->opaque_dirs.empty()) << "'.wh..wh..opqX' taken for an opaque marker";
    EXPECT_EQ(idx->counts.opaque_dirs, 0u);
    std::set<std::string> wh;
    for (PathId p : idx->whiteouts) wh.insert(s->paths().path(p));
    EXPECT_TRUE(wh.count("a/b")) << "a/.wh.b must delete a/b";
    for (auto& e : idx->entries) {
      std::string p = s->paths().path(e.path);
      EXPECT_NE(basename_of(p).rfind(".wh.", 0), 0u) << "marker kept as an entry: " << p;
    }
    auto top = listing(*s, 0, -1, true);
    EXPECT_EQ(keys(top), (std::set<std::string>{"a", "a/keep.txt", "c"}));
    EXPECT_EQ(read_or_error(*s, 0, -1, "c"), "sea");
    EXPECT_EQ(read_or_error(*s, 0, -1, "a/keep.txt"), "keep");
    auto ch = listing(*s, 0, 1, false);
    ASSERT_TRUE(ch.count("a/b"));
    EXPECT_EQ(ch["a/b"].change, Change::kDeleted);
    EXPECT_FALSE(ch.count("a/keep.txt")) << "lower content of a/ must not be hidden";
  }
}

// The opaque marker applies before the layer's own entries wherever it stands.
TEST(EdgeLayers, OpaqueMarkerAfterOwnEntries) {
  TImage img{{"edge/opq2:1"},
             {TLayer{{D("a"), F("a/old.txt", "old"), D("a/sub"), F("a/sub/x", "x")}},
              TLayer{{D("a"), F("a/new.txt", "new"), D("a/sub"), F("a/sub/y", "y"), F("a/.wh..wh..opq")}}}};
  auto s = open_bytes(build_docker_legacy({img}));
  ASSERT_TRUE(s);
  const LayerIndex* idx = s->layer_index(0, 1);
  ASSERT_NE(idx, nullptr);
  ASSERT_EQ(idx->opaque_dirs.size(), 1u);
  EXPECT_EQ(s->paths().path(idx->opaque_dirs[0]), "a");
  EXPECT_EQ(idx->counts.total, 4u) << "the marker is not an entry";
  EXPECT_EQ(keys(listing(*s, 0, -1, true)), (std::set<std::string>{"a", "a/new.txt", "a/sub", "a/sub/y"}));
  auto ch = listing(*s, 0, 1, false);
  EXPECT_EQ(ch["a/old.txt"].change, Change::kDeleted);
  EXPECT_EQ(ch["a/sub/x"].change, Change::kDeleted);
  EXPECT_EQ(ch["a/new.txt"].change, Change::kAdded);
  EXPECT_EQ(ch["a/sub"].change, Change::kModified);
  // Before the opaque layer, the old content is there.
  EXPECT_EQ(read_or_error(*s, 0, 0, "a/old.txt"), "old");
  std::string out;
  Status st = read_all(*s, 0, 1, "a/old.txt", &out);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, Code::kNotFound);
}

TEST(EdgeLayers, WhiteoutOfDirectoryDeletesSubtree) {
  TImage img{{"edge/wh:1"},
             {TLayer{{D("d"), D("d/e"), F("d/e/f", "f"), F("d/g", "g"), F("dd", "dd")}},
              TLayer{{F("./.wh.d")}}}};
  auto s = open_bytes(build_docker_legacy({img}));
  ASSERT_TRUE(s);
  EXPECT_EQ(keys(listing(*s, 0, -1, true)), (std::set<std::string>{"dd"}));
  auto ch = listing(*s, 0, 1, false);
  EXPECT_EQ(keys(ch), (std::set<std::string>{"d", "d/e", "d/e/f", "d/g"}));
  for (auto& [p, e] : ch) EXPECT_EQ(e.change, Change::kDeleted) << p;
}

TEST(EdgeLayers, FileReplacingDirectoryHidesChildren) {
  TImage img{{"edge/fd:1"}, {TLayer{{D("d"), F("d/x", "x"), D("d/y"), F("d/y/z")}}, TLayer{{F("d", "now a file")}}}};
  auto s = open_bytes(build_docker_legacy({img}));
  ASSERT_TRUE(s);
  auto top = listing(*s, 0, -1, true);
  EXPECT_EQ(keys(top), (std::set<std::string>{"d"}));
  EXPECT_EQ(top["d"].type, EntryType::kFile);
  EXPECT_EQ(read_or_error(*s, 0, -1, "d"), "now a file");
}

TEST(EdgeLayers, ImplicitParentsAndPathSpellings) {
  TImage img{{"edge/impl:1"}, {TLayer{{F("p/q/r.txt", "r"), F(".//x//y.txt", "y"), F("/abs/z", "z")}}}};
  auto s = open_bytes(build_docker_legacy({img}));
  ASSERT_TRUE(s);
  auto top = listing(*s, 0, -1, true);
  EXPECT_EQ(keys(top), (std::set<std::string>{"p", "p/q", "p/q/r.txt", "x", "x/y.txt", "abs", "abs/z"}));
  for (std::string d : {"p", "p/q", "x", "abs"}) {
    EXPECT_TRUE(top[d].implicit) << d;
    EXPECT_EQ(top[d].type, EntryType::kDir) << d;
  }
  EXPECT_FALSE(top["p/q/r.txt"].implicit);
  EXPECT_EQ(read_or_error(*s, 0, -1, "x/y.txt"), "y");
  EXPECT_EQ(read_or_error(*s, 0, -1, "abs/z"), "z");
  std::string out;
  Status st = read_all(*s, 0, -1, "p/q", &out);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, Code::kInvalidArgument) << "an implicit dir is a directory";
}

TEST(EdgeLayers, NonUtf8AndLongNamesAreByteExact) {
  const std::string bad = std::string("bin\xff\xfe-\x80.dat");
  const std::string long_name = std::string(150, 'n') + ".txt";
  const std::string long_path = std::string(120, 'd') + "/" + std::string(90, 'e') + "/" + long_name;
  const std::string long_target = "/" + std::string(180, 't');
  for (TarFormat fmt : {TarFormat::kPax, TarFormat::kGnu}) {
    SCOPED_TRACE(fmt == TarFormat::kPax ? "pax" : "gnu");
    TLayer l{{F(bad, "bytes"), F(long_path, "long"), L("lnk", long_target), F("x/../dotdot.txt", "dd")}};
    l.format = fmt;
    auto s = open_bytes(build_docker_legacy({TImage{{"edge/names:1"}, {l}}}));
    ASSERT_TRUE(s);
    auto top = listing(*s, 0, -1, true);
    EXPECT_TRUE(top.count(bad)) << "non-UTF-8 name not kept byte-exact";
    EXPECT_TRUE(top.count(long_path)) << "long name lost";
    ASSERT_TRUE(top.count("lnk"));
    EXPECT_EQ(top["lnk"].link, long_target);
    // `..` is resolved where containerd places the entry (issue 11): never a directory named "..".
    EXPECT_FALSE(top.count("x/../dotdot.txt"));
    EXPECT_TRUE(top.count("dotdot.txt"));
    EXPECT_EQ(read_or_error(*s, 0, -1, bad), "bytes");
    EXPECT_EQ(read_or_error(*s, 0, -1, long_path), "long");
    EXPECT_EQ(read_or_error(*s, 0, -1, "x/../dotdot.txt"), "dd");
    std::string out;
    Status st = read_all(*s, 0, -1, "lnk", &out);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().code, Code::kInvalidArgument);
    // JSON output stays valid with such names.
    auto j = nlohmann::json::parse(s->inspect_json(), nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << "inspect_json is not valid JSON";
    auto lj = s->list_json(0, ListOptions{.layer = -1, .merged = true});
    ASSERT_TRUE(lj.ok());
    EXPECT_FALSE(nlohmann::json::parse(lj.value(), nullptr, false).is_discarded()) << "list_json is not valid JSON";
  }
}

TEST(EdgeLayers, HardlinksReadTheirTarget) {
  TImage img{{"edge/hl:1"},
             {TLayer{{D("h"), F("h/target", "payload\n"), H("h/one", "h/target"), H("./h/two", "./h/target")}}}};
  auto s = open_bytes(build_docker_legacy({img}));
  ASSERT_TRUE(s);
  const LayerIndex* idx = s->layer_index(0, 0);
  ASSERT_NE(idx, nullptr);
  EXPECT_EQ(idx->counts.hardlinks, 2u);
  EXPECT_EQ(idx->counts.files, 1u);
  std::set<std::pair<std::string, std::string>> hl;
  for (auto& e : idx->entries)
    if (e.type == EntryType::kHardlink) hl.insert({s->paths().path(e.path), s->paths().path(e.link)});
  EXPECT_EQ(hl, (std::set<std::pair<std::string, std::string>>{{"h/one", "h/target"}, {"h/two", "h/target"}}));
  EXPECT_EQ(read_or_error(*s, 0, -1, "h/one"), "payload\n");
  EXPECT_EQ(read_or_error(*s, 0, -1, "h/two"), "payload\n");
  auto top = listing(*s, 0, -1, true);
  EXPECT_EQ(top["h/one"].link, "h/target");
}

TEST(EdgeLayers, ModesAndOwnersPassThrough) {
  TEntry f = F("secret", "s", 0600);
  f.uid = 1000;
  f.gid = 1001;
  TEntry x = F("tool", "#!/bin/sh\n", 04755);
  TImage img{{"edge/mode:1"}, {TLayer{{f, x}}}};
  auto s = open_bytes(build_docker_legacy({img}));
  ASSERT_TRUE(s);
  auto top = listing(*s, 0, -1, true);
  EXPECT_EQ(top["secret"].mode & 07777, 0600u);
  EXPECT_EQ(top["secret"].uid, 1000u);
  EXPECT_EQ(top["secret"].gid, 1001u);
  EXPECT_EQ(top["tool"].mode & 07777, 04755u);
  EXPECT_EQ(top["tool"].size, 10);
}

TEST(EdgeLayers, CompressedLayersAllFilters) {
  std::vector<TLayer> layers;
  std::vector<std::pair<Filter, Compression>> fs = {{Filter::kNone, Compression::kNone},
                                                    {Filter::kGzip, Compression::kGzip},
                                                    {Filter::kZstd, Compression::kZstd},
                                                    {Filter::kXz, Compression::kXz},
                                                    {Filter::kBzip2, Compression::kBzip2}};
  std::string big(300000, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>((i * 2654435761u) >> 13);
  for (size_t i = 0; i < fs.size(); ++i) {
    TLayer l{{F("l" + std::to_string(i) + ".bin", big + std::to_string(i)), F("common", std::to_string(i))}};
    l.filter = fs[i].first;
    if (fs[i].first == Filter::kXz || fs[i].first == Filter::kBzip2)
      l.media_type = "application/vnd.oci.image.layer.v1.tar";  // no OCI media type: must be sniffed
    layers.push_back(l);
  }
  TImage img{{"edge/comp:1"}, layers};
  for (bool oci : {false, true}) {
    SCOPED_TRACE(oci ? "oci" : "legacy");
    auto s = open_bytes(oci ? build_oci_archive({img}) : build_docker_legacy({img}));
    ASSERT_TRUE(s);
    const Image& im = s->archive().images[0];
    ASSERT_EQ(im.layers.size(), fs.size());
    for (size_t i = 0; i < fs.size(); ++i) {
      const Blob& b = s->archive().blobs[im.layers[i].blob];
      EXPECT_EQ(b.compression, fs[i].second) << "layer " << i << ": " << compression_name(b.compression);
      EXPECT_TRUE(b.indexed) << b.error;
      EXPECT_EQ(b.uncompressed_size, static_cast<int64_t>(make_tar(layers[i].entries).size())) << "layer " << i;
      EXPECT_EQ(read_or_error(*s, 0, static_cast<int>(i), "l" + std::to_string(i) + ".bin"), big + std::to_string(i))
          << "layer " << i;
      EXPECT_EQ(read_or_error(*s, 0, static_cast<int>(i), "common"), std::to_string(i));
    }
  }
}

TEST(EdgeLayers, SharedLayerStoredOnceIndexedOnce) {
  TLayer base{{D("base"), F("base/f", "shared")}};
  TImage a{{"edge/a:1"}, {base, TLayer{{F("a", "a")}}}};
  TImage b{{"edge/b:1"}, {base, TLayer{{F("b", "b")}}}};
  for (bool oci : {false, true}) {
    SCOPED_TRACE(oci ? "oci" : "legacy");
    auto s = open_bytes(oci ? build_oci_archive({a, b}) : build_docker_legacy({a, b}));
    ASSERT_TRUE(s);
    const Archive& ar = s->archive();
    ASSERT_EQ(ar.images.size(), 2u);
    EXPECT_EQ(ar.blobs.size(), 3u) << "the base layer is one blob";
    EXPECT_EQ(ar.images[0].layers[0].blob, ar.images[1].layers[0].blob);
    int ia = find_image(ar, config_digest_of(a)), ib = find_image(ar, config_digest_of(b));
    ASSERT_GE(ia, 0);
    ASSERT_GE(ib, 0);
    EXPECT_EQ(keys(listing(*s, ia, -1, true)), (std::set<std::string>{"base", "base/f", "a"}));
    EXPECT_EQ(keys(listing(*s, ib, -1, true)), (std::set<std::string>{"base", "base/f", "b"}));
  }
}

TEST(EdgeLayers, HistoryWithEmptyLayersMapsInOrder) {
  TImage img{{"edge/hist:1"}, {TLayer{{F("one")}}, TLayer{{F("two")}}}};
  img.history = nlohmann::json::array({{{"created_by", "ENV A=1"}, {"empty_layer", true}},
                                       {{"created_by", "ADD one"}},
                                       {{"created_by", "LABEL x=y"}, {"empty_layer", true}},
                                       {{"created_by", "ADD two"}},
                                       {{"created_by", "CMD sh"}, {"empty_layer", true}}});
  auto s = open_bytes(build_docker_legacy({img}));
  ASSERT_TRUE(s);
  const auto& h = s->archive().images[0].history;
  ASSERT_EQ(h.size(), 5u);
  std::vector<int> layers;
  for (auto& e : h) layers.push_back(e.layer);
  EXPECT_EQ(layers, (std::vector<int>{-1, 0, -1, 1, -1}));
  EXPECT_EQ(h[3].created_by, "ADD two");
  EXPECT_TRUE(s->archive().warnings.empty()) << warnings_of(s->archive());
}

// Hostile or broken input: a clear error or a warning, never a crash and
// never a silent success.
TEST(Hostile, EmptyGarbageAndTruncatedInputs) {
  {
    auto s = Session::open(make_memory_source({}, "empty"));
    ASSERT_FALSE(s.ok());
    EXPECT_FALSE(s.error().message.empty());
  }
  {
    std::vector<uint8_t> junk(5000);
    for (size_t i = 0; i < junk.size(); ++i) junk[i] = static_cast<uint8_t>(i * 7 + 3);
    auto s = Session::open(make_memory_source(junk, "junk"));
    ASSERT_FALSE(s.ok()) << "garbage accepted";
    EXPECT_FALSE(s.error().message.empty());
  }
  {
    // A plain tar with no image in it.
    auto bytes = to_bytes(make_tar({F("hello.txt", "hi")}));
    auto s = Session::open(make_memory_source(bytes, "notimage.tar"));
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, Code::kNotImage) << s.error().to_string();
  }
  TImage img{{"edge/trunc:1"}, {TLayer{{F("big", std::string(200000, 'x'))}}, TLayer{{F("small", "s")}}}};
  auto full = build_docker_legacy({img});
  // (Cutting only the end-of-archive zero blocks loses nothing; those cuts remove data.)
  for (size_t cut : {full.size() / 4, full.size() / 2, full.size() * 3 / 4}) {
    SCOPED_TRACE("cut at " + std::to_string(cut) + " of " + std::to_string(full.size()));
    std::vector<uint8_t> part(full.begin(), full.begin() + static_cast<long>(cut));
    auto s = Session::open(make_memory_source(part, "truncated.tar"));
    if (!s.ok()) {
      EXPECT_FALSE(s.error().message.empty());
      continue;
    }
    // Opened anyway: then something must say it is incomplete.
    bool flagged = !s.value()->archive().warnings.empty();
    for (auto& b : s.value()->archive().blobs) flagged = flagged || !b.error.empty() || !b.present;
    EXPECT_TRUE(flagged) << "truncated archive opened without any warning";
  }
}

TEST(Hostile, MissingLayerIsShownNotFatal) {
  // manifest.json points at a layer that is not in the archive (foreign layer).
  TImage img{{"edge/missing:1"}, {TLayer{{F("a", "a")}}}};
  // Build by hand with an extra, absent layer path in the manifest.
  std::string config = build_config(img, {build_layer(img.layers[0])});
  nlohmann::json cfg = nlohmann::json::parse(config);
  cfg["rootfs"]["diff_ids"].push_back("sha256:" + std::string(64, 'a'));
  cfg["history"].push_back({{"created_by", "foreign"}});
  std::string c2 = cfg.dump();
  std::string lid = sha256_hex("\n" + build_layer(img.layers[0]).diff_id);
  nlohmann::json manifest = nlohmann::json::array(
      {{{"Config", sha256_hex(c2) + ".json"}, {"RepoTags", {"edge/missing:1"}},
        {"Layers", {lid + "/layer.tar", std::string(64, 'b') + "/layer.tar"}}}});
  std::vector<TEntry> members = {D(lid), F(lid + "/layer.tar", build_layer(img.layers[0]).stored),
                                 F(sha256_hex(c2) + ".json", c2), F("manifest.json", manifest.dump())};
  auto s = open_bytes(to_bytes(make_tar(members)));
  ASSERT_TRUE(s) << "an absent layer must not make the archive unreadable";
  const Image& im = s->archive().images[0];
  ASSERT_EQ(im.layers.size(), 2u);
  EXPECT_EQ(s->layer_index(0, 1), nullptr);
  EXPECT_FALSE(s->archive().warnings.empty()) << "the absent layer should be reported";
  EXPECT_EQ(read_or_error(*s, 0, -1, "a"), "a");
}

namespace {
bool mentions(const std::string& s, const char* w) { return s.find(w) != std::string::npos; }
}  // namespace

// A layer that inflates far beyond the configured ratio is stopped: a kLimit
// error, or the layer is marked unreadable with a reason — never indexed silently.
TEST(Hostile, DecompressionBombIsStopped) {
  TImage img{{"edge/bomb:1"}, {TLayer{{F("zeros", std::string(8 << 20, '\0'))}, Filter::kGzip}}};
  auto bytes = build_docker_legacy({img});
  ASSERT_LT(bytes.size(), 200000u) << "the bomb should compress well";
  OpenOptions o;
  o.limits.max_expansion_ratio = 10;
  o.limits.max_expansion_floor = 1 << 20;
  auto s = Session::open(make_memory_source(bytes, "bomb.tar"), o);
  if (!s.ok()) {
    EXPECT_EQ(s.error().code, Code::kLimit) << s.error().to_string();
    return;
  }
  const Archive& a = s.value()->archive();
  const Blob& b = a.blobs.at(a.images.at(0).layers.at(0).blob);
  EXPECT_FALSE(b.error.empty()) << "an 800:1 layer was indexed despite max_expansion_ratio=10";
  EXPECT_FALSE(b.indexed && b.error.empty());
  // Without the tight limit the same archive is fine.
  auto ok = Session::open(make_memory_source(bytes, "bomb.tar"));
  ASSERT_TRUE(ok.ok()) << ok.error().to_string();
  EXPECT_TRUE(ok.value()->archive().blobs.at(0).error.empty());
}

TEST(Hostile, EntryLimitIsEnforced) {
  std::vector<TEntry> many;
  for (int i = 0; i < 300; ++i) many.push_back(F("f" + std::to_string(i), "x"));
  TImage img{{"edge/many:1"}, {TLayer{many}}};
  auto bytes = build_docker_legacy({img});
  OpenOptions o;
  o.limits.max_entries = 100;
  auto s = Session::open(make_memory_source(bytes, "many.tar"), o);
  if (!s.ok()) {
    EXPECT_EQ(s.error().code, Code::kLimit) << s.error().to_string();
    return;
  }
  const Archive& a = s.value()->archive();
  const Blob& b = a.blobs.at(a.images.at(0).layers.at(0).blob);
  EXPECT_TRUE(mentions(b.error, "limit")) << "300 entries indexed with max_entries=100; blob error: '" << b.error << "'";
}

// The loader's bounds are OpenOptions::limits, not constants: lowering one
// changes what is refused, and the default accepts the same archive.
TEST(Hostile, PathLimitsComeFromOptions) {
  std::vector<TEntry> files;
  const std::string deep = "sub/" + std::string(100, 'n');  // outer member names are shorter (<= 74 bytes)
  for (int i = 0; i < 30; ++i) files.push_back(F("dir" + std::to_string(i) + "/" + deep, "x"));
  TImage img{{"edge/paths:1"}, {TLayer{files}}};
  auto bytes = build_docker_legacy({img});
  // The layer's error, then its warnings.
  auto layer_error = [&](const OpenOptions& o) -> std::string {
    auto s = Session::open(make_memory_source(bytes, "paths.tar"), o);
    if (!s.ok()) return "OPEN " + s.error().to_string();
    const Archive& a = s.value()->archive();
    std::string out = a.blobs.at(a.images.at(0).layers.at(0).blob).error;
    for (const Warning& w : a.warnings) out += " [" + w.code + "] " + w.message;
    return out;
  };
  EXPECT_EQ(layer_error({}), "");
  OpenOptions shortp;
  shortp.limits.max_path_bytes = 100;  // "dir10/sub/nnn…" is 110: each entry skipped, the layer kept
  std::string e = layer_error(shortp);
  EXPECT_TRUE(mentions(e, "[entry-over-limit]") && mentions(e, "over the limit of 100")) << e;
  OpenOptions fewer;
  fewer.limits.max_paths = 40;  // 30 files + 30 dirs + 30 subdirs
  e = layer_error(fewer);
  EXPECT_TRUE(mentions(e, "more than 40 distinct paths")) << e;
}

TEST(Hostile, DeeplyNestedConfigIsRefusedNotFatal) {
  nlohmann::json deep = nlohmann::json::array();
  for (int i = 0; i < 400; ++i) deep = nlohmann::json::array({deep});
  TImage img{{"edge/deep:1"}, {TLayer{{F("a", "a")}}}};
  img.config_patch = {{"x-deep", deep}};
  auto s = Session::open(make_memory_source(build_docker_legacy({img}), "deep.tar"));
  if (!s.ok()) {
    EXPECT_TRUE(s.error().code == Code::kLimit || s.error().code == Code::kCorrupt) << s.error().to_string();
    return;
  }
  // Opened: the refusal must be visible.
  EXPECT_FALSE(s.value()->archive().warnings.empty()) << "a config nested 400 deep (limit 256) passed silently";
}

// Progress reports bytes of the archive; returning false cancels with kCancelled.
TEST(Progress, ReportsAndCancels) {
  std::string f = fixture_tar("buildah-oci-archive-gzip-features");
  ASSERT_TRUE(fs::exists(f)) << f;
  auto src = open_file_source(f);
  ASSERT_TRUE(src.ok());
  uint64_t size = src.value()->size(), calls = 0;
  bool sane = true;
  OpenOptions o;
  o.progress = [&](const Progress& p) {
    ++calls;
    sane = sane && p.total == size && p.done <= p.total && !p.phase.empty();
    return true;
  };
  auto s = Session::open(src.value(), o);
  ASSERT_TRUE(s.ok()) << s.error().to_string();
  EXPECT_GT(calls, 0u);
  EXPECT_TRUE(sane) << "progress outside [0, total] or total != archive size";

  for (uint64_t stop_after : {1ull, 5ull}) {
    auto src2 = open_file_source(f);
    ASSERT_TRUE(src2.ok());
    uint64_t n = 0;
    OpenOptions c;
    c.progress = [&](const Progress&) { return ++n < stop_after; };
    auto r = Session::open(src2.value(), c);
    ASSERT_FALSE(r.ok()) << "cancel after " << stop_after << " progress calls was ignored";
    EXPECT_EQ(r.error().code, Code::kCancelled) << r.error().to_string();
  }

  // read_file progress can cancel too.
  std::string data;
  Status st = s.value()->read_file(0, -1, "srv/app/big.bin",
                                   [&](const uint8_t* d, size_t k) {
                                     data.append(reinterpret_cast<const char*>(d), k);
                                     return true;
                                   },
                                   [](const Progress&) { return false; });
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, Code::kCancelled) << st.error().to_string();
}

// A plain layer whose digests check out but whose tar does not read (it ends
// inside an entry's data). Opened with its layers indexed, its verify row fails
// with the index's reason. Opened for the summary only (the page's verify), its
// bytes are hashed and check out; once indexing fails on it, its row fails too,
// though its digest matches. Either way the writers refuse to copy it.
TEST(Hostile, PlainLayerThatIsNoTarFailsVerify) {
  std::string good = make_tar({F("a.txt", std::string(5000, 'x')), F("b.txt", "hello")}, Filter::kNone, TarFormat::kUstar);
  const std::string bad = good.substr(0, 512 + 3000);  // ends inside a.txt's data
  const std::string diff_id = "sha256:" + sha256_hex(bad);
  nlohmann::json config = {{"architecture", "amd64"}, {"os", "linux"},
                           {"rootfs", {{"type", "layers"}, {"diff_ids", {diff_id}}}}};
  const std::string cj = config.dump(), chex = sha256_hex(cj);
  nlohmann::json manifest = nlohmann::json::array(
      {{{"Config", chex + ".json"}, {"RepoTags", {"bad/tar:1"}}, {"Layers", {"l1/layer.tar"}}}});
  const auto bytes = to_bytes(make_tar({D("l1"), F("l1/layer.tar", bad), F(chex + ".json", cj),
                                        F("manifest.json", manifest.dump())}));
  auto layer_row_fails = [&](Session& s, bool hashed) {
    auto rep = s.verify_report();
    ASSERT_TRUE(rep.ok()) << rep.error().to_string();
    EXPECT_FALSE(rep.value().ok());
    const VerifyRow& row = rep.value().rows.at(0);
    EXPECT_EQ(row.kind, "layer");
    EXPECT_EQ(row.actual, hashed ? diff_id : "");
    EXPECT_EQ(row.state, VerifyState::kMismatch);
    ASSERT_EQ(row.problems.size(), 1u);
    EXPECT_EQ(row.problems[0].rfind("could not be read to its end: truncated: the input ends inside the data of entry 'a.txt'", 0), 0u)
        << row.problems[0];
    std::vector<uint8_t> written;
    auto out = make_memory_sink(&written);
    EXPECT_FALSE(s.save(SaveOptions{}, *out).ok()) << "a writer copied a layer that does not read";
  };
  auto indexed = open_bytes(bytes);
  ASSERT_TRUE(indexed);
  layer_row_fails(*indexed, false);

  OpenOptions o;
  o.layers = LayerReading::kHeadersOnly;
  auto opened = Session::open(make_memory_source(bytes, "built.tar"), o);
  ASSERT_TRUE(opened.ok()) << opened.error().to_string();
  Session& s = *opened.value();
  ASSERT_EQ(s.plain_blobs().size(), 1u);
  auto rep = s.verify_report();
  ASSERT_TRUE(rep.ok()) << rep.error().to_string();
  EXPECT_TRUE(rep.value().ok()) << "the bytes are what the documents claim";
  EXPECT_TRUE(s.index_layers().ok());
  EXPECT_FALSE(s.archive().blobs[0].error.empty());
  layer_row_fails(s, true);
}

// Paging: list(offset, limit) is a slice of the whole listing, list_json pages
// agree with it, write_json's pieces are the list_json document, and paging a
// merged tree reuses one Listing instead of merging per page.
TEST(EdgeLayers, ListingPagesAreSlicesOfTheWhole) {
  std::vector<TEntry> l0, l1;
  for (int i = 0; i < 40; ++i) l0.push_back(F("d" + std::to_string(i % 7) + "/x/y/f" + std::to_string(i), "v"));
  l1.push_back(F("d3/x/.wh.y"));
  l1.push_back(F("z/new", "n"));
  TImage img{{"edge/page:1"}, {TLayer{l0}, TLayer{l1}}};
  auto s = open_bytes(build_docker_legacy({img}));
  ASSERT_TRUE(s);
  for (bool merged : {true, false}) {
    ListOptions all{.layer = -1, .merged = merged};
    auto whole = s->list(0, all);
    ASSERT_TRUE(whole.ok());
    const auto& w = whole.value();
    ASSERT_GT(w.size(), 6u);
    auto lst = s->listing(0, all);
    ASSERT_TRUE(lst.ok());
    EXPECT_EQ(lst.value()->size(), w.size());
    auto again = s->listing(0, all);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(lst.value().get(), again.value().get()) << "the second page merged again";
    std::vector<std::string> paged;
    for (uint64_t off = 0;; off += 3) {
      ListOptions o = all;
      o.offset = off;
      o.limit = 3;
      auto p = s->list(0, o);
      ASSERT_TRUE(p.ok());
      auto pj = s->list_json(0, o);
      ASSERT_TRUE(pj.ok());
      auto j = nlohmann::json::parse(pj.value(), nullptr, false);
      ASSERT_FALSE(j.is_discarded());
      EXPECT_EQ(j["total"], w.size());
      EXPECT_EQ(j["offset"], std::min<uint64_t>(off, w.size()));
      ASSERT_EQ(j["entries"].size(), p.value().size());
      for (size_t k = 0; k < p.value().size(); ++k) EXPECT_EQ(j["entries"][k]["path"], p.value()[k].path);
      EXPECT_EQ(j["has_more"].get<bool>(), off + 3 < w.size());
      for (auto& e : p.value()) paged.push_back(e.path);
      if (p.value().empty()) break;
    }
    ASSERT_EQ(paged.size(), w.size());
    for (size_t k = 0; k < w.size(); ++k) EXPECT_EQ(paged[k], w[k].path) << k;
    std::string streamed;
    lst.value()->write_json(0, 0, [&](std::string_view piece) { streamed.append(piece); });
    EXPECT_EQ(streamed, s->list_json(0, all).value());
  }
  // A listing of ~1 MB of JSON comes in pieces of at most 64 KiB and one entry (ls --json streams them).
  {
    std::vector<TEntry> many;
    for (int i = 0; i < 4000; ++i) many.push_back(F("dir/" + std::string(200, 'a' + i % 26) + std::to_string(i), "v"));
    auto big = open_bytes(build_docker_legacy({TImage{{"edge/many:1"}, {TLayer{many}}}}));
    ASSERT_TRUE(big);
    auto l = big->listing(0, ListOptions{.layer = -1, .merged = true});
    ASSERT_TRUE(l.ok());
    std::string streamed;
    size_t pieces = 0, largest = 0;
    l.value()->write_json(0, 0, [&](std::string_view piece) {
      streamed.append(piece);
      ++pieces;
      largest = std::max(largest, piece.size());
    });
    EXPECT_EQ(streamed, big->list_json(0, ListOptions{.layer = -1, .merged = true}).value());
    EXPECT_GT(streamed.size(), size_t{1} << 20);
    EXPECT_GE(pieces, streamed.size() / (64 << 10));
    EXPECT_LE(largest, size_t{(64 << 10) + 400}) << "a piece holds at most 64 KiB and one entry";
  }
  // "No limit" spelled as the largest limit, from an offset: the rest, not an overflow.
  {
    ListOptions o{.layer = -1, .merged = true, .offset = 2, .limit = ~uint64_t{0}};
    auto all = s->list(0, ListOptions{.layer = -1, .merged = true});
    auto rest = s->list(0, o);
    ASSERT_TRUE(rest.ok());
    EXPECT_EQ(rest.value().size(), all.value().size() - 2);
    auto j = nlohmann::json::parse(s->list_json(0, o).value());
    EXPECT_EQ(j["entries"].size(), all.value().size() - 2);
    EXPECT_FALSE(j["has_more"].get<bool>());
  }
  // A prefix filters to the subtree, the path itself included.
  auto sub = s->list(0, ListOptions{.layer = 0, .merged = true, .prefix = "/d3/x"});
  ASSERT_TRUE(sub.ok());
  ASSERT_FALSE(sub.value().empty());
  EXPECT_EQ(sub.value().front().path, "d3/x");
  for (auto& e : sub.value()) EXPECT_EQ(e.path.rfind("d3/x", 0), 0u) << e.path;
  auto none = s->list(0, ListOptions{.layer = 0, .merged = true, .prefix = "nope"});
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, Code::kNotFound);
}

// An empty layer (a tar of zero blocks only, as a step that adds no file can
// leave) is a layer, whether the archive is read by random access or, compressed
// as a whole, in one pass (that pass took its first zero block for "not a tar"
// and called the layer unreadable).
TEST(EdgeLayers, EmptyLayerIsReadableInEveryPass) {
  TImage img;
  img.tags = {"test/empty:1"};
  img.layers = {TLayer{{F("a.txt", "hi")}}, TLayer{{}}};
  for (Filter outer : {Filter::kNone, Filter::kGzip}) {
    SCOPED_TRACE(outer == Filter::kNone ? "plain archive" : "archive gzip'ed as a whole");
    auto s = open_bytes(build_docker_legacy({img}, outer));
    ASSERT_TRUE(s);
    const Archive& a = s->archive();
    EXPECT_TRUE(a.warnings.empty()) << warnings_of(a);
    ASSERT_EQ(a.images.size(), 1u);
    ASSERT_EQ(a.images[0].layers.size(), 2u);
    const Blob& empty = a.blobs[a.images[0].layers[1].blob];
    EXPECT_TRUE(empty.indexed);
    EXPECT_TRUE(empty.error.empty()) << empty.error;
    EXPECT_EQ(empty.counts.total, 0u);
    EXPECT_GE(empty.uncompressed_size, 1024);
    ASSERT_NE(s->layer_index(0, 1), nullptr);
    EXPECT_TRUE(s->layer_index(0, 1)->entries.empty());
  }
}

// Compressed layers decoded on a second thread (OpenOptions::start_thread, the
// CLI's way) answer as on one: every filter, intact or with a byte flipped or
// cut short anywhere, indexed or verified — the same documents, warnings and
// blob errors; a tight expansion limit stops it alike; progress cancels it at
// any call, without a hang.
TEST(Threads, DecodingAheadSameAnswersSameErrors) {
  std::string big(3 << 20, '\0');  // several of the decoder thread's 256 KiB slices
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>("abcdefgh"[((i * 2654435761u) >> 27) & 7]);
  std::vector<TLayer> layers;
  int n = 0;
  for (Filter f : {Filter::kGzip, Filter::kZstd, Filter::kXz, Filter::kBzip2}) {
    TLayer l{{F("etc/n" + std::to_string(n), std::to_string(n)), F("big" + std::to_string(n), big), F("tail", "t")}};
    l.filter = f;
    if (f == Filter::kXz || f == Filter::kBzip2) l.media_type = "application/vnd.oci.image.layer.v1.tar";
    layers.push_back(l);
    ++n;
  }
  const auto full = build_oci_archive({TImage{{"edge/threads:1"}, layers}});
  auto started = std::make_shared<std::atomic<int>>(0);
  auto open = [&](const std::vector<uint8_t>& bytes, bool threads, bool verify) {
    OpenOptions o;
    o.verify = verify;
    if (threads) o.start_thread = counting_thread_starter(started);
    return Session::open(make_memory_source(bytes, "t.tar"), o);
  };
  auto outcome = [](const Result<std::unique_ptr<Session>>& r) {
    if (!r.ok()) return "ERROR " + r.error().to_string();
    std::string s;
    for (const Warning& w : r.value()->archive().warnings) s += "[" + w.code + "] " + w.message + " @ " + w.where + "\n";
    for (const Blob& b : r.value()->archive().blobs)
      s += b.member + ": " + b.error + " " + b.computed_digest + " " + b.computed_diff_id + " " +
           std::to_string(b.uncompressed_size) + "\n";
    return s;
  };
  {
    auto one = open(full, false, false), two = open(full, true, false);
    ASSERT_TRUE(one.ok() && two.ok());
    EXPECT_EQ(two.value()->inspect_json(), one.value()->inspect_json());
    EXPECT_EQ(started->load(), 4);
    for (int k = 0; k < 4; ++k) EXPECT_EQ(read_or_error(*two.value(), 0, k, "big" + std::to_string(k)), big);
    EXPECT_EQ(outcome(open(full, true, true)), outcome(open(full, false, true)));
  }
  const auto damaged = damaged_copies(full, 5, 10);
  int failures = 0;
  for (auto& [what, bytes] : damaged) {
    SCOPED_TRACE(what);
    for (bool verify : {false, true}) {
      std::string want = outcome(open(bytes, false, verify));
      EXPECT_EQ(outcome(open(bytes, true, verify)), want) << (verify ? "verified" : "indexed");
      failures += want.find("ERROR") != std::string::npos || want.find("[layer-unreadable]") != std::string::npos;
    }
  }
  EXPECT_GT(failures, 4) << "the damage should make some layers unreadable";

  {  // the expansion limit
    OpenOptions o;
    o.limits.max_expansion_ratio = 3;
    o.limits.max_expansion_floor = 1 << 20;
    auto one = Session::open(make_memory_source(full, "t.tar"), o);
    o.start_thread = counting_thread_starter(started);
    auto two = Session::open(make_memory_source(full, "t.tar"), o);
    EXPECT_EQ(outcome(two), outcome(one));
    EXPECT_NE(outcome(one).find("decompression bomb"), std::string::npos) << outcome(one);
  }
  // cancelled at the k-th progress call, for every call an open makes
  int total = 0;
  {
    OpenOptions o;
    o.start_thread = counting_thread_starter(started);
    o.progress = [&](const Progress&) { return ++total > 0; };
    ASSERT_TRUE(Session::open(make_memory_source(full, "t.tar"), o).ok());
  }
  EXPECT_GT(total, 4);
  for (int k = 1; k <= total; ++k) {
    OpenOptions o;
    o.start_thread = counting_thread_starter(started);
    int calls = 0;
    o.progress = [&](const Progress&) { return ++calls < k; };
    auto r = Session::open(make_memory_source(full, "t.tar"), o);
    ASSERT_FALSE(r.ok()) << "cancel at call " << k << " was ignored";
    EXPECT_EQ(r.error().code, Code::kCancelled) << r.error().to_string();
  }
}

// Layers indexed at once (OpenOptions::index_threads), each on a thread into a
// path table of its own: the model is the one indexing them one by one makes —
// the same path table id by id, entries, warnings and errors — for an archive
// whose layers share directories and names, whiteouts, links and odd entries;
// with bytes flipped or cut anywhere; at every bound of the entry and path
// limits (where a layer's own reading cannot tell, it is read again over the
// archive's table); for a summary and for layers indexed after a headers-only
// open; and a cancel at any progress call ends the open.
TEST(Threads, LayersIndexedAtOnceSameAnswersSameErrors) {
  std::string big(1 << 20, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>("abcdefgh"[((i * 2654435761u) >> 27) & 7]);
  std::vector<TLayer> layers;
  const Filter filters[] = {Filter::kNone, Filter::kGzip, Filter::kZstd, Filter::kNone, Filter::kGzip, Filter::kZstd};
  for (int n = 0; n < 6; ++n) {
    const std::string k = std::to_string(n);
    TLayer l{{D("usr"), D("usr/lib"), F("usr/lib/common", k), F("usr/lib/l" + k + "/a", k), F("usr/share/doc/" + k, big.substr(0, 1000 * (n + 1))),
              L("usr/bin/link" + k, "../lib/common"), H("usr/lib/hard" + k, "usr/lib/common"), F("big" + k, big.substr(0, (n + 1) << 17)),
              F("etc/dup", "one"), F("etc/dup", "two"), F("../escape" + k, "x"), F("/abs/" + k, "y"), H("usr/lib/nohard" + k, "nowhere/" + k)}};
    if (n > 0) {
      l.entries.push_back(F("usr/lib/l" + std::to_string(n - 1) + "/.wh.a"));
      l.entries.push_back(F("usr/share/doc/.wh..wh..opq"));
    }
    l.filter = filters[n];
    layers.push_back(l);
  }
  const auto full = build_oci_archive({TImage{{"edge/at-once:1"}, layers}});
  auto started = std::make_shared<std::atomic<int>>(0);
  auto options = [&](bool at_once) {
    OpenOptions o;
    if (at_once) {
      o.start_thread = counting_thread_starter(started);
      o.index_threads = 3;
    }
    return o;
  };
  auto open = [&](const std::vector<uint8_t>& bytes, OpenOptions o) { return Session::open(make_memory_source(bytes, "t.tar"), o); };
  // What a caller can see of a session: warnings, blobs, every path id, every entry.
  auto outcome = [](const Result<std::unique_ptr<Session>>& r) {
    if (!r.ok()) return "ERROR " + r.error().to_string();
    const Session& s = *r.value();
    std::string out = s.inspect_json() + "\n";
    for (const Warning& w : s.archive().warnings) out += "[" + w.code + "] " + w.message + " @ " + w.where + "\n";
    for (const Blob& b : s.archive().blobs)
      out += b.member + ": " + b.error + " " + b.computed_digest + " " + b.computed_diff_id + " " + std::to_string(b.uncompressed_size) + "\n";
    for (PathId id = 0; id < s.paths().size(); ++id) out += std::to_string(id) + "=" + s.paths().path(id) + "\n";
    for (size_t k = 0; k < s.archive().images[0].layers.size(); ++k)
      if (const LayerIndex* idx = s.layer_index(0, static_cast<int>(k)); idx) {
        for (const Entry& e : idx->entries)
          out += std::to_string(e.path) + " " + entry_type_name(e.type) + " " + std::to_string(e.size) + " " + std::to_string(e.link) + "\n";
        for (PathId w : idx->whiteouts) out += "wh " + std::to_string(w) + "\n";
        for (PathId d : idx->opaque_dirs) out += "opq " + std::to_string(d) + "\n";
      }
    return out;
  };
  {
    const std::string want = outcome(open(full, options(false)));
    ASSERT_EQ(want.find("ERROR"), std::string::npos) << want;
    EXPECT_NE(want.find("[hardlink-target-missing]"), std::string::npos);
    EXPECT_NE(want.find("[duplicate-entry]"), std::string::npos);
    started->store(0);
    EXPECT_EQ(outcome(open(full, options(true))), want);
    EXPECT_EQ(started->load(), 3) << "3 indexing threads: every core reads a blob, so no decoder threads";
    // With a core to spare for each blob's decoder (12 for 6 blobs), a decoder
    // thread per compressed layer beside the 6 indexing threads: the same again.
    OpenOptions spare = options(true);
    spare.index_threads = 12;
    started->store(0);
    EXPECT_EQ(outcome(open(full, spare)), want);
    EXPECT_GE(started->load(), 6 + 4) << "6 indexing threads, a decoder thread per compressed layer";
    OpenOptions v = options(true);
    v.verify = true;
    auto verified = open(full, v);
    OpenOptions v1 = options(false);
    v1.verify = true;
    EXPECT_EQ(outcome(verified), outcome(open(full, v1)));
    for (int k = 0; k < 6; ++k)
      EXPECT_EQ(read_or_error(*verified.value(), 0, k, "big" + std::to_string(k)), big.substr(0, (k + 1) << 17));
    // the summary (compressed layers decoded for their sizes), then every layer read after a headers-only open
    OpenOptions s0 = options(false), s1 = options(true);
    s0.layers = s1.layers = LayerReading::kSummary;
    EXPECT_EQ(outcome(open(full, s1)), outcome(open(full, s0)));
    s0.layers = s1.layers = LayerReading::kHeadersOnly;
    auto h0 = open(full, s0), h1 = open(full, s1);
    ASSERT_TRUE(h0.ok() && h1.ok());
    ASSERT_TRUE(h0.value()->index_layers().ok());
    ASSERT_TRUE(h1.value()->index_layers().ok());
    EXPECT_EQ(outcome(h1), outcome(h0));
    EXPECT_EQ(outcome(h1), want) << "read later, the layers make what an open reading them makes";
  }
  const auto damaged = damaged_copies(full, 3, 8);
  int failures = 0;
  for (auto& [what, bytes] : damaged) {
    SCOPED_TRACE(what);
    const std::string want = outcome(open(bytes, options(false)));
    EXPECT_EQ(outcome(open(bytes, options(true))), want);
    failures += want.find("ERROR") != std::string::npos || want.find("[layer-unreadable]") != std::string::npos;
  }
  EXPECT_GT(failures, 4) << "the damage should make some layers unreadable";

  // Every bound of the entry and path limits around what the archive holds:
  // the same success, or the same error at the same entry.
  auto sequential = open(full, options(false));
  ASSERT_TRUE(sequential.ok());
  uint64_t entries = 0;
  for (const Blob& b : sequential.value()->archive().blobs) entries += b.counts.total + b.counts.whiteouts + b.counts.opaque_dirs;
  const uint64_t paths = sequential.value()->paths().size();
  int refused = 0;
  for (uint64_t n = 0; n <= entries + 2; n += n + 30 < entries ? 7 : 1) {
    OpenOptions a = options(false), b = options(true);
    a.limits.max_entries = b.limits.max_entries = n;
    const std::string want = outcome(open(full, a));
    EXPECT_EQ(outcome(open(full, b)), want) << "max_entries " << n;
    refused += want.find("ERROR") != std::string::npos;
  }
  for (uint64_t n = 0; n <= paths + 2; n += n + 30 < paths ? 7 : 1) {
    OpenOptions a = options(false), b = options(true);
    a.limits.max_paths = b.limits.max_paths = n;
    const std::string want = outcome(open(full, a));
    EXPECT_EQ(outcome(open(full, b)), want) << "max_paths " << n;
    refused += want.find("ERROR") != std::string::npos;
  }
  EXPECT_GT(refused, 20) << "the sweeps should cross both limits";

  // cancelled at the k-th progress call
  int total = 0;
  {
    OpenOptions o = options(true);
    o.progress = [&](const Progress&) { return ++total > 0; };
    ASSERT_TRUE(open(full, o).ok());
  }
  EXPECT_GT(total, 2);
  for (int k = 1; k <= total; ++k) {
    OpenOptions o = options(true);
    int calls = 0;
    o.progress = [&](const Progress&) { return ++calls < k; };
    auto r = open(full, o);
    ASSERT_FALSE(r.ok()) << "cancel at call " << k << " was ignored";
    EXPECT_EQ(r.error().code, Code::kCancelled) << r.error().to_string();
  }
}

namespace {

// A memory archive that records what the core announces (ByteSource::will_read).
class AdvisedSource final : public ByteSource {
 public:
  explicit AdvisedSource(std::shared_ptr<ByteSource> base) : base_(std::move(base)) {}
  uint64_t size() const override { return base_->size(); }
  std::string name() const override { return base_->name(); }
  Result<size_t> read_at(uint64_t offset, void* buf, size_t n) override { return base_->read_at(offset, buf, n); }
  void will_read(uint64_t offset, uint64_t length) override { runs.emplace_back(offset, length); }
  std::vector<std::pair<uint64_t, uint64_t>> runs;

 private:
  std::shared_ptr<ByteSource> base_;
};

}  // namespace

// A compressed blob is announced to the source, whole, before its decoder reads
// it (the page's file source starts reading it ahead there); a plain blob,
// whose headers are read by position with payloads skipped, is not, unless it
// is hashed whole (verify); nor is a blob read only up to one of its files.
TEST(Advice, CompressedBlobsAreAnnouncedWhole) {
  std::vector<TLayer> layers;
  const Filter filters[] = {Filter::kNone, Filter::kGzip, Filter::kZstd};
  for (int n = 0; n < 3; ++n) {
    TLayer l{{F("f" + std::to_string(n), std::string(70000 + n, static_cast<char>('a' + n)))}};
    l.filter = filters[n];
    layers.push_back(l);
  }
  const auto bytes = build_oci_archive({TImage{{"edge/advice:1"}, layers}});
  auto blob_at = [&](uint64_t off, uint64_t len) { return std::string(bytes.begin() + off, bytes.begin() + off + len); };
  for (bool verify : {false, true}) {
    SCOPED_TRACE(verify ? "verify" : "index");
    auto src = std::make_shared<AdvisedSource>(make_memory_source(bytes, "t.tar"));
    OpenOptions o;
    o.verify = verify;
    auto s = Session::open(src, o);
    ASSERT_TRUE(s.ok()) << s.error().to_string();
    std::map<uint64_t, std::string> announced;  // length -> the bytes announced
    for (auto [off, len] : src->runs) {
      ASSERT_LE(off + len, bytes.size());
      announced[len] = blob_at(off, len);
    }
    int compressed = 0;
    for (const Blob& b : s.value()->archive().blobs) {
      if (b.compression != Compression::kGzip && b.compression != Compression::kZstd &&
          !(verify && b.compression == Compression::kNone && b.uncompressed_size > 0))
        continue;
      auto it = announced.find(b.stored_size);
      ASSERT_NE(it, announced.end()) << b.member << " (" << b.stored_size << " bytes) was not announced";
      EXPECT_EQ(Sha256::digest_of(it->second), b.stored_digest) << b.member;
      compressed += b.compression != Compression::kNone;
    }
    EXPECT_EQ(compressed, 2);
    if (!verify) {
      // Without verify only the two compressed blobs.
      EXPECT_EQ(src->runs.size(), 2u);
    }
  }
}

// A file read of a compressed layer (the decoder may stop at the file) announces
// the blob's share up to the file's end at the layer's average ratio, with a
// margin: the whole blob for its last file, a few hundred KiB for its first.
TEST(Advice, FileReadsAnnounceTheirShareOfTheBlob) {
  std::string noise;  // (compresses about 2:1, as a layer might)
  uint32_t x = 1;
  for (int i = 0; i < (4 << 20); ++i) {
    x = x * 1103515245u + 12345u;
    noise += static_cast<char>('a' + (x >> 28));
  }
  for (Filter f : {Filter::kGzip, Filter::kZstd}) {
    TLayer l{{F("first", "the first file"), F("noise", noise), F("last", "the last file")}};
    l.filter = f;
    const auto bytes = build_oci_archive({TImage{{"edge/share:1"}, {l}}});
    auto src = std::make_shared<AdvisedSource>(make_memory_source(bytes, "t.tar"));
    auto s = Session::open(src);
    ASSERT_TRUE(s.ok()) << s.error().to_string();
    const Archive& a = s.value()->archive();
    const Blob& b = a.blobs[a.images[0].layers[0].blob];
    ASSERT_GT(b.stored_size, 1u << 20);
    ASSERT_EQ(src->runs.size(), 1u);  // the index's
    const uint64_t at = src->runs[0].first;
    std::string got;
    ASSERT_TRUE(read_all(*s.value(), 0, 0, "last", &got).ok());
    EXPECT_EQ(got, "the last file");
    ASSERT_EQ(src->runs.size(), 2u);
    EXPECT_EQ(src->runs[1], std::make_pair(at, b.stored_size));
    ASSERT_TRUE(read_all(*s.value(), 0, 0, "first", &got).ok());
    EXPECT_EQ(got, "the first file");
    ASSERT_EQ(src->runs.size(), 3u);
    EXPECT_EQ(src->runs[2].first, at);
    EXPECT_GE(src->runs[2].second, 256u << 10);
    EXPECT_LT(src->runs[2].second, (256u << 10) + 4096);
  }
}

namespace {

// An archive's bytes that a test changes after opening it (the file changed
// between the index and a later read).
class ChangingSource final : public ByteSource {
 public:
  explicit ChangingSource(std::vector<uint8_t> b) : bytes(std::move(b)) {}
  uint64_t size() const override { return bytes.size(); }
  std::string name() const override { return "changing.tar"; }
  Result<size_t> read_at(uint64_t offset, void* buf, size_t n) override {
    if (offset >= bytes.size()) return size_t{0};
    n = static_cast<size_t>(std::min<uint64_t>(n, bytes.size() - offset));
    std::memcpy(buf, bytes.data() + offset, n);
    return n;
  }
  std::vector<uint8_t> bytes;
};

// `in` through a shell command (stdin to stdout).
std::string through(const std::string& cmd, const std::string& in) {
  const std::string path = (fs::temp_directory_path() / ("ls-edge-through-" + std::to_string(::getpid()))).string();
  {
    std::ofstream f(path, std::ios::binary);
    f.write(in.data(), static_cast<std::streamsize>(in.size()));
  }
  CmdResult r = run("(" + cmd + ") < " + shq(path));
  std::remove(path.c_str());
  EXPECT_EQ(r.status, 0) << cmd;
  return r.out;
}

size_t find_bytes(const std::vector<uint8_t>& hay, const std::string& needle) {
  auto it = std::search(hay.begin(), hay.end(), needle.begin(), needle.end(),
                        [](uint8_t a, char b) { return a == static_cast<uint8_t>(b); });
  return it == hay.end() ? std::string::npos : static_cast<size_t>(it - hay.begin());
}

}  // namespace

// A file of a compressed layer is read from where the index found its bytes in
// the decoded stream, without parsing the entries before it again, once the tar
// header right before those bytes still says the file's size; when it does not,
// the entries are walked, and a damaged one is an error, never other bytes.
TEST(CompressedFileReads, StartAtTheIndexedOffset) {
  // (c/after.bin: the member's end, where its CRC-32 is checked, lies past what one read decodes.)
  TLayer l{{F("a/pad.bin", std::string(3000, 'p')), F("b/target.txt", "the target's bytes\n"),
            F("c/after.bin", std::string(1 << 20, 'z'))}};
  l.filter = Filter::kGzip;
  // gzip level 0: stored blocks, so the tar's bytes stand verbatim in the blob.
  l.compress = [](const std::string& plain) {
    return through("python3 -c 'import gzip, sys; sys.stdout.buffer.write(gzip.compress(sys.stdin.buffer.read(), 0))'",
                   plain);
  };
  auto src = std::make_shared<ChangingSource>(build_oci_archive({TImage{{"edge/reads:1"}, {l}}}));
  auto s = Session::open(src);
  ASSERT_TRUE(s.ok()) << s.error().to_string();
  ASSERT_EQ(s.value()->archive().blobs[s.value()->archive().images[0].layers[0].blob].compression, Compression::kGzip);
  std::string got;
  ASSERT_TRUE(read_all(*s.value(), 0, 0, "b/target.txt", &got).ok());
  EXPECT_EQ(got, "the target's bytes\n");
  const size_t pad = find_bytes(src->bytes, "a/pad.bin"), target = find_bytes(src->bytes, "b/target.txt");
  ASSERT_NE(pad, std::string::npos);
  ASSERT_NE(target, std::string::npos);
  ASSERT_LT(pad, target);
  // The header of the entry before it damaged: not parsed, the file still reads
  // (walking the entries would stop at it).
  src->bytes[pad] = 'A';
  got.clear();
  auto r = read_all(*s.value(), 0, 0, "b/target.txt", &got);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(got, "the target's bytes\n");
  // Its own header damaged: refused, and the walk fails on it.
  src->bytes[pad] = 'a';
  src->bytes[target] = 'B';
  got.clear();
  r = read_all(*s.value(), 0, 0, "b/target.txt", &got);
  ASSERT_FALSE(r.ok()) << "read " << got.size() << " bytes";
  EXPECT_NE(r.error().code, Code::kOk);
  EXPECT_TRUE(got.empty()) << got;
}

// zstd: a reader to the end of a frame checks the frame's content checksum (the
// index), a file read, which may stop before that end, does not compute it.
TEST(CompressedFileReads, ZstdChecksumsAreCheckedByReadersToTheEnd) {
  TLayer l{{F("a.txt", std::string(5000, 'a')), F("b.txt", "bee\n")}};
  l.filter = Filter::kZstd;
  const std::string blob = through("zstd -q -c --check", make_tar(l.entries, Filter::kNone, l.format));
  ASSERT_GT(blob.size(), 8u);
  l.compress = [blob](const std::string&) { return blob; };
  auto src = std::make_shared<ChangingSource>(build_oci_archive({TImage{{"edge/zstd:1"}, {l}}}));
  const size_t at = find_bytes(src->bytes, blob);
  ASSERT_NE(at, std::string::npos);
  auto s = Session::open(src);
  ASSERT_TRUE(s.ok()) << s.error().to_string();
  src->bytes[at + blob.size() - 1] ^= 0xff;  // the frame's checksum (its last 4 bytes)
  std::string got;
  auto r = read_all(*s.value(), 0, 0, "b.txt", &got);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(got, "bee\n");
  // Indexed again, to the end: the checksum is checked, the layer's error says so.
  auto again = Session::open(src);
  ASSERT_TRUE(again.ok()) << again.error().to_string();
  const Archive& a = again.value()->archive();
  const std::string& error = a.blobs.at(a.images.at(0).layers.at(0).blob).error;
  EXPECT_NE(error.find("checksum"), std::string::npos) << "'" << error << "'";
}

// The header check before a compressed file is read from its indexed offset:
// the checksum (unsigned or signed sums) and the size, octal or base-256.
TEST(CompressedFileReads, TarHeaderOfSize) {
  const std::string tar = make_tar({F("dir/n\xe9.txt", std::string(1234, 'x'))}, Filter::kNone, TarFormat::kUstar);
  ASSERT_GE(tar.size(), 512u);
  std::vector<uint8_t> h(tar.begin(), tar.begin() + 512);
  EXPECT_TRUE(tar_header_of_size(h.data(), 1234));
  EXPECT_FALSE(tar_header_of_size(h.data(), 1235));
  EXPECT_FALSE(tar_header_of_size(h.data(), 0));
  auto with_checksum = [](std::vector<uint8_t> b, bool signed_sum) {
    int64_t sum = 0;
    for (int i = 0; i < 512; ++i) {
      const uint8_t c = (i >= 148 && i < 156) ? ' ' : b[i];
      sum += signed_sum ? static_cast<int8_t>(c) : c;
    }
    std::snprintf(reinterpret_cast<char*>(&b[148]), 8, "%06llo", static_cast<unsigned long long>(sum) & 0777777);
    b[155] = ' ';
    return b;
  };
  auto damaged = h;
  damaged[0] ^= 1;  // a name byte: the checksum no longer holds
  EXPECT_FALSE(tar_header_of_size(damaged.data(), 1234));
  // Some old writers sum signed bytes (the name has one above 0x7f).
  EXPECT_TRUE(tar_header_of_size(with_checksum(h, true).data(), 1234));
  // Base-256 sizes (GNU tar, past 8 GiB): 0x80 then the value big-endian.
  auto big = h;
  const uint64_t size = (uint64_t{9} << 30) + 7;
  std::fill(big.begin() + 124, big.begin() + 136, 0);
  big[124] = 0x80;
  for (int i = 0; i < 8; ++i) big[135 - i] = static_cast<uint8_t>(size >> (8 * i));
  big = with_checksum(big, false);
  EXPECT_TRUE(tar_header_of_size(big.data(), size));
  EXPECT_FALSE(tar_header_of_size(big.data(), size - 1));
  big[124] = 0xff;  // negative
  EXPECT_FALSE(tar_header_of_size(with_checksum(big, false).data(), size));
  // Octal with leading spaces and a space or NUL after the digits.
  auto spaced = h;
  std::memcpy(&spaced[124], "    2322 \0\0\0", 12);  // 1234 = 02322
  EXPECT_TRUE(tar_header_of_size(with_checksum(spaced, false).data(), 1234));
  std::memcpy(&spaced[124], "    23x2    ", 12);
  EXPECT_FALSE(tar_header_of_size(with_checksum(spaced, false).data(), 1234));
}

// A layer is one tar compressed once: one compressed inside another is refused
// with an error that says so, by every decoder (ISA-L and libzstd remove one
// compression; libarchive's filters would remove the rest beyond the expansion
// limit, with offsets the file readers do not share).
TEST(CompressedFileReads, ALayerCompressedTwiceIsRefused) {
  const std::pair<Filter, const char*> cases[] = {
      {Filter::kZstd, "gzip -n -c | zstd -q -c"}, {Filter::kGzip, "zstd -q -c | gzip -n -c"},
      {Filter::kXz, "gzip -n -c | xz -c"}};
  for (auto [filter, cmd] : cases) {
    SCOPED_TRACE(cmd);
    TLayer l{{F("a.txt", "hello\n")}};
    l.filter = filter;
    l.compress = [cmd = std::string(cmd)](const std::string& plain) { return through(cmd, plain); };
    auto s = Session::open(make_memory_source(build_oci_archive({TImage{{"edge/twice:1"}, {l}}}), "t.tar"));
    ASSERT_TRUE(s.ok()) << s.error().to_string();
    const Archive& a = s.value()->archive();
    const std::string& error = a.blobs.at(a.images.at(0).layers.at(0).blob).error;
    EXPECT_NE(error.find("compressed again"), std::string::npos) << "'" << error << "'";
    std::string got;
    EXPECT_FALSE(read_all(*s.value(), 0, 0, "a.txt", &got).ok()) << got;
  }
}

// A zstd blob may start with a skippable frame (libarchive's reader takes it as
// zstd): it is decoded as zstd, not read by position as a plain tar.
TEST(CompressedFileReads, ZstdBlobStartingWithASkippableFrame) {
  TLayer l{{F("a.txt", std::string(3000, 'a')), F("b.txt", "bee\n")}};
  l.filter = Filter::kZstd;
  l.compress = [](const std::string& plain) {
    return std::string("\x50\x2a\x4d\x18\x04\x00\x00\x00skip", 12) + through("zstd -q -c", plain);
  };
  auto s = Session::open(make_memory_source(build_oci_archive({TImage{{"edge/skippable:1"}, {l}}}), "t.tar"));
  ASSERT_TRUE(s.ok()) << s.error().to_string();
  const Archive& a = s.value()->archive();
  const Blob& b = a.blobs.at(a.images.at(0).layers.at(0).blob);
  EXPECT_EQ(b.compression, Compression::kZstd);
  EXPECT_EQ(b.error, "");
  std::string got;
  auto r = read_all(*s.value(), 0, 0, "b.txt", &got);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(got, "bee\n");
}

// Compare fingerprints the files of a compressed layer in one pass, in the order
// of their bytes: a sparse file (GNU tar --sparse) before a plain one is taken
// in its place (its offset carries the sparse flag), not skipped.
TEST(CompressedFileReads, CompareFingerprintsASparseFileInItsPlace) {
  const fs::path dir = fs::temp_directory_path() / ("ls-edge-sparse-" + std::to_string(::getpid()));
  auto layer = [&](const std::string& plain_text) {
    fs::remove_all(dir);
    fs::create_directories(dir);
    {
      std::ofstream f(dir / "s.bin", std::ios::binary);
      f.seekp(600000);
      f << "data in the middle";
      f.seekp(1 << 20);
      f << "end";
    }
    std::ofstream(dir / "p.txt", std::ios::binary) << plain_text;
    TLayer l{{F("s.bin"), F("p.txt", plain_text)}};  // (the entries only name the diff_id)
    l.filter = Filter::kZstd;
    const std::string blob =
        through("tar --sparse --format=gnu --owner=0 --group=0 -cf - -C " + shq(dir.string()) + " s.bin p.txt | zstd -q -c",
                "");
    l.compress = [blob](const std::string&) { return blob; };
    return l;
  };
  TImage a{{"edge/sparse:a"}, {layer("plain text one\n")}};
  TImage b{{"edge/sparse:b"}, {layer("plain text two\n")}};
  fs::remove_all(dir);
  auto s = Session::open(make_memory_source(build_oci_archive({a, b}), "t.tar"));
  ASSERT_TRUE(s.ok()) << s.error().to_string();
  const Archive& ar = s.value()->archive();
  ASSERT_EQ(ar.images.size(), 2u);
  std::string got;
  ASSERT_TRUE(read_all(*s.value(), 0, 0, "s.bin", &got).ok());
  ASSERT_EQ(got.size(), (1u << 20) + 3);
  EXPECT_EQ(got.substr(600000, 18), "data in the middle");
  auto d = s.value()->compare(0, *s.value(), 1);
  ASSERT_TRUE(d.ok()) << d.error().to_string();
  std::set<std::string> changed;
  for (uint64_t i = 0; i < d.value()->size(); ++i) changed.insert(d.value()->entry(i).path);
  EXPECT_EQ(changed, (std::set<std::string>{"p.txt"}));
}

// cat's keeping (Session::index_layers with a path to keep): the entry served
// is the one the view shows — of a path stored twice in one layer the later
// (as a tar extracts), of a path the upper layer changed the upper one, at a
// lower layer's view the lower one — and reading it reads nothing more; a
// deleted path is not found; a file over KeptFiles::kMaxFile (8 MiB) is not
// kept and is read from its layer, with the same bytes.
TEST(CompressedFileReads, KeptFileIsTheViewsEntry) {
  const std::string big(9u << 20, 'b');
  TLayer lower{{F("etc/x", "lower\n"), F("etc/gone", "g\n"), F("big.bin", big)}};
  lower.filter = Filter::kGzip;
  TLayer upper{{F("etc/x", "first\n"), F("etc/x", "second\n"), F("etc/.wh.gone")}};
  upper.filter = Filter::kZstd;
  const std::vector<uint8_t> archive = build_oci_archive({TImage{{"edge/keep:1"}, {lower, upper}}});
  struct Case {
    std::string path;
    int layer;
    std::string want;  // empty: not found
    bool kept;
  };
  const Case cases[] = {{"etc/x", -1, "second\n", true},
                        {"/etc/./x", 1, "second\n", true},
                        {"etc/x", 0, "lower\n", true},
                        {"etc/gone", 0, "g\n", true},
                        {"etc/gone", -1, "", false},
                        {"big.bin", -1, big, false}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.path + " @ " + std::to_string(c.layer));
    std::shared_ptr<ByteSource> src = make_memory_source(archive, "t.tar");
    OpenOptions o;
    o.layers = LayerReading::kHeadersOnly;
    auto s = Session::open(src, o);
    ASSERT_TRUE(s.ok()) << s.error().to_string();
    Status st = s.value()->index_layers(0, c.layer, {}, c.path);
    ASSERT_TRUE(st.ok()) << st.error().to_string();
    const uint64_t indexed = src->bytes_fetched();  // (every byte fetched, again or not)
    std::string got;
    st = read_all(*s.value(), 0, c.layer, c.path, &got);
    if (c.want.empty()) {
      ASSERT_FALSE(st.ok());
      EXPECT_EQ(st.error().code, Code::kNotFound);
      continue;
    }
    ASSERT_TRUE(st.ok()) << st.error().to_string();
    EXPECT_TRUE(got == c.want) << got.size() << " bytes: " << got.substr(0, 20);
    if (c.kept) EXPECT_EQ(src->bytes_fetched(), indexed) << "read again after the index";
    else EXPECT_GT(src->bytes_fetched(), indexed) << "a file over 8 MiB is read from its layer";
  }
}
