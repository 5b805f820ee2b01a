// Session::images: docker's `images` filters (dangling, label, before, since),
// --platform, and the intermediate images of a legacy save (images -a), on the
// multi-image fixture; parse_image_filters' usage errors.
#include "test_util.h"

using namespace layerscope;
using namespace lstest;

namespace {

class ImagesMulti : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string name = "docker20-save-multi-2images-3tags";
    ASSERT_TRUE(fs::exists(fixture_tar(name))) << fixture_tar(name);
    truth_ = load_truth(name);
    s_ = open_session(fixture_tar(name));
    ASSERT_TRUE(s_);
    for (auto& ti : truth_.at("images"))
      (truth_tags(ti).count("fixture/tiny:2") ? tiny_ : features_) = ti;
  }
  // The config digests `images` keeps for these filters.
  std::set<std::string> ids(const std::vector<std::string>& filters, bool all = false) {
    auto f = parse_image_filters(filters);
    EXPECT_TRUE(f.ok());
    ImagesQuery q;
    q.filters = f.value();
    q.all = all;
    auto r = s_->images(q);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().to_string());
    std::set<std::string> out;
    if (r.ok())
      for (auto& i : r.value()) out.insert(i.id);
    return out;
  }
  std::string id(const json& ti) { return ti.at("config_digest").get<std::string>(); }
  json truth_, tiny_, features_;
  std::unique_ptr<Session> s_;
};

}  // namespace

TEST_F(ImagesMulti, RowsAreTheImages) {
  auto r = s_->images({});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r.value().size(), 2u);
  for (auto& row : r.value()) {
    const json& ti = row.id == id(tiny_) ? tiny_ : features_;
    EXPECT_EQ(row.id, id(ti));
    EXPECT_FALSE(row.intermediate);
    EXPECT_EQ(std::set<std::string>(row.tags.begin(), row.tags.end()), truth_tags(ti));
    EXPECT_EQ(row.created, ti.at("created").get<std::string>());
    int64_t size = 0;
    for (auto& l : ti.at("layers")) size += l.at("uncompressed_size").get<int64_t>();
    EXPECT_EQ(row.size, size);
  }
}

TEST_F(ImagesMulti, Filters) {
  std::set<std::string> both{id(tiny_), id(features_)};
  EXPECT_EQ(ids({}), both);
  EXPECT_EQ(ids({"dangling=false"}), both);
  EXPECT_TRUE(ids({"dangling=true"}).empty());
  std::string title = features_.at("labels").at("org.opencontainers.image.title").get<std::string>();
  EXPECT_EQ(ids({"label=org.opencontainers.image.title=" + title}), std::set<std::string>{id(features_)});
  EXPECT_TRUE(ids({"label=no.such.label"}).empty());
  bool tiny_newer = tiny_.at("created").get<std::string>() > features_.at("created").get<std::string>();
  std::set<std::string> newer{id(tiny_newer ? tiny_ : features_)}, older{id(tiny_newer ? features_ : tiny_)};
  EXPECT_EQ(ids({"since=" + id(tiny_newer ? features_ : tiny_)}), newer);
  EXPECT_EQ(ids({"before=" + id(tiny_newer ? tiny_ : features_)}), older);
  // All must hold.
  EXPECT_TRUE(ids({"since=" + id(tiny_newer ? features_ : tiny_), "dangling=true"}).empty());
}

TEST_F(ImagesMulti, FilterErrors) {
  for (const char* bad : {"nonsense", "dangling=maybe", "bogus=1"}) {
    auto f = parse_image_filters({bad});
    ASSERT_FALSE(f.ok()) << bad;
    EXPECT_EQ(f.error().code, Code::kInvalidArgument) << bad;
  }
  auto f = parse_image_filters({"before=no/such:image"});
  ASSERT_TRUE(f.ok());
  ImagesQuery q;
  q.filters = f.value();
  auto r = s_->images(q);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Code::kNotFound);
  q.filters.clear();
  q.platform = "linux//x";
  r = s_->images(q);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Code::kInvalidArgument);
}

TEST_F(ImagesMulti, AllAddsTheIntermediateImagesOfTheLegacySave) {
  // The v1 IDs: one directory per layer; the images' tops are their last layers' directories.
  std::set<std::string> dirs, tops;
  for (auto& ti : truth_.at("images")) {
    auto paths = ti.at("layer_paths");
    for (auto& p : paths) dirs.insert(p.get<std::string>().substr(0, 64));
    tops.insert(paths.back().get<std::string>().substr(0, 64));
  }
  ImagesQuery q;
  q.all = true;
  auto r = s_->images(q);
  ASSERT_TRUE(r.ok());
  std::set<std::string> inter;
  for (auto& row : r.value()) {
    if (!row.intermediate) {
      EXPECT_TRUE(tops.count(row.v1_id)) << row.id << " top " << row.v1_id;
      continue;
    }
    EXPECT_EQ(row.index, -1);
    EXPECT_TRUE(row.tags.empty());
    EXPECT_EQ(row.id, "sha256:" + row.v1_id);
    EXPECT_TRUE(row.error.empty()) << row.error;
    EXPECT_GT(row.size, 0);
    EXPECT_TRUE(row.parent.empty() || dirs.count(row.parent)) << row.parent;
    inter.insert(row.v1_id);
  }
  std::set<std::string> want;
  for (auto& d : dirs)
    if (!tops.count(d)) want.insert(d);
  EXPECT_EQ(inter, want);
  EXPECT_EQ(r.value().size(), 2 + want.size());
  // Untagged: dangling=true keeps exactly them.
  std::set<std::string> dangling = ids({"dangling=true"}, true);
  EXPECT_EQ(dangling.size(), want.size());
}
