// Session::diff / compare / content_diff (api/comparisons over diff/).
// Archives built here state the facts each case is made of; the fixtures are
// checked against their truth files (umoci's unpacked filesystem, the configs'
// diff_ids) and Python's difflib (the content diff of /etc/app/config.ini).
#include <map>
#include <thread>

#include "archive_builder.h"
#include "layerscope/dispatch.h"
#include "test_util.h"

using namespace layerscope;
using namespace lstest;

namespace {

TEntry with(TEntry e, uint32_t mode, uint32_t uid = 0, int64_t mtime = 1700000000) {
  e.mode = mode;
  e.uid = e.gid = uid;
  e.mtime = mtime;
  return e;
}

// Two layers holding one case each (see the expectations in GeneratedCases).
std::vector<uint8_t> generated_bytes(Filter filter = Filter::kNone) {
  TLayer l0{{D("app"), F("app/same-size.txt", "hello world"), F("app/mode.txt", "mode"), F("app/owner.txt", "owner"),
             F("app/rewrite.txt", "identical bytes"), F("app/mtime.txt", "only mtime"), F("app/f2d", "was a file"),
             D("app/d2s"), F("app/d2s/child", "c"), D("app/opq"), F("app/opq/x", "x"), F("app/opq/y", "y"),
             D("app/gone"), F("app/gone/a", "a"), D("app/gone/sub"), F("app/gone/sub/b", "b"),
             L("app/link", "same-size.txt"), F("app/t1", "target one"), H("app/h1", "app/t1"),
             F("app/bin", std::string("\x7f" "ELF\0\0abcdefghijklmnopqrstuvwxyz0123456789", 42))},
            filter};
  TLayer l1{{F("app/same-size.txt", "hello WORLD"), with(F("app/mode.txt", "mode"), 0600),
             with(F("app/owner.txt", "owner"), 0644, 1000), F("app/rewrite.txt", "identical bytes"),
             with(F("app/mtime.txt", "only mtime"), 0644, 0, 1800000000), F("app/.wh.f2d"), D("app/f2d"),
             L("app/d2s", "/tmp"), F("app/opq/.wh..wh..opq"), F("app/opq/z", "z"), F("app/.wh.gone"),
             L("app/link", "mode.txt"), F("app/t2", "target two"), H("app/h2", "app/t2"),
             F("app/h1", "target one"),
             F("app/bin", std::string("\x7f" "ELF\0\0abcdefghijklmnopqrstuvwxyz0123456789", 42).replace(30, 1, "#"))},
            filter};
  return build_docker_legacy({TImage{{"gen:1"}, {l0, l1}}});
}

std::unique_ptr<Session> generated(OpenOptions opt = {}, Filter filter = Filter::kNone) {
  auto s = Session::open(make_memory_source(generated_bytes(filter)), opt);
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().to_string());
  return s.ok() ? std::move(s).value() : nullptr;
}

std::map<std::string, DiffEntry> rows_of(const Comparison& c) {
  std::map<std::string, DiffEntry> out;
  for (uint64_t i = 0; i < c.size(); ++i) {
    DiffEntry e = c.entry(i);
    EXPECT_TRUE(out.emplace(e.path, e).second) << "listed twice: " << e.path;
  }
  return out;
}

std::vector<std::string> whats(std::initializer_list<const char*> w) { return {w.begin(), w.end()}; }

}  // namespace

