// escape_text() copies runs of printable ASCII at once: its output for random
// mixes of ASCII, controls, DEL, valid and invalid UTF-8 and C1 controls, at
// every cut, against a table of what each piece becomes (one unit per kept
// character or escaped byte; the cut falls between units and adds "…").
#include <cstdint>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "layerscope/text.h"

namespace {

struct Piece {
  std::string raw;
  std::vector<std::string> units;
};

// No piece starts with a continuation byte, so pieces never join across their boundary.
const std::vector<Piece>& pieces() {
  static const std::vector<Piece> p = {
      {"a", {"a"}},
      {"usr/", {"u", "s", "r", "/"}},
      {" ~", {" ", "~"}},
      {"\x7f", {"\\x7f"}},
      {"\x01", {"\\x01"}},
      {"\n", {"\\x0a"}},
      {"\xc2\x85", {"\\xc2", "\\x85"}},                       // C1 control
      {"\xc2\xa0", {"\xc2\xa0"}},                               // no-break space
      {"\xc3\xa9", {"\xc3\xa9"}},
      {"\xe2\x82\xac", {"\xe2\x82\xac"}},
      {"\xf0\x9f\x98\x80", {"\xf0\x9f\x98\x80"}},
      {"\xe0\x80\x80", {"\\xe0", "\\x80", "\\x80"}},          // overlong
      {"\xed\xa0\x80", {"\\xed", "\\xa0", "\\x80"}},          // surrogate
      {"\xff", {"\\xff"}},
      {"\xc3", {"\\xc3"}},                                       // cut sequence
      {"\xf4\x90\x80\x80", {"\\xf4", "\\x90", "\\x80", "\\x80"}},  // past U+10FFFF
  };
  return p;
}

std::string expected(const std::vector<std::string>& units, size_t max) {
  std::string out;
  size_t k = 0;
  for (; k < units.size() && out.size() < max; ++k) out += units[k];
  if (k < units.size()) out += "\xe2\x80\xa6";
  return out;
}

TEST(EscapeText, EachPieceAsItsTableSaysAtEveryCut) {
  std::mt19937 rng(7);
  for (int round = 0; round < 3000; ++round) {
    std::string s;
    std::vector<std::string> units;
    int n = static_cast<int>(rng() % 24);
    for (int k = 0; k < n; ++k) {
      const Piece& p = pieces()[rng() % pieces().size()];
      s += p.raw;
      units.insert(units.end(), p.units.begin(), p.units.end());
    }
    for (size_t max : {size_t{0}, size_t{1}, size_t{3}, size_t{7}, size_t{20}, std::string_view::npos})
      ASSERT_EQ(layerscope::escape_text(s, max), expected(units, max)) << "round " << round << " max " << max;
  }
  EXPECT_EQ(layerscope::escape_text("plain/path"), "plain/path");
  EXPECT_EQ(layerscope::escape_text("a\x1b[31m"), "a\\x1b[31m");
}

}  // namespace

namespace {

// UTF-8 as RFC 3629 defines it, written the other way round: encode a code point.
std::string encode(uint32_t cp) {
  std::string s;
  if (cp < 0x80) {
    s += static_cast<char>(cp);
  } else if (cp < 0x800) {
    s += static_cast<char>(0xc0 | (cp >> 6));
    s += static_cast<char>(0x80 | (cp & 0x3f));
  } else if (cp < 0x10000) {
    s += static_cast<char>(0xe0 | (cp >> 12));
    s += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    s += static_cast<char>(0x80 | (cp & 0x3f));
  } else {
    s += static_cast<char>(0xf0 | (cp >> 18));
    s += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
    s += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    s += static_cast<char>(0x80 | (cp & 0x3f));
  }
  return s;
}

// What RFC 3629 calls one well-formed sequence, judged by decoding and encoding
// back: the lead byte's pattern and continuation bytes decode to a code point,
// which must be a scalar value (no surrogate, at most U+10FFFF) whose encoding
// is these very bytes (no overlong form).
size_t reference_length(const std::string& s) {
  auto u = [&](size_t k) { return static_cast<uint32_t>(static_cast<unsigned char>(s[k])); };
  size_t n = u(0) < 0x80 ? 1 : u(0) >= 0xc0 && u(0) < 0xe0 ? 2 : u(0) >= 0xe0 && u(0) < 0xf0 ? 3 : u(0) >= 0xf0 && u(0) < 0xf8 ? 4 : 0;
  if (n == 0 || n != s.size()) return 0;
  uint32_t cp = n == 1 ? u(0) : u(0) & (0x7f >> n);
  for (size_t k = 1; k < n; ++k) {
    if ((u(k) & 0xc0) != 0x80) return 0;
    cp = cp << 6 | (u(k) & 0x3f);
  }
  if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) || encode(cp) != s) return 0;
  return n;
}

}  // namespace

