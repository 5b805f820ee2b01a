// The request dispatcher (layerscope/dispatch.h) on the real fixtures: two
// archives open at once, list and read interleaved on both and on two file
// cursors, and every handle and argument error with its exact code and place.
#include "layerscope/dispatch.h"

#include <fstream>

#include "archive_builder.h"
#include "layerscope/export.h"
#include "test_util.h"

using namespace layerscope;
using namespace lstest;

namespace {

const char* kDocker = "docker20-save-features";
const char* kZstd = "skopeo-oci-archive-zstd-features";

struct Reply {
  bool ok = false;
  json env;
  std::string bytes;
};

class DispatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* f : {kDocker, kZstd}) ASSERT_TRUE(fs::exists(fixture_tar(f))) << fixture_tar(f);
  }

  Reply call(std::string_view type, const json& args, std::shared_ptr<ByteSource> src = nullptr, ProgressFn progress = {}) {
    std::string text = args.dump();
    return call_text(type, text, std::move(src), std::move(progress));
  }
  Reply call_text(std::string_view type, std::string_view args, std::shared_ptr<ByteSource> src = nullptr,
                  ProgressFn progress = {}) {
    DispatchReply r = d_.dispatch({type, args, std::move(src), std::move(progress)});
    Reply out;
    out.ok = r.ok;
    out.env = json::parse(r.json);
    out.bytes.assign(r.bytes.begin(), r.bytes.end());
    EXPECT_EQ(out.env.at("ok").get<bool>(), r.ok) << r.json;
    return out;
  }
  json value(std::string_view type, const json& args) {
    Reply r = call(type, args);
    EXPECT_TRUE(r.ok) << type << " " << args.dump() << " -> " << r.env.dump();
    return r.ok ? r.env.at("value") : json();
  }
  // The error envelope of a failed call, checked for its exact shape.
  json error(std::string_view type, const json& args) {
    DispatchReply raw = d_.dispatch({type, args.dump(), nullptr, {}});
    Reply r{raw.ok, json::parse(raw.json), {}};
    EXPECT_FALSE(r.ok) << type << " " << args.dump() << " unexpectedly succeeded";
    std::vector<std::string> keys;  // in the order written
    const auto ordered = nlohmann::ordered_json::parse(raw.json);
    for (auto& [k, v] : ordered.items()) keys.push_back(k);
    EXPECT_EQ(keys, (std::vector<std::string>{"ok", "code", "message", "where"})) << r.env.dump();
    return r.env;
  }
  std::shared_ptr<ByteSource> source(const char* name) {
    auto s = open_file_source(fixture_tar(name));
    EXPECT_TRUE(s.ok());
    return s.ok() ? s.value() : nullptr;
  }
  uint64_t open(const char* name, std::shared_ptr<ByteSource>* src_out = nullptr) {
    auto src = source(name);
    if (src_out) *src_out = src;
    Reply r = call("open", json::object(), src);
    EXPECT_TRUE(r.ok) << r.env.dump();
    return r.ok ? r.env.at("value").at("archive").get<uint64_t>() : 0;
  }
  std::string read_whole(const Session& s, int layer, const std::string& path) {
    std::string out;
    Status st = read_all(s, 0, layer, path, &out);
    EXPECT_TRUE(st.ok()) << (st.ok() ? "" : st.error().to_string());
    return out;
  }

  Dispatcher d_;
};

TEST_F(DispatchTest, OpenReturnsAHandleAndTheSummary) {
  auto src = source(kDocker);
  int progress = 0;
  Reply r = call("open", json::object(), src, [&](const Progress&) { return ++progress > 0; });
  ASSERT_TRUE(r.ok) << r.env.dump();
  EXPECT_GT(progress, 0);
  const json& v = r.env.at("value");
  EXPECT_EQ(v.at("archive").get<uint64_t>(), 1u);
  EXPECT_EQ(v.at("bytes_read").get<uint64_t>(), src->bytes_read());
  json truth = load_truth(kDocker);
  EXPECT_EQ(v.at("summary").at("images").size(), truth.at("images").size());
  // summary answers the same document again, as the session writes it.
  auto s = open_session(fixture_tar(kDocker));
  EXPECT_EQ(value("summary", {{"archive", 1}}).at("images"), json::parse(s->inspect_json()).at("images"));
  EXPECT_EQ(d_.open_archives(), 1u);
}