TEST(Diff, GeneratedCases) {
  for (Filter f : {Filter::kNone, Filter::kGzip}) {
    auto s = generated({}, f);
    ASSERT_TRUE(s);
    auto r = s->diff(0, 0, 1);
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    auto rows = rows_of(*r.value());
    auto modified = [&](const std::string& p, std::vector<std::string> what) {
      ASSERT_TRUE(rows.count(p)) << p;
      EXPECT_EQ(rows[p].change, Change::kModified) << p;
      EXPECT_EQ(rows[p].what, what) << p;
    };
    modified("app/same-size.txt", whats({"content"}));  // equal size: found by the digests
    modified("app/mode.txt", whats({"mode"}));
    modified("app/owner.txt", whats({"owner"}));
    modified("app/f2d", whats({"type", "size"}));      // file -> dir
    modified("app/d2s", whats({"type"}));              // dir -> symlink
    modified("app/link", whats({"link"}));
    modified("app/bin", whats({"content"}));
    EXPECT_EQ(rows["app/same-size.txt"].size_before, 11);
    EXPECT_EQ(rows["app/same-size.txt"].size_after, 11);
    EXPECT_EQ(rows["app/mode.txt"].mode_after & 07777, 0600u);
    EXPECT_EQ(rows["app/owner.txt"].uid_after, 1000u);
    // Identical rewrite, mtime only, a hardlink rewritten as the same bytes, an opaque dir: no change.
    for (const char* p : {"app/rewrite.txt", "app/mtime.txt", "app/h1", "app/opq", "app"}) EXPECT_FALSE(rows.count(p)) << p;
    for (const char* p : {"app/d2s/child", "app/opq/x", "app/opq/y", "app/gone", "app/gone/a", "app/gone/sub",
                          "app/gone/sub/b"})
      EXPECT_EQ(rows[p].change, Change::kDeleted) << p;
    for (const char* p : {"app/opq/z", "app/t2", "app/h2"}) EXPECT_EQ(rows[p].change, Change::kAdded) << p;
    EXPECT_EQ(rows["app/h2"].type, EntryType::kHardlink);
    EXPECT_EQ(rows["app/h2"].size_after, 10);  // the size of what it links to
    EXPECT_EQ(rows.size(), 17u);
    DiffCounts n = r.value()->counts();
    EXPECT_EQ(n.added, 3u);
    EXPECT_EQ(n.deleted, 7u);
    EXPECT_EQ(n.modified, 7u);
  }
}

TEST(Diff, SamePointAndEmptyPoint) {
  auto s = generated();
  ASSERT_TRUE(s);
  auto same = s->diff(0, 1, 1);
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same.value()->size(), 0u);
  // From the empty filesystem: everything of layer 0 added, sizes as built.
  auto all = s->diff(0, -1, 0);
  ASSERT_TRUE(all.ok());
  auto rows = rows_of(*all.value());
  EXPECT_EQ(rows.size(), 20u);  // 20 entries, nothing implicit (app is explicit)
  for (auto& [p, e] : rows) EXPECT_EQ(e.change, Change::kAdded) << p;
  EXPECT_EQ(rows["app/gone/sub/b"].size_after, 1);
  EXPECT_EQ(rows["app/h1"].size_after, 10);
  // A subtree, and the reverse direction.
  auto sub = s->diff(0, 0, 1, "/app/gone");
  ASSERT_TRUE(sub.ok());
  EXPECT_EQ(sub.value()->size(), 4u);
  auto back = s->diff(0, 1, 0);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(rows_of(*back.value())["app/t2"].change, Change::kDeleted);
}

TEST(Diff, BadPointsAreErrors) {
  auto s = generated();
  ASSERT_TRUE(s);
  EXPECT_EQ(s->diff(0, -2, 1).error().code, Code::kInvalidArgument);
  auto e = s->diff(0, 0, 5);
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.error().message.find("layer 5 does not exist"), std::string::npos) << e.error().message;
  EXPECT_EQ(s->diff(3, 0, 1).error().code, Code::kInvalidArgument);
  EXPECT_EQ(s->diff(0, 0, 1, "no/such").error().code, Code::kNotFound);
}

TEST(Diff, ProgressAndCancel) {
  auto s = generated();
  ASSERT_TRUE(s);
  uint64_t last = 0, total = 0;
  auto r = s->diff(0, 0, 1, {}, [&](const Progress& p) {
    EXPECT_EQ(p.phase, "compare");
    EXPECT_GE(p.done, last);
    last = p.done, total = p.total;
    return true;
  });
  ASSERT_TRUE(r.ok());
  // Pending: same-size.txt (11), rewrite (15), mtime (10), h1 (10), bin (42), mode (4), owner (5); both copies each.
  EXPECT_EQ(total, 2u * (11 + 15 + 10 + 10 + 42 + 4 + 5));
  EXPECT_EQ(last, total);
  auto c = s->diff(0, 0, 1, {}, [](const Progress&) { return false; });
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, Code::kCancelled);
}

