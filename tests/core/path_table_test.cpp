// PathTable and normalize_path (tree.h): byte-exact interning of path components.
#include <random>
#include <set>

#include "test_util.h"

using namespace layerscope;

namespace {

std::string normed(std::string_view in, bool* nonroot = nullptr) {
  std::string out = "garbage";
  bool r = normalize_path(in, &out);
  if (nonroot) *nonroot = r;
  return out;
}

}  // namespace

TEST(NormalizePath, StripsDotSlashLeadingSlashRepeatsAndTrailing) {
  EXPECT_EQ(normed("a/b/c"), "a/b/c");
  EXPECT_EQ(normed("./a/b"), "a/b");
  EXPECT_EQ(normed("/a/b"), "a/b");
  EXPECT_EQ(normed("a//b///c"), "a/b/c");
  EXPECT_EQ(normed("a/b/"), "a/b");
  EXPECT_EQ(normed("./a/./b/."), "a/b");
  EXPECT_EQ(normed(".//./a"), "a");
  EXPECT_EQ(normed("///a"), "a");
}

TEST(NormalizePath, RootForms) {
  for (std::string_view r : {"", ".", "./", "/", "//", "./.", "././/"}) {
    bool nonroot = true;
    EXPECT_EQ(normed(r, &nonroot), "") << "'" << r << "'";
    EXPECT_FALSE(nonroot) << "'" << r << "'";
  }
  bool nonroot = false;
  normed("a", &nonroot);
  EXPECT_TRUE(nonroot);
}

// ".." is resolved the way containerd places an entry: clamped at the root
// (POSIX: "/.." is "/"), so no path holds a ".." component (issue 11).
TEST(NormalizePath, DotDotResolvedAndClampedAtTheRoot) {
  EXPECT_EQ(normed("a/../b"), "b");
  EXPECT_EQ(normed("../../etc/passwd"), "etc/passwd");
  EXPECT_EQ(normed("./../x"), "x");
  EXPECT_EQ(normed("a/b/../../../escape.txt"), "escape.txt");
  bool nonroot = true;
  EXPECT_EQ(normed("..", &nonroot), "");
  EXPECT_FALSE(nonroot);
  PathFacts f;
  std::string out;
  normalize_path("a/../../x", &out, &f);
  EXPECT_TRUE(f.escapes);
  EXPECT_FALSE(f.absolute);
  normalize_path("/etc/../etc/passwd", &out, &f);
  EXPECT_EQ(out, "etc/passwd");
  EXPECT_TRUE(f.absolute);
  EXPECT_FALSE(f.escapes) << "'..' below the root does not escape";
  // Names that merely start with dots are ordinary names.
  EXPECT_EQ(normed("..a/.b/...") , "..a/.b/...");
}

TEST(NormalizePath, NonUtf8AndOddBytesKeptExactly) {
  std::string raw = std::string("dir\xff\xfe/na\x80me\x01\x7f.txt", 17);
  EXPECT_EQ(normed("./" + raw), raw);
  std::string with_space = " lead/trail /a b";
  EXPECT_EQ(normed(with_space), with_space);
  std::string backslash = "a\\b/c";
  EXPECT_EQ(normed(backslash), backslash);
}

TEST(PathTable, RootIsEmptyPath) {
  PathTable t;
  EXPECT_EQ(t.size(), 1u);
  EXPECT_EQ(t.find(""), kRootPath);
  EXPECT_EQ(t.intern(""), kRootPath);
  EXPECT_EQ(t.path(kRootPath), "");
  EXPECT_EQ(t.depth(kRootPath), 0u);
}

TEST(PathTable, InternFindPathRoundTrip) {
  PathTable t;
  PathId c = t.intern("a/b/c");
  EXPECT_NE(c, kNoPath);
  EXPECT_EQ(t.path(c), "a/b/c");
  EXPECT_EQ(t.name(c), "c");
  EXPECT_EQ(t.depth(c), 3u);
  EXPECT_EQ(t.find("a/b/c"), c);
  EXPECT_EQ(t.intern("a/b/c"), c) << "interning twice gives the same id";
  PathId b = t.find("a/b");
  ASSERT_NE(b, kNoPath) << "parents are interned with the child";
  EXPECT_EQ(t.parent(c), b);
  EXPECT_EQ(t.path(b), "a/b");
  PathId a = t.find("a");
  EXPECT_EQ(t.parent(b), a);
  EXPECT_EQ(t.parent(a), kRootPath);
  EXPECT_EQ(t.size(), 4u);
  EXPECT_EQ(t.find("a/b/d"), kNoPath);
  EXPECT_EQ(t.find("b"), kNoPath);
  EXPECT_EQ(t.find("a/b/c/d"), kNoPath);
  EXPECT_EQ(t.size(), 4u) << "find never interns";
}

