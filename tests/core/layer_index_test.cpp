// tree/layer_index: entry headers -> LayerIndex, without tar or libarchive.
#include "test_util.h"
#include "tree/layer_index.h"

namespace {

using namespace layerscope;

RawEntry file(std::string_view path, int64_t size = 1) {
  RawEntry e;
  e.path = path;
  e.type = EntryType::kFile;
  e.mode = 0100644;
  e.size = size;
  return e;
}

TEST(LayerIndex, EntriesMarkersAndCounts) {
  PathTable paths;
  LayerIndex idx;
  uint64_t budget = 100;
  Limits lim;
  LayerIndexer ix(paths, &idx, &budget, lim);
  RawEntry root;
  root.path = "./";
  root.type = EntryType::kDir;
  ASSERT_TRUE(ix.add(root).ok());
  ASSERT_TRUE(ix.add(file("./etc/passwd", 12)).ok());
  ASSERT_TRUE(ix.add(file("etc/.wh.shadow")).ok());
  ASSERT_TRUE(ix.add(file("var/.wh..wh..opq")).ok());
  ASSERT_TRUE(ix.add(file("var/.wh..wh.plnk")).ok());
  ASSERT_TRUE(ix.add(file(".wh..")).ok());
  RawEntry link;
  link.path = "bin/sh";
  link.type = EntryType::kSymlink;
  link.symlink = "busybox";
  ASSERT_TRUE(ix.add(link).ok());
  RawEntry hard;
  hard.path = "etc/pw";
  hard.type = EntryType::kHardlink;
  hard.hardlink = "./etc/passwd";
  ASSERT_TRUE(ix.add(hard).ok());
  EXPECT_EQ(budget, 92u);  // every header costs one, markers too
  ASSERT_EQ(idx.entries.size(), 4u);
  EXPECT_EQ(idx.entries[0].path, kRootPath);
  EXPECT_EQ(paths.path(idx.entries[1].path), "etc/passwd");
  EXPECT_EQ(idx.entries[1].size, 12);
  EXPECT_EQ(idx.strings.at(idx.entries[2].link), "busybox");
  EXPECT_EQ(paths.path(idx.entries[3].link), "etc/passwd");
  ASSERT_EQ(idx.whiteouts.size(), 1u);
  EXPECT_EQ(paths.path(idx.whiteouts[0]), "etc/shadow");
  ASSERT_EQ(idx.opaque_dirs.size(), 1u);
  EXPECT_EQ(paths.path(idx.opaque_dirs[0]), "var");
  EXPECT_EQ(idx.counts.total, 4u);
  EXPECT_EQ(idx.counts.files, 1u);
  EXPECT_EQ(idx.counts.dirs, 1u);
  EXPECT_EQ(idx.counts.symlinks, 1u);
  EXPECT_EQ(idx.counts.hardlinks, 1u);
  EXPECT_EQ(idx.counts.whiteouts, 1u);
  EXPECT_EQ(idx.counts.opaque_dirs, 1u);
}

// An entry over a path limit is skipped with an issue naming it (issue 11: the
// layer keeps its other entries); the archive-wide entry budget is an error.
TEST(LayerIndex, PathLimitSkipsTheEntryBudgetIsAnError) {
  PathTable paths;
  LayerIndex idx;
  Limits lim;
  lim.max_path_bytes = 10;
  uint64_t budget = 1;
  LayerIndexer ix(paths, &idx, &budget, lim);
  ASSERT_TRUE(ix.add(file("a/very/long/path")).ok());
  EXPECT_TRUE(idx.entries.empty());
  ASSERT_EQ(idx.issues.size(), 1u);
  EXPECT_EQ(idx.issues[0].code, "entry-over-limit");
  EXPECT_EQ(idx.issues[0].entry, "a/very/long/path");
  Status st = LayerIndexer(paths, &idx, &budget, Limits{}).add(file("x"));  // budget spent
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, Code::kLimit);
}

}  // namespace
