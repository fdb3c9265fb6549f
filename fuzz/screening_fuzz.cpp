// The pre-vaccination screening answers (vaccination/screening.h) as they arrive in a request
// body: whatever the JSON, parse_answers() either names the field it refuses (a question's key,
// temperature_c, or answers) or returns every question answered; the flags it yields name only
// questions answered yes (or the temperature), in the form's order, and survive a round trip.
#include <boost/json.hpp>
#include <string>

#include "check.h"
#include "vaccination/screening.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace kb::vaccination;
  boost::system::error_code ec;
  boost::json::value v =
      boost::json::parse(std::string_view(reinterpret_cast<const char*>(data), size), ec);
  if (ec) return 0;
  auto answers = parse_answers(v);
  if (!answers.ok()) {
    KB_FUZZ_CHECK(!answers.error().field.empty(), answers.error().code);
    return 0;
  }
  KB_FUZZ_CHECK(answers->yes.size() == kQuestions.size(), "every question answered");
  auto flags = flagged(*answers);
  for (const auto& f : flags) {
    bool temperature = f.key == "temperature";
    KB_FUZZ_CHECK(temperature ? *answers->temperature_c >= kFeverCelsius : answers->yes.at(f.key),
                  f.key);
    KB_FUZZ_CHECK(f.concern != Concern::kNone, "a flag has a concern");
  }
  auto again = parse_answers(answers_json(*answers));
  KB_FUZZ_CHECK(again.ok() && again->yes == answers->yes, "answers survive a round trip");
  return 0;
}
