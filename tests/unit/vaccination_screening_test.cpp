// The pre-vaccination screening rule (vaccination/screening.h): every question must be answered,
// and the flagged answers — with what they mean — are the rule's, in the form's order.
#include <gtest/gtest.h>

#include <limits>

#include "vaccination/screening.h"

namespace kb::vaccination {
namespace {

boost::json::object all_no() {
  boost::json::object o;
  for (const auto& q : kQuestions) o[q.key] = false;
  return o;
}

std::vector<std::string> keys(const std::vector<Flag>& flags) {
  std::vector<std::string> out;
  for (const auto& f : flags) out.push_back(f.key + ":" + std::string(concern_name(f.concern)));
  return out;
}

TEST(Screening, AllNoFlagsNothing) {
  auto a = parse_answers(all_no());
  ASSERT_TRUE(a.ok());
  EXPECT_TRUE(flagged(*a).empty());
  EXPECT_EQ(overall(flagged(*a)), Concern::kNone);
}

TEST(Screening, EachYesIsFlaggedWithItsConcern) {
  for (const auto& q : kQuestions) {
    auto o = all_no();
    o[q.key] = true;
    auto a = parse_answers(o);
    ASSERT_TRUE(a.ok()) << q.key;
    auto flags = flagged(*a);
    ASSERT_EQ(flags.size(), 1u) << q.key;
    EXPECT_EQ(flags[0].key, q.key);
    EXPECT_EQ(flags[0].concern, q.when_yes);
  }
}

TEST(Screening, DeferralsAndAttention) {
  auto o = all_no();
  o["pregnant"] = true;
  o["previous_reaction"] = true;
  o["covid_recent"] = true;
  auto flags = flagged(*parse_answers(o));
  EXPECT_EQ(keys(flags), (std::vector<std::string>{"previous_reaction:defer", "pregnant:attention",
                                                   "covid_recent:defer"}));
  EXPECT_EQ(overall(flags), Concern::kDefer);
}

TEST(Screening, MeasuredFeverFlagsWhateverTheAnswer) {
  auto o = all_no();
  o["temperature_c"] = 37.4;
  EXPECT_TRUE(flagged(*parse_answers(o)).empty());
  o["temperature_c"] = kFeverCelsius;
  EXPECT_EQ(keys(flagged(*parse_answers(o))), (std::vector<std::string>{"temperature:defer"}));
  o["fever"] = true;
  EXPECT_EQ(keys(flagged(*parse_answers(o))),
            (std::vector<std::string>{"temperature:defer", "fever:defer"}));
}

TEST(Screening, RefusesMissingUnknownAndMistypedAnswers) {
  auto o = all_no();
  o.erase("recent_vaccine");
  EXPECT_EQ(parse_answers(o).error().field, "recent_vaccine");
  o = all_no();
  o["tired"] = true;
  EXPECT_EQ(parse_answers(o).error().code, "unknown_field");
  o = all_no();
  o["fever"] = "no";
  EXPECT_EQ(parse_answers(o).error().field, "fever");
  o = all_no();
  o["temperature_c"] = 60;
  EXPECT_EQ(parse_answers(o).error().code, "invalid_temperature");
  o["temperature_c"] = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(parse_answers(o).error().code, "invalid_temperature");
  EXPECT_EQ(parse_answers(boost::json::array{}).error().field, "answers");
}

TEST(Screening, AnswersRoundTripThroughJson) {
  auto o = all_no();
  o["allergy"] = nullptr;
  o.erase("allergy");
  o["severe_allergy"] = true;
  o["temperature_c"] = 36.6;
  auto a = parse_answers(o);
  ASSERT_TRUE(a.ok());
  auto again = parse_answers(answers_json(*a));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->yes, a->yes);
  EXPECT_EQ(again->temperature_c, 36.6);
}

}  // namespace
}  // namespace kb::vaccination