TEST_F(DispatchTest, TwoArchivesInterleaved) {
  uint64_t a = open(kDocker), b = open(kZstd);
  ASSERT_TRUE(a && b);
  EXPECT_NE(a, b);
  EXPECT_EQ(d_.open_archives(), 2u);
  auto sa = open_session(fixture_tar(kDocker));
  auto sb = open_session(fixture_tar(kZstd));
  ListOptions o;
  o.merged = true;
  // Pages of 7 from both archives in turn concatenate to each whole listing.
  std::vector<std::string> pa, pb;
  bool more_a = true, more_b = true;
  for (uint64_t off = 0; more_a || more_b; off += 7) {
    for (auto [h, more, out] : {std::tuple{a, &more_a, &pa}, std::tuple{b, &more_b, &pb}}) {
      if (!*more) continue;
      json page = value("list", {{"archive", h}, {"image", 0}, {"layer", -1}, {"merged", true}, {"prefix", ""},
                                 {"offset", off}, {"limit", 7}});
      for (auto& e : page.at("entries")) out->push_back(e.at("path"));
      *more = page.at("has_more").get<bool>();
    }
  }
  auto paths = [](const Session& s, const ListOptions& o) {
    std::vector<std::string> v;
    auto listed = s.list(0, o);
    for (auto& e : listed.value()) v.push_back(e.path);
    return v;
  };
  EXPECT_EQ(pa, paths(*sa, o));
  EXPECT_EQ(pb, paths(*sb, o));
  // The whole document equals the session's own.
  EXPECT_EQ(value("list", {{"archive", a}, {"image", 0}, {"merged", true}}), json::parse(sa->list_json(0, o).value()));

  // Path-addressed reads alternate between the two archives.
  std::string big = read_whole(*sb, -1, "srv/app/big.bin");
  ASSERT_EQ(big.size(), 3u << 20);
  std::string got;
  for (uint64_t off = 0;; off += 1 << 20) {
    Reply rb = call("read", {{"archive", b}, {"image", 0}, {"layer", -1}, {"path", "srv/app/big.bin"}, {"offset", off},
                             {"length", 1 << 20}});
    ASSERT_TRUE(rb.ok) << rb.env.dump();
    got += rb.bytes;
    EXPECT_EQ(rb.env.at("value").at("size").get<uint64_t>(), big.size());
    Reply ra = call("read", {{"archive", a}, {"image", 0}, {"path", "etc/app/config.ini"}, {"length", 100000}});
    ASSERT_TRUE(ra.ok) << ra.env.dump();
    EXPECT_EQ(ra.bytes, read_whole(*sa, -1, "etc/app/config.ini"));
    EXPECT_TRUE(ra.env.at("value").at("eof").get<bool>());
    if (rb.env.at("value").at("eof").get<bool>()) break;
  }
  EXPECT_EQ(got, big);

  // Closing one leaves the other answering.
  EXPECT_TRUE(call("close", {{"archive", a}}).ok);
  EXPECT_EQ(d_.open_archives(), 1u);
  EXPECT_EQ(value("summary", {{"archive", b}}).at("images").size(), 1u);
}

TEST_F(DispatchTest, TwoCursorsReadAlternatelyWithoutDecodingAgain) {
  std::shared_ptr<ByteSource> src;
  uint64_t h = open(kZstd, &src);
  ASSERT_TRUE(h);
  auto s = open_session(fixture_tar(kZstd));
  std::string big = read_whole(*s, -1, "srv/app/big.bin");
  ASSERT_EQ(big.size(), 3u << 20);
  json c1 = value("openFile", {{"archive", h}, {"image", 0}, {"layer", -1}, {"path", "srv/app/big.bin"}});
  json c2 = value("openFile", {{"archive", h}, {"image", 0}, {"path", "srv/app/big.bin"}});
  ASSERT_TRUE(c1.is_object() && c2.is_object());
  EXPECT_EQ(c1.at("size").get<uint64_t>(), big.size());
  uint64_t k1 = c1.at("cursor"), k2 = c2.at("cursor");
  EXPECT_NE(k1, k2);
  EXPECT_NE(k1, h);
  EXPECT_EQ(d_.open_cursors(), 2u);
  // Cursor 1 reads the first half, cursor 2 the second, 128 KiB at a time, in turn.
  const uint64_t half = big.size() / 2, page = 128 << 10;
  uint64_t layer_size = 0;
  const json doc = json::parse(s->inspect_json());
  for (auto& l : doc.at("images")[0].at("layers")) layer_size = std::max<uint64_t>(layer_size, l.at("size").get<uint64_t>());
  uint64_t before = src->bytes_fetched();  // with repeats: bytes_read counts each byte once
  std::string first, second;
  for (uint64_t off = 0; off < half; off += page) {
    Reply r1 = call("read", {{"cursor", k1}, {"offset", off}, {"length", page}});
    Reply r2 = call("read", {{"cursor", k2}, {"offset", half + off}, {"length", page}});
    ASSERT_TRUE(r1.ok && r2.ok) << r1.env.dump() << r2.env.dump();
    first += r1.bytes;
    second += r2.bytes;
  }
  EXPECT_EQ(first + second, big);
  // Each cursor decoded the layer about once (12 pages each would be 24x).
  EXPECT_LT(src->bytes_fetched() - before, 3 * layer_size) << "layer " << layer_size;
  // The last page of cursor 2 reached the end of the file.
  EXPECT_TRUE(call("read", {{"cursor", k2}, {"offset", big.size() - 10}, {"length", 100}}).env["value"]["eof"].get<bool>());
  // A cursor of another layer: the two versions of config.ini side by side.
  int added = -1, modified = -1;
  size_t layers = doc.at("images")[0].at("layers").size();
  for (size_t k = 0; k < layers; ++k) {
    const json page = value("list", {{"archive", h}, {"image", 0}, {"layer", k}, {"prefix", "etc/app"}});
    for (auto& e : page.at("entries")) {
      if (e.at("path") != "etc/app/config.ini") continue;
      if (e.at("change") == "added") added = static_cast<int>(k);
      if (e.at("change") == "modified") modified = static_cast<int>(k);
    }
  }
  ASSERT_GE(added, 0);
  ASSERT_GT(modified, added);
  uint64_t v1 = value("openFile", {{"archive", h}, {"image", 0}, {"layer", added}, {"path", "etc/app/config.ini"}}).at("cursor");
  uint64_t v2 = value("openFile", {{"archive", h}, {"image", 0}, {"layer", modified}, {"path", "/etc/app/config.ini"}}).at("cursor");
  std::string t1 = call("read", {{"cursor", v1}, {"length", 1 << 20}}).bytes;
  std::string t2 = call("read", {{"cursor", v2}, {"length", 1 << 20}}).bytes;
  EXPECT_EQ(t1, read_whole(*s, added, "etc/app/config.ini"));
  EXPECT_EQ(t2, read_whole(*s, modified, "etc/app/config.ini"));
  EXPECT_NE(t1, t2);
  // Going back re-reads the same bytes.
  EXPECT_EQ(call("read", {{"cursor", v2}, {"offset", 3}, {"length", 5}}).bytes, t2.substr(3, 5));
  EXPECT_TRUE(call("closeFile", {{"cursor", k1}}).ok);
  EXPECT_EQ(d_.open_cursors(), 3u);
}

