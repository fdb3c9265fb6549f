// The safety self-assessment rule (assessment/safety.h): weights, class bands, critical items.
#include "assessment/safety.h"

#include <gtest/gtest.h>

#include <numeric>

namespace kb::assessment {
namespace {

Answers all_met() {
  Answers a{};
  a.fill(true);
  return a;
}

Answers without(std::initializer_list<std::string_view> keys) {
  Answers a = all_met();
  for (size_t i = 0; i < kChecklist.size(); ++i) {
    for (auto k : keys) {
      if (kChecklist[i].key == k) a[i] = false;
    }
  }
  return a;
}

TEST(SafetyRule, WeightsAddUpToOneHundredAndKeysAreUnique) {
  int total = 0;
  for (size_t i = 0; i < kChecklist.size(); ++i) {
    total += kChecklist[i].weight;
    for (size_t j = i + 1; j < kChecklist.size(); ++j)
      EXPECT_NE(kChecklist[i].key, kChecklist[j].key);
  }
  EXPECT_EQ(total, 100);
}

TEST(SafetyRule, BandsByPoints) {
  EXPECT_EQ(score(all_met()).risk_class, RiskClass::kLow);
  EXPECT_EQ(score(without({"ventilation", "hand_washing"})).points, 80);
  EXPECT_EQ(score(without({"ventilation", "hand_washing"})).risk_class, RiskClass::kLow);
  EXPECT_EQ(score(without({"ventilation", "hand_washing", "covid_plan"})).risk_class,
            RiskClass::kMedium);
  EXPECT_EQ(score(without({"distancing", "ventilation", "disinfection", "capacity_limit"})).points,
            60);
  EXPECT_EQ(
      score(without({"distancing", "ventilation", "disinfection", "capacity_limit"})).risk_class,
      RiskClass::kMedium);
  EXPECT_EQ(
      score(without({"distancing", "ventilation", "disinfection", "hand_washing"})).risk_class,
      RiskClass::kHigh);
  Answers none{};
  EXPECT_EQ(score(none).points, 0);
  EXPECT_EQ(score(none).risk_class, RiskClass::kVeryHigh);
  EXPECT_EQ(score(none).unmet.size(), kChecklist.size());
}

TEST(SafetyRule, ACriticalItemUnmetIsAtLeastHigh) {
  for (const auto& item : kChecklist) {
    Score s = score(without({item.key}));
    EXPECT_EQ(s.points, 100 - item.weight) << item.key;
    EXPECT_EQ(s.risk_class, item.critical ? RiskClass::kHigh : RiskClass::kLow) << item.key;
    ASSERT_EQ(s.unmet.size(), 1u);
    EXPECT_EQ(s.unmet[0], item.key);
  }
}

TEST(SafetyRule, ClassNamesRoundTrip) {
  for (auto c : {RiskClass::kLow, RiskClass::kMedium, RiskClass::kHigh, RiskClass::kVeryHigh}) {
    auto parsed = parse_class(class_name(c));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, c);
  }
  auto bad = parse_class("green", "class");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "class");
}

}  // namespace
}  // namespace kb::assessment
