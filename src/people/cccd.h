// The 12-digit chip citizen ID (CCCD): digits 1–3 the province of birth registration, digit 4
// sex and century (0/1 male/female born 1900s, 2/3 2000s, 4/5 2100s, 6/7 2200s, 8/9 1800s),
// digits 5–6 the last two digits of the birth year, then a 6-digit serial.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace kb::people {

struct CccdFacts {
  int province_code = 0;  // 1..96
  std::string sex;        // "male" | "female"
  int birth_year = 0;     // full year
};

// Decodes an ID number; errors (field `field`, code invalid_id_number) for anything but 12
// digits with a plausible province code.
Result<CccdFacts> decode_cccd(std::string_view id_number, std::string_view field = "id_number");

// Checks an ID number against a birth date (YYYY-MM-DD) and sex ("male"/"female"): the
// mismatch is named in the error (code id_number_mismatch).
Status check_cccd(std::string_view id_number, std::string_view birth_date, std::string_view sex,
                  std::string_view field = "id_number");

}  // namespace kb::people
