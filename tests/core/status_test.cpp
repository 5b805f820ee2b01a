// Status / Result<T> / Error (status.h): errors as values.
#include <memory>
#include <set>

#include <nlohmann/json.hpp>

#include "layerscope/text.h"
#include "test_util.h"

using namespace layerscope;

namespace {

Status fails_with(Code c) { return make_error(c, "boom", "here"); }

Status chain(bool fail, int* reached) {
  LS_RETURN_IF_ERROR(fail ? fails_with(Code::kCorrupt) : Status::Ok());
  *reached = 1;
  return Status::Ok();
}

Result<int> parse_positive(int v) {
  if (v <= 0) return make_error(Code::kInvalidArgument, "not positive: " + std::to_string(v));
  return v;
}

Result<int> doubled(int v) {
  LS_ASSIGN_OR_RETURN(int x, parse_positive(v));
  return 2 * x;
}

Result<std::unique_ptr<int>> make_box(bool ok) {
  if (!ok) return make_error(Code::kNotFound, "no box");
  return std::make_unique<int>(7);
}

}  // namespace

TEST(Status, DefaultIsOk) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_TRUE(Status::Ok().ok());
}

TEST(Status, CarriesError) {
  Status s = make_error(Code::kTruncated, "ends early", "layer 2");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, Code::kTruncated);
  EXPECT_EQ(s.error().message, "ends early");
  EXPECT_EQ(s.error().where, "layer 2");
  Error e = s.take_error();
  EXPECT_EQ(e.message, "ends early");
}

TEST(Status, ReturnIfErrorPropagates) {
  int reached = 0;
  Status s = chain(true, &reached);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, Code::kCorrupt);
  EXPECT_EQ(s.error().where, "here");
  EXPECT_EQ(reached, 0);
  EXPECT_TRUE(chain(false, &reached).ok());
  EXPECT_EQ(reached, 1);
}

TEST(Result, ValueAndError) {
  Result<int> r = 5;
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value(), 5);
  EXPECT_EQ(*r, 5);
  EXPECT_TRUE(r.status().ok());
  Result<int> e = parse_positive(-1);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().code, Code::kInvalidArgument);
  EXPECT_EQ(e.error().message, "not positive: -1");
  EXPECT_FALSE(e.status().ok());
  EXPECT_EQ(e.status().error().code, Code::kInvalidArgument);
}

TEST(Result, AssignOrReturn) {
  auto ok = doubled(21);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok.value(), 42);
  auto bad = doubled(0);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "not positive: 0");
}

TEST(Result, FromFailedStatusAndMoveOnlyValues) {
  Result<std::string> r(Status(make_error(Code::kIo, "disk")));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Code::kIo);
  auto box = make_box(true);
  ASSERT_TRUE(box.ok());
  std::unique_ptr<int> p = std::move(box).value();
  ASSERT_TRUE(p);
  EXPECT_EQ(*p, 7);
  auto none = make_box(false);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, Code::kNotFound);
  std::string s = "x";
  Result<std::string> rs = s;
  rs->append("y");
  EXPECT_EQ(rs.value(), "xy");
}

TEST(Error, CodeNamesAreStableLowerCaseAndDistinct) {
  const Code all[] = {Code::kOk,          Code::kIo,        Code::kTruncated, Code::kCorrupt,
                      Code::kUnsupported, Code::kNotFound,  Code::kInvalidArgument, Code::kAmbiguous,
                      Code::kLimit,       Code::kCancelled, Code::kNotImage,  Code::kInternal};
  std::set<std::string> seen;
  for (Code c : all) {
    std::string n(code_name(c));
    EXPECT_FALSE(n.empty());
    for (char ch : n) EXPECT_TRUE((ch >= 'a' && ch <= 'z') || ch == '-') << n;
    EXPECT_TRUE(seen.insert(n).second) << "duplicate code name " << n;
  }
  // The example status.h documents.
  EXPECT_EQ(code_name(Code::kCorrupt), "corrupt");
  EXPECT_EQ(code_name(Code::kOk), "ok");
}

TEST(Error, ToStringIsOneLineWithCodeMessageAndWhere) {
  Error e = make_error(Code::kCorrupt, "bad tar header", "layer 2");
  std::string s = e.to_string();
  EXPECT_EQ(s.rfind("corrupt: bad tar header", 0), 0u) << s;
  EXPECT_NE(s.find("layer 2"), std::string::npos) << s;
  EXPECT_EQ(s.find('\n'), std::string::npos) << s;
  Error nw = make_error(Code::kNotFound, "gone");
  EXPECT_EQ(nw.to_string().rfind("not", 0), 0u);
  EXPECT_NE(nw.to_string().find("gone"), std::string::npos);
}

TEST(Error, WithWherePrefixesOuterLocation) {
  // status.h: "layer 2" + "etc/passwd" -> "layer 2: etc/passwd".
  Error e = with_where(make_error(Code::kTruncated, "short", "etc/passwd"), "layer 2");
  EXPECT_EQ(e.where, "layer 2: etc/passwd");
  EXPECT_EQ(e.code, Code::kTruncated);
  EXPECT_EQ(e.message, "short");
  Error e2 = with_where(make_error(Code::kTruncated, "short"), "layer 2");
  EXPECT_EQ(e2.where, "layer 2");
  Error e3 = with_where(make_error(Code::kTruncated, "short", "x"), "");
  EXPECT_EQ(e3.where, "x");
}

TEST(Text, EscapeJsonControlsKeepsTheValue) {
  // DEL, U+0080 and U+009F inside a string; U+00A0 and "é" stay raw.
  std::string doc = nlohmann::json({{"k", std::string("a\x7f" "b\xc2\x80" "c\xc2\x9f" "d\xc2\xa0" "\xc3\xa9")}}).dump();
  std::string esc = escape_json_controls(doc);
  EXPECT_EQ(esc, "{\"k\":\"a\\u007fb\\u0080c\\u009fd\xc2\xa0\xc3\xa9\"}");
  EXPECT_EQ(nlohmann::json::parse(esc), nlohmann::json::parse(doc));
  EXPECT_EQ(escape_json_controls("{\"plain\":1}"), "{\"plain\":1}");
}
