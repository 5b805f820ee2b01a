// merge_layers on hand-built LayerIndex values (OCI image spec, layer changesets).
#include <map>

#include "test_util.h"

using namespace layerscope;

namespace {

struct LayerBuilder {
  PathTable& pt;
  LayerIndex idx;
  explicit LayerBuilder(PathTable& p) : pt(p) {}
  LayerBuilder& add(const std::string& path, EntryType t, int64_t size = 0) {
    Entry e;
    e.path = pt.intern(path);
    e.type = t;
    e.size = size;
    e.mode = t == EntryType::kDir ? 040755 : 0100644;
    idx.entries.push_back(e);
    return *this;
  }
  LayerBuilder& dir(const std::string& p) { return add(p, EntryType::kDir); }
  LayerBuilder& file(const std::string& p, int64_t size = 1) { return add(p, EntryType::kFile, size); }
  LayerBuilder& symlink(const std::string& p, const std::string& target) {
    add(p, EntryType::kSymlink);
    idx.entries.back().link = static_cast<uint32_t>(idx.strings.size());
    idx.strings.push_back(target);
    return *this;
  }
  LayerBuilder& hardlink(const std::string& p, const std::string& target) {
    add(p, EntryType::kHardlink);
    idx.entries.back().link = pt.intern(target);
    return *this;
  }
  LayerBuilder& whiteout(const std::string& p) {
    idx.whiteouts.push_back(pt.intern(p));
    return *this;
  }
  LayerBuilder& opaque(const std::string& d) {
    idx.opaque_dirs.push_back(pt.intern(d));
    return *this;
  }
};

struct Item {
  int layer;
  bool implicit;
  EntryType type;  // kDir for implicit dirs
  bool operator==(const Item& o) const { return layer == o.layer && implicit == o.implicit && type == o.type; }
};
std::ostream& operator<<(std::ostream& os, const Item& i) {
  return os << "{L" << i.layer << (i.implicit ? " implicit" : "") << " " << entry_type_name(i.type) << "}";
}

using Tree = std::map<std::string, Item>;
using Changes = std::map<std::string, Change>;

Tree tree_of(const PathTable& pt, const std::vector<const LayerIndex*>& layers, const MergedTree& m) {
  Tree t;
  for (auto& it : m.items) {
    EntryType ty = EntryType::kDir;
    if (!it.implicit) {
      EXPECT_GE(it.layer, 0);
      const LayerIndex* li = layers[it.layer];
      EXPECT_NE(li, nullptr);
      EXPECT_LT(it.entry, li->entries.size());
      ty = li->entries[it.entry].type;
      EXPECT_EQ(li->entries[it.entry].path, it.path);
    }
    EXPECT_TRUE(t.emplace(pt.path(it.path), Item{it.layer, it.implicit, ty}).second) << "twice: " << pt.path(it.path);
  }
  return t;
}

Changes changes_of(const PathTable& pt, const ImageChanges& ic, size_t layer) {
  Changes c;
  for (auto& it : ic.changes.at(layer)) {
    EXPECT_EQ(it.layer, static_cast<int>(layer));
    EXPECT_TRUE(c.emplace(pt.path(it.path), it.change).second) << "twice: " << pt.path(it.path);
  }
  return c;
}

constexpr auto F = EntryType::kFile;
constexpr auto D = EntryType::kDir;
constexpr auto A = Change::kAdded;
constexpr auto M = Change::kModified;
constexpr auto X = Change::kDeleted;

}  // namespace

TEST(Merge, WhiteoutDeletesSubtree) {
  PathTable pt;
  LayerBuilder l0(pt), l1(pt);
  l0.dir("a").dir("a/b").file("a/b/c").dir("a/b/d").file("a/b/d/e").file("a/keep").file("ab");
  l1.whiteout("a/b");
  std::vector<const LayerIndex*> ls{&l0.idx, &l1.idx};
  ImageChanges ic;
  auto m = merge_layers(pt, ls, 1, &ic);
  EXPECT_EQ(tree_of(pt, ls, m), (Tree{{"a", {0, false, D}}, {"a/keep", {0, false, F}}, {"ab", {0, false, F}}}));
  EXPECT_EQ(changes_of(pt, ic, 1), (Changes{{"a/b", X}, {"a/b/c", X}, {"a/b/d", X}, {"a/b/d/e", X}}));
  EXPECT_EQ(changes_of(pt, ic, 0).size(), 7u);
}

