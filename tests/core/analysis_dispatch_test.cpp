// The dispatcher's `space` and `findings` requests (issue 9) on a real fixture:
// the space object is the one inspect carries, `top` bounds its lists, findings
// is a versioned document whose deleted-but-shipped rows are the deleted dead
// copies of the space figures, --content reads with progress and can be
// cancelled, and bad arguments fail with their place.
#include "layerscope/dispatch.h"

#include "test_util.h"

using namespace layerscope;
using namespace lstest;

namespace {

class AnalysisDispatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto src = open_file_source(fixture_tar("docker20-save-features"));
    ASSERT_TRUE(src.ok());
    DispatchReply r = d_.dispatch({"open", "{}", src.value(), {}});
    ASSERT_TRUE(r.ok) << r.json;
    json v = json::parse(r.json)["value"];
    archive_ = v["archive"].get<int>();
    summary_ = v["summary"];
  }
  json call(std::string_view type, json args, ProgressFn progress = {}) {
    args["archive"] = archive_;
    DispatchReply r = d_.dispatch({type, args.dump(), nullptr, std::move(progress)});
    return json::parse(r.json);
  }
  Dispatcher d_;
  int archive_ = 0;
  json summary_;
};

TEST_F(AnalysisDispatchTest, SpaceIsInspectsObjectAndTopBoundsIt) {
  json r = call("space", {{"image", 0}});
  ASSERT_TRUE(r["ok"].get<bool>()) << r.dump();
  EXPECT_EQ(r["value"]["schema_version"], 1);
  EXPECT_EQ(r["value"]["space"], summary_["images"][0]["space"]);
  r = call("space", {{"image", 0}, {"top", 2}});
  ASSERT_TRUE(r["ok"].get<bool>()) << r.dump();
  EXPECT_EQ(r["value"]["space"]["top_wasted"].size(), 2u);
  EXPECT_EQ(r["value"]["space"]["top_wasted"][0], summary_["images"][0]["space"]["top_wasted"][0]);
  EXPECT_EQ(r["value"]["space"]["wasted_bytes"], summary_["images"][0]["space"]["wasted_bytes"]);
}

TEST_F(AnalysisDispatchTest, FindingsDeletedRowsAreTheDeletedDeadCopies) {
  json r = call("findings", {{"image", 0}});
  ASSERT_TRUE(r["ok"].get<bool>()) << r.dump();
  const json& doc = r["value"];
  EXPECT_EQ(doc["schema_version"], 1);
  EXPECT_FALSE(doc["content"].get<bool>());
  std::set<std::string> deleted, dead;
  for (auto& f : doc["findings"])
    if (f["rule"] == "deleted-but-shipped") deleted.insert(f["path"].get<std::string>());
  for (auto& w : summary_["images"][0]["space"]["top_wasted"])
    if (w["how"] != "overwritten") dead.insert(w["path"].get<std::string>());
  EXPECT_FALSE(deleted.empty());
  EXPECT_EQ(deleted, dead);
}

TEST_F(AnalysisDispatchTest, ContentReadsWithProgressAndCancels) {
  uint64_t ticks = 0;
  json r = call("findings", {{"image", 0}, {"content", true}}, [&](const Progress& p) {
    ++ticks;
    EXPECT_EQ(p.phase, "findings");
    return true;
  });
  ASSERT_TRUE(r["ok"].get<bool>()) << r.dump();
  EXPECT_TRUE(r["value"]["content"].get<bool>());
  EXPECT_GT(ticks, 0u);
  r = call("findings", {{"image", 0}, {"content", true}}, [](const Progress&) { return false; });
  EXPECT_FALSE(r["ok"].get<bool>());
  EXPECT_EQ(r["code"], "cancelled") << r.dump();
}

TEST_F(AnalysisDispatchTest, BadArguments) {
  json r = call("space", {{"image", 7}});
  EXPECT_EQ(r["code"], "invalid-argument") << r.dump();
  r = call("space", {{"image", 0}, {"top", -1}});
  EXPECT_EQ(r["where"], "space.top") << r.dump();
  r = call("findings", {{"image", 0}, {"content", "yes"}});
  EXPECT_EQ(r["where"], "findings.content") << r.dump();
  r = call("findings", {});
  EXPECT_EQ(r["where"], "findings.image") << r.dump();
}

}  // namespace
