// Feature facts of the FEATURES image (fixtures/README.md "Feature map"),
// checked on every fixture that holds it: a modified file, whiteouts, an opaque
// dir, a 3 MiB binary, hardlinks, symlinks — through Session::list/read_file.
// Expected values come from the truth files, from the image's own history
// (the sed command), and from tar/gzip/zstd/python3 run by the test.
#include <map>
#include <set>

#include "test_util.h"

using namespace layerscope;
using namespace lstest;

namespace {

const char* kConfigIni = "etc/app/config.ini";

bool has_config_ini(const json& image) {
  for (auto& p : image.at("merged_fs").at("paths"))
    if (p.at("path") == kConfigIni) return true;
  return false;
}

// Fixtures whose truth mentions etc/app/config.ini (a cheap text scan: this
// runs at start-up of every test process; SetUp checks the parsed truth).
std::vector<std::string> features_fixtures() {
  std::vector<std::string> out;
  for (auto& n : fixture_names())
    if (read_text_file(fixture_truth(n)).find("\"etc/app/config.ini\"") != std::string::npos) out.push_back(n);
  return out;
}

const json* truth_entry(const json& layer, const std::string& path) {
  const json* hit = nullptr;
  for (auto& e : layer.at("entries"))
    if (norm(e.at("path").get<std::string>()) == path) hit = &e;  // the last one wins
  return hit;
}

const ListedEntry* find_listed(const std::vector<ListedEntry>& v, const std::string& path) {
  for (auto& e : v)
    if (e.path == path) return &e;
  return nullptr;
}

std::string replace_all(std::string s, const std::string& a, const std::string& b) {
  for (size_t p = s.find(a); p != std::string::npos; p = s.find(a, p + b.size())) s.replace(p, a.size(), b);
  return s;
}

class FeaturesTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    truth_ = load_truth(GetParam());
    for (auto& im : truth_.at("images"))
      if (has_config_ini(im)) ti_ = im;
    ASSERT_FALSE(ti_.is_null());
    session_ = open_session(fixture_tar(GetParam()));
    ASSERT_TRUE(session_ != nullptr);
    im_ = find_image(session_->archive(), ti_.at("config_digest").get<std::string>());
    ASSERT_GE(im_, 0) << "no image " << ti_.at("config_digest");
  }
  const json& layers() const { return ti_.at("layers"); }
  // Layers (in order) whose truth entries hold `path`.
  std::vector<int> layers_with(const std::string& path) const {
    std::vector<int> v;
    for (size_t i = 0; i < layers().size(); ++i)
      if (truth_entry(layers()[i], path)) v.push_back(static_cast<int>(i));
    return v;
  }
  int whiteout_layer(const std::string& path) const {
    for (size_t i = 0; i < layers().size(); ++i)
      for (auto& w : layers()[i].at("whiteouts"))
        if (norm(w.get<std::string>()) == path) return static_cast<int>(i);
    return -1;
  }
  // Truth sha256 of `path` as written by `layer`: the entry's own (the truth
  // leaves it out for files over ~100 KB), else extracted with tar + python3.
  std::string expected_sha(int layer, const std::string& path) const {
    const json* te = truth_entry(layers()[layer], path);
    EXPECT_NE(te, nullptr) << path;
    if (te && te->contains("sha256")) return (*te).at("sha256").get<std::string>();
    bool ok = false;
    std::string bytes = extract_with_tools(fixture_tar(GetParam()), layers()[layer], path, &ok);
    EXPECT_TRUE(ok) << "tar/python3 could not extract " << path;
    return sha256_of(bytes);
  }
  std::string merged_sha(const std::string& path) const {
    for (auto& p : ti_.at("merged_fs").at("paths"))
      if (p.at("path") == path && p.contains("sha256")) return p.at("sha256").get<std::string>();
    return "(no merged sha256 for " + path + ")";
  }
  std::vector<ListedEntry> changes(int layer) const {
    auto r = session_->list(im_, ListOptions{.layer = layer, .merged = false});
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().to_string());
    return r.ok() ? r.value() : std::vector<ListedEntry>{};
  }
  std::vector<ListedEntry> merged(int layer = -1) const {
    auto r = session_->list(im_, ListOptions{.layer = layer, .merged = true});
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().to_string());
    return r.ok() ? r.value() : std::vector<ListedEntry>{};
  }

  json truth_, ti_;
  std::unique_ptr<Session> session_;
  int im_ = -1;
};

}  // namespace