TEST(Merge, OpaqueHidesLowerContentKeepsOwnEntries) {
  PathTable pt;
  LayerBuilder l0(pt), l1(pt);
  l0.dir("a").file("a/old").dir("a/sub").file("a/sub/x").file("a/same").file("other");
  // The layer's own entries are listed before the marker is known: the opaque
  // set is applied first regardless.
  l1.file("a/new").file("a/same").opaque("a");
  std::vector<const LayerIndex*> ls{&l0.idx, &l1.idx};
  ImageChanges ic;
  auto m = merge_layers(pt, ls, 1, &ic);
  EXPECT_EQ(tree_of(pt, ls, m), (Tree{{"a", {0, false, D}},
                                      {"a/new", {1, false, F}},
                                      {"a/same", {1, false, F}},
                                      {"other", {0, false, F}}}));
  EXPECT_EQ(changes_of(pt, ic, 1),
            (Changes{{"a/new", A}, {"a/same", M}, {"a/old", X}, {"a/sub", X}, {"a/sub/x", X}}));
}

TEST(Merge, OpaqueDirRecreatedWithOwnSubdir) {
  PathTable pt;
  LayerBuilder l0(pt), l1(pt);
  l0.dir("a").dir("a/x").file("a/x/old");
  l1.opaque("a").dir("a").dir("a/x").file("a/x/new");
  std::vector<const LayerIndex*> ls{&l0.idx, &l1.idx};
  ImageChanges ic;
  auto m = merge_layers(pt, ls, 1, &ic);
  EXPECT_EQ(tree_of(pt, ls, m), (Tree{{"a", {1, false, D}}, {"a/x", {1, false, D}}, {"a/x/new", {1, false, F}}}));
  EXPECT_EQ(changes_of(pt, ic, 1), (Changes{{"a", M}, {"a/x", M}, {"a/x/old", X}, {"a/x/new", A}}));
}

TEST(Merge, FileReplacingDirectoryHidesItsChildren) {
  PathTable pt;
  LayerBuilder l0(pt), l1(pt), l2(pt);
  l0.dir("d").file("d/x").dir("d/y").file("d/y/z");
  l1.file("d");
  l2.dir("e");
  std::vector<const LayerIndex*> ls{&l0.idx, &l1.idx, &l2.idx};
  ImageChanges ic;
  auto m = merge_layers(pt, ls, 2, &ic);
  EXPECT_EQ(tree_of(pt, ls, m), (Tree{{"d", {1, false, F}}, {"e", {2, false, D}}}));
  EXPECT_EQ(changes_of(pt, ic, 1), (Changes{{"d", M}, {"d/x", X}, {"d/y", X}, {"d/y/z", X}}));
  // A symlink replacing a directory likewise.
  PathTable pt2;
  LayerBuilder k0(pt2), k1(pt2);
  k0.dir("lib").file("lib/a.so");
  k1.symlink("lib", "usr/lib");
  std::vector<const LayerIndex*> ks{&k0.idx, &k1.idx};
  auto m2 = merge_layers(pt2, ks, 1, nullptr);
  EXPECT_EQ(tree_of(pt2, ks, m2), (Tree{{"lib", {1, false, EntryType::kSymlink}}}));
}