TEST_F(DispatchTest, BadHandles) {
  uint64_t a = open(kDocker);
  ASSERT_EQ(a, 1u);
  json c = value("openFile", {{"archive", a}, {"image", 0}, {"path", "etc/app/config.ini"}});
  uint64_t cur = c.at("cursor");

  json e = error("list", {{"archive", 99}, {"image", 0}});
  EXPECT_EQ(e["code"], "invalid-argument");
  EXPECT_EQ(e["where"], "list.archive");
  EXPECT_EQ(e["message"], "no archive 99 was opened");

  e = error("summary", {{"archive", cur}});
  EXPECT_EQ(e["code"], "invalid-argument");
  EXPECT_EQ(e["where"], "summary.archive");
  EXPECT_EQ(e["message"], "handle " + std::to_string(cur) + " is a file cursor, not an archive");

  e = error("read", {{"cursor", a}, {"length", 10}});
  EXPECT_EQ(e["code"], "invalid-argument");
  EXPECT_EQ(e["where"], "read.cursor");
  EXPECT_EQ(e["message"], "handle 1 is an archive, not a file cursor");

  e = error("read", {{"cursor", 0}, {"length", 10}});
  EXPECT_EQ(e["message"], "no file cursor 0 was opened");

  // Closing the archive closes its cursors; both handles then say "closed".
  EXPECT_TRUE(call("close", {{"archive", a}}).ok);
  EXPECT_EQ(d_.open_archives(), 0u);
  EXPECT_EQ(d_.open_cursors(), 0u);
  e = error("list", {{"archive", a}, {"image", 0}});
  EXPECT_EQ(e["code"], "invalid-argument");
  EXPECT_EQ(e["where"], "list.archive");
  EXPECT_EQ(e["message"], "archive 1 is closed");
  e = error("read", {{"cursor", cur}, {"length", 10}});
  EXPECT_EQ(e["code"], "invalid-argument");
  EXPECT_EQ(e["message"], "file cursor " + std::to_string(cur) + " is closed");
  e = error("close", {{"archive", a}});
  EXPECT_EQ(e["message"], "archive 1 is closed");
  e = error("closeFile", {{"cursor", cur}});
  EXPECT_EQ(e["where"], "closeFile.cursor");
  // A new archive gets a new number: old handles never come back to life.
  EXPECT_GT(open(kDocker), cur);
}

TEST_F(DispatchTest, BadArguments) {
  uint64_t a = open(kDocker);
  ASSERT_TRUE(a);
  auto check = [&](std::string_view type, const json& args, const char* where, const char* message) {
    json e = error(type, args);
    EXPECT_EQ(e["code"], "invalid-argument") << type << args.dump();
    EXPECT_EQ(e["where"], where) << type << args.dump();
    EXPECT_EQ(e["message"], message) << type << args.dump();
  };
  check("list", {{"archive", a}}, "list.image", "missing argument 'image'");
  check("list", {{"image", 0}}, "list.archive", "missing argument 'archive'");
  check("list", {{"archive", a}, {"image", "0"}}, "list.image", "argument 'image' must be an integer");
  check("list", {{"archive", a}, {"image", 0.5}}, "list.image", "argument 'image' must be an integer");
  check("list", {{"archive", a}, {"image", 0}, {"offset", -1}}, "list.offset", "argument 'offset' must be at least 0");
  check("list", {{"archive", a}, {"image", 0}, {"merged", 1}}, "list.merged", "argument 'merged' must be true or false");
  check("list", {{"archive", a}, {"image", 0}, {"prefix", 3}}, "list.prefix", "argument 'prefix' must be a string");
  check("list", {{"archive", a}, {"image", 0}, {"layer", -2}}, "list.layer", "argument 'layer' must be at least -1");
  check("read", {{"archive", a}, {"image", 0}, {"path", "etc/app/config.ini"}}, "read.length", "missing argument 'length'");
  check("list", {{"archive", a}, {"image", 0}, {"limit", 1e30}}, "list.limit", "argument 'limit' must be an integer");
  check("resolve", {{"archive", a}}, "resolve.ref", "missing argument 'ref'");
  check("open", json::object(), "open.source", "open needs a byte source");
  check("frobnicate", json::object(), "request.type", "unknown request type \"frobnicate\"");

  for (const char* text : {"[1]", "{", "3", "{\"archive\":"}) {
    Reply r = call_text("list", text);
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.env["code"], "invalid-argument") << text;
    EXPECT_EQ(r.env["where"], "list") << text;
  }
  // Empty arguments are {}; null strings and booleans take their defaults; integral floats are integers.
  EXPECT_TRUE(call_text("stats", "").ok);
  EXPECT_TRUE(call("list", {{"archive", a}, {"image", 0.0}, {"prefix", nullptr}, {"merged", nullptr}, {"limit", 3}}).ok);

  // Errors of the core pass through with their own code and place.
  json e = error("read", {{"archive", a}, {"image", 0}, {"path", "no/such/file"}, {"length", 10}});
  EXPECT_EQ(e["code"], "not-found");
  e = error("list", {{"archive", a}, {"image", 5}});
  EXPECT_EQ(e["code"], "invalid-argument");
  e = error("manifest", {{"archive", a}, {"image", 5}});
  EXPECT_EQ(e["code"], "invalid-argument");
  EXPECT_EQ(e["message"], "no image #5");
  e = error("resolve", {{"archive", a}, {"ref", "nope:nope"}});
  EXPECT_EQ(e["code"], "not-found");
  // Argument errors leave the handles alone.
  EXPECT_EQ(d_.open_archives(), 1u);
}

TEST_F(DispatchTest, OpenFailuresAllocateNoHandle) {
  std::string junk;
  for (int i = 0; i < 40; ++i) junk += "this is not a tar file at all, just text\n";
  Reply r = call("open", json::object(), make_memory_source(std::vector<uint8_t>(junk.begin(), junk.end()), "junk.bin"));
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(r.env["code"] == "corrupt" || r.env["code"] == "not-an-image" || r.env["code"] == "truncated") << r.env;
  r = call("open", json::object(), source(kZstd), [](const Progress&) { return false; });
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.env["code"], "cancelled");
  EXPECT_EQ(d_.open_archives(), 0u);
  EXPECT_EQ(open(kDocker), 1u);
}