TEST_P(FeaturesTest, ConfigIniModifiedByALaterLayer) {
  auto ls = layers_with(kConfigIni);
  ASSERT_GE(ls.size(), 2u) << "the truth should show config.ini written by two layers";
  int first = ls.front(), later = ls.back();
  ASSERT_LT(first, later);

  const auto ch_first = changes(first), ch_later = changes(later);
  const ListedEntry* a = find_listed(ch_first, kConfigIni);
  ASSERT_NE(a, nullptr) << "config.ini not in layer " << first << "'s changes";
  EXPECT_EQ(a->change, Change::kAdded);
  const ListedEntry* m = find_listed(ch_later, kConfigIni);
  ASSERT_NE(m, nullptr) << "config.ini not in layer " << later << "'s changes";
  EXPECT_EQ(m->change, Change::kModified);
  EXPECT_EQ(m->layer, later);

  std::string v1, v2, top, before_later;
  ASSERT_TRUE(read_all(*session_, im_, first, kConfigIni, &v1).ok());
  ASSERT_TRUE(read_all(*session_, im_, later, kConfigIni, &v2).ok());
  ASSERT_TRUE(read_all(*session_, im_, -1, kConfigIni, &top).ok());
  ASSERT_TRUE(read_all(*session_, im_, later - 1, kConfigIni, &before_later).ok());
  std::string shown = "\n--- layer " + std::to_string(first) + " ---\n" + v1 + "--- layer " +
                      std::to_string(later) + " ---\n" + v2 + "---";
  EXPECT_NE(v1, v2) << shown;
  EXPECT_EQ(sha256_of(v1), expected_sha(first, kConfigIni)) << shown;
  EXPECT_EQ(sha256_of(v2), expected_sha(later, kConfigIni)) << shown;
  EXPECT_EQ(top, v2);
  EXPECT_EQ(before_later, v1) << "the layer below the edit still sees v1";
  // v1 is the COPY'd original; v2 is exactly the history's
  //   sed -e 's/log_level = 1/log_level = 3/' -e 's/beta = off/beta = on/' -e 's/(version 1)/(version 2)/'
  //   && printf '\n[added]\ngamma = new\n' >>
  EXPECT_NE(v1.find("(version 1)"), std::string::npos) << shown;
  EXPECT_EQ(v1.find("[added]"), std::string::npos) << shown;
  std::string expect = replace_all(replace_all(replace_all(v1, "log_level = 1", "log_level = 3"), "beta = off",
                                               "beta = on"),
                                   "(version 1)", "(version 2)") +
                       "\n[added]\ngamma = new\n";
  EXPECT_EQ(v2, expect) << shown;
}

TEST_P(FeaturesTest, WhiteoutsDeleteFiles) {
  for (std::string p : {"srv/app/to-delete.txt", "srv/app/numbers.txt"}) {
    SCOPED_TRACE(p);
    int wl = whiteout_layer(p);
    ASSERT_GE(wl, 1) << "the truth should list a whiteout for " << p;
    auto adders = layers_with(p);
    ASSERT_FALSE(adders.empty());
    ASSERT_LT(adders.back(), wl);
    const auto chw = changes(wl);
    const ListedEntry* d = find_listed(chw, p);
    ASSERT_NE(d, nullptr) << p << " not in the whiteout layer's changes";
    EXPECT_EQ(d->change, Change::kDeleted);
    EXPECT_EQ(d->layer, wl);
    EXPECT_EQ(find_listed(merged(), p), nullptr) << p << " still in the merged tree";
    EXPECT_EQ(find_listed(merged(wl), p), nullptr);
    EXPECT_NE(find_listed(merged(wl - 1), p), nullptr) << p << " missing below the whiteout";
    std::string data;
    Status st = read_all(*session_, im_, -1, p, &data);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().code, Code::kNotFound) << st.error().to_string();
    st = read_all(*session_, im_, wl - 1, p, &data);
    ASSERT_TRUE(st.ok()) << st.error().to_string();
    const json* te = truth_entry(layers()[adders.back()], p);
    EXPECT_EQ(data.size(), (*te).at("size").get<size_t>());
    EXPECT_EQ(sha256_of(data), expected_sha(adders.back(), p));
  }
}

