// Session::images: docker's `images` filters (dangling, label, before, since),
// --platform, and the intermediate images of a legacy save (images -a), on the
// multi-image fixture; parse_image_filters' usage errors.
#include <unordered_map>

#include "archive_builder.h"
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

namespace {
// A legacy save whose one image's top layer sits on `chain` (bottom first) of
// intermediate records, each `<id>/json` naming its parent, each with the same
// small layer.tar; plus `extra` records given as (id, parent).
std::vector<uint8_t> legacy_with_chain(const std::vector<std::string>& chain,
                                       const std::vector<std::pair<std::string, std::string>>& extra,
                                       std::string* layer_out) {
  TImage img{{"test/deep:1"}, {TLayer{{F("top.txt", "top")}}}};
  BuiltLayer top = build_layer(img.layers[0]);
  std::string config = build_config(img, {top});
  std::string chex = sha256_hex(config);
  std::string layer(100, 'x');  // only its size is read: intermediate layers are not indexed
  *layer_out = layer;
  std::vector<TEntry> m;
  auto record = [&](const std::string& id, const std::string& parent, const std::string& tar) {
    nlohmann::json j = {{"id", id}};
    if (!parent.empty()) j["parent"] = parent;
    m.push_back(F(id + "/json", j.dump()));
    m.push_back(F(id + "/layer.tar", tar));
  };
  for (size_t k = 0; k < chain.size(); ++k) record(chain[k], k ? chain[k - 1] : "", layer);
  for (auto& [id, parent] : extra) record(id, parent, layer);
  std::string tid = sha256_hex("top");
  record(tid, chain.empty() ? "" : chain.back(), top.stored);
  m.push_back(F(chex + ".json", config));
  m.push_back(F("manifest.json", nlohmann::json::array({{{"Config", chex + ".json"},
                                                         {"RepoTags", {"test/deep:1"}},
                                                         {"Layers", {tid + "/layer.tar"}}}})
                                     .dump()));
  return to_bytes(make_tar(m));
}
}  // namespace

// images -a on a deep legacy chain: each record's size is its layer plus every
// one below, computed once per record (a walk per record was quadratic).
TEST(ImagesAll, DeepLegacyChainIsLinear) {
  const size_t n = 10000;
  std::vector<std::string> chain;
  for (size_t k = 0; k < n; ++k) chain.push_back(sha256_hex("chain " + std::to_string(k)));
  std::string layer;
  auto bytes = legacy_with_chain(chain, {}, &layer);
  auto s = Session::open(make_memory_source(bytes, "deep.tar"));
  ASSERT_TRUE(s.ok()) << s.error().to_string();
  ImagesQuery q;
  q.all = true;
  // No timing assertion (these machines are noisy: 2.5 s under ASan in CI);
  // a walk per record at this depth would be 5·10^7 steps; the sizes below check the sums.
  auto r = s.value()->images(q);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  std::unordered_map<std::string, size_t> depth;
  for (size_t k = 0; k < n; ++k) depth[chain[k]] = k + 1;
  size_t inter = 0;
  for (auto& row : r.value()) {
    if (!row.intermediate) continue;
    ++inter;
    ASSERT_TRUE(depth.count(row.v1_id)) << row.v1_id;
    EXPECT_EQ(row.size, static_cast<int64_t>(depth[row.v1_id] * layer.size())) << row.v1_id;
  }
  EXPECT_EQ(inter, n);
}

// A parent loop ends at the first repeat: each record on the loop counts the
// loop once; a record above the loop adds its own layer.
TEST(ImagesAll, ParentLoopStopsTheSum) {
  std::string a = sha256_hex("a"), b = sha256_hex("b"), c = sha256_hex("c"), d = sha256_hex("d"), e = sha256_hex("e");
  std::string layer;
  // a -> b -> c -> a (a loop), d -> a, e -> e (its own parent).
  auto bytes = legacy_with_chain({}, {{a, b}, {b, c}, {c, a}, {d, a}, {e, e}}, &layer);
  auto s = Session::open(make_memory_source(bytes, "loop.tar"));
  ASSERT_TRUE(s.ok()) << s.error().to_string();
  ImagesQuery q;
  q.all = true;
  auto r = s.value()->images(q);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  std::map<std::string, int64_t> size;
  for (auto& row : r.value())
    if (row.intermediate) size[row.v1_id] = row.size;
  const auto L = static_cast<int64_t>(layer.size());
  EXPECT_EQ(size, (std::map<std::string, int64_t>{{a, 3 * L}, {b, 3 * L}, {c, 3 * L}, {d, 4 * L}, {e, L}}));
}
