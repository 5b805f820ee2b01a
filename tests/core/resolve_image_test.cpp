// Session::resolve_image: tags (repo means repo:latest), ID prefixes, indexes,
// ambiguity and unknown references — on the multi-image fixture and on
// archives built in memory.
#include "archive_builder.h"
#include "test_util.h"

using namespace layerscope;
using namespace lstest;

namespace {

class ResolveMulti : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string name = "docker20-save-multi-2images-3tags";
    ASSERT_TRUE(fs::exists(fixture_tar(name))) << fixture_tar(name);
    truth_ = load_truth(name);
    s_ = open_session(fixture_tar(name));
    ASSERT_TRUE(s_);
    for (auto& ti : truth_.at("images")) {
      auto tags = truth_tags(ti);
      int im = find_image(s_->archive(), ti.at("config_digest").get<std::string>());
      ASSERT_GE(im, 0);
      if (tags.count("fixture/tiny:2")) {
        tiny_ = im;
        tiny_id_ = ti.at("config_digest").get<std::string>();
      } else {
        features_ = im;
        features_id_ = ti.at("config_digest").get<std::string>();
        ASSERT_TRUE(tags.count("fixture/features:1.0"));
        ASSERT_TRUE(tags.count("fixture/features:latest"));
      }
    }
    ASSERT_GE(tiny_, 0);
    ASSERT_GE(features_, 0);
  }
  int ok(const std::string& ref) {
    auto r = s_->resolve_image(ref);
    EXPECT_TRUE(r.ok()) << "'" << ref << "': " << (r.ok() ? "" : r.error().to_string());
    return r.ok() ? r.value() : -100;
  }
  Error err(const std::string& ref) {
    auto r = s_->resolve_image(ref);
    EXPECT_FALSE(r.ok()) << "'" << ref << "' resolved to " << (r.ok() ? r.value() : -1);
    return r.ok() ? Error{} : r.error();
  }
  json truth_;
  std::unique_ptr<Session> s_;
  int tiny_ = -1, features_ = -1;
  std::string tiny_id_, features_id_;
};

}  // namespace

TEST_F(ResolveMulti, ByTag) {
  EXPECT_EQ(ok("fixture/features:1.0"), features_);
  EXPECT_EQ(ok("fixture/features:latest"), features_);
  EXPECT_EQ(ok("fixture/tiny:2"), tiny_);
  // Docker's reference rules: the default registry prefix is optional.
  EXPECT_EQ(ok("docker.io/fixture/features:1.0"), features_);
}

TEST_F(ResolveMulti, RepoAloneMeansLatest) {
  EXPECT_EQ(ok("fixture/features"), features_);
  Error e = err("fixture/tiny");  // there is no fixture/tiny:latest
  EXPECT_EQ(e.code, Code::kNotFound) << e.to_string();
}

TEST_F(ResolveMulti, ByIdPrefix) {
  EXPECT_EQ(ok(features_id_.substr(7, 12)), features_);
  EXPECT_EQ(ok(tiny_id_.substr(7, 12)), tiny_);
  EXPECT_EQ(ok(tiny_id_), tiny_);
  EXPECT_EQ(ok("sha256:" + features_id_.substr(7, 8)), features_);
  EXPECT_EQ(ok(features_id_.substr(7)), features_);
}

TEST_F(ResolveMulti, ByIndex) {
  EXPECT_EQ(ok("0"), 0);
  EXPECT_EQ(ok("#0"), 0);
  EXPECT_EQ(ok("1"), 1);
  EXPECT_EQ(ok("#1"), 1);
  Error e = err("#2");
  EXPECT_EQ(e.code, Code::kNotFound) << e.to_string();
}

TEST_F(ResolveMulti, EmptyRefIsAmbiguousAndListsChoices) {
  Error e = err("");
  EXPECT_EQ(e.code, Code::kAmbiguous) << e.to_string();
  std::string all = e.message + " " + e.where;
  EXPECT_NE(all.find("fixture/tiny:2"), std::string::npos) << all;
  EXPECT_NE(all.find("fixture/features:1.0"), std::string::npos) << all;
}

TEST_F(ResolveMulti, UnknownIsNotFoundAndListsChoices) {
  for (std::string ref : {"nope:1", "fixture/features:2.0", "ffffffffffff", "sha256:ffff"}) {
    Error e = err(ref);
    EXPECT_EQ(e.code, Code::kNotFound) << ref << ": " << e.to_string();
    std::string all = e.message + " " + e.where;
    EXPECT_NE(all.find("fixture/tiny:2"), std::string::npos) << ref << ": " << all;
  }
}

TEST(ResolveSingle, EmptyRefPicksTheOnlyImage) {
  for (auto& n : fixture_names()) {
    json t = load_truth(n);
    if (t.at("images").size() != 1) continue;
    auto s = open_session(fixture_tar(n));
    ASSERT_TRUE(s);
    auto r = s->resolve_image("");
    ASSERT_TRUE(r.ok()) << n << ": " << r.error().to_string();
    EXPECT_EQ(r.value(), 0);
    // Each truth tag resolves to it, and so does the manifest digest when known.
    for (auto& tag : truth_tags(t.at("images")[0])) {
      auto rt = s->resolve_image(tag);
      EXPECT_TRUE(rt.ok() && rt.value() == 0) << n << ": " << tag;
    }
    if (t.at("images")[0].contains("manifest_digest") && t.at("images")[0].at("manifest_digest").is_string()) {
      std::string md = t.at("images")[0].at("manifest_digest").get<std::string>();
      auto rm = s->resolve_image(md.substr(7, 12));
      EXPECT_TRUE(rm.ok() && rm.value() == 0) << n << ": manifest digest prefix " << md.substr(7, 12);
    }
  }
}

TEST(ResolveBuilt, AmbiguousIdPrefix) {
  TImage a{{"amb/a:1"}, {TLayer{{F("a", "a")}}}};
  TImage b{{"amb/b:1"}, {TLayer{{F("b", "b")}}}};
  // Vary b's config until both image IDs share their first hex digit.
  std::string da = config_digest_of(a), db;
  for (int k = 0; k < 1000; ++k) {
    b.config_patch = {{"config", {{"Labels", {{"k", std::to_string(k)}}}}}};
    db = config_digest_of(b);
    if (db[7] == da[7] && db != da) break;
  }
  ASSERT_EQ(db[7], da[7]);
  auto src = make_memory_source(build_docker_legacy({a, b}), "amb.tar");
  auto s = Session::open(src);
  ASSERT_TRUE(s.ok()) << s.error().to_string();
  auto r = s.value()->resolve_image(da.substr(7, 1));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Code::kAmbiguous) << r.error().to_string();
  std::string all = r.error().message + " " + r.error().where;
  EXPECT_NE(all.find("amb/a:1"), std::string::npos) << all;
  EXPECT_NE(all.find("amb/b:1"), std::string::npos) << all;
  // Once the prefix is long enough to tell them apart, it resolves.
  size_t n = 1;
  while (da.substr(7, n) == db.substr(7, n)) ++n;
  auto ra = s.value()->resolve_image(da.substr(7, n));
  ASSERT_TRUE(ra.ok()) << ra.error().to_string();
  EXPECT_EQ(s.value()->archive().images[ra.value()].config_digest, da);
}
