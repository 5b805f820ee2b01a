// Issue 11 — every view tells the whole truth: the per-layer entry rules
// (tree/layer_index), bytes counted once (io), an archive holding no image,
// and the warnings every view of an image carries (Session::warnings_for, the
// ls / log / history / images documents, the dispatcher's answers).
#include <algorithm>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "archive_builder.h"
#include "layerscope/dispatch.h"
#include "layerscope/session.h"
#include "test_util.h"
#include "tree/layer_index.h"

using namespace layerscope;
using namespace lstest;
using json = nlohmann::json;

namespace {

struct Indexed {
  PathTable paths;
  LayerIndex index;
  std::vector<std::string> listed;  // the entries' paths, in tar order
};

// Indexes headers as one layer would hold them (no tar: the indexer's input).
std::unique_ptr<Indexed> index_of(const std::vector<RawEntry>& entries, const Limits& lim = {}) {
  auto r = std::make_unique<Indexed>();
  uint64_t budget = lim.max_entries;
  LayerIndexer ix(r->paths, &r->index, &budget, lim);
  for (const RawEntry& e : entries) EXPECT_TRUE(ix.add(e).ok());
  for (const Entry& e : r->index.entries) r->listed.push_back(r->paths.path(e.path));
  return r;
}

RawEntry file(std::string_view p) {
  RawEntry e;
  e.path = p;
  e.type = EntryType::kFile;
  return e;
}
RawEntry hardlink(std::string_view p, std::string_view target) {
  RawEntry e = file(p);
  e.type = EntryType::kHardlink;
  e.hardlink = target;
  return e;
}
RawEntry symlink_entry(std::string_view p, std::string_view target) {
  RawEntry e = file(p);
  e.type = EntryType::kSymlink;
  e.symlink = target;
  return e;
}

// "code entry" of each issue, in order.
std::vector<std::string> issues(const LayerIndex& idx) {
  std::vector<std::string> out;
  for (auto& i : idx.issues) out.push_back(i.code + " " + i.entry);
  return out;
}

bool has(const std::vector<Warning>& ws, const std::string& code, const std::string& where_part) {
  return std::any_of(ws.begin(), ws.end(), [&](const Warning& w) {
    return w.code == code && w.where.find(where_part) != std::string::npos;
  });
}
bool has(const json& arr, const std::string& code, const std::string& where_part) {
  for (auto& w : arr)
    if (w.at("code") == code && w.at("where").get<std::string>().find(where_part) != std::string::npos) return true;
  return false;
}

// A legacy save whose manifest names two layers, the first not stored.
std::vector<uint8_t> missing_first_layer() {
  std::string layer = make_tar({D("etc"), F("etc/app.conf", "x=1\n")});
  json cfg = {{"architecture", "amd64"}, {"os", "linux"},
              {"rootfs", {{"type", "layers"}, {"diff_ids", {"sha256:" + std::string(64, 'a'), "sha256:" + sha256_hex(layer)}}}},
              {"history", {{{"created_by", "gone"}}, {{"created_by", "here"}}}}};
  json manifest = {{{"Config", "c.json"}, {"RepoTags", {"t/missing:1"}}, {"Layers", {"gone/layer.tar", "here/layer.tar"}}}};
  return to_bytes(make_tar({F("here/layer.tar", layer), F("c.json", cfg.dump()), F("manifest.json", manifest.dump())}));
}

std::unique_ptr<Session> open_bytes(std::vector<uint8_t> bytes, const char* name) {
  auto s = Session::open(make_memory_source(std::move(bytes), name));
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().to_string());
  return s.ok() ? std::move(s).value() : nullptr;
}

}  // namespace

TEST(EntryRules, PathsClimbingOutArePlacedAtTheRootAndFlagged) {
  auto r = index_of({file("../../../../tmp/x"), file("a/../../x2"), file("./../sibling.txt"), file("a/../ok")});
  // Where containerd places them: the path resolved with ".." clamped at "/".
  EXPECT_EQ(r->listed, (std::vector<std::string>{"tmp/x", "x2", "sibling.txt", "ok"}));
  EXPECT_EQ(issues(r->index), (std::vector<std::string>{"entry-path-escapes ../../../../tmp/x",
                                                        "entry-path-escapes a/../../x2",
                                                        "entry-path-escapes ./../sibling.txt"}));
  EXPECT_NE(r->index.issues[0].message.find("docker load refuses"), std::string::npos) << r->index.issues[0].message;
}