// The one judge of valid UTF-8 (escape_text and the JSON documents' strings both
// call it), against reference_length: every one-, two- and three-byte string,
// and every four-byte string whose last byte is one of a set that covers each
// class a last byte can fall in. A string of n bytes is passed whole, so a
// sequence that needs more than n is cut short and must give 0.
TEST(Utf8SequenceLength, AgreesWithDecodingAndEncodingBack) {
  const uint8_t lasts[] = {0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc2, 0xe0, 0xf0, 0xff};
  size_t whole[5] = {0, 0, 0, 0, 0};  // strings of n bytes that are one sequence
  size_t checked = 0;
  // The sequence at s[0]: the one prefix of s that is a sequence (the lead byte
  // fixes the length), or none.
  auto check = [&](const std::string& str) {
    size_t want = 0;
    for (size_t k = 1; k <= str.size() && !want; ++k) want = reference_length(str.substr(0, k));
    if (want == str.size()) ++whole[want];
    ++checked;
    return layerscope::utf8_sequence_length(str, 0) == want;
  };
  std::string s;
  for (uint32_t b0 = 0; b0 < 256; ++b0) {
    s.assign(1, static_cast<char>(b0));
    ASSERT_TRUE(check(s)) << std::hex << b0;
    for (uint32_t b1 = 0; b1 < 256; ++b1) {
      s.assign({static_cast<char>(b0), static_cast<char>(b1)});
      ASSERT_TRUE(check(s)) << std::hex << b0 << ' ' << b1;
      for (uint32_t b2 = 0; b2 < 256; ++b2) {
        s.assign({static_cast<char>(b0), static_cast<char>(b1), static_cast<char>(b2)});
        ASSERT_TRUE(check(s)) << std::hex << b0 << ' ' << b1 << ' ' << b2;
        if (b0 < 0xf0) continue;
        for (uint8_t b3 : lasts) {
          s.push_back(static_cast<char>(b3));
          ASSERT_TRUE(check(s)) << std::hex << b0 << ' ' << b1 << ' ' << b2 << ' ' << unsigned{b3};
          s.pop_back();
        }
      }
    }
  }
  // U+0000-U+007F, U+0080-U+07FF, U+0800-U+FFFF less 2,048 surrogates, and of
  // U+10000-U+10FFFF those whose last byte is one of the six continuation bytes above.
  EXPECT_EQ(whole[1], 128u);
  EXPECT_EQ(whole[2], 1920u);
  EXPECT_EQ(whole[3], 61440u);
  EXPECT_EQ(whole[4], (1u << 20) / 64 * 6);
  EXPECT_EQ(checked, 256u + 256u * 256 + 256u * 256 * 256 + 16u * 256 * 256 * 14);
  // Inside a longer string, the sequence at i is judged on its own bytes only.
  std::string mixed = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\x80z";
  std::vector<size_t> at = {1, 2, 0, 3, 0, 0, 4, 0, 0, 0, 0, 1};
  for (size_t i = 0; i < mixed.size(); ++i) EXPECT_EQ(layerscope::utf8_sequence_length(mixed, i), at[i]) << i;
}