TEST_P(FeaturesTest, OpaqueDirHidesLowerContent) {
  const std::string dir = "srv/app/to-replace";
  // The layer that replaced the directory: an opaque marker (overlay builds) or
  // per-file whiteouts (vfs builds) — whichever the truth shows.
  int ol = -1;
  for (size_t i = 0; i < layers().size() && ol < 0; ++i) {
    for (auto& o : layers()[i].at("opaque_dirs"))
      if (norm(o.get<std::string>()) == dir) ol = static_cast<int>(i);
    for (auto& w : layers()[i].at("whiteouts"))
      if (norm(w.get<std::string>()).rfind(dir + "/", 0) == 0) ol = static_cast<int>(i);
  }
  ASSERT_GE(ol, 1) << "no layer replaces " << dir;
  std::set<std::string> lower, own;
  for (int i = 0; i < ol; ++i)
    for (auto& e : layers()[i].at("entries")) {
      std::string p = norm(e.at("path").get<std::string>());
      if (p.rfind(dir + "/", 0) == 0 && !is_marker(e)) lower.insert(p);
    }
  for (auto& e : layers()[ol].at("entries")) {
    std::string p = norm(e.at("path").get<std::string>());
    if (p.rfind(dir + "/", 0) == 0 && !is_marker(e)) own.insert(p);
  }
  ASSERT_FALSE(lower.empty());
  ASSERT_FALSE(own.empty());
  auto top = merged();
  auto ch = changes(ol);
  for (auto& p : lower) {
    if (own.count(p)) continue;
    EXPECT_EQ(find_listed(top, p), nullptr) << "lower " << p << " shows through";
    const ListedEntry* d = find_listed(ch, p);
    ASSERT_NE(d, nullptr) << p << " not listed as deleted by layer " << ol;
    EXPECT_EQ(d->change, Change::kDeleted) << p;
  }
  for (auto& p : own) {
    const ListedEntry* e = find_listed(top, p);
    ASSERT_NE(e, nullptr) << "the layer's own " << p << " is hidden";
    EXPECT_EQ(e->layer, ol);
  }
  EXPECT_NE(find_listed(top, dir), nullptr) << "the opaque dir itself stays";
}

TEST_P(FeaturesTest, BiggestFileReadExactly) {
  // The biggest regular file of the image per the truth (big.bin, 3 MiB).
  std::string path;
  int64_t size = -1;
  int layer = -1;
  for (size_t i = 0; i < layers().size(); ++i)
    for (auto& e : layers()[i].at("entries"))
      if (e.at("type") == "file" && e.at("size").get<int64_t>() > size) {
        size = e.at("size").get<int64_t>();
        path = norm(e.at("path").get<std::string>());
        layer = static_cast<int>(i);
      }
  ASSERT_GE(size, 3 << 20) << path;
  bool ok = false;
  std::string expected = extract_with_tools(fixture_tar(GetParam()), layers()[layer], path, &ok);
  ASSERT_TRUE(ok) << "tar/python3 could not extract " << path;
  ASSERT_EQ(static_cast<int64_t>(expected.size()), size);
  uint64_t chunks = 0;
  std::string data;
  Status st = session_->read_file(im_, -1, path, [&](const uint8_t* d, size_t n) {
    data.append(reinterpret_cast<const char*>(d), n);
    ++chunks;
    return true;
  });
  ASSERT_TRUE(st.ok()) << st.error().to_string();
  EXPECT_EQ(static_cast<int64_t>(data.size()), size);
  EXPECT_EQ(sha256_of(data), sha256_of(expected)) << "content differs from tar's";
  EXPECT_TRUE(data == expected);
  EXPECT_EQ(sha256_of(data), merged_sha(path)) << "truth merged_fs sha256";
  // Stopping early is not an error, and delivers no more than asked.
  std::string head;
  st = session_->read_file(im_, -1, path, [&](const uint8_t* d, size_t n) {
    head.append(reinterpret_cast<const char*>(d), n);
    return false;
  });
  EXPECT_TRUE(st.ok()) << st.error().to_string();
  EXPECT_GT(head.size(), 0u);
  EXPECT_EQ(head, expected.substr(0, head.size()));
}