TEST(EntryRules, AbsolutePathsAreFlaggedButNotTheRoot) {
  auto r = index_of({file("/"), file("./"), file("/etc/passwd")});
  EXPECT_EQ(r->listed, (std::vector<std::string>{"", "", "etc/passwd"}));
  // "/" then "./" is the root twice: a duplicate, not an absolute path.
  EXPECT_EQ(issues(r->index), (std::vector<std::string>{"duplicate-entry ./", "entry-path-absolute /etc/passwd"}));
}

TEST(EntryRules, DuplicatesNameTheEntryThatWins) {
  auto r = index_of({file("dup.txt"), file("other"), file("./dup.txt")});
  ASSERT_EQ(issues(r->index), (std::vector<std::string>{"duplicate-entry ./dup.txt"}));
  EXPECT_NE(r->index.issues[0].message.find("the last entry"), std::string::npos);
  EXPECT_EQ(r->index.entries.size(), 3u) << "both kept; the merge applies them in tar order";
}

TEST(EntryRules, HardLinksToNothingOrOutsideAreFlagged) {
  auto r = index_of({file("real"), hardlink("good", "real"), hardlink("dangling", "no/such"),
                     hardlink("self", "self"), hardlink("out", "/../../etc/passwd"), hardlink("before", "later"),
                     file("later")});
  EXPECT_EQ(issues(r->index), (std::vector<std::string>{
                                  "hardlink-target-missing dangling", "hardlink-target-missing self",
                                  "hardlink-target-escapes out", "hardlink-target-missing out",
                                  "hardlink-target-missing before"}));
  EXPECT_EQ(r->paths.path(r->index.entries[4].link), "etc/passwd") << "the target clamped like a path";
}

TEST(EntryRules, AnEntryOverALimitIsSkippedTheLayerKept) {
  Limits lim;
  lim.max_path_bytes = 10;
  auto r = index_of({file("short"), file("a/very/long/path"), symlink_entry("s", "target/longer/than/ten"), file("tail")}, lim);
  EXPECT_EQ(r->listed, (std::vector<std::string>{"short", "tail"}));
  EXPECT_EQ(issues(r->index),
            (std::vector<std::string>{"entry-over-limit a/very/long/path", "entry-over-limit s"}));
}

TEST(EntryRules, IssuesAreBoundedPerCode) {
  Limits lim;
  lim.max_warnings_per_code = 3;
  std::vector<std::string> names;
  for (int i = 0; i < 10; ++i) names.push_back("/abs" + std::to_string(i));
  std::vector<RawEntry> es;
  for (auto& n : names) es.push_back(file(n));
  auto r = index_of(es, lim);
  EXPECT_EQ(r->index.issues.size(), 3u);
  EXPECT_EQ(r->index.issue_overflow["entry-path-absolute"], 7u);
  EXPECT_EQ(r->index.entries.size(), 10u);
}

TEST(BytesRead, EachByteOfTheSourceCountsOnce) {
  auto src = make_memory_source(std::vector<uint8_t>(1000, 7), "m");
  uint8_t buf[200];
  ASSERT_TRUE(read_exact(*src, 0, buf, 100).ok());
  ASSERT_TRUE(read_exact(*src, 0, buf, 100).ok());
  ASSERT_TRUE(read_exact(*src, 50, buf, 100).ok());
  ASSERT_TRUE(read_exact(*src, 500, buf, 100).ok());
  ASSERT_TRUE(read_exact(*src, 150, buf, 10).ok());  // touches [50,150): merged
  EXPECT_EQ(src->bytes_read(), 260u);                // [0,160) + [500,600)
  EXPECT_EQ(src->bytes_fetched(), 410u);
  EXPECT_EQ(src->read_calls(), 5u);
  ASSERT_TRUE(read_exact(*src, 0, buf, 200).ok());
  ASSERT_TRUE(read_exact(*src, 600, buf, 200).ok());
  ASSERT_TRUE(read_exact(*src, 200, buf, 200).ok());
  ASSERT_TRUE(read_exact(*src, 400, buf, 100).ok());
  ASSERT_TRUE(read_exact(*src, 800, buf, 200).ok());
  EXPECT_EQ(src->bytes_read(), 1000u);
}

