// The rules of monitoring, as values: how long each kind of order lasts, when people are
// reminded, which readings are impossible and which are red flags, and what must hold before a
// person is released. Defaults follow the Ministry of Health's late-2021 rules; a province
// changes them with `serve --monitoring-rules FILE` (parse_rules below), never in code.
//
//   kind           counts from                 quarantine (colour)       then self-monitoring
//   f1_quarantine  the last exposure            14 days; 7 when fully     0; 7 when fully
//                                               vaccinated                vaccinated
//   f0_home_care   the positive test            10 days (until released)  —
//   entry          the arrival                  7 days                    0
//   area           the order's start            — (no colour)             until the order's end
//
// Vaccination records do not exist yet (the vaccination issue brings them): until then the
// official placing an F1 order states whether the person is fully vaccinated.
//
// Red flags (Decision 4038/QĐ-BYT, home care of F0, applied to everyone monitored):
// SpO2 ≤ 95 %; breathing rate ≥ 21/min from 12 years, ≥ 30 for 5–12 years, ≥ 40 for 1–5
// years, ≥ 50 under one year (WHO's fast-breathing threshold for infants; 4038 names none);
// pulse > 120 or < 50 from 12 years (4038 gives the pulse rule for adults only); temperature
// ≥ 38.5 °C; and the warning symptoms: shortness of breath, chest pain, confusion, bluish lips
// or nails, unable to eat or drink. The person's age picks the band; without a birth date the
// adult thresholds apply.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace kb::monitoring {

enum class Kind { kF1Quarantine, kF0HomeCare, kEntry, kArea };
std::string_view kind_name(Kind k);  // "f1_quarantine" | "f0_home_care" | "entry" | "area"
// Errors name `field` (invalid_kind).
Result<Kind> parse_kind(std::string_view text, std::string_view field = "kind");

struct Thresholds {
  int spo2_at_most = 95;
  int temperature_tenths_at_least = 385;  // 38.5 °C
  int breathing_adult_at_least = 21;      // 12 years and over
  int breathing_5_12_at_least = 30;
  int breathing_1_5_at_least = 40;
  int breathing_infant_at_least = 50;  // under one year
  int pulse_above = 120;               // from 12 years
  int pulse_below = 50;
  std::vector<std::string> red_symptoms = {"shortness_of_breath", "chest_pain", "confusion",
                                           "cyanosis", "cannot_eat_or_drink"};
};

struct Rules {
  int64_t f1_days = 14;
  int64_t f1_vaccinated_quarantine_days = 7;
  int64_t f1_vaccinated_self_monitoring_days = 7;
  int64_t f0_home_care_days = 10;
  int64_t entry_days = 7;
  int64_t area_default_days = 14;  // when the official gives no end
  // Reminders, in Vietnam's local hours: the daily report (and an F0's morning one) is asked
  // for at reminder_hour, an F0's afternoon one at afternoon_reminder_hour. Reports of F0 made
  // before afternoon_from_hour count for the morning.
  int reminder_hour = 9;
  int afternoon_reminder_hour = 16;
  int afternoon_from_hour = 12;
  int64_t non_reporting_seconds = 86400;  // nothing for this long: the non-reporting list
  Thresholds thresholds;
  std::string
      page_link;  // set by serve, not the file: {public-url}/monitoring, linked from messages
};

// Reads a rules file: a JSON object with any of the fields above by name ("f1_days",
// "reminder_hour", …, "thresholds": {"spo2_at_most", "temperature_at_least" in °C,
// "breathing_at_least": {"adult", "5_12", "1_5", "infant"}, "pulse_above", "pulse_below",
// "red_symptoms": [...]}); fields left out keep their defaults. Errors name the field
// ("thresholds.spo2_at_most"), for values out of range or unknown.
Result<Rules> parse_rules(std::string_view json);

// ---- symptoms and readings ----

// The symptoms a daily report offers (the declaration's, and the warning signs of 4038).
inline constexpr std::string_view kReportSymptoms[] = {
    "fever",      "cough",       "sore_throat", "runny_nose",         "loss_of_taste_smell",
    "fatigue",    "muscle_pain", "headache",    "diarrhoea",          "shortness_of_breath",
    "chest_pain", "confusion",   "cyanosis",    "cannot_eat_or_drink"};
bool known_symptom(std::string_view s);

// What a person measured. Temperature in tenths of a degree Celsius.
struct Readings {
  std::optional<int> temperature_tenths;
  std::optional<int> spo2;
  std::optional<int> breathing_rate;
  std::optional<int> pulse;
  std::vector<std::string> symptoms;
};

// Refuses readings no living person or working meter gives (kInvalidArgument naming the field:
// "temperature" outside 34–43 °C, "spo2" outside 50–100 %, "breathing_rate" outside 4–80 /min,
// "pulse" outside 25–250 /min) and unknown or repeated symptoms ("symptoms[2]").
Status check_readings(const Readings& r);

// The red flags the readings trip for a person of `age_years` (nullopt: unknown, adult), in a
// stable order: "spo2_low", "breathing_fast", "pulse_high", "pulse_low", "temperature_high",
// then each red symptom by name.
std::vector<std::string> red_flags(const Readings& r, std::optional<int> age_years,
                                   const Thresholds& t);

// Whole years from a birth date (YYYY-MM-DD) to the Vietnam day of `now`; nullopt when the date
// is empty or unreadable.
std::optional<int> age_in_years(std::string_view birth_date, int64_t now);

// ---- days and slots ----

// Vietnam's day number of a time (the same numbering as store::visit_day) and its start.
int64_t local_day(int64_t t);
int64_t day_start(int64_t day);
int local_hour(int64_t t);

// The report slot a time falls in: 0 for people who report once a day, else 0 before
// afternoon_from_hour and 1 after.
int slot_of(int64_t t, int reports_per_day, const Rules& rules);

// ---- periods ----

struct Period {
  int64_t quarantine_until = 0;  // the colour holds until then
  int64_t ends_at = 0;           // reports are asked for until then
};
// The planned period of an order of `kind` counted from `from` (see the table above);
// `area_until` is the area order's given end (0: area_default_days).
Period period_of(Kind kind, int64_t from, bool fully_vaccinated, int64_t area_until,
                 const Rules& rules);
// Reports a day: F0 twice (morning and afternoon), everyone else once.
int reports_per_day(Kind kind);

}  // namespace kb::monitoring
