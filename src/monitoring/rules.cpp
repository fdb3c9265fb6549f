#include "monitoring/rules.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <cmath>

#include "core/clock.h"

namespace kb::monitoring {
namespace {

namespace json = boost::json;

constexpr int64_t kDay = 86400;

// Reads the whole-number fields of a JSON object into `into`, refusing unknown ones; errors name
// `prefix` + the key.
struct IntField {
  std::string_view key;
  int64_t* into;
  int64_t min, max;
};

Status read_ints(const json::object& o, std::string_view prefix, std::span<const IntField> fields,
                 std::span<const std::string_view> also_known) {
  for (const auto& kv : o) {
    std::string_view key = kv.key();
    std::string field = std::string(prefix) + std::string(key);
    const IntField* f = nullptr;
    for (const auto& candidate : fields) {
      if (candidate.key == key) f = &candidate;
    }
    if (!f) {
      if (std::find(also_known.begin(), also_known.end(), key) != also_known.end()) continue;
      return invalid(field, "unknown_field", "unknown field " + field);
    }
    if (!kv.value().is_int64())
      return invalid(field, "wrong_type", field + " must be a whole number");
    int64_t v = kv.value().as_int64();
    if (v < f->min || v > f->max) {
      return invalid(field, "out_of_range",
                     fmt::format("{} must be from {} to {}", field, f->min, f->max));
    }
    *f->into = v;
  }
  return {};
}

Status read_thresholds(const json::value& v, Thresholds& t) {
  if (!v.is_object()) return invalid("thresholds", "wrong_type", "thresholds must be an object");
  const auto& o = v.as_object();
  int64_t spo2 = t.spo2_at_most, pulse_above = t.pulse_above, pulse_below = t.pulse_below;
  const IntField ints[] = {{"spo2_at_most", &spo2, 80, 99},
                           {"pulse_above", &pulse_above, 80, 220},
                           {"pulse_below", &pulse_below, 20, 80}};
  const std::string_view others[] = {"temperature_at_least", "breathing_at_least", "red_symptoms"};
  KB_TRY(read_ints(o, "thresholds.", ints, others));
  t.spo2_at_most = static_cast<int>(spo2);
  t.pulse_above = static_cast<int>(pulse_above);
  t.pulse_below = static_cast<int>(pulse_below);
  if (const auto* temp = o.if_contains("temperature_at_least")) {
    if (!temp->is_number()) {
      return invalid("thresholds.temperature_at_least", "wrong_type",
                     "a temperature in °C, e.g. 38.5");
    }
    double c = temp->to_number<double>();
    if (!(c >= 37.0 && c <= 41.0)) {
      return invalid("thresholds.temperature_at_least", "out_of_range",
                     "the temperature must be 37–41 °C");
    }
    t.temperature_tenths_at_least = static_cast<int>(std::lround(c * 10));
  }
  if (const auto* b = o.if_contains("breathing_at_least")) {
    if (!b->is_object()) {
      return invalid("thresholds.breathing_at_least", "wrong_type",
                     "breathing_at_least must be an object");
    }
    int64_t adult = t.breathing_adult_at_least, c512 = t.breathing_5_12_at_least,
            c15 = t.breathing_1_5_at_least, infant = t.breathing_infant_at_least;
    const IntField bands[] = {{"adult", &adult, 12, 60},
                              {"5_12", &c512, 15, 80},
                              {"1_5", &c15, 20, 90},
                              {"infant", &infant, 25, 100}};
    KB_TRY(read_ints(b->as_object(), "thresholds.breathing_at_least.", bands, {}));
    t.breathing_adult_at_least = static_cast<int>(adult);
    t.breathing_5_12_at_least = static_cast<int>(c512);
    t.breathing_1_5_at_least = static_cast<int>(c15);
    t.breathing_infant_at_least = static_cast<int>(infant);
  }
  if (const auto* list = o.if_contains("red_symptoms")) {
    if (!list->is_array())
      return invalid("thresholds.red_symptoms", "wrong_type", "red_symptoms must be a list");
    t.red_symptoms.clear();
    for (size_t i = 0; i < list->as_array().size(); ++i) {
      const auto& s = list->as_array()[i];
      std::string field = fmt::format("thresholds.red_symptoms[{}]", i);
      if (!s.is_string() || !known_symptom(s.as_string())) {
        return invalid(field, "unknown_symptom", field + " is not a symptom a report offers");
      }
      t.red_symptoms.emplace_back(s.as_string());
    }
  }
  return {};
}

}  // namespace

std::string_view kind_name(Kind k) {
  switch (k) {
    case Kind::kF1Quarantine:
      return "f1_quarantine";
    case Kind::kF0HomeCare:
      return "f0_home_care";
    case Kind::kEntry:
      return "entry";
    case Kind::kArea:
      return "area";
  }
  return "area";
}

Result<Kind> parse_kind(std::string_view text, std::string_view field) {
  for (Kind k : {Kind::kF1Quarantine, Kind::kF0HomeCare, Kind::kEntry, Kind::kArea}) {
    if (kind_name(k) == text) return k;
  }
  return invalid(std::string(field), "invalid_kind",
                 "kind must be f1_quarantine, f0_home_care, entry or area");
}

Result<Rules> parse_rules(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec)
    return invalid("monitoring-rules", "malformed_json",
                   "the rules file is not JSON: " + ec.message());
  if (!v.is_object())
    return invalid("monitoring-rules", "not_an_object", "the rules file must hold a JSON object");
  Rules r;
  int64_t reminder = r.reminder_hour, afternoon = r.afternoon_reminder_hour,
          from = r.afternoon_from_hour;
  const IntField ints[] = {
      {"f1_days", &r.f1_days, 1, 60},
      {"f1_vaccinated_quarantine_days", &r.f1_vaccinated_quarantine_days, 1, 60},
      {"f1_vaccinated_self_monitoring_days", &r.f1_vaccinated_self_monitoring_days, 0, 60},
      {"f0_home_care_days", &r.f0_home_care_days, 1, 60},
      {"entry_days", &r.entry_days, 1, 60},
      {"area_default_days", &r.area_default_days, 1, 90},
      {"reminder_hour", &reminder, 0, 23},
      {"afternoon_reminder_hour", &afternoon, 1, 23},
      {"afternoon_from_hour", &from, 1, 23},
      {"non_reporting_seconds", &r.non_reporting_seconds, 3600, 7 * 86400}};
  const std::string_view others[] = {"thresholds"};
  KB_TRY(read_ints(v.as_object(), "", ints, others));
  r.reminder_hour = static_cast<int>(reminder);
  r.afternoon_reminder_hour = static_cast<int>(afternoon);
  r.afternoon_from_hour = static_cast<int>(from);
  if (r.afternoon_reminder_hour < r.afternoon_from_hour) {
    return invalid("afternoon_reminder_hour", "out_of_range",
                   "the afternoon reminder comes after the afternoon begins (afternoon_from_hour)");
  }
  if (const auto* t = v.as_object().if_contains("thresholds"))
    KB_TRY(read_thresholds(*t, r.thresholds));
  return r;
}

