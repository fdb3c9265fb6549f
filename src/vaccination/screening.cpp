#include "vaccination/screening.h"

#include <fmt/format.h>

namespace kb::vaccination {

std::string_view concern_name(Concern c) {
  switch (c) {
    case Concern::kNone:
      return "none";
    case Concern::kAttention:
      return "attention";
    case Concern::kDefer:
      return "defer";
  }
  return "none";
}

std::vector<Flag> flagged(const Answers& answers) {
  std::vector<Flag> out;
  for (const auto& q : kQuestions) {
    auto it = answers.yes.find(q.key);
    bool yes = it != answers.yes.end() && it->second;
    if (q.key == "fever" && answers.temperature_c && *answers.temperature_c >= kFeverCelsius) {
      out.push_back(Flag{"temperature", Concern::kDefer});
    }
    if (yes && q.when_yes != Concern::kNone) out.push_back(Flag{std::string(q.key), q.when_yes});
  }
  return out;
}

Concern overall(const std::vector<Flag>& flags) {
  Concern worst = Concern::kNone;
  for (const auto& f : flags) {
    if (static_cast<int>(f.concern) > static_cast<int>(worst)) worst = f.concern;
  }
  return worst;
}

Result<Answers> parse_answers(const boost::json::value& v, std::string_view field) {
  const auto* o = v.if_object();
  if (!o) return invalid(std::string(field), "wrong_type", "the answers are an object");
  Answers a;
  for (const auto& [key, value] : *o) {
    std::string k(key);
    if (k == "temperature_c") {
      if (value.is_null()) continue;
      if (!value.is_number()) return invalid(k, "wrong_type", "a temperature in °C");
      double t = value.to_number<double>();
      if (!(t >= 30 && t <= 45)) {  // NaN fails too
        return invalid(k, "invalid_temperature", "a body temperature is 30 to 45 °C");
      }
      a.temperature_c = t;
      continue;
    }
    bool known = false;
    for (const auto& q : kQuestions) known = known || q.key == k;
    if (!known) {  // named by its key, or by the answers when the key is empty
      return invalid(k.empty() ? std::string(field) : k, "unknown_field",
                     fmt::format("no question '{}'", k));
    }
    if (!value.is_bool()) return invalid(k, "wrong_type", "answer yes (true) or no (false)");
    a.yes[k] = value.as_bool();
  }
  for (const auto& q : kQuestions) {
    if (!a.yes.count(q.key)) {
      return invalid(std::string(q.key), "missing_field", "answer every screening question");
    }
  }
  return a;
}

boost::json::object answers_json(const Answers& a) {
  boost::json::object o;
  for (const auto& [k, yes] : a.yes) o[k] = yes;
  o["temperature_c"] = a.temperature_c ? boost::json::value(*a.temperature_c) : nullptr;
  return o;
}

boost::json::array flags_json(const std::vector<Flag>& flags) {
  boost::json::array out;
  for (const auto& f : flags) {
    out.push_back(boost::json::object{{"key", f.key}, {"concern", concern_name(f.concern)}});
  }
  return out;
}

}  // namespace kb::vaccination