// Many disjoint reads in a scrambled order, some overlapping or touching
// others (~95,000 regions: folds of the recent reads at 4,096 and at a quarter
// of the regions), the count asked for between them: the same figure as a
// reference merge of every range read.
TEST(BytesRead, ScrambledDisjointReadsCountAsAReferenceMerge) {
  // A 1 GB source that reads as zeros and keeps nothing.
  struct Zeros : ByteSource {
    uint64_t size() const override { return 1ull << 30; }
    Result<size_t> read_at(uint64_t offset, void* buf, size_t n) override {
      n = static_cast<size_t>(std::min<uint64_t>(n, size() - std::min(offset, size())));
      std::memset(buf, 0, n);
      count(offset, n);
      return n;
    }
  } src;
  std::map<uint64_t, uint64_t> ref;  // start -> end, merged as the reads come
  auto add = [&ref](uint64_t lo, uint64_t hi) {
    auto it = ref.upper_bound(lo);
    if (it != ref.begin() && std::prev(it)->second >= lo) --it;
    while (it != ref.end() && it->first <= hi) {
      lo = std::min(lo, it->first);
      hi = std::max(hi, it->second);
      it = ref.erase(it);
    }
    ref.emplace(lo, hi);
  };
  auto total = [&ref] {
    uint64_t n = 0;
    for (auto& [lo, hi] : ref) n += hi - lo;
    return n;
  };
  std::vector<uint8_t> buf(3000);
  uint64_t state = 12345;
  auto next = [&state](uint64_t m) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return (state >> 33) % m;
  };
  for (int i = 0; i < 100000; ++i) {
    // Mostly 512-byte "headers" 1 KiB apart, sometimes a read across several.
    const uint64_t at = next(1u << 20) * 1024 + (i % 7 == 0 ? next(1024) : 0);
    const size_t n = i % 11 == 0 ? 3000 : 512;
    ASSERT_TRUE(read_exact(src, at, buf.data(), n).ok());
    add(at, at + n);
    if (i % 9973 == 0) ASSERT_EQ(src.bytes_read(), total()) << "after read " << i;
  }
  EXPECT_GT(ref.size(), 50000u);
  EXPECT_EQ(src.bytes_read(), total());
  EXPECT_EQ(src.read_calls(), 100000u);
}

// The figure users quote never exceeds the archive: inspect, every image's
// merged listing and one file read, then the same file again (no new bytes).
TEST(BytesRead, NeverMoreThanTheArchiveHolds) {
  int checked = 0;
  for (const std::string& name : fixture_names()) {
    SCOPED_TRACE(name);
    std::shared_ptr<ByteSource> src;
    auto s = open_session(fixture_tar(name), &src);
    if (!s) continue;
    (void)s->inspect_json();
    std::string first;
    int first_image = 0;
    for (size_t i = 0; i < s->archive().images.size() && i < 4; ++i) {
      auto l = s->list(static_cast<int>(i), ListOptions{.merged = true});
      ASSERT_TRUE(l.ok());
      for (auto& e : l.value())
        if (first.empty() && e.type == EntryType::kFile && e.size > 0) {
          first = e.path;
          first_image = static_cast<int>(i);
        }
    }
    std::string out;
    if (!first.empty()) {
      ASSERT_TRUE(read_all(*s, first_image, -1, first, &out).ok());
      uint64_t after_one = src->bytes_read();
      ASSERT_TRUE(read_all(*s, first_image, -1, first, &out).ok());
      EXPECT_EQ(src->bytes_read(), after_one) << "reading " << first << " again counted its bytes again";
    }
    EXPECT_LE(src->bytes_read(), src->size());
    EXPECT_GE(src->bytes_fetched(), src->bytes_read());
    ++checked;
  }
  EXPECT_GT(checked, 0) << "no fixtures in " << fixtures_dir();
}