TEST_P(FeaturesTest, HardlinksReadTheirTarget) {
  int seen = 0;
  for (size_t i = 0; i < layers().size(); ++i) {
    for (auto& h : layers()[i].at("hardlinks")) {
      std::string p = norm(h[0].get<std::string>()), t = norm(h[1].get<std::string>());
      // Follow the truth's link chain to the regular file.
      std::string reg = t;
      for (int hop = 0; hop < 8; ++hop) {
        const json* e = truth_entry(layers()[i], reg);
        ASSERT_NE(e, nullptr) << reg;
        if ((*e).at("type") != "hardlink") break;
        reg = norm((*e).at("link").get<std::string>());
      }
      const json* re = truth_entry(layers()[i], reg);
      ASSERT_NE(re, nullptr);
      ASSERT_EQ((*re).at("type"), "file");
      bool ok = false;
      std::string expected = extract_with_tools(fixture_tar(GetParam()), layers()[i], reg, &ok);
      ASSERT_TRUE(ok) << reg;
      std::string a, b;
      Status st = read_all(*session_, im_, static_cast<int>(i), p, &a);
      ASSERT_TRUE(st.ok()) << p << ": " << st.error().to_string();
      st = read_all(*session_, im_, static_cast<int>(i), t, &b);
      ASSERT_TRUE(st.ok()) << t << ": " << st.error().to_string();
      EXPECT_EQ(a, expected) << p << " (hardlink to " << t << ")";
      EXPECT_EQ(b, expected) << t;
      EXPECT_EQ(sha256_of(a), expected_sha(static_cast<int>(i), reg));
      ++seen;
    }
  }
  EXPECT_GE(seen, 3) << "README promises hard-1, hard-2 and hardlink-to-spaces";
}

TEST_P(FeaturesTest, SymlinkDirectoryAndMissingReads) {
  int symlinks = 0;
  for (size_t i = 0; i < layers().size(); ++i)
    for (auto& e : layers()[i].at("entries")) {
      if (e.at("type") != "symlink") continue;
      std::string p = norm(e.at("path").get<std::string>());
      if (p.rfind("srv/", 0) != 0 && symlinks > 4) continue;  // a few of the 273 applets suffice
      std::string data;
      Status st = read_all(*session_, im_, static_cast<int>(i), p, &data);
      ASSERT_FALSE(st.ok()) << p << " is a symlink";
      EXPECT_EQ(st.error().code, Code::kInvalidArgument) << p << ": " << st.error().to_string();
      EXPECT_TRUE(data.empty());
      ++symlinks;
    }
  EXPECT_GE(symlinks, 5);
  std::string data;
  for (auto& p : ti_.at("merged_fs").at("paths")) {
    if (p.at("find_type") != "d") continue;
    std::string d = p.at("path").get<std::string>();
    Status st = read_all(*session_, im_, -1, d, &data);
    ASSERT_FALSE(st.ok()) << d << " is a directory";
    EXPECT_EQ(st.error().code, Code::kInvalidArgument) << d << ": " << st.error().to_string();
  }
  for (std::string m : {"no/such/file", "srv/app/does-not-exist.txt", "etc/app/config.ini.bak"}) {
    Status st = read_all(*session_, im_, -1, m, &data);
    ASSERT_FALSE(st.ok()) << m;
    EXPECT_EQ(st.error().code, Code::kNotFound) << m << ": " << st.error().to_string();
  }
  // Paths are accepted in the usual spellings.
  std::string a, b, c;
  ASSERT_TRUE(read_all(*session_, im_, -1, kConfigIni, &a).ok());
  ASSERT_TRUE(read_all(*session_, im_, -1, std::string("/") + kConfigIni, &b).ok());
  ASSERT_TRUE(read_all(*session_, im_, -1, std::string("./") + kConfigIni, &c).ok());
  EXPECT_EQ(a, b);
  EXPECT_EQ(a, c);
  // A layer that does not exist is the caller's mistake.
  Status st = read_all(*session_, im_, static_cast<int>(layers().size()), kConfigIni, &data);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, Code::kInvalidArgument);
  // Before the layer that added it, the file does not exist.
  int first = layers_with(kConfigIni).front();
  if (first > 0) {
    st = read_all(*session_, im_, first - 1, kConfigIni, &data);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().code, Code::kNotFound);
  }
}