TEST(PathTable, ComponentsAreByteExact) {
  PathTable t;
  std::string n1 = std::string("caf\xc3\xa9", 5), n2 = std::string("cafe\xcc\x81", 6);  // NFC vs NFD
  std::string raw = std::string("x\xff\x00y", 4);
  PathId a = t.intern(n1), b = t.intern(n2), c = t.intern("d/" + raw);
  EXPECT_NE(a, b) << "no Unicode normalisation";
  EXPECT_EQ(t.path(a), n1);
  EXPECT_EQ(t.path(b), n2);
  EXPECT_EQ(t.path(c), "d/" + raw);
  EXPECT_EQ(t.find("d/" + raw), c);
  EXPECT_EQ(t.find("d/x"), kNoPath);
  EXPECT_NE(t.intern("A"), t.intern("a")) << "case-sensitive";
  PathId dots = t.intern("x/../y");
  EXPECT_EQ(t.path(dots), "x/../y");
  EXPECT_EQ(t.depth(dots), 3u);
  EXPECT_NE(t.find("y"), dots);
}

TEST(PathTable, ChildrenAndSiblings) {
  PathTable t;
  std::set<std::string> want = {"x", "y", "z", "long-name-" + std::string(300, 'q')};
  for (auto& n : want) t.intern("dir/" + n);
  t.intern("dir/y/deeper");
  std::set<std::string> got;
  PathId dir = t.find("dir");
  for (PathId c = t.first_child(dir); c != kNoPath; c = t.next_sibling(c)) {
    EXPECT_EQ(t.parent(c), dir);
    got.insert(std::string(t.name(c)));
  }
  EXPECT_EQ(got, want);
}

TEST(PathTable, IsAncestorIsStrict) {
  PathTable t;
  PathId a = t.intern("a"), ab = t.intern("a/b"), abc = t.intern("a/b/c"), abx = t.intern("ab/x"),
         d = t.intern("d");
  EXPECT_TRUE(t.is_ancestor(a, ab));
  EXPECT_TRUE(t.is_ancestor(a, abc));
  EXPECT_TRUE(t.is_ancestor(ab, abc));
  EXPECT_TRUE(t.is_ancestor(kRootPath, abc));
  EXPECT_FALSE(t.is_ancestor(a, a)) << "strictly above";
  EXPECT_FALSE(t.is_ancestor(abc, a));
  EXPECT_FALSE(t.is_ancestor(a, abx)) << "'a' is not an ancestor of 'ab/x'";
  EXPECT_FALSE(t.is_ancestor(d, abc));
  EXPECT_FALSE(t.is_ancestor(a, kNoPath));
  EXPECT_FALSE(t.is_ancestor(kNoPath, a));
}

TEST(PathTable, ManyPathsSurviveRehashing) {
  PathTable t;
  std::mt19937 rng(42);
  std::vector<std::string> paths;
  std::vector<PathId> ids;
  for (int i = 0; i < 60000; ++i) {
    std::string p = "d" + std::to_string(rng() % 50) + "/s" + std::to_string(rng() % 100) + "/f" + std::to_string(i);
    paths.push_back(p);
    ids.push_back(t.intern(p));
  }
  for (size_t i = 0; i < paths.size(); ++i) {
    ASSERT_EQ(t.find(paths[i]), ids[i]) << paths[i];
    ASSERT_EQ(t.path(ids[i]), paths[i]);
  }
  std::set<PathId> distinct(ids.begin(), ids.end());
  EXPECT_EQ(distinct.size(), ids.size());
  EXPECT_GT(t.memory_bytes(), 0u);
}