TEST_F(DispatchTest, ManifestPathHistoryResolveStats) {
  const char* name = "buildah-oci-archive-gzip-features";
  ASSERT_TRUE(fs::exists(fixture_tar(name)));
  json truth = load_truth(name);
  std::shared_ptr<ByteSource> src;
  uint64_t h = open(name, &src);
  std::string raw = value("manifest", {{"archive", h}, {"image", 0}}).get<std::string>();
  EXPECT_EQ(sha256_of(raw), truth["images"][0]["manifest_digest"].get<std::string>());
  // {index: true}: index.json byte for byte as GNU tar extracts it; a legacy save has none.
  CmdResult tar = run("tar -xOf " + shq(fixture_tar(name)) + " index.json");
  ASSERT_EQ(tar.status, 0);
  EXPECT_EQ(value("manifest", {{"archive", h}, {"index", true}}).get<std::string>(), tar.out);
  auto s = open_session(fixture_tar(name));
  EXPECT_EQ(value("pathHistory", {{"archive", h}, {"image", 0}, {"path", "/etc/app/config.ini"}}),
            json::parse(s->path_history_json(0, "/etc/app/config.ini").value()));
  EXPECT_EQ(value("resolve", {{"archive", h}, {"ref", "0"}}), 0);
  EXPECT_EQ(value("stats", {{"archive", h}}).at("bytes_read").get<uint64_t>(), src->bytes_read());
  EXPECT_EQ(value("stats", json::object()).at("bytes_read").get<uint64_t>(), src->bytes_read());
  json none = error("manifest", {{"archive", open(kDocker)}, {"index", true}});
  EXPECT_EQ(none["code"], "not-found");
}

TEST_F(DispatchTest, VerifyAndReopen) {
  const char* name = "buildah-oci-archive-gzip-features";
  json truth = load_truth(name);
  uint64_t h = open(name);
  uint64_t cur = value("openFile", {{"archive", h}, {"image", 0}, {"path", "etc/app/config.ini"}}).at("cursor");
  int calls = 0;
  Reply r = call("verify", {{"archive", h}}, nullptr, [&](const Progress&) { return ++calls > 0; });
  ASSERT_TRUE(r.ok) << r.env.dump();
  EXPECT_GT(calls, 0);
  auto check = [&](const json& summary) {
    auto& layers = summary.at("images")[0].at("layers");
    for (size_t k = 0; k < layers.size(); ++k) {
      EXPECT_EQ(layers[k].at("computed_diff_id"), truth["images"][0]["layers"][k]["computed_diff_id"]) << k;
      EXPECT_EQ(layers[k].at("computed_digest"), truth["images"][0]["layers"][k]["stored_digest"]) << k;
    }
    EXPECT_EQ(summary.at("warnings"), json::array());
  };
  check(r.env["value"]["summary"]);
  EXPECT_TRUE(call("read", {{"cursor", cur}, {"length", 10}}).ok) << "verify keeps cursors";
  // Reopen: the same handle, indexed and hashed again in one pass; its cursors stay.
  r = call("verify", {{"archive", h}, {"reopen", true}});
  ASSERT_TRUE(r.ok) << r.env.dump();
  check(r.env["value"]["summary"]);
  EXPECT_EQ(d_.open_cursors(), 1u);
  EXPECT_TRUE(call("read", {{"cursor", cur}, {"length", 10}}).ok);
  // The same summary, bytes_read included: it counts each byte once, and the
  // reopen's verify had read the cursor's bytes already.
  json later = value("summary", {{"archive", h}}), reopened = r.env["value"]["summary"];
  EXPECT_EQ(later, reopened);
  // A cancelled reopen keeps the archive as it was.
  r = call("verify", {{"archive", h}, {"reopen", true}}, nullptr, [](const Progress&) { return false; });
  EXPECT_EQ(r.env["code"], "cancelled");
  EXPECT_TRUE(call("summary", {{"archive", h}}).ok);
}