TEST(Diff, ContentDiffs) {
  auto s = generated();
  ASSERT_TRUE(s);
  auto t = s->content_diff(0, 0, nullptr, 0, 1, "/app/same-size.txt");
  ASSERT_TRUE(t.ok()) << t.error().to_string();
  EXPECT_FALSE(t.value().binary);
  EXPECT_EQ(t.value().unified,
            "--- a/app/same-size.txt\n+++ b/app/same-size.txt\n@@ -1 +1 @@\n-hello world\n"
            "\\ No newline at end of file\n+hello WORLD\n\\ No newline at end of file\n");
  EXPECT_EQ(t.value().digest_before, sha256_of("hello world"));
  auto b = s->content_diff(0, 0, nullptr, 0, 1, "app/bin");
  ASSERT_TRUE(b.ok());
  EXPECT_TRUE(b.value().binary);
  EXPECT_EQ(b.value().first_difference, 30);
  EXPECT_EQ(b.value().window_offset, 0u);
  EXPECT_EQ(b.value().window_before.size(), 42u);
  EXPECT_EQ(b.value().window_after[30], '#');
  auto added = s->content_diff(0, 0, nullptr, 0, 1, "app/t2");
  ASSERT_TRUE(added.ok());
  EXPECT_FALSE(added.value().present_before);
  EXPECT_EQ(added.value().unified, "--- /dev/null\n+++ b/app/t2\n@@ -0,0 +1 @@\n+target two\n\\ No newline at end of file\n");
  auto same = s->content_diff(0, 0, nullptr, 0, 1, "app/rewrite.txt");
  ASSERT_TRUE(same.ok());
  EXPECT_TRUE(same.value().identical);
  EXPECT_EQ(s->content_diff(0, 0, nullptr, 0, 1, "app/opq").error().code, Code::kInvalidArgument);  // a directory
}

TEST(Diff, ContentTooLargeIsRefusedWithSizes) {
  OpenOptions o;
  o.limits.max_content_diff_bytes = 8;
  auto s = generated(o);
  ASSERT_TRUE(s);
  auto r = s->content_diff(0, 0, nullptr, 0, 1, "app/same-size.txt");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Code::kLimit);
  EXPECT_NE(r.error().message.find("11 bytes before, 11 bytes after"), std::string::npos) << r.error().message;
}

// ---- fixtures ----

TEST(DiffFixtures, EmptyToTopIsTheUnpackedFilesystem) {
  for (const std::string& name : fixture_names()) {
    json truth = load_truth(name);
    auto s = open_session(fixture_tar(name));
    ASSERT_TRUE(s) << name;
    for (auto& ti : truth["images"]) {
      int im = find_image(s->archive(), ti["config_digest"]);
      ASSERT_GE(im, 0) << name;
      auto r = s->diff(im, -1, -1);
      ASSERT_TRUE(r.ok()) << name << ": " << r.error().to_string();
      auto rows = rows_of(*r.value());
      std::map<std::string, std::string> want;
      for (auto& p : ti["merged_fs"]["paths"]) want[norm(p["path"])] = p["find_type"];
      EXPECT_EQ(rows.size(), want.size()) << name;
      for (auto& [p, t] : want) {
        auto it = rows.find(p);
        if (it == rows.end()) { ADD_FAILURE() << name << ": missing " << p; continue; }
        EntryType ty = it->second.type;
        std::string got = ty == EntryType::kDir ? "d" : ty == EntryType::kSymlink ? "l"
                        : ty == EntryType::kFile || ty == EntryType::kHardlink ? "f" : "?";
        EXPECT_EQ(got, t) << name << ": " << p;
      }
      EXPECT_EQ(r.value()->counts().added_bytes, ti["merged_fs"]["regular_file_bytes"].get<int64_t>()) << name;
    }
  }
}

TEST(DiffFixtures, SameImageInTwoArchivesSharesEverything) {
  auto a = open_session(fixture_tar("docker20-save-features"));
  auto b = open_session(fixture_tar("docker20-save-multi-2images-3tags"));
  ASSERT_TRUE(a && b);
  json truth = load_truth("docker20-save-features");
  int ia = find_image(a->archive(), truth["images"][0]["config_digest"]);
  int ib = find_image(b->archive(), truth["images"][0]["config_digest"]);
  ASSERT_GE(ib, 0);
  auto r = a->compare(ia, *b, ib);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r.value()->size(), 0u);
  const ImageDifferences& d = r.value()->image_differences();
  EXPECT_TRUE(d.config.empty());
  EXPECT_TRUE(d.history.empty());
  EXPECT_EQ(d.shared_layers.size(), truth["images"][0]["diff_ids"].size());
}

