// api/json_text's append_text writes what dump(OJson(text(s))) writes, byte for
// byte, for every byte value and random mixes of ASCII, controls, quotes,
// backslashes, DEL, C1 controls, valid and invalid UTF-8; and the listings
// (ls pages, a path's history) written entry by entry are the documents the
// json values made before, on the fixtures and on names no tool should write.
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "api/json_text.h"
#include "archive_builder.h"
#include "layerscope/session.h"
#include "layerscope/text.h"
#include "test_util.h"

namespace {

using namespace layerscope;
using jsontext::OJson;

std::string reference(const std::string& s) { return jsontext::dump(OJson(jsontext::text(s))); }

std::string appended(const std::string& s) {
  std::string out = "x";  // appends, does not replace
  jsontext::append_text(out, s);
  return out.substr(1);
}

TEST(JsonText, AppendTextIsDumpOfTextForEveryByte) {
  for (int b = 0; b < 256; ++b) {
    std::string one(1, static_cast<char>(b));
    EXPECT_EQ(appended(one), reference(one)) << "byte " << b;
    std::string in_text = "a" + one + "b";
    EXPECT_EQ(appended(in_text), reference(in_text)) << "byte " << b;
    for (int c = 0x80; c < 0xc0; ++c) {  // every two-byte sequence with a continuation byte
      std::string two = {static_cast<char>(b), static_cast<char>(c)};
      ASSERT_EQ(appended(two), reference(two)) << "bytes " << b << " " << c;
    }
  }
}

TEST(JsonText, AppendTextIsDumpOfTextForRandomMixes) {
  const std::vector<std::string> pieces = {
      "a", "usr/lib/", " ", "~", "\"", "\\", "\\x41", "/", "\x7f", "\x01", "\x08", "\t", "\n", "\x0b", "\x0c", "\r",
      "\x1f", "\xc2\x80", "\xc2\x85", "\xc2\x9f", "\xc2\xa0", "\xc3\xa9", "\xe2\x80\xa8", "\xe2\x82\xac",
      "\xef\xbf\xbd", "\xef\xbf\xbf", "\xf0\x9f\x98\x80", "\xf4\x8f\xbf\xbf", "\xe0\x80\x80", "\xed\xa0\x80",
      "\xf4\x90\x80\x80", "\xf5\x80\x80\x80", "\xc0\xaf", "\xc1\xbf", "\xff", "\xfe", "\x80", "\xbf", "\xc3", "\xe2\x82",
      "\xf0\x9f\x98", std::string(1, '\0'),
  };
  std::mt19937 rng(20261205);
  std::uniform_int_distribution<size_t> pick(0, pieces.size() - 1), count(0, 24);
  for (int n = 0; n < 50000; ++n) {
    std::string s;
    for (size_t k = count(rng); k > 0; --k) s += pieces[pick(rng)];
    ASSERT_EQ(appended(s), reference(s)) << lstest::hex_of(s, 200);
  }
}

TEST(JsonText, AppendIntIsHowDumpWritesIntegers) {
  for (int64_t v : {int64_t{0}, int64_t{-1}, int64_t{7}, int64_t{-1700000000}, INT64_MAX, INT64_MIN, int64_t{4294967295}}) {
    std::string out;
    jsontext::append_int(out, v);
    EXPECT_EQ(out, OJson(v).dump());
  }
}

TEST(JsonText, OctalModeIsFourOctalDigitsOfThePermissionBits) {
  for (uint32_t m = 0; m < 0200000; ++m) {
    char b[16];
    std::snprintf(b, sizeof b, "%04o", m & 07777);
    ASSERT_EQ(jsontext::octal_mode(m), b) << m;
  }
}

// The listing documents as they were written before (one json value per entry).
OJson entry_value(const ListedEntry& e) {
  OJson x;
  x["path"] = jsontext::text(e.path);
  x["type"] = e.change == Change::kDeleted ? "deleted" : entry_type_name(e.type);
  x["change"] = change_name(e.change);
  x["layer"] = e.layer;
  if (e.change != Change::kDeleted) {
    x["size"] = e.size;
    x["mode"] = jsontext::octal_mode(e.mode);
    x["uid"] = e.uid;
    x["gid"] = e.gid;
    x["mtime"] = e.mtime;
    if (!e.link.empty()) x["link"] = jsontext::text(e.link);
    if (e.implicit) x["implicit"] = true;
  }
  return x;
}

// Every listing of every image (each layer's changes, each layer's merged view),
// whole and in pages, and each path's history, against the json values.
int check_listings(const Session& s) {
  int checked = 0;
  for (int im = 0; im < static_cast<int>(s.archive().images.size()); ++im) {
    const int layers = static_cast<int>(s.archive().images[im].layers.size());
    for (int layer = -1; layer < layers; ++layer) {
      for (bool merged : {false, true}) {
        ListOptions whole;
        whole.layer = layer;
        whole.merged = merged || layer < 0;
        auto doc = s.list_json(im, whole);
        if (!doc.ok()) continue;  // (a layer that cannot be read: its error is tested elsewhere)
        auto entries = s.list(im, whole);
        EXPECT_TRUE(entries.ok());
        OJson want = OJson::parse(doc.value());  // the head as written, entries replaced below
        want["entries"] = OJson::array();
        for (auto& e : entries.value()) want["entries"].push_back(entry_value(e));
        EXPECT_EQ(doc.value(), jsontext::dump(want)) << "image " << im << " layer " << layer << " merged " << merged;
        ListOptions page = whole;
        page.offset = 1;
        page.limit = 2;
        auto part = s.list_json(im, page);
        EXPECT_TRUE(part.ok());
        if (!part.ok()) continue;
        OJson p = OJson::parse(part.value());
        EXPECT_EQ(p["entries"].size(), std::min<size_t>(2, entries.value().size() > 0 ? entries.value().size() - 1 : 0));
        for (size_t k = 0; k < p["entries"].size(); ++k) EXPECT_EQ(p["entries"][k], want["entries"][k + 1]);
        if (layer == layers - 1 && whole.merged) {
          for (auto& e : entries.value()) {
            auto h = s.path_history_json(im, e.path);
            auto events = s.path_history(im, e.path);
            EXPECT_TRUE(h.ok() && events.ok()) << e.path;
            if (!h.ok() || !events.ok()) continue;
            OJson hw = OJson::parse(h.value());
            hw["events"] = OJson::array();
            for (auto& ev : events.value()) hw["events"].push_back(entry_value(ev));
            EXPECT_EQ(h.value(), jsontext::dump(hw)) << e.path;
          }
        }
        ++checked;
      }
    }
  }
  return checked;
}

// A comparison's rows as they were written before (one json value per row).
OJson row_value(const DiffEntry& e) {
  auto size = [](int64_t v) { return v >= 0 ? OJson(v) : OJson(nullptr); };
  OJson what = OJson::array();
  for (auto& w : e.what) what.push_back(w);
  OJson x = {{"path", jsontext::text(e.path)},
             {"change", change_name(e.change)},
             {"what", what},
             {"type", entry_type_name(e.type)},
             {"size_before", size(e.size_before)},
             {"size_after", size(e.size_after)},
             {"layer_before", e.layer_before >= 0 ? OJson(e.layer_before) : OJson(nullptr)},
             {"layer_after", e.layer_after >= 0 ? OJson(e.layer_after) : OJson(nullptr)}};
  auto has = [&](const char* w) { return std::find(e.what.begin(), e.what.end(), w) != e.what.end(); };
  if (has("type")) x["type_before"] = entry_type_name(e.type_before);
  if (has("mode")) x["mode_before"] = jsontext::octal_mode(e.mode_before), x["mode_after"] = jsontext::octal_mode(e.mode_after);
  if (has("owner"))
    x["owner_before"] = std::to_string(e.uid_before) + ":" + std::to_string(e.gid_before),
    x["owner_after"] = std::to_string(e.uid_after) + ":" + std::to_string(e.gid_after);
  if (has("link")) x["link_before"] = jsontext::text(e.link_before), x["link_after"] = jsontext::text(e.link_after);
  return x;
}

// `c`'s document against its head and rows written as json values; the rows counted.
size_t check_comparison(const Comparison& c, const std::string& what) {
  std::string doc;
  c.write_json([&](std::string_view piece) { doc.append(piece); });
  OJson want = OJson::parse(doc);  // the head as written, rows replaced below
  want["changes"] = OJson::array();
  for (uint64_t i = 0; i < c.size(); ++i) want["changes"].push_back(row_value(c.entry(i)));
  EXPECT_EQ(doc, jsontext::dump(want)) << what;
  return c.size();
}

// Every layer diff (each layer against the one below and against the first) of
// every image.
size_t check_diffs(const Session& s) {
  size_t rows = 0;
  for (int im = 0; im < static_cast<int>(s.archive().images.size()); ++im) {
    const int layers = static_cast<int>(s.archive().images[im].layers.size());
    for (int to = 1; to < layers; ++to)
      for (int from : {0, to - 1}) {
        auto c = s.diff(im, from, to);
        if (!c.ok()) continue;  // (an unreadable layer: tested elsewhere)
        rows += check_comparison(*c.value(), "image " + std::to_string(im) + " " + std::to_string(from) + ".." + std::to_string(to));
      }
  }
  return rows;
}

class JsonListings : public ::testing::TestWithParam<std::string> {};

TEST_P(JsonListings, EntryByEntryIsTheJsonValuesDocument) {
  auto s = lstest::open_session(lstest::fixture_tar(GetParam()));
  ASSERT_TRUE(s);
  ASSERT_TRUE(s->index_layers().ok());
  EXPECT_GT(check_listings(*s), 0);
  check_diffs(*s);
  // Two producers' images of one recipe compared, when this is one of them.
  if (GetParam() != "docker20-save-features") {
    auto other = lstest::open_session(lstest::fixture_tar("docker20-save-features"));
    ASSERT_TRUE(other);
    ASSERT_TRUE(other->index_layers().ok());
    auto c = s->compare(0, *other, 0);
    if (c.ok()) check_comparison(*c.value(), "compare");  // (0 rows where the images are the same)
  }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, JsonListings, ::testing::ValuesIn(lstest::fixture_names()),
                         [](const auto& i) { return lstest::param_name(i.param); });

TEST(JsonListings, NamesNoToolShouldWrite) {
  using lstest::D;
  using lstest::F;
  using lstest::H;
  using lstest::L;
  lstest::TImage img{{"odd/names:1"},
                     {lstest::TLayer{{D("d"), F("d/quote\"back\\slash", "x"), F("d/ctl\x01\x1f\x7f", "y", 04755),
                                      F("d/c1\xc2\x85\xc2\x9f", "z"), F("d/bad\xff\xfe\xc3", "w"),
                                      F("d/utf8 \xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", "v"), L("d/link\n", "to\r\t\"x\xff"),
                                      H("d/hard", "d/quote\"back\\slash")}},
                      lstest::TLayer{{F("d/.wh.ctl\x01\x1f\x7f"), F("d/new\x08\x0c", "u")}},
                      // every kind of modification: size, mode and owner, link target, type
                      lstest::TLayer{{F("d/quote\"back\\slash", "xx"),
                                      lstest::TEntry{"d/c1\xc2\x85\xc2\x9f", 'f', "z", "", 0600, 1000, 1001},
                                      L("d/link\n", "elsewhere\xfe"), L("d/bad\xff\xfe\xc3", "d")}}}};
  auto s = Session::open(make_memory_source(lstest::build_docker_legacy({img}), "odd.tar"));
  ASSERT_TRUE(s.ok()) << s.error().to_string();
  ASSERT_TRUE(s.value()->index_layers().ok());
  EXPECT_GT(check_listings(*s.value()), 0);
  EXPECT_GT(check_diffs(*s.value()), 0u);
  auto doc = s.value()->list_json(0, ListOptions{.layer = 0});
  ASSERT_TRUE(doc.ok());
  EXPECT_NE(doc.value().find("\"d/ctl\\u0001\\u001f\\u007f\""), std::string::npos) << doc.value();
  EXPECT_NE(doc.value().find("\"d/c1\\u0085\\u009f\""), std::string::npos);
  EXPECT_NE(doc.value().find("\"d/bad\\\\xff\\\\xfe\\\\xc3\""), std::string::npos);
  EXPECT_NE(doc.value().find("\"mode\":\"4755\""), std::string::npos);
}

}  // namespace