// The page's summary-first open: "headers" answers the summary from the
// documents and headers, the views of files refuse until "index", which
// indexes the same handle from its source; the summary then equals a full
// open's (sizes of compressed layers included, which headers leave null).
TEST_F(DispatchTest, HeadersOpenThenIndex) {
  for (const char* name : {kDocker, "buildah-oci-archive-gzip-features"}) {
    SCOPED_TRACE(name);
    json truth = load_truth(name);
    auto src = source(name);
    Reply r = call("open", {{"layers", "headers"}}, src);
    ASSERT_TRUE(r.ok) << r.env.dump();
    const json& v = r.env.at("value");
    uint64_t h = v.at("archive").get<uint64_t>();
    EXPECT_FALSE(v.at("indexed").get<bool>());
    uint64_t summary_bytes = v.at("bytes_read").get<uint64_t>();
    EXPECT_LT(summary_bytes, 64u * 1024) << "documents and headers only";
    const json& layers = v.at("summary").at("images")[0].at("layers");
    ASSERT_EQ(layers.size(), truth["images"][0]["layers"].size());
    bool compressed = std::string(name) != kDocker;
    for (auto& l : layers) EXPECT_EQ(l.at("uncompressed_size").is_null(), compressed) << l.dump();
    json refused = error("list", {{"archive", h}, {"image", 0}});
    EXPECT_EQ(refused["code"], "unsupported") << refused.dump();
    EXPECT_EQ(error("pathHistory", {{"archive", h}, {"image", 0}, {"path", "etc"}})["code"], "unsupported");

    // A cancelled index keeps the summary-only archive.
    r = call("index", {{"archive", h}}, nullptr, [](const Progress&) { return false; });
    EXPECT_EQ(r.env["code"], "cancelled") << r.env.dump();
    EXPECT_EQ(error("list", {{"archive", h}, {"image", 0}})["code"], "unsupported");

    int calls = 0;
    r = call("index", {{"archive", h}}, nullptr, [&](const Progress&) { return ++calls > 0; });
    ASSERT_TRUE(r.ok) << r.env.dump();
    EXPECT_GT(calls, 0);
    EXPECT_TRUE(r.env["value"]["indexed"].get<bool>());
    EXPECT_GT(r.env["value"]["bytes_read"].get<uint64_t>(), summary_bytes);
    auto full = open_session(fixture_tar(name));
    json want = json::parse(full->inspect_json()), got = r.env["value"]["summary"];
    EXPECT_EQ(got.at("images"), want.at("images"));
    EXPECT_EQ(got.at("warnings"), want.at("warnings"));
    // Every view now answers, as on a full open: the merged tree's size.
    json ls = value("list", {{"archive", h}, {"image", 0}, {"merged", true}});
    EXPECT_EQ(ls.at("total").get<uint64_t>(), full->list(0, ListOptions{.layer = -1, .merged = true}).value().size());
    // Indexed already: answers at once, reading nothing.
    uint64_t before = src->bytes_read();
    r = call("index", {{"archive", h}});
    ASSERT_TRUE(r.ok);
    EXPECT_EQ(src->bytes_read(), before);
    // A full open says it is indexed.
    r = call("open", json::object(), source(name));
    EXPECT_TRUE(r.env["value"]["indexed"].get<bool>());
  }
  Reply bad = call("open", {{"layers", "some"}}, source(kDocker));
  EXPECT_FALSE(bad.ok);
  EXPECT_EQ(bad.env["where"], "open.layers") << bad.env.dump();
}

// Layers read by several workers at once, as the page does: "helper" archives
// (other opens of the same file) read some blobs each (readLayer), the archive
// that keeps them reads the others itself (index {blobs}) and adopts theirs
// (index {reads}); what it then holds is what indexing every layer itself
// makes — the documents, the path table id by id, every listing — and a read
// cut short or of another blob is refused before anything is read, leaving the
// archive as it was.
TEST_F(DispatchTest, LayersReadByOtherWorkersAreAdopted) {
  for (const char* name : {kDocker, kZstd, "buildah-oci-archive-gzip-features", "docker20-save-multi-2images-3tags"}) {
    SCOPED_TRACE(name);
    Reply r = call("open", {{"layers", "headers"}}, source(name));
    ASSERT_TRUE(r.ok) << r.env.dump();
    const uint64_t h = r.env["value"]["archive"].get<uint64_t>();
    json plan = value("indexPlan", {{"archive", h}});
    std::vector<int> blobs;
    for (auto& b : plan["blobs"]) {
      blobs.push_back(b["blob"].get<int>());
      EXPECT_GT(b["size"].get<uint64_t>(), 0u);
    }
    ASSERT_GE(blobs.size(), 2u) << plan.dump();
    // Every other blob read by a helper (one more open of the file), the rest here.
    r = call("open", {{"layers", "headers"}}, source(name));
    ASSERT_TRUE(r.ok);
    const uint64_t helper = r.env["value"]["archive"].get<uint64_t>();
    std::vector<int> mine, theirs, lengths;
    std::string bytes;
    for (size_t i = 0; i < blobs.size(); ++i) {
      if (i % 2) {
        mine.push_back(blobs[i]);
        continue;
      }
      int calls = 0;
      Reply rl = call("readLayer", {{"archive", helper}, {"blob", blobs[i]}}, nullptr, [&](const Progress& p) {
        EXPECT_EQ(p.phase, "index");
        return ++calls > 0;
      });
      ASSERT_TRUE(rl.ok) << rl.env.dump();
      EXPECT_EQ(rl.env["value"]["length"].get<size_t>(), rl.bytes.size());
      EXPECT_GT(calls, 0);
      theirs.push_back(blobs[i]);
      lengths.push_back(static_cast<int>(rl.bytes.size()));
      bytes += rl.bytes;
    }
    auto reads = [&](std::string b) { return make_memory_source(std::vector<uint8_t>(b.begin(), b.end()), "reads"); };
    // malformed: cut anywhere, or named as the read of another blob -> refused, nothing read
    for (int cut : {0, 7, 40, lengths[0] / 2, lengths[0] - 1}) {
      std::vector<int> l = lengths;
      l[0] = cut;
      Reply bad = call("index", {{"archive", h}, {"reads", theirs}, {"read_lengths", l}},
                       reads(bytes.substr(0, static_cast<size_t>(cut)) + bytes.substr(static_cast<size_t>(lengths[0]))));
      EXPECT_EQ(bad.env["code"], "invalid-argument") << "cut at " << cut << ": " << bad.env.dump();
    }
    if (theirs.size() >= 2) {
      std::vector<int> swapped = theirs;
      std::swap(swapped[0], swapped[1]);
      Reply bad = call("index", {{"archive", h}, {"reads", swapped}, {"read_lengths", lengths}}, reads(bytes));
      EXPECT_EQ(bad.env["code"], "invalid-argument") << bad.env.dump();
      EXPECT_NE(bad.env["message"].get<std::string>().find("another blob"), std::string::npos) << bad.env.dump();
    }
    Reply wrong = call("index", {{"archive", h}, {"reads", theirs}, {"read_lengths", lengths}}, reads(bytes + "x"));
    EXPECT_EQ(wrong.env["where"], "index.reads") << wrong.env.dump();
    EXPECT_EQ(value("indexPlan", {{"archive", h}})["blobs"].size(), blobs.size()) << "nothing was read";
    // mine first (as the page does, beside the helpers), then theirs adopted
    if (!mine.empty()) ASSERT_TRUE(call("index", {{"archive", h}, {"blobs", mine}}).ok);
    r = call("index", {{"archive", h}, {"reads", theirs}, {"read_lengths", lengths}}, reads(bytes));
    ASSERT_TRUE(r.ok) << r.env.dump();
    EXPECT_TRUE(r.env["value"]["indexed"].get<bool>());
    EXPECT_TRUE(value("indexPlan", {{"archive", h}})["blobs"].empty());
    // the same as a headers-only open indexing every layer itself, in the same order
    Reply o2 = call("open", {{"layers", "headers"}}, source(name));
    const uint64_t self = o2.env["value"]["archive"].get<uint64_t>();
    if (!mine.empty()) ASSERT_TRUE(call("index", {{"archive", self}, {"blobs", mine}}).ok);
    Reply want = call("index", {{"archive", self}, {"blobs", theirs}});
    ASSERT_TRUE(want.ok);
    // (what this archive read itself: the blobs the helper read are not among its bytes)
    json got_summary = r.env["value"]["summary"], want_summary = want.env["value"]["summary"];
    EXPECT_LT(got_summary["bytes_read"].get<uint64_t>(), want_summary["bytes_read"].get<uint64_t>());
    got_summary.erase("bytes_read");
    want_summary.erase("bytes_read");
    EXPECT_TRUE(got_summary == want_summary) << "the summaries differ";
    EXPECT_EQ(r.env["value"]["layers_read"], want.env["value"]["layers_read"]);
    auto full = open_session(fixture_tar(name));
    EXPECT_EQ(r.env["value"]["summary"]["images"], json::parse(full->inspect_json())["images"]);
    EXPECT_EQ(r.env["value"]["summary"]["warnings"], json::parse(full->inspect_json())["warnings"]);
    const size_t images = r.env["value"]["summary"]["images"].size();
    for (size_t im = 0; im < images; ++im)
      for (bool merged : {true, false}) {
        json a = value("list", {{"archive", h}, {"image", im}, {"merged", merged}, {"limit", 100000}});
        json b = value("list", {{"archive", self}, {"image", im}, {"merged", merged}, {"limit", 100000}});
        EXPECT_EQ(a, b) << "image " << im << (merged ? " merged" : " top layer");
        EXPECT_GT(a["entries"].size(), 0u);
      }
  }
}