bool known_symptom(std::string_view s) {
  return std::find(std::begin(kReportSymptoms), std::end(kReportSymptoms), s) !=
         std::end(kReportSymptoms);
}

Status check_readings(const Readings& r) {
  auto in_range = [](const std::optional<int>& v, int lo, int hi) {
    return !v || (*v >= lo && *v <= hi);
  };
  if (!in_range(r.temperature_tenths, 340, 430)) {
    return invalid("temperature", "impossible_reading",
                   "a body temperature is between 34 and 43 °C");
  }
  if (!in_range(r.spo2, 50, 100))
    return invalid("spo2", "impossible_reading", "SpO2 is between 50 and 100 %");
  if (!in_range(r.breathing_rate, 4, 80)) {
    return invalid("breathing_rate", "impossible_reading",
                   "a breathing rate is between 4 and 80 per minute");
  }
  if (!in_range(r.pulse, 25, 250))
    return invalid("pulse", "impossible_reading", "a pulse is between 25 and 250 per minute");
  for (size_t i = 0; i < r.symptoms.size(); ++i) {
    std::string field = fmt::format("symptoms[{}]", i);
    if (!known_symptom(r.symptoms[i]))
      return invalid(field, "unknown_symptom", field + " is not a symptom this form offers");
    if (std::find(r.symptoms.begin(), r.symptoms.begin() + static_cast<std::ptrdiff_t>(i),
                  r.symptoms[i]) != r.symptoms.begin() + static_cast<std::ptrdiff_t>(i)) {
      return invalid(field, "duplicate", field + " repeats a symptom");
    }
  }
  return {};
}

