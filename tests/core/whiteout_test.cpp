// tree/whiteout: the marker rules as pure functions.
#include "test_util.h"
#include "tree/whiteout.h"

namespace {

using namespace layerscope;

TEST(Whiteout, ClassifiesMarkersExactly) {
  EXPECT_EQ(classify_marker("passwd").kind, MarkerKind::kNone);
  EXPECT_EQ(classify_marker(".wh").kind, MarkerKind::kNone);
  EXPECT_EQ(classify_marker("x.wh.y").kind, MarkerKind::kNone);
  auto w = classify_marker(".wh.passwd");
  EXPECT_EQ(w.kind, MarkerKind::kWhiteout);
  EXPECT_EQ(w.target, "passwd");
  EXPECT_EQ(classify_marker(".wh..wh..opq").kind, MarkerKind::kOpaque);
  // Must match exactly: ".wh..wh..opqX" is aufs-style metadata, not an opaque marker.
  EXPECT_EQ(classify_marker(".wh..wh..opqX").kind, MarkerKind::kIgnored);
  EXPECT_EQ(classify_marker(".wh..wh.plnk").kind, MarkerKind::kIgnored);
  for (const char* n : {".wh.", ".wh..", ".wh..."}) EXPECT_EQ(classify_marker(n).kind, MarkerKind::kIgnored) << n;
  auto dots = classify_marker(".wh....");
  EXPECT_EQ(dots.kind, MarkerKind::kWhiteout);
  EXPECT_EQ(dots.target, "...");
}

TEST(Whiteout, WriterMarkerRoundTrips) {
  EXPECT_EQ(whiteout_marker_for("etc"), ".wh.etc");
  const std::string marker = whiteout_marker_for("caf\xe9");  // the result views into it
  auto m = classify_marker(marker);
  EXPECT_EQ(m.kind, MarkerKind::kWhiteout);
  EXPECT_EQ(m.target, "caf\xe9");
  EXPECT_EQ(std::string(kOpaqueMarker), ".wh..wh..opq");
}

}  // namespace