// index {image, layer} reads the layers one view needs, in place: layers_read
// says which views can be shown, a cursor opened on a lower layer keeps reading
// while upper layers are read, a cancelled step keeps what was read before it.
TEST_F(DispatchTest, IndexLayersOfOneViewInPlace) {
  auto src_named = source(kDocker);
  Reply r = call("open", {{"layers", "headers"}}, src_named);
  ASSERT_TRUE(r.ok) << r.env.dump();
  uint64_t h = r.env["value"]["archive"];
  const size_t nl = r.env["value"]["summary"]["images"][0]["layers"].size();
  ASSERT_GE(nl, 3u);
  const json& read0 = r.env["value"]["layers_read"];
  ASSERT_EQ(read0.size(), 1u);
  EXPECT_EQ(read0[0], json(std::vector<bool>(nl, false)));
  // layer 0 only: its view answers, layer 1's refuses
  r = call("index", {{"archive", h}, {"image", 0}, {"layer", 0}});
  ASSERT_TRUE(r.ok) << r.env.dump();
  EXPECT_FALSE(r.env["value"]["indexed"].get<bool>());
  std::vector<bool> want(nl, false);
  want[0] = true;
  EXPECT_EQ(r.env["value"]["layers_read"][0], json(want));
  json c = value("openFile", {{"archive", h}, {"image", 0}, {"layer", 0}, {"path", "etc/app/config.ini"}});
  ASSERT_TRUE(c.is_object());
  uint64_t k = c.at("cursor");
  Reply first = call("read", {{"cursor", k}, {"offset", 0}, {"length", 5}});
  ASSERT_TRUE(first.ok) << first.env.dump();
  EXPECT_EQ(error("list", {{"archive", h}, {"image", 0}, {"layer", 1}})["code"], "unsupported");
  // a cancelled step reads nothing it keeps; layer 0 stays read
  r = call("index", {{"archive", h}, {"image", 0}, {"layer", 2}}, nullptr, [](const Progress&) { return false; });
  EXPECT_EQ(r.env["code"], "cancelled") << r.env.dump();
  EXPECT_TRUE(call("list", {{"archive", h}, {"image", 0}, {"layer", 0}}).ok);
  // the whole image, then the cursor goes on where it stood
  int calls = 0;
  r = call("index", {{"archive", h}, {"image", 0}}, nullptr, [&](const Progress& p) {
    ++calls;
    EXPECT_EQ(p.phase, "index");
    EXPECT_LE(p.done, p.total);
    return true;
  });
  ASSERT_TRUE(r.ok) << r.env.dump();
  EXPECT_GT(calls, 0);
  EXPECT_TRUE(r.env["value"]["indexed"].get<bool>());
  EXPECT_EQ(r.env["value"]["layers_read"][0], json(std::vector<bool>(nl, true)));
  Reply rest = call("read", {{"cursor", k}, {"offset", 5}, {"length", 100000}});
  ASSERT_TRUE(rest.ok) << rest.env.dump();
  auto full = open_session(fixture_tar(kDocker));
  // every layer as a full open has it (the step cancelled after its layer was read
  // left nothing behind: entries, counts, whiteouts once)
  EXPECT_EQ(r.env["value"]["summary"]["images"], json::parse(full->inspect_json())["images"]);
  std::string whole;
  ASSERT_TRUE(read_all(*full, 0, 0, "etc/app/config.ini", &whole).ok());
  EXPECT_EQ(first.bytes + rest.bytes, whole);
  json ls = value("list", {{"archive", h}, {"image", 0}, {"merged", true}});
  EXPECT_EQ(ls.at("total").get<uint64_t>(), full->list(0, ListOptions{.layer = -1, .merged = true}).value().size());
  // bad arguments
  EXPECT_EQ(error("index", {{"archive", h}, {"image", 5}})["where"], "index.image");
  EXPECT_EQ(error("index", {{"archive", h}, {"image", 0}, {"layer", -2}})["code"], "invalid-argument");
}