TEST_P(FeaturesTest, EmptyFilesAndUnicodeNames) {
  for (auto& p : ti_.at("merged_fs").at("paths")) {
    std::string path = p.at("path").get<std::string>();
    bool unicode = false;
    for (unsigned char ch : path) unicode = unicode || ch >= 0x80;
    bool empty = p.at("find_type") == "f" && p.contains("size") && p.at("size") == 0;
    if (!unicode && !empty) continue;
    if (p.at("find_type") != "f") continue;
    std::string data = "x";
    Status st = read_all(*session_, im_, -1, path, &data);
    ASSERT_TRUE(st.ok()) << path << ": " << st.error().to_string();
    EXPECT_EQ(data.size(), p.at("size").get<size_t>()) << path;
    EXPECT_EQ(sha256_of(data), p.at("sha256").get<std::string>()) << path;
  }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, FeaturesTest, ::testing::ValuesIn(features_fixtures()),
                         [](const ::testing::TestParamInfo<std::string>& i) { return param_name(i.param); });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(FeaturesTest);

// The same files read identically whatever the layer compression: the FEATURES
// image exists with uncompressed, gzip and zstd layers.
TEST(FeaturesAcrossFixtures, SameBytesFromNoneGzipAndZstdLayers) {
  auto names = features_fixtures();
  ASSERT_FALSE(names.empty()) << "no FEATURES fixtures in " << fixtures_dir();
  std::set<std::string> compressions;
  std::map<std::string, std::map<std::string, std::string>> digests;  // path -> fixture -> sha
  const std::vector<std::string> paths = {"etc/app/config.ini", "srv/app/big.bin", "srv/app/links/hard-2.txt",
                                          "srv/app/unicode/héllo wörld.txt", "bin/busybox"};
  for (auto& n : names) {
    json t = load_truth(n);
    const json* ti = nullptr;
    for (auto& im : t.at("images"))
      if (has_config_ini(im)) ti = &im;
    ASSERT_NE(ti, nullptr);
    for (auto& l : (*ti).at("layers")) compressions.insert(l.at("compression").get<std::string>());
    auto s = open_session(fixture_tar(n));
    ASSERT_TRUE(s != nullptr);
    int im = find_image(s->archive(), (*ti).at("config_digest").get<std::string>());
    ASSERT_GE(im, 0);
    for (auto& p : paths) {
      std::string data;
      Status st = read_all(*s, im, -1, p, &data);
      ASSERT_TRUE(st.ok()) << n << ": " << p << ": " << st.error().to_string();
      digests[p][n] = sha256_of(data);
      for (auto& mp : (*ti).at("merged_fs").at("paths"))
        if (mp.at("path") == p) EXPECT_EQ(sha256_of(data), mp.at("sha256").get<std::string>()) << n << ": " << p;
    }
  }
  EXPECT_TRUE(compressions.count("none") && compressions.count("gzip") && compressions.count("zstd"))
      << "expected fixtures with none, gzip and zstd layers";
  for (auto& [p, per] : digests) {
    std::set<std::string> distinct;
    std::string all;
    for (auto& [n, d] : per) {
      distinct.insert(d);
      all += "\n  " + n + ": " + d;
    }
    EXPECT_EQ(distinct.size(), 1u) << p << " differs between fixtures:" << all;
  }
}

// README/brief: opening docker20-save-features.tar (uncompressed layers) reads
// well under the archive's size.
TEST(BytesRead, DockerSaveFeaturesUnder30Percent) {
  std::string f = fixture_tar("docker20-save-features");
  ASSERT_TRUE(fs::exists(f)) << f;
  std::shared_ptr<ByteSource> src;
  auto s = open_session(f, &src);
  ASSERT_TRUE(s != nullptr);
  uint64_t n = src->bytes_read(), size = src->size();
  double pct = 100.0 * static_cast<double>(n) / static_cast<double>(size);
  std::printf("[ bytes    ] docker20-save-features.tar: open read %llu of %llu bytes (%.2f%%), %llu read calls\n",
              static_cast<unsigned long long>(n), static_cast<unsigned long long>(size), pct,
              static_cast<unsigned long long>(src->read_calls()));
  RecordProperty("bytes_read", std::to_string(n));
  EXPECT_LT(n * 10, size * 3) << "read " << n << " of " << size << " bytes (" << pct << "%)";
}