TEST(Merge, ImplicitParentDirectories) {
  PathTable pt;
  LayerBuilder l0(pt), l1(pt);
  l0.file("p/q/r.txt");
  l1.file("p/q/s.txt").file("t/u");
  std::vector<const LayerIndex*> ls{&l0.idx, &l1.idx};
  ImageChanges ic;
  auto m = merge_layers(pt, ls, 1, &ic);
  EXPECT_EQ(tree_of(pt, ls, m), (Tree{{"p", {0, true, D}},
                                      {"p/q", {0, true, D}},
                                      {"p/q/r.txt", {0, false, F}},
                                      {"p/q/s.txt", {1, false, F}},
                                      {"t", {1, true, D}},
                                      {"t/u", {1, false, F}}}));
  EXPECT_EQ(changes_of(pt, ic, 0), (Changes{{"p", A}, {"p/q", A}, {"p/q/r.txt", A}}));
  EXPECT_EQ(changes_of(pt, ic, 1), (Changes{{"p/q/s.txt", A}, {"t", A}, {"t/u", A}}));
  for (auto& it : ic.changes[0])
    if (pt.path(it.path) != "p/q/r.txt") EXPECT_TRUE(it.implicit) << pt.path(it.path);
  // An explicit entry written later makes the directory explicit.
  LayerBuilder l2(pt);
  l2.dir("p");
  std::vector<const LayerIndex*> ls2{&l0.idx, &l1.idx, &l2.idx};
  ImageChanges ic2;
  auto m2 = merge_layers(pt, ls2, 2, &ic2);
  EXPECT_EQ(tree_of(pt, ls2, m2).at("p"), (Item{2, false, D}));
  EXPECT_EQ(changes_of(pt, ic2, 2), (Changes{{"p", M}}));
}

TEST(Merge, AddedModifiedDeleted) {
  PathTable pt;
  LayerBuilder l0(pt), l1(pt);
  l0.dir("a").file("a/f", 10).file("a/g", 20);
  l1.file("a/f", 11).whiteout("a/g").file("a/h", 5).hardlink("a/h2", "a/h").symlink("a/s", "h");
  std::vector<const LayerIndex*> ls{&l0.idx, &l1.idx};
  ImageChanges ic;
  auto m = merge_layers(pt, ls, 1, &ic);
  EXPECT_EQ(tree_of(pt, ls, m), (Tree{{"a", {0, false, D}},
                                      {"a/f", {1, false, F}},
                                      {"a/h", {1, false, F}},
                                      {"a/h2", {1, false, EntryType::kHardlink}},
                                      {"a/s", {1, false, EntryType::kSymlink}}}));
  EXPECT_EQ(changes_of(pt, ic, 1), (Changes{{"a/f", M}, {"a/g", X}, {"a/h", A}, {"a/h2", A}, {"a/s", A}}));
}

TEST(Merge, WhiteoutOfAbsentPathChangesNothing) {
  PathTable pt;
  LayerBuilder l0(pt), l1(pt);
  l0.file("x");
  l1.whiteout("never-existed").whiteout("x/below-a-file");
  std::vector<const LayerIndex*> ls{&l0.idx, &l1.idx};
  ImageChanges ic;
  auto m = merge_layers(pt, ls, 1, &ic);
  EXPECT_EQ(tree_of(pt, ls, m), (Tree{{"x", {0, false, F}}}));
  EXPECT_TRUE(changes_of(pt, ic, 1).empty());
}

TEST(Merge, WhiteoutAndReaddInOneLayerIsAModification) {
  PathTable pt;
  LayerBuilder l0(pt), l1(pt);
  l0.dir("a").file("a/f").file("a/f2");
  l1.whiteout("a/f").file("a/f");
  std::vector<const LayerIndex*> ls{&l0.idx, &l1.idx};
  ImageChanges ic;
  auto m = merge_layers(pt, ls, 1, &ic);
  EXPECT_EQ(tree_of(pt, ls, m).at("a/f"), (Item{1, false, F}));
  EXPECT_EQ(changes_of(pt, ic, 1), (Changes{{"a/f", M}}));
}