// verifyPlan names the plain blobs as byte ranges of the archive; verify
// {index: false, blobs, digests} takes the host's digests for them, hashes the
// rest without indexing, and the rows are a full verify's; bad arguments are
// named.
TEST_F(DispatchTest, VerifyWithHostDigestsThroughRequests) {
  auto src = source(kDocker);
  Reply r = call("open", {{"layers", "headers"}}, src);
  ASSERT_TRUE(r.ok) << r.env.dump();
  uint64_t h = r.env["value"]["archive"];
  json plan = value("verifyPlan", {{"archive", h}});
  ASSERT_GE(plan.at("blobs").size(), 3u);
  std::ifstream f(fixture_tar(kDocker), std::ios::binary);
  json blobs = json::array(), digests = json::array();
  for (const json& b : plan.at("blobs")) {
    std::string bytes(b.at("size").get<size_t>(), '\0');
    f.seekg(b.at("offset").get<std::streamoff>());
    ASSERT_TRUE(f.read(bytes.data(), static_cast<std::streamsize>(bytes.size())));
    blobs.push_back(b.at("blob"));
    digests.push_back(Sha256::digest_of(bytes));
  }
  EXPECT_EQ(error("verify", {{"archive", h}, {"index", false}, {"blobs", blobs}, {"digests", json::array()}})["where"],
            "verify.digests");
  EXPECT_EQ(error("verify", {{"archive", h}, {"blobs", blobs}, {"digests", digests}})["code"], "invalid-argument");
  EXPECT_EQ(error("verify", {{"archive", h}, {"index", false}, {"blobs", {0}}, {"digests", {"sha256:12"}}})["where"],
            "digests[0]");
  const uint64_t before = src->bytes_read();
  r = call("verify", {{"archive", h}, {"index", false}, {"blobs", blobs}, {"digests", digests}});
  ASSERT_TRUE(r.ok) << r.env.dump();
  EXPECT_LT(src->bytes_read() - before, 64u << 10);  // a docker archive: every layer blob is plain
  // not indexed: the layer views still refuse
  EXPECT_EQ(error("list", {{"archive", h}, {"image", 0}, {"layer", 0}})["code"], "unsupported");
  json rows = value("verifyRows", {{"archive", h}});
  OpenOptions o;
  o.verify = true;
  auto full = open_session(fixture_tar(kDocker), nullptr, o);
  ASSERT_TRUE(full != nullptr);
  json want = json::parse(verify_report_json(full->verify_report().value()));
  EXPECT_EQ(rows.at("rows"), want.at("rows"));
  for (const json& l : r.env["value"]["summary"]["images"][0]["layers"])
    EXPECT_EQ(l.at("computed_digest"), l.at("digest")) << l.dump();
}

// Layers that would take the stacks past the archive-wide entry limit are
// refused in place as an open would refuse the archive: they stay unread, their
// warnings and entry counts go back, and asking again reads nothing more.
TEST_F(DispatchTest, IndexLayersOverTheStackedLimitIsRefusedOnce) {
  std::shared_ptr<ByteSource> src;
  OpenOptions o;
  o.layers = LayerReading::kHeadersOnly;
  o.limits.max_stacked_entries = 20;  // the fixture's stack holds more
  auto s = open_session(fixture_tar(kDocker), &src, o);
  ASSERT_TRUE(s != nullptr);
  const size_t warnings = s->archive().warnings.size();
  Status st = s->index_layers(0, -1);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, Code::kLimit) << st.error().to_string();
  EXPECT_EQ(s->archive().warnings.size(), warnings);
  EXPECT_EQ(s->layers_readable(0, -1).error().code, Code::kUnsupported);
  const uint64_t read = src->bytes_fetched();
  Status again = s->index_layers(0, -1);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, Code::kLimit);
  EXPECT_EQ(src->bytes_fetched(), read) << "refused again without reading";
  // a smaller part that fits is still read
  EXPECT_TRUE(s->index_layers(0, 0).ok());
  EXPECT_TRUE(s->list(0, ListOptions{.layer = 0}).ok());
}

TEST_F(DispatchTest, CursorLimit) {
  uint64_t h = open(kDocker);
  for (size_t i = 0; i < Dispatcher::kMaxCursors; ++i)
    ASSERT_TRUE(call("openFile", {{"archive", h}, {"image", 0}, {"path", "etc/app/config.ini"}}).ok) << i;
  json e = error("openFile", {{"archive", h}, {"image", 0}, {"path", "etc/app/config.ini"}});
  EXPECT_EQ(e["code"], "limit");
  EXPECT_EQ(e["where"], "openFile");
}

// A null number is of the wrong type: {layer: NaN} goes through JSON.stringify
// as null and must not mean the top layer.
TEST_F(DispatchTest, NullNumberArgumentIsWrongType) {
  uint64_t a = open(kDocker);
  ASSERT_TRUE(a);
  for (const char* name : {"layer", "image", "offset", "limit"}) {
    json args = {{"archive", a}, {"image", 0}};
    args[name] = nullptr;
    json e = error("list", args);
    EXPECT_EQ(e["code"], "invalid-argument") << name;
    EXPECT_EQ(e["where"], std::string("list.") + name);
    EXPECT_EQ(e["message"], std::string("argument '") + name + "' must be an integer");
  }
  json e = error("read", {{"archive", a}, {"image", 0}, {"layer", nullptr}, {"path", "etc/app/config.ini"}, {"length", 10}});
  EXPECT_EQ(e["where"], "read.layer");
  e = error("read", {{"cursor", nullptr}, {"length", 10}});
  EXPECT_EQ(e["where"], "read.cursor");
  e = error("read", {{"archive", a}, {"image", 0}, {"path", "etc/app/config.ini"}, {"length", nullptr}});
  EXPECT_EQ(e["where"], "read.length");
}