TEST(DiffFixtures, ConfigIniContentDiffShowsTheEditedLines) {
  const std::string name = "docker20-save-features";
  json truth = load_truth(name);
  auto s = open_session(fixture_tar(name));
  ASSERT_TRUE(s);
  int im = find_image(s->archive(), truth["images"][0]["config_digest"]);
  // The layers that wrote it, from the truth's per-layer entries.
  std::vector<int> writers;
  for (size_t i = 0; i < truth["images"][0]["layers"].size(); ++i)
    for (auto& e : truth["images"][0]["layers"][i]["entries"])
      if (norm(e["path"]) == "etc/app/config.ini") writers.push_back(static_cast<int>(i));
  ASSERT_EQ(writers.size(), 2u);
  std::string before, after;
  ASSERT_TRUE(read_all(*s, im, writers[0], "etc/app/config.ini", &before).ok());
  ASSERT_TRUE(read_all(*s, im, writers[1], "etc/app/config.ini", &after).ok());
  auto c = s->content_diff(im, writers[0], nullptr, im, writers[1], "/etc/app/config.ini");
  ASSERT_TRUE(c.ok()) << c.error().to_string();
  // difflib's changed lines ('-'/'+' lines of its unified diff, headers excluded).
  std::string py =
      "import difflib,sys\n"
      "a=open(sys.argv[1]).read().splitlines(); b=open(sys.argv[2]).read().splitlines()\n"
      "for l in difflib.unified_diff(a,b,lineterm='',n=3):\n"
      "  if l[:1] in '+-' and not l.startswith(('+++','---')): print(l)\n";
  fs::path dir = fs::temp_directory_path() / ("ls-diff-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "a", std::ios::binary) << before;
  std::ofstream(dir / "b", std::ios::binary) << after;
  CmdResult r = run("python3 -c " + shq(py) + " " + shq((dir / "a").string()) + " " + shq((dir / "b").string()));
  fs::remove_all(dir);
  ASSERT_EQ(r.status, 0);
  std::string ours;
  std::istringstream in(c.value().unified);
  for (std::string l; std::getline(in, l);)
    if ((l[0] == '+' || l[0] == '-') && l.rfind("+++", 0) != 0 && l.rfind("---", 0) != 0) ours += l + "\n";
  EXPECT_FALSE(ours.empty());
  EXPECT_EQ(ours, r.out);
}

TEST(Diff, DispatcherRequest) {
  Dispatcher d;
  DispatchReply o = d.dispatch({"open", "", make_memory_source(generated_bytes()), {}});
  ASSERT_TRUE(o.ok) << o.json;
  DispatchReply r = d.dispatch({"diff", R"({"archive":1,"image":0,"from":0,"to":1})", nullptr, {}});
  ASSERT_TRUE(r.ok) << r.json;
  json v = json::parse(r.json)["value"];
  EXPECT_EQ(v["schema_version"], 1);
  EXPECT_EQ(v["kind"], "layers");
  EXPECT_EQ(v["summary"]["added"], 3);
  EXPECT_EQ(v["summary"]["modified"], 7);
  EXPECT_EQ(v["summary"]["deleted"], 7);
  EXPECT_EQ(v["changes"].size(), 17u);
  DispatchReply a = d.dispatch({"diff", R"({"archive":1,"image":0,"against":1,"against_image":0})", nullptr, {}});
  ASSERT_TRUE(a.ok) << a.json;
  EXPECT_EQ(json::parse(a.json)["value"]["changes"].size(), 0u);
  EXPECT_EQ(json::parse(a.json)["value"]["shared_layers"].size(), 2u);
  DispatchReply c =
      d.dispatch({"diff", R"({"archive":1,"image":0,"from":0,"to":1,"content":true,"path":"app/bin"})", nullptr, {}});
  ASSERT_TRUE(c.ok) << c.json;
  EXPECT_EQ(json::parse(c.json)["value"]["first_difference"], 30);
  DispatchReply bad = d.dispatch({"diff", R"({"archive":1,"image":0})", nullptr, {}});
  EXPECT_FALSE(bad.ok);
  EXPECT_NE(bad.json.find("diff.from"), std::string::npos) << bad.json;
}

namespace {

// Three layers of 40 files of 4,000 bytes each; `edited`: one byte changed in
// d0/f03, d1/f10 and d2/f39, and every file a day newer, so that no layer is
// shared and every file is an equal-size copy to read on both sides.
TImage sized_image(bool edited) {
  std::vector<TLayer> layers;
  for (int l = 0; l < 3; ++l) {
    TLayer layer;
    layer.entries.push_back(D("d" + std::to_string(l)));
    for (int f = 0; f < 40; ++f) {
      std::string name = "d" + std::to_string(l) + "/f" + (f < 10 ? "0" : "") + std::to_string(f);
      std::string data(4000, static_cast<char>('a' + (l * 40 + f) % 26));
      for (size_t i = 0; i < data.size(); i += 97) data[i] = static_cast<char>('0' + (i / 97 + f) % 10);
      if (edited && ((l == 0 && f == 3) || (l == 1 && f == 10) || (l == 2 && f == 39))) data[1234] = '#';
      layer.entries.push_back(with(F(name, data), 0644, 0, edited ? 1700086400 : 1700000000));
    }
    layers.push_back(layer);
  }
  return TImage{{edited ? "sized:2" : "sized:1"}, layers};
}

struct Opened {
  std::shared_ptr<ByteSource> src;
  std::unique_ptr<Session> session;
};

Opened open_bytes(std::vector<uint8_t> bytes, OpenOptions opt = {}) {
  Opened o;
  o.src = make_memory_source(std::move(bytes));
  auto s = Session::open(o.src, opt);
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().to_string());
  if (s.ok()) o.session = std::move(s).value();
  return o;
}

}  // namespace

