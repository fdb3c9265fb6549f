// The Ministry of Health's pre-vaccination screening, answered at home before the visit: the
// questions, and the one rule for which answers the site's doctor must look at. A flagged answer
// either defers the dose (come back later) or needs the doctor's attention before it is given;
// the doctor decides, the form only points.
#pragma once

#include <array>
#include <boost/json.hpp>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace kb::vaccination {

enum class Concern { kNone, kAttention, kDefer };
std::string_view concern_name(Concern c);  // "none" | "attention" | "defer"

struct Question {
  std::string_view key;
  Concern when_yes;  // what a "yes" means; "no" is never flagged
};

// The questions, in the form's order (texts in the web app's dictionaries, by key).
inline constexpr std::array<Question, 10> kQuestions{{
    {"previous_reaction", Concern::kDefer},      // a severe reaction or anaphylaxis after a dose
    {"severe_allergy", Concern::kAttention},     // anaphylaxis to anything, or allergies
    {"acute_illness", Concern::kDefer},          // an acute illness now
    {"pregnant", Concern::kAttention},           // pregnant (or may be)
    {"chronic_condition", Concern::kAttention},  // a chronic condition under treatment
    {"immunosuppressed", Concern::kAttention},   // immunosuppression, cancer treatment
    {"bleeding_disorder", Concern::kAttention},  // a bleeding disorder or anticoagulants
    {"recent_vaccine", Concern::kDefer},         // any vaccine in the last 14 days
    {"covid_recent", Concern::kDefer},           // COVID-19 in the last 3 months
    {"fever", Concern::kDefer},                  // feels feverish now (see also the temperature)
}};
// A measured temperature at or above this is a fever, whatever the answer to "fever".
inline constexpr double kFeverCelsius = 37.5;

struct Answers {
  std::map<std::string, bool, std::less<>> yes;  // every question, by key
  std::optional<double> temperature_c;           // optional: measured at home
};

struct Flag {
  std::string key;  // a question's key, or "temperature"
  Concern concern = Concern::kNone;
};
// The flagged answers, in the form's order (the temperature with "fever").
std::vector<Flag> flagged(const Answers& answers);
// The strongest concern among the flags (kNone for none).
Concern overall(const std::vector<Flag>& flags);

// Reads answers from JSON {"previous_reaction": false, …, "temperature_c": 36.8}: every question
// answered true or false. Errors name the question (missing_field, wrong_type, unknown_field) or
// temperature_c (invalid_temperature: 30–45 °C).
Result<Answers> parse_answers(const boost::json::value& v, std::string_view field = "answers");
boost::json::object answers_json(const Answers& a);
boost::json::array flags_json(const std::vector<Flag>& flags);

}  // namespace kb::vaccination