std::vector<std::string> red_flags(const Readings& r, std::optional<int> age_years,
                                   const Thresholds& t) {
  std::vector<std::string> flags;
  int age = age_years.value_or(30);
  if (r.spo2 && *r.spo2 <= t.spo2_at_most) flags.emplace_back("spo2_low");
  if (r.breathing_rate) {
    int limit = age >= 12  ? t.breathing_adult_at_least
                : age >= 5 ? t.breathing_5_12_at_least
                : age >= 1 ? t.breathing_1_5_at_least
                           : t.breathing_infant_at_least;
    if (*r.breathing_rate >= limit) flags.emplace_back("breathing_fast");
  }
  if (r.pulse && age >= 12) {
    if (*r.pulse > t.pulse_above) flags.emplace_back("pulse_high");
    if (*r.pulse < t.pulse_below) flags.emplace_back("pulse_low");
  }
  if (r.temperature_tenths && *r.temperature_tenths >= t.temperature_tenths_at_least) {
    flags.emplace_back("temperature_high");
  }
  for (const auto& s : t.red_symptoms) {
    if (std::find(r.symptoms.begin(), r.symptoms.end(), s) != r.symptoms.end()) flags.push_back(s);
  }
  return flags;
}

std::optional<int> age_in_years(std::string_view birth_date, int64_t now) {
  if (birth_date.size() != 10 || birth_date[4] != '-' || birth_date[7] != '-') return std::nullopt;
  auto num = [&](size_t at, size_t len) {
    int v = -1;
    auto [p, ec] = std::from_chars(birth_date.data() + at, birth_date.data() + at + len, v);
    return ec == std::errc{} && p == birth_date.data() + at + len ? v : -1;
  };
  int y = num(0, 4), m = num(5, 2), d = num(8, 2);
  if (y < 1900 || m < 1 || m > 12 || d < 1 || d > 31) return std::nullopt;
  std::string today = format_rfc3339(now).substr(0, 10);  // Vietnam's date
  int ty = std::stoi(today.substr(0, 4)), tm = std::stoi(today.substr(5, 2)),
      td = std::stoi(today.substr(8, 2));
  int age = ty - y - ((tm < m || (tm == m && td < d)) ? 1 : 0);
  if (age < 0 || age > 130) return std::nullopt;
  return age;
}

int64_t local_day(int64_t t) {
  int64_t local = t + kVietnamOffsetSeconds;
  return local >= 0 ? local / kDay : (local - kDay + 1) / kDay;
}
int64_t day_start(int64_t day) { return day * kDay - kVietnamOffsetSeconds; }
int local_hour(int64_t t) { return static_cast<int>((t - day_start(local_day(t))) / 3600); }

int slot_of(int64_t t, int reports_per_day, const Rules& rules) {
  if (reports_per_day < 2) return 0;
  return local_hour(t) < rules.afternoon_from_hour ? 0 : 1;
}

Period period_of(Kind kind, int64_t from, bool fully_vaccinated, int64_t area_until,
                 const Rules& r) {
  switch (kind) {
    case Kind::kF1Quarantine:
      if (fully_vaccinated) {
        return {
            from + r.f1_vaccinated_quarantine_days * kDay,
            from + (r.f1_vaccinated_quarantine_days + r.f1_vaccinated_self_monitoring_days) * kDay};
      }
      return {from + r.f1_days * kDay, from + r.f1_days * kDay};
    case Kind::kF0HomeCare:
      return {from + r.f0_home_care_days * kDay, from + r.f0_home_care_days * kDay};
    case Kind::kEntry:
      return {from + r.entry_days * kDay, from + r.entry_days * kDay};
    case Kind::kArea: {
      int64_t end = area_until > from ? area_until : from + r.area_default_days * kDay;
      return {from, end};  // no quarantine: an area order colours nobody
    }
  }
  return {from, from};
}

int reports_per_day(Kind kind) { return kind == Kind::kF0HomeCare ? 2 : 1; }

}  // namespace kb::monitoring