// An image compared with one in an archive compressed as a whole (`docker
// save | gzip`): the copies of all its layers are hashed in ONE pass over that
// archive (it was one pass per layer), and the rows are those of the same
// image uncompressed; on threads (natively) as one after another.
TEST(Diff, ArchiveCompressedAsAWholeIsReadOncePerComparison) {
  const auto plain_bytes = build_docker_legacy({sized_image(true)});
  const auto whole_bytes = build_docker_legacy({sized_image(true)}, Filter::kGzip);
  auto started = std::make_shared<std::atomic<int>>(0);
  OpenOptions threaded;
  threaded.start_thread = counting_thread_starter(started);
  threaded.index_threads = 3;
  std::map<std::string, DiffEntry> reference;
  for (int k = 0; k < 4; ++k) {
    const bool whole = k & 1, on_threads = k & 2;
    SCOPED_TRACE(std::string(whole ? "compressed as a whole" : "plain") + (on_threads ? ", threads" : ""));
    auto b = open_bytes(build_docker_legacy({sized_image(false)}), on_threads ? threaded : OpenOptions{});
    auto after = open_bytes(whole ? whole_bytes : plain_bytes);
    ASSERT_TRUE(b.session && after.session);
    if (whole) EXPECT_EQ(after.session->archive().outer_compression, Compression::kGzip);
    const uint64_t fetched = after.src->bytes_fetched();
    uint64_t last = 0, total = 0;
    int before_started = *started;
    auto r = b.session->compare(0, *after.session, 0, {}, [&](const Progress& p) {
      EXPECT_EQ(p.phase, "compare");
      EXPECT_GE(p.done, last);
      last = p.done, total = p.total;
      return true;
    });
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    // Every file of both sides read: 120 copies of 4,000 bytes a side.
    EXPECT_EQ(total, 2u * 120 * 4000);
    EXPECT_EQ(last, total);
    // (threads: no more than the cores, so a one-core machine runs them in turn)
    if (on_threads && std::thread::hardware_concurrency() >= 2) EXPECT_GE(*started - before_started, 2);
    // One pass: no byte of the compressed archive fetched twice (three passes, one per layer, before).
    if (whole) EXPECT_LE(after.src->bytes_fetched() - fetched, after.src->size());
    auto rows = rows_of(*r.value());
    EXPECT_EQ(rows.size(), 3u);
    for (const char* p : {"d0/f03", "d1/f10", "d2/f39"}) {
      ASSERT_TRUE(rows.count(p)) << p;
      EXPECT_EQ(rows[p].change, Change::kModified) << p;
      EXPECT_EQ(rows[p].what, whats({"content"})) << p;
    }
    EXPECT_TRUE(r.value()->image_differences().shared_layers.empty());
    if (k == 0) reference = rows;
    else EXPECT_EQ(rows.size(), reference.size());
    // A cancel stops it, on threads too.
    auto c = b.session->compare(0, *after.session, 0, {}, [](const Progress&) { return false; });
    ASSERT_FALSE(c.ok());
    EXPECT_EQ(c.error().code, Code::kCancelled);
  }
}
