#include "core/json_input.h"

#include <gtest/gtest.h>

#include <string>

namespace kb {
namespace {

JsonBody parse_ok(std::string_view text) {
  auto r = JsonBody::parse(text);
  EXPECT_TRUE(r.ok()) << text;
  return std::move(r).value();
}

void expect_error(const Error& e, std::string_view code, std::string_view field) {
  EXPECT_EQ(e.kind, ErrorKind::kInvalidArgument);
  EXPECT_EQ(e.code, code);
  EXPECT_EQ(e.field, field);
  EXPECT_FALSE(e.message.empty());
}

TEST(JsonBody, RefusesWhatIsNotAJsonObject) {
  for (const char* text : {"", " ", "{", "{\"a\":}", "{\"a\":1,}", "{'a':1}", "{\"a\":1} x", "nul",
                           "{\"a\":\"\xff\"}"}) {
    auto r = JsonBody::parse(text);
    ASSERT_FALSE(r.ok()) << text;
    expect_error(r.error(), "malformed_json", "");
  }
  for (const char* text : {"[]", "[{\"a\":1}]", "\"text\"", "42", "true", "null"}) {
    auto r = JsonBody::parse(text);
    ASSERT_FALSE(r.ok()) << text;
    expect_error(r.error(), "not_an_object", "");
  }
}

TEST(JsonBody, RefusesDeepNesting) {
  std::string deep = "{\"a\":" + std::string(40, '[') + std::string(40, ']') + "}";
  auto r = JsonBody::parse(deep);
  ASSERT_FALSE(r.ok());
  expect_error(r.error(), "malformed_json", "");
  std::string shallow = "{\"a\":" + std::string(20, '[') + std::string(20, ']') + "}";
  EXPECT_TRUE(JsonBody::parse(shallow).ok());
}

TEST(JsonBody, RequiredStringsAreTrimmedAndChecked) {
  auto body = parse_ok(
      R"({"name":"  Nguyễn Văn An \t","blank":"  ","num":5,"obj":{},"arr":[],"flag":true,"nil":null})");
  auto name = body.required_string("name");
  ASSERT_TRUE(name.ok());
  EXPECT_EQ(*name, "Nguyễn Văn An");
  expect_error(body.required_string("blank").error(), "empty", "blank");
  expect_error(body.required_string("missing").error(), "missing_field", "missing");
  expect_error(body.required_string("nil").error(), "missing_field", "nil");  // null is absent
  for (const char* key : {"num", "obj", "arr", "flag"})
    expect_error(body.required_string(key).error(), "wrong_type", key);
}

// Found by fuzz/json_body_fuzz.cpp: "\u0000" put a NUL into a string, which PostgreSQL cuts
// the text at and SQLite keeps, so the two databases stored different values.
TEST(JsonBody, RefusesStringsWithANul) {
  auto body =
      parse_ok(R"({"street":"12 L\u00ea L\u1ee3i\u0000<b>","name":"\u0000","ok":"a\u0001b"})");
  expect_error(body.optional_string("street").error(), "invalid_text", "street");
  expect_error(body.required_string("name").error(), "invalid_text", "name");
  // Other control characters are for each field's own rules to judge.
  EXPECT_EQ(*body.required_string("ok"), std::string("a\x01") + "b");
}

TEST(JsonBody, LengthLimitsCountBytesAfterTrimming) {
  auto body = parse_ok(R"({"five":"  abcde  ","six":"abcdef","viet":"ễễ"})");
  EXPECT_TRUE(body.required_string("five", 5).ok());
  expect_error(body.required_string("six", 5).error(), "too_long", "six");
  // "ễ" is 3 bytes in UTF-8: two of them are 6 bytes.
  expect_error(body.required_string("viet", 5).error(), "too_long", "viet");
  EXPECT_TRUE(body.required_string("viet", 6).ok());
}

TEST(JsonBody, OptionalStringsMayBeAbsentOrNull) {
  auto body = parse_ok(R"({"a":"x","b":null,"c":1})");
  auto a = body.optional_string("a");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->value_or(""), "x");
  auto b = body.optional_string("b");
  ASSERT_TRUE(b.ok());
  EXPECT_FALSE(b->has_value());
  auto absent = body.optional_string("absent");
  ASSERT_TRUE(absent.ok());
  EXPECT_FALSE(absent->has_value());
  expect_error(body.optional_string("c").error(), "wrong_type", "c");
}

TEST(JsonBody, IntegersAreRangeCheckedAndNeverFractions) {
  auto body = parse_ok(
      R"({"ok":7,"neg":-3,"big":18446744073709551615,"frac":1.5,"exp":1e3,"text":"7","low":0,"high":101})");
  auto ok = body.required_int("ok", 0, 100);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, 7);
  auto neg = body.required_int("neg", -10, 10);
  ASSERT_TRUE(neg.ok());
  EXPECT_EQ(*neg, -3);
  expect_error(body.required_int("big", 0, 100).error(), "wrong_type", "big");
  expect_error(body.required_int("frac", 0, 100).error(), "wrong_type", "frac");
  expect_error(body.required_int("exp", 0, 10000).error(), "wrong_type", "exp");
  expect_error(body.required_int("text", 0, 100).error(), "wrong_type", "text");
  expect_error(body.required_int("low", 1, 100).error(), "out_of_range", "low");
  expect_error(body.required_int("high", 1, 100).error(), "out_of_range", "high");
  expect_error(body.required_int("missing", 0, 1).error(), "missing_field", "missing");
  auto absent = body.optional_int("missing", 0, 1);
  ASSERT_TRUE(absent.ok());
  EXPECT_FALSE(absent->has_value());
}

