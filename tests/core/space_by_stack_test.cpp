// Work done once per distinct layer stack or blob, not once per image: the
// space figures (SpaceByStack, used by inspect and inspect --json) equal the
// uncached image_space() of every image and are one computation per stack; the
// per-layer arrays of inspect --json (whiteouts, opaque_dirs, hardlinks) and the
// change counts are those of the layers this test writes, for every image that
// shares them.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "archive_builder.h"
#include "layerscope/analysis.h"
#include "layerscope/session.h"
#include "test_util.h"

using namespace layerscope;
using namespace lstest;
using json = nlohmann::json;

namespace {

// Layer 0: a 1000-byte file, a 100-byte file, opt/x. Layer 1 (images 0 and 1):
// overwrites the big file with 10 bytes, whites out etc/a, makes opt opaque.
// Layer 2 (image 2): a 50-byte file and a hard link to it.
std::vector<TImage> images() {
  TLayer base{{D("usr"), F("usr/big", std::string(1000, 'b')), D("etc"), F("etc/a", std::string(100, 'a')), D("opt"),
               F("opt/x", "y")}};
  TLayer upper{{F("usr/big", std::string(10, 'c')), F("etc/.wh.a"), D("opt"), F("opt/.wh..wh..opq")}};
  TLayer other{{D("tmp"), F("tmp/other", std::string(50, 'o')), H("tmp/other-link", "tmp/other")}};
  return {TImage{{"t/a:1"}, {base, upper}}, TImage{{"t/a:2"}, {base, upper}}, TImage{{"t/c:1"}, {base, other}}};
}

std::unique_ptr<Session> open_images() {
  auto s = Session::open(make_memory_source(build_docker_legacy(images()), "stacks.tar"));
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
  return s.ok() ? std::move(s.value()) : nullptr;
}

json rows(const std::vector<SpaceRow>& v) {
  json a = json::array();
  for (auto& r : v) a.push_back({r.path, r.bytes, r.layer, r.killed_by, r.how});
  return a;
}

json figures(const SpaceFigures& f) {
  json layers = json::array();
  for (auto& l : f.layers) layers.push_back({l.layer, l.bytes_added, l.bytes_made_dead, l.bytes_killed});
  return {f.stored_bytes, f.wasted_bytes, f.deleted_shipped_bytes, f.user_stored_bytes, f.user_wasted_bytes,
          f.efficiency, f.user_wasted_percent, layers, rows(f.top_wasted), rows(f.biggest_files),
          rows(f.biggest_dirs)};
}

TEST(SpaceByStack, EqualsImageSpaceAndIsComputedOncePerStack) {
  auto s = open_images();
  ASSERT_TRUE(s);
  ASSERT_EQ(s->archive().images.size(), 3u);
  EXPECT_EQ(layer_stack(s->archive().images[0]), layer_stack(s->archive().images[1]));
  EXPECT_NE(layer_stack(s->archive().images[0]), layer_stack(s->archive().images[2]));
  for (size_t top : {size_t{1}, kSpaceTop}) {
    SpaceByStack cache(top);
    for (int i = 0; i < 3; ++i) {
      auto fresh = image_space(*s, i, top);
      ASSERT_TRUE(fresh.ok() && cache.of(*s, i).ok());
      EXPECT_EQ(figures(cache.of(*s, i).value()), figures(fresh.value())) << "image " << i << " top " << top;
    }
    EXPECT_EQ(&cache.of(*s, 0).value(), &cache.of(*s, 1).value());  // one computation for the shared stack
    EXPECT_NE(&cache.of(*s, 0).value(), &cache.of(*s, 2).value());
    EXPECT_FALSE(cache.of(*s, 3).ok());
  }
  // The figures themselves, from the sizes written above.
  SpaceByStack spaces;  // the figures are references into it: it outlives them
  const SpaceFigures& a = spaces.of(*s, 1).value();
  EXPECT_EQ(a.stored_bytes, 1000 + 100 + 1 + 10);
  EXPECT_EQ(a.wasted_bytes, 1000 + 100 + 1);
  EXPECT_EQ(a.deleted_shipped_bytes, 100 + 1);
  const SpaceFigures& c = spaces.of(*s, 2).value();
  EXPECT_EQ(c.stored_bytes, 1000 + 100 + 1 + 50);
  EXPECT_EQ(c.wasted_bytes, 0);
}

TEST(SpaceByStack, InspectJsonLayerArraysAndChangesPerImage) {
  auto s = open_images();
  ASSERT_TRUE(s);
  json doc = json::parse(s->inspect_json());
  ASSERT_EQ(doc["images"].size(), 3u);
  for (int i : {0, 1}) {
    const json& l1 = doc["images"][i]["layers"][1];
    EXPECT_EQ(l1["whiteouts"], json::array({"etc/a"})) << i;
    EXPECT_EQ(l1["opaque_dirs"], json::array({"opt"})) << i;
    EXPECT_EQ(l1["hardlinks"], json::array()) << i;
    // Layer 1 modifies usr/big and opt (written again, made opaque) and deletes etc/a and opt/x.
    EXPECT_EQ(l1["changes"]["modified"], 2) << i;
    EXPECT_EQ(l1["changes"]["modified_bytes"], 10) << i;
    EXPECT_EQ(l1["changes"]["deleted"], 2) << i;
    EXPECT_EQ(doc["images"][i]["space"]["wasted_bytes"], 1000 + 100 + 1) << i;
  }
  const json& c1 = doc["images"][2]["layers"][1];
  EXPECT_EQ(c1["whiteouts"], json::array());
  EXPECT_EQ(c1["hardlinks"], json::array({{{"path", "tmp/other-link"}, {"target", "tmp/other"}}}));
  EXPECT_EQ(c1["changes"]["added"], 3);  // tmp, tmp/other, tmp/other-link
  EXPECT_EQ(c1["changes"]["added_bytes"], 50);
  for (int i = 0; i < 3; ++i) {
    const json& l0 = doc["images"][i]["layers"][0];
    EXPECT_EQ(l0["whiteouts"], json::array()) << i;
    EXPECT_EQ(l0["changes"]["added"], 6) << i;  // usr, usr/big, etc, etc/a, opt, opt/x
    EXPECT_EQ(l0["changes"]["added_bytes"], 1000 + 100 + 1) << i;
  }
}

}  // namespace