// Arguments nested 100,000 deep are an error value (the core's JSON depth
// bound), not a stack overflow; no parser exception escapes.
TEST_F(DispatchTest, DeepArgumentsAreAnErrorValue) {
  std::string deep = "{\"x\":" + std::string(100000, '[') + std::string(100000, ']') + "}";
  Reply r = call_text("list", deep);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.env["code"], "limit");
  EXPECT_EQ(r.env["where"], "list");
  r = call_text("list", std::string(100000, '['));  // unterminated, but too deep first
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.env["code"], "limit");
  r = call_text("list", std::string(100000, '{'));  // "{{" is a syntax error at depth 1
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.env["code"], "invalid-argument");
  for (const char* text : {"{\"archive\":1e999}", "{\"archive\":\"\\ud800\"}", "{\"a\":\"\xff\"}", "\xef\xbb\xbf{}"}) {
    DispatchReply raw = d_.dispatch({"stats", text, nullptr, {}});
    (void)raw;  // reaching here is the test: no exception escaped
  }
}

TEST_F(DispatchTest, ReadLengthIsCapped) {
  uint64_t a = open(kDocker);
  ASSERT_TRUE(a);
  const uint64_t cap = Dispatcher::kMaxReadBytes;
  for (uint64_t length : {cap + 1, uint64_t{1} << 32, uint64_t{1} << 40}) {
    json e = error("read", {{"archive", a}, {"image", 0}, {"path", "etc/app/config.ini"}, {"length", length}});
    EXPECT_EQ(e["code"], "limit") << length;
    EXPECT_EQ(e["where"], "read.length");
    EXPECT_EQ(e["message"], "a read of " + std::to_string(length) + " bytes is more than 64 MiB at once: read the file in pieces");
  }
  uint64_t cur = value("openFile", {{"archive", a}, {"image", 0}, {"path", "etc/app/config.ini"}}).at("cursor");
  EXPECT_EQ(error("read", {{"cursor", cur}, {"length", cap + 1}})["code"], "limit");
  EXPECT_EQ(d_.open_cursors(), 1u) << "a refused read leaves the cursor open";
  // The cap itself is allowed (the file is small: what it has).
  Reply r = call("read", {{"archive", a}, {"image", 0}, {"path", "etc/app/config.ini"}, {"length", cap}});
  ASSERT_TRUE(r.ok) << r.env;
  EXPECT_TRUE(r.env["value"]["eof"].get<bool>());
  EXPECT_EQ(r.bytes.size(), r.env["value"]["size"].get<uint64_t>());
}

TEST_F(DispatchTest, ListPageIsCapped) {
  const uint64_t cap = Dispatcher::kMaxListEntries;
  std::vector<TEntry> files;
  files.reserve(cap + 1);
  for (uint64_t i = 0; i < cap + 1; ++i) files.push_back(F("f" + std::to_string(i)));
  TImage img{{"test/many:1"}, {TLayer{files}}};
  Reply r = call("open", json::object(), make_memory_source(build_docker_legacy({img}), "many.tar"));
  ASSERT_TRUE(r.ok) << r.env;
  uint64_t a = r.env["value"]["archive"];
  json e = error("list", {{"archive", a}, {"image", 0}});
  EXPECT_EQ(e["code"], "limit");
  EXPECT_EQ(e["where"], "list.limit");
  EXPECT_EQ(e["message"], "a page of " + std::to_string(cap + 1) + " entries is more than " + std::to_string(cap) +
                              " at once: page through them with offset and limit");
  EXPECT_EQ(error("list", {{"archive", a}, {"image", 0}, {"limit", cap + 1}})["where"], "list.limit");
  // Pages within the cap work, limit 0 included when few entries remain.
  json v = value("list", {{"archive", a}, {"image", 0}, {"offset", 1}});
  EXPECT_EQ(v["entries"].size(), cap);
  v = value("list", {{"archive", a}, {"image", 0}, {"limit", 50000}});
  EXPECT_EQ(v["entries"].size(), 50000u);
  EXPECT_TRUE(v["has_more"].get<bool>());
  v = value("list", {{"archive", a}, {"image", 0}, {"offset", cap - 2}});
  EXPECT_EQ(v["entries"].size(), 3u);
}

// verify {reopen} keeps the archive's file cursors: each continues on the new
// index where it stood.
TEST_F(DispatchTest, ReopenKeepsCursorsAtTheirPosition) {
  const char* name = "buildah-oci-archive-gzip-features";
  uint64_t h = open(name);
  auto s = open_session(fixture_tar(name));
  std::string whole = read_whole(*s, -1, "etc/app/config.ini");
  ASSERT_GT(whole.size(), 4u);
  uint64_t cur = value("openFile", {{"archive", h}, {"image", 0}, {"path", "etc/app/config.ini"}}).at("cursor");
  Reply r = call("read", {{"cursor", cur}, {"length", 3}});
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.bytes, whole.substr(0, 3));
  r = call("verify", {{"archive", h}, {"reopen", true}});
  ASSERT_TRUE(r.ok) << r.env;
  EXPECT_EQ(d_.open_cursors(), 1u);
  r = call("read", {{"cursor", cur}, {"offset", 3}, {"length", 1 << 20}});
  ASSERT_TRUE(r.ok) << r.env;
  EXPECT_EQ(r.bytes, whole.substr(3));
  EXPECT_TRUE(r.env["value"]["eof"].get<bool>());
  r = call("read", {{"cursor", cur}, {"offset", 0}, {"length", 1 << 20}});
  ASSERT_TRUE(r.ok) << r.env;
  EXPECT_EQ(r.bytes, whole);
}

}  // namespace
