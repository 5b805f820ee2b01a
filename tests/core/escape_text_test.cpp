// escape_text() copies runs of printable ASCII at once: its output for random
// mixes of ASCII, controls, DEL, valid and invalid UTF-8 and C1 controls, at
// every cut, against a table of what each piece becomes (one unit per kept
// character or escaped byte; the cut falls between units and adds "…").
#include <random>
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