TEST(JsonBody, BooleansAreOnlyTrueOrFalse) {
  auto body = parse_ok(R"({"yes":true,"no":false,"one":1,"str":"true"})");
  EXPECT_EQ(body.optional_bool("yes")->value_or(false), true);
  EXPECT_EQ(body.optional_bool("no")->value_or(true), false);
  EXPECT_FALSE(body.optional_bool("absent")->has_value());
  expect_error(body.optional_bool("one").error(), "wrong_type", "one");
  expect_error(body.optional_bool("str").error(), "wrong_type", "str");
}

TEST(JsonBody, UnknownFieldsAreNamed) {
  auto body = parse_ok(R"({"phone":"0912345678","nested":{"x":1},"typo_field":1})");
  ASSERT_TRUE(body.required_string("phone").ok());
  ASSERT_NE(body.raw("nested"), nullptr);
  EXPECT_TRUE(body.raw("nested")->is_object());
  auto st = body.no_unknown_fields();
  ASSERT_FALSE(st.ok());
  expect_error(st.error(), "unknown_field", "typo_field");
  // A field asked for counts as known even when it had the wrong type or was null.
  auto other = parse_ok(R"({"a":1,"b":null})");
  EXPECT_FALSE(other.optional_string("a").ok());
  EXPECT_TRUE(other.optional_string("b").ok());
  EXPECT_TRUE(other.no_unknown_fields().ok());
  EXPECT_EQ(parse_ok("{}").raw("absent"), nullptr);
  EXPECT_TRUE(parse_ok("{}").no_unknown_fields().ok());
}

TEST(JsonBody, NumbersTooLargeForADoubleAreRefusedByField) {
  // Boost.JSON reads these as Infinity and NaN, which compare unequal to themselves and would
  // pass a range check written as `t < lo || t > hi`.
  for (std::string_view text :
       {R"({"ok":1,"t":1e400})", R"({"t":-1e400})", R"({"t":{"x":[0e400]}})"}) {
    auto body = JsonBody::parse(text);
    ASSERT_FALSE(body.ok()) << text;
    expect_error(body.error(), "not_finite", "t");
  }
  auto empty_key = JsonBody::parse(R"({"":0e400})");
  ASSERT_FALSE(empty_key.ok());
  expect_error(empty_key.error(), "not_finite", "body");
  EXPECT_TRUE(JsonBody::parse(R"({"t":1e300,"u":-0.0,"v":5e-324})").ok());
}

}  // namespace
}  // namespace kb
