// Monitoring rules as values: periods per kind, impossible readings, red flags by age, the rules
// file, Vietnam's days and report slots, measured values as stored.
#include <gtest/gtest.h>

#include "monitoring/reports.h"
#include "monitoring/rules.h"

namespace kb::monitoring {
namespace {

constexpr int64_t kDay = 86400;
// 2021-10-01 00:00 in Vietnam (UTC+7).
constexpr int64_t kOct1 = 1633021200;

TEST(MonitoringRules, PeriodsPerKind) {
  Rules r;
  EXPECT_EQ(period_of(Kind::kF1Quarantine, kOct1, false, 0, r).quarantine_until, kOct1 + 14 * kDay);
  EXPECT_EQ(period_of(Kind::kF1Quarantine, kOct1, false, 0, r).ends_at, kOct1 + 14 * kDay);
  // Fully vaccinated: 7 days of quarantine (the colour), then 7 of self-monitoring (reports).
  EXPECT_EQ(period_of(Kind::kF1Quarantine, kOct1, true, 0, r).quarantine_until, kOct1 + 7 * kDay);
  EXPECT_EQ(period_of(Kind::kF1Quarantine, kOct1, true, 0, r).ends_at, kOct1 + 14 * kDay);
  EXPECT_EQ(period_of(Kind::kF0HomeCare, kOct1, false, 0, r).ends_at, kOct1 + 10 * kDay);
  EXPECT_EQ(period_of(Kind::kEntry, kOct1, false, 0, r).ends_at, kOct1 + 7 * kDay);
  // An area order colours nobody, and ends when the official said (or after the default).
  EXPECT_EQ(period_of(Kind::kArea, kOct1, false, kOct1 + 3 * kDay, r).quarantine_until, kOct1);
  EXPECT_EQ(period_of(Kind::kArea, kOct1, false, kOct1 + 3 * kDay, r).ends_at, kOct1 + 3 * kDay);
  EXPECT_EQ(period_of(Kind::kArea, kOct1, false, 0, r).ends_at, kOct1 + 14 * kDay);
  EXPECT_EQ(reports_per_day(Kind::kF0HomeCare), 2);
  EXPECT_EQ(reports_per_day(Kind::kF1Quarantine), 1);
}

TEST(MonitoringRules, ImpossibleReadingsNameTheirField) {
  struct Case {
    Readings r;
    const char* field;
  };
  const Case cases[] = {
      {{.spo2 = 101}, "spo2"},
      {{.temperature_tenths = 600}, "temperature"},
      {{.breathing_rate = 0}, "breathing_rate"},
      {{.pulse = 400}, "pulse"},
      {{.symptoms = {"fever", "flying"}}, "symptoms[1]"},
      {{.symptoms = {"fever", "fever"}}, "symptoms[1]"},
  };
  for (const auto& c : cases) {
    Status s = check_readings(c.r);
    ASSERT_FALSE(s.ok()) << c.field;
    EXPECT_EQ(s.error().field, c.field);
  }
  EXPECT_TRUE(
      check_readings({.temperature_tenths = 368, .spo2 = 98, .breathing_rate = 16, .pulse = 72})
          .ok());
  EXPECT_TRUE(check_readings({}).ok());  // nothing measured: symptoms alone are a report
}

TEST(MonitoringRules, RedFlagsFollowTheAgeBand) {
  Thresholds t;
  using V = std::vector<std::string>;
  EXPECT_EQ(red_flags({.spo2 = 95}, 40, t), V{"spo2_low"});
  EXPECT_EQ(red_flags({.spo2 = 96}, 40, t), V{});
  EXPECT_EQ(red_flags({.breathing_rate = 21}, 40, t), V{"breathing_fast"});
  EXPECT_EQ(red_flags({.breathing_rate = 21}, std::nullopt, t),
            V{"breathing_fast"});  // unknown age: adult
  EXPECT_EQ(red_flags({.breathing_rate = 29}, 8, t), V{});
  EXPECT_EQ(red_flags({.breathing_rate = 30}, 8, t), V{"breathing_fast"});
  EXPECT_EQ(red_flags({.breathing_rate = 39}, 3, t), V{});
  EXPECT_EQ(red_flags({.breathing_rate = 40}, 3, t), V{"breathing_fast"});
  EXPECT_EQ(red_flags({.breathing_rate = 49}, 0, t), V{});
  EXPECT_EQ(red_flags({.breathing_rate = 50}, 0, t), V{"breathing_fast"});
  // The pulse rule is for adults only.
  EXPECT_EQ(red_flags({.pulse = 121}, 40, t), V{"pulse_high"});
  EXPECT_EQ(red_flags({.pulse = 49}, 40, t), V{"pulse_low"});
  EXPECT_EQ(red_flags({.pulse = 140}, 3, t), V{});
  EXPECT_EQ(red_flags({.temperature_tenths = 385, .symptoms = {"cough", "chest_pain"}}, 40, t),
            (V{"temperature_high", "chest_pain"}));
  EXPECT_EQ(red_flags({.temperature_tenths = 384, .symptoms = {"cough"}}, 40, t), V{});
}

TEST(MonitoringRules, AgeInYearsOnVietnamsDay) {
  EXPECT_EQ(age_in_years("2018-10-01", kOct1), 3);
  EXPECT_EQ(age_in_years("2018-10-02", kOct1), 2);
  EXPECT_EQ(age_in_years("", kOct1), std::nullopt);
  EXPECT_EQ(age_in_years("2018-13-01", kOct1), std::nullopt);
}

TEST(MonitoringRules, DaysAndSlotsAreVietnams) {
  Rules r;
  EXPECT_EQ(local_day(kOct1), local_day(kOct1 + kDay - 1));
  EXPECT_EQ(local_day(kOct1 - 1) + 1, local_day(kOct1));
  EXPECT_EQ(day_start(local_day(kOct1 + 5000)), kOct1);
  EXPECT_EQ(local_hour(kOct1 + 9 * 3600 + 59), 9);
  EXPECT_EQ(slot_of(kOct1 + 11 * 3600, 2, r), 0);
  EXPECT_EQ(slot_of(kOct1 + 12 * 3600, 2, r), 1);
  EXPECT_EQ(slot_of(kOct1 + 15 * 3600, 1, r), 0);
}

TEST(MonitoringRules, RulesFileKeepsDefaultsAndNamesBadFields) {
  auto rules = parse_rules(
      R"({"f1_days": 10, "thresholds": {"spo2_at_most": 94, "temperature_at_least": 39}})");
  ASSERT_TRUE(rules.ok()) << rules.error().message;
  EXPECT_EQ(rules->f1_days, 10);
  EXPECT_EQ(rules->f0_home_care_days, 10);
  EXPECT_EQ(rules->thresholds.spo2_at_most, 94);
  EXPECT_EQ(rules->thresholds.temperature_tenths_at_least, 390);
  EXPECT_EQ(rules->thresholds.pulse_above, 120);
  auto bad = parse_rules(R"({"thresholds": {"spo2_at_most": 150}})");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "thresholds.spo2_at_most");
  auto unknown = parse_rules(R"({"f1_dayz": 10})");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().field, "f1_dayz");
}

TEST(MonitoringRules, ReadingsTextKeepsEachValueInItsPlace) {
  Readings r{.temperature_tenths = 371, .spo2 = 96, .pulse = 88};
  EXPECT_EQ(readings_text(r), "371,96,,88");
  Readings back;
  parse_readings(readings_text(r), back);
  EXPECT_EQ(back.temperature_tenths, 371);
  EXPECT_EQ(back.spo2, 96);
  EXPECT_EQ(back.breathing_rate, std::nullopt);
  EXPECT_EQ(back.pulse, 88);
  EXPECT_EQ(readings_text(Readings{}), ",,,");
  Readings none{.spo2 = 90};
  parse_readings(",,,", none);
  EXPECT_EQ(none.spo2, std::nullopt);
  // Text that is not a number (a value that did not open reads as empty) is no reading.
  Readings bad;
  parse_readings("37x,,", bad);
  EXPECT_EQ(bad.temperature_tenths, std::nullopt);
  parse_readings("", bad);
  EXPECT_EQ(bad.pulse, std::nullopt);
}

}  // namespace
}  // namespace kb::monitoring