TEST(Merge, WhiteoutOnlyHidesLowerLayersNotItsOwnLaterLayers) {
  PathTable pt;
  LayerBuilder l0(pt), l1(pt), l2(pt);
  l0.file("f");
  l1.whiteout("f");
  l2.file("f");
  std::vector<const LayerIndex*> ls{&l0.idx, &l1.idx, &l2.idx};
  ImageChanges ic;
  auto m = merge_layers(pt, ls, 2, &ic);
  EXPECT_EQ(tree_of(pt, ls, m), (Tree{{"f", {2, false, F}}}));
  EXPECT_EQ(changes_of(pt, ic, 1), (Changes{{"f", X}}));
  EXPECT_EQ(changes_of(pt, ic, 2), (Changes{{"f", A}}));
}

TEST(Merge, UptoAndAbsentLayers) {
  PathTable pt;
  LayerBuilder l0(pt), l2(pt);
  l0.file("a").file("b");
  l2.whiteout("a").file("c");
  std::vector<const LayerIndex*> ls{&l0.idx, nullptr, &l2.idx};
  EXPECT_EQ(tree_of(pt, ls, merge_layers(pt, ls, 0)), (Tree{{"a", {0, false, F}}, {"b", {0, false, F}}}));
  EXPECT_EQ(tree_of(pt, ls, merge_layers(pt, ls, 1)), (Tree{{"a", {0, false, F}}, {"b", {0, false, F}}}));
  ImageChanges ic;
  auto m = merge_layers(pt, ls, 2, &ic);
  EXPECT_EQ(tree_of(pt, ls, m), (Tree{{"b", {0, false, F}}, {"c", {2, false, F}}}));
  ASSERT_EQ(ic.changes.size(), 3u);
  EXPECT_TRUE(ic.changes[1].empty()) << "an absent layer is applied as empty";
}

TEST(Merge, RootEntriesAreIgnored) {
  PathTable pt;
  LayerBuilder l0(pt);
  Entry root;
  root.path = kRootPath;
  root.type = EntryType::kDir;
  l0.idx.entries.push_back(root);
  l0.file("x");
  std::vector<const LayerIndex*> ls{&l0.idx};
  ImageChanges ic;
  auto m = merge_layers(pt, ls, 0, &ic);
  EXPECT_EQ(tree_of(pt, ls, m), (Tree{{"x", {0, false, F}}}));
}

// Items come parents first, siblings in name-byte order, deterministically.
TEST(Merge, OrderIsParentsFirstSiblingsByBytes) {
  PathTable pt;
  LayerBuilder l0(pt);
  // Interned in an order unrelated to the expected one.
  l0.file("b/z").file("a-c").file("a/b").file("B").file(std::string("\xff")).file("a/a").dir("a").file("a.txt");
  std::vector<const LayerIndex*> ls{&l0.idx};
  auto m = merge_layers(pt, ls, 0);
  std::vector<std::string> got;
  for (auto& it : m.items) got.push_back(pt.path(it.path));
  ASSERT_EQ(got.size(), 9u);  // b b/z a-c a a/a a/b B \xff a.txt
  std::map<std::string, size_t> pos;
  for (size_t i = 0; i < got.size(); ++i) pos[got[i]] = i;
  for (auto& it : m.items) {
    PathId p = pt.parent(it.path);
    if (p != kRootPath) EXPECT_LT(pos[pt.path(p)], pos[pt.path(it.path)]) << "parent after child";
  }
  // Siblings (same parent) ascend by name bytes.
  for (size_t i = 0; i < m.items.size(); ++i)
    for (size_t j = i + 1; j < m.items.size(); ++j)
      if (pt.parent(m.items[i].path) == pt.parent(m.items[j].path))
        EXPECT_LT(pt.name(m.items[i].path), pt.name(m.items[j].path));
  // Same input, same output.
  auto m2 = merge_layers(pt, ls, 0);
  ASSERT_EQ(m2.items.size(), m.items.size());
  for (size_t i = 0; i < m.items.size(); ++i) EXPECT_EQ(m.items[i].path, m2.items[i].path);
}
