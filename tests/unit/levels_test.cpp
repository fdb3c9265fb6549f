// The area level rule over a table of scenarios: each band and its edges, the coverage bump
// (never past 4), an override in force and after its expiry, and areas without population.
#include "levels/levels.h"

#include <gtest/gtest.h>

#include "areas/area_directory.h"
#include "levels/level_rule.h"

namespace kb::levels {
namespace {

constexpr int64_t kNow = 1'790'000'000;

TEST(LevelRule, ScenarioTable) {
  const LevelRule rule;  // bands 20 / 50 / 150 per 100,000, coverage 70 %
  const Override override_{7, 4, "cluster at the market", kNow + 86400};
  const Override expired{8, 4, "cluster at the market", kNow - 1};
  struct Row {
    const char* what;
    LevelFacts facts;
    std::optional<int> level;
    std::optional<int> computed;
    bool raised;
    const char* explanation;
  };
  const Row rows[] = {
      {"no cases",
       {0, 100000, 0.9, {}, kNow},
       1,
       1,
       false,
       "level 1: 0.0 new cases per 100,000 in 7 days; coverage 90 %"},
      {"just below 20",
       {19, 100000, 0.9, {}, kNow},
       1,
       1,
       false,
       "level 1: 19 new cases per 100,000 in 7 days; coverage 90 %"},
      {"20 is yellow",
       {20, 100000, 0.9, {}, kNow},
       2,
       2,
       false,
       "level 2: 20 new cases per 100,000 in 7 days; coverage 90 %"},
      {"49 stays yellow", {49, 100000, 0.9, {}, kNow}, 2, 2, false, nullptr},
      {"50 is orange", {50, 100000, 0.9, {}, kNow}, 3, 3, false, nullptr},
      {"62 per 100,000 is orange",
       {31, 50000, 0.81, {}, kNow},
       3,
       3,
       false,
       "level 3: 62 new cases per 100,000 in 7 days; coverage 81 %"},
      {"149 stays orange", {149, 100000, 0.9, {}, kNow}, 3, 3, false, nullptr},
      {"150 is red", {150, 100000, 0.9, {}, kNow}, 4, 4, false, nullptr},
      {"small area, rate not count",
       {3, 2000, 0.9, {}, kNow},
       4,
       4,
       false,
       "level 4: 150 new cases per 100,000 in 7 days; coverage 90 %"},
      {"low coverage raises green",
       {0, 100000, 0.5, {}, kNow},
       2,
       2,
       true,
       "level 2: 0.0 new cases per 100,000 in 7 days; coverage 50 %, below 70 %: one level up"},
      {"low coverage raises orange", {60, 100000, 0.69, {}, kNow}, 4, 4, true, nullptr},
      {"low coverage never past red", {200, 100000, 0.2, {}, kNow}, 4, 4, false, nullptr},
      {"coverage at the threshold does not raise",
       {0, 100000, 0.70, {}, kNow},
       1,
       1,
       false,
       nullptr},
      {"unknown coverage does not raise",
       {25, 100000, std::nullopt, {}, kNow},
       2,
       2,
       false,
       "level 2: 25 new cases per 100,000 in 7 days; coverage unknown"},
      {"override in force",
       {0, 100000, 0.9, override_, kNow},
       4,
       1,
       false,
       "level 4: set by an official until 22/09/2026: cluster at the market (the rule gives level "
       "1: 0.0 new cases "
       "per 100,000 in 7 days; coverage 90 %)"},
      {"override after its expiry", {0, 100000, 0.9, expired, kNow}, 1, 1, false, nullptr},
      {"override lower than the rule",
       {200, 100000, 0.9, Override{9, 2, "cases all in one dormitory", kNow + 60}, kNow},
       2,
       4,
       false,
       nullptr},
      {"no population",
       {5, std::nullopt, 0.9, {}, kNow},
       std::nullopt,
       std::nullopt,
       false,
       "no level: 5 new cases in 7 days, no population imported; coverage 90 %"},
      {"zero population",
       {0, 0, std::nullopt, {}, kNow},
       std::nullopt,
       std::nullopt,
       false,
       nullptr},
      {"no population but overridden",
       {5, std::nullopt, std::nullopt, override_, kNow},
       4,
       std::nullopt,
       false,
       nullptr},
  };
  for (const auto& row : rows) {
    LevelDecision d = decide(rule, row.facts);
    EXPECT_EQ(d.level, row.level) << row.what;
    EXPECT_EQ(d.computed, row.computed) << row.what;
    EXPECT_EQ(d.raised_for_coverage, row.raised) << row.what;
    if (row.explanation) {
      EXPECT_EQ(d.explanation, row.explanation) << row.what;
    }
    EXPECT_FALSE(d.explanation_vi.empty()) << row.what;
  }
}

TEST(LevelRule, BandsAreConfigurable) {
  LevelRule rule;
  rule.bands = {10, 30, 100};
  rule.coverage_threshold = 0.5;
  EXPECT_EQ(band_of(rule, 9.9), 1);
  EXPECT_EQ(band_of(rule, 10), 2);
  EXPECT_EQ(band_of(rule, 30), 3);
  EXPECT_EQ(band_of(rule, 100), 4);
  EXPECT_FALSE(decide(rule, {0, 1000, 0.6, {}, kNow}).raised_for_coverage);
  EXPECT_TRUE(check_rule(rule).ok());
  rule.bands = {30, 10, 100};
  EXPECT_EQ(check_rule(rule).error().field, "level-bands");
  rule.bands = {10, 30, 100};
  rule.coverage_threshold = 1.5;
  EXPECT_EQ(check_rule(rule).error().field, "level-coverage-threshold");
}

TEST(LevelRule, VietnameseExplanation) {
  LevelDecision d = decide(LevelRule{}, {31, 50000, 0.81, {}, kNow});
  EXPECT_EQ(d.explanation_vi,
            "cấp 3: 62 ca mới/100.000 dân trong 7 ngày; tỷ lệ người lớn tiêm mũi 1: 81 %");
}

}  // namespace
}  // namespace kb::levels
