#include "core/json_writer.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "core/clock.h"
#include "http/venue_json.h"

namespace kb {
namespace {

namespace json = boost::json;

// Every byte value in a string, so escaping matches boost::json's for each one.
std::string every_byte() {
  std::string s;
  for (int c = 1; c < 256; ++c) s.push_back(static_cast<char>(c));
  return s + "Phường Bến Thành \"quoted\" back\\slash";
}

TEST(JsonWriter, WritesWhatBoostJsonSerializeWrites) {
  std::string text = every_byte();
  json::object expected{{"id", 42},
                        {"negative", -7},
                        {"name", text},
                        {"empty", ""},
                        {"yes", true},
                        {"no", false},
                        {"nothing", nullptr},
                        {"list", json::array{1, "two", json::object{}, json::array{}}},
                        {"nested", json::object{{"a", json::object{{"b", 1}}}, {"c", 2}}},
                        {"at", format_rfc3339(1795000000)}};
  expected["last\n\"key\""] = INT64_MIN;

  std::string out;
  JsonWriter w(out);
  w.begin_object().member("id", 42).member("negative", -7).member("name", text);
  w.member("empty", "").member("yes", true).member("no", false).key("nothing").null();
  w.key("list").begin_array().value(1).value("two").begin_object().end_object();
  w.begin_array().end_array().end_array();
  w.key("nested").begin_object().key("a").begin_object().member("b", 1).end_object();
  w.member("c", 2).end_object();
  w.key("at").time(1795000000);
  w.member("last\n\"key\"", INT64_MIN).end_object();

  EXPECT_EQ(out, json::serialize(expected));
}

TEST(JsonWriter, WritesTimesAsFormatRfc3339) {
  for (int64_t t : {int64_t{0}, int64_t{1795000000}, int64_t{1795046399}, int64_t{4102444800}}) {
    std::string out;
    JsonWriter(out).time(t);
    EXPECT_EQ(out, "\"" + format_rfc3339(t) + "\"");
  }
}

// The check-in answer writes visits with write_visit; other answers build them with visit_json.
// A client must not see two shapes.
TEST(JsonWriter, WritesAVisitAsVisitJsonBuildsIt) {
  checkin::Visit open{7,
                      12,
                      34,
                      1795000000,
                      std::nullopt,
                      1795007200,
                      checkin::Source::kSelf,
                      checkin::Trust::kSelfPoster,
                      std::nullopt};
  checkin::Visit closed = open;
  closed.t_out = 1795003600;
  closed.recorded_by = 99;
  closed.source = checkin::Source::kStaffScan;
  closed.trust = checkin::Trust::kCccd;
  for (const auto& v : {open, closed}) {
    std::string out;
    JsonWriter w(out);
    http::write_visit(w, v);
    EXPECT_EQ(out, json::serialize(http::visit_json(v)));
  }
}

}  // namespace
}  // namespace kb
