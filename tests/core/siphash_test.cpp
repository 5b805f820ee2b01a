// SipHash-2-4, 128-bit output, against the reference implementation's vectors
// (github.com/veorq/SipHash vectors.h, vectors_sip128: key 00..0f, message
// 00..i-1), whole and fed in pieces.
#include <gtest/gtest.h>

#include <string>

#include "base/siphash.h"
#include "base/sha256.h"

using namespace layerscope;

namespace {

std::array<uint8_t, 16> key() {
  std::array<uint8_t, 16> k{};
  for (int i = 0; i < 16; ++i) k[i] = static_cast<uint8_t>(i);
  return k;
}

std::string sip(size_t len, size_t piece) {
  uint8_t msg[64];
  for (size_t i = 0; i < sizeof msg; ++i) msg[i] = static_cast<uint8_t>(i);
  SipHash128 h(key());
  for (size_t at = 0; at < len; at += piece) h.update(msg + at, std::min(piece, len - at));
  auto d = h.finish();
  return to_hex(d.data(), d.size());
}

}  // namespace

TEST(SipHash128, ReferenceVectors) {
  const std::pair<size_t, const char*> vectors[] = {
      {0, "a3817f04ba25a8e66df67214c7550293"},  {1, "da87c1d86b99af44347659119b22fc45"},
      {7, "a1f1ebbed8dbc153c0b84aa61ff08239"},  {8, "3b62a9ba6258f5610f83e264f31497b4"},
      {9, "264499060ad9baabc47f8b02bb6d71ed"},  {15, "5493e99933b0a8117e08ec0f97cfc3d9"},
      {16, "6ee2a4ca67b054bbfd3315bf85230577"}, {63, "5150d1772f50834a503e069a973fbd7c"},
  };
  for (auto [len, want] : vectors) {
    SCOPED_TRACE(len);
    EXPECT_EQ(sip(len, 64), want);
    EXPECT_EQ(sip(len, 1), want);
    EXPECT_EQ(sip(len, 3), want);
    EXPECT_EQ(sip(len, 8), want);
  }
}

TEST(SipHash128, KeyOfTheProcessIsDrawnOnce) {
  const auto& a = process_fingerprint_key();
  const auto& b = process_fingerprint_key();
  EXPECT_EQ(&a, &b);
  EXPECT_NE(a, (std::array<uint8_t, 16>{}));
}
