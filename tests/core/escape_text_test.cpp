// escape_text() copies runs of printable ASCII at once: the same output as the
// byte-at-a-time definition (kept here as the reference) for random mixes of
// ASCII, controls, DEL, valid and invalid UTF-8 and C1 controls, at every cut.
#include <random>
#include <string>

#include <gtest/gtest.h>

#include "layerscope/text.h"

namespace {

std::string reference(std::string_view s, size_t max) {
  std::string out;
  size_t i = 0;
  for (; i < s.size() && out.size() < max; ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    bool ok = len > 0 && c >= 0x20 && c != 0x7f && i + len <= s.size() && !(len == 2 && c < 0xc2);
    for (size_t k = 1; ok && k < len; ++k) ok = (static_cast<unsigned char>(s[i + k]) >> 6) == 2;
    unsigned char c1 = ok && len > 1 ? static_cast<unsigned char>(s[i + 1]) : 0;
    if (ok && len == 2 && c == 0xc2 && c1 < 0xa0) ok = false;
    if (ok && len == 3 && ((c == 0xe0 && c1 < 0xa0) || (c == 0xed && c1 >= 0xa0))) ok = false;
    if (ok && len == 4 && (c > 0xf4 || (c == 0xf0 && c1 < 0x90) || (c == 0xf4 && c1 >= 0x90))) ok = false;
    if (!ok) {
      static const char* hx = "0123456789abcdef";
      out += "\\x";
      out += hx[c >> 4];
      out += hx[c & 15];
      continue;
    }
    out.append(s.substr(i, len));
    i += len - 1;
  }
  if (i < s.size()) out += "\xe2\x80\xa6";
  return out;
}

TEST(EscapeText, SameAsTheByteAtATimeDefinition) {
  const std::string pieces[] = {"a", "usr/lib/", " ", "~", "\x7f", "\x01", "\n", "\xc2\x85", "\xc2\xa0", "\xc3\xa9",
                                "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xe0\x80\x80", "\xed\xa0\x80", "\xff", "\xc3",
                                "\xf4\x90\x80\x80"};
  std::mt19937 rng(7);
  for (int round = 0; round < 3000; ++round) {
    std::string s;
    int n = static_cast<int>(rng() % 24);
    for (int k = 0; k < n; ++k) s += pieces[rng() % std::size(pieces)];
    for (size_t max : {size_t{0}, size_t{1}, size_t{3}, size_t{7}, size_t{20}, std::string_view::npos})
      ASSERT_EQ(layerscope::escape_text(s, max), reference(s, max)) << "round " << round << " max " << max;
  }
  EXPECT_EQ(layerscope::escape_text("plain/path"), "plain/path");
  EXPECT_EQ(layerscope::escape_text("a\x1b[31m"), "a\\x1b[31m");
}

}  // namespace