TEST(ViewWarnings, AMissingLayerMakesEveryViewOfTheImageIncomplete) {
  auto s = open_bytes(missing_first_layer(), "missing.tar");
  ASSERT_TRUE(s);
  std::vector<Warning> ws = s->warnings_for(0);
  EXPECT_TRUE(has(ws, "missing-blob", "layer 0: manifest.json[0].Layers[0]"));
  EXPECT_TRUE(has(ws, "incomplete-image", "layer 0"));
  EXPECT_FALSE(has(ws, "incomplete-image", "layer 1"));
  // The page's documents and the CLI's: each carries them.
  json ls = json::parse(s->list_json(0, ListOptions{.merged = true}).value());
  EXPECT_TRUE(has(ls.at("warnings"), "incomplete-image", "layer 0"));
  EXPECT_EQ(ls.at("total"), 2) << "the stored layer's entries are still listed";
  json log = json::parse(s->path_history_json(0, "etc/app.conf").value());
  EXPECT_TRUE(has(log.at("warnings"), "missing-blob", "layer 0: "));
  json hist = json::parse(s->history_json(0).value());
  EXPECT_TRUE(has(hist.at("warnings"), "incomplete-image", "layer 0"));
  json imgs = json::parse(s->images_json({}).value());
  EXPECT_TRUE(has(imgs.at("warnings"), "incomplete-image", "layer 0"));
  auto listing = s->listing(0, ListOptions{.merged = true});
  ASSERT_TRUE(listing.ok());
  EXPECT_TRUE(has(listing.value()->warnings(), "incomplete-image", "layer 0"));
}

TEST(ViewWarnings, TheDispatcherAnswersCarryThem) {
  Dispatcher d;
  auto value = [&](std::string_view type, const json& args) {
    std::string a = args.dump();
    DispatchReply r = d.dispatch({type, a, type == "open" ? make_memory_source(missing_first_layer(), "m.tar") : nullptr});
    json e = json::parse(r.json);
    EXPECT_TRUE(e.at("ok").get<bool>()) << type << ": " << r.json;
    return e.value("value", json());
  };
  json opened = value("open", json::object());
  int h = opened.at("archive").get<int>();
  EXPECT_TRUE(has(opened.at("summary").at("warnings"), "missing-blob", "Layers[0]"));
  EXPECT_TRUE(has(value("list", {{"archive", h}, {"image", 0}, {"merged", true}}).at("warnings"), "incomplete-image",
                  "layer 0"));
  EXPECT_TRUE(has(value("pathHistory", {{"archive", h}, {"image", 0}, {"path", "etc"}}).at("warnings"),
                  "incomplete-image", "layer 0"));
  EXPECT_TRUE(has(value("warnings", {{"archive", h}, {"image", 0}}).at("warnings"), "incomplete-image", "layer 0"));
  EXPECT_TRUE(has(value("history", {{"archive", h}, {"image", 0}}).at("warnings"), "incomplete-image", "layer 0"));
  json opened_file = value("openFile", {{"archive", h}, {"image", 0}, {"path", "etc/app.conf"}});
  EXPECT_TRUE(has(opened_file.at("warnings"), "incomplete-image", "layer 0"));
  json read = value("read", {{"cursor", opened_file.at("cursor")}, {"length", 100}});
  EXPECT_TRUE(has(read.at("warnings"), "incomplete-image", "layer 0"));
  json by_path = value("read", {{"archive", h}, {"image", 0}, {"path", "etc/app.conf"}, {"length", 100}});
  EXPECT_TRUE(has(by_path.at("warnings"), "missing-blob", "layer 0: "));
}

TEST(NoImage, ManifestNullIsAnErrorForWhatNeedsAnImage) {
  auto s = open_bytes(to_bytes(make_tar({F("manifest.json", "null"), F("repositories", "{}")})), "null.tar");
  ASSERT_TRUE(s);
  EXPECT_TRUE(s->archive().images.empty());
  EXPECT_EQ(s->archive().producer.rfind("unknown", 0), 0u) << s->archive().producer;
  EXPECT_EQ(std::string(layout_id(s->archive().layout)), "unknown");
  auto r = s->resolve_image("");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Code::kNotImage);
  EXPECT_EQ(r.error().where, "manifest.json");
  auto im = s->images({});
  ASSERT_FALSE(im.ok());
  EXPECT_EQ(im.error().code, Code::kNotImage);
}
