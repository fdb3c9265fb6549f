#include "people/cccd.h"

#include <fmt/format.h>

namespace kb::people {

Result<CccdFacts> decode_cccd(std::string_view id, std::string_view field) {
  if (id.size() != 12 || id.find_first_not_of("0123456789") != std::string_view::npos) {
    return invalid(std::string(field), "invalid_id_number", "a CCCD number has exactly 12 digits");
  }
  CccdFacts facts;
  facts.province_code = (id[0] - '0') * 100 + (id[1] - '0') * 10 + (id[2] - '0');
  if (facts.province_code < 1 || facts.province_code > 96) {
    return invalid(std::string(field), "invalid_id_number",
                   "the first three digits are not a province code");
  }
  int gender_century = id[3] - '0';
  static constexpr int kCenturies[] = {1900, 2000, 2100, 2200, 1800};
  facts.sex = gender_century % 2 == 0 ? "male" : "female";
  facts.birth_year = kCenturies[gender_century / 2] + (id[4] - '0') * 10 + (id[5] - '0');
  return facts;
}

Status check_cccd(std::string_view id, std::string_view birth_date, std::string_view sex,
                  std::string_view field) {
  KB_ASSIGN(CccdFacts facts, decode_cccd(id, field));
  if (!birth_date.empty()) {
    int year = 0;
    for (size_t i = 0; i < 4 && i < birth_date.size(); ++i)
      year = year * 10 + (birth_date[i] - '0');
    if (year != facts.birth_year) {
      return invalid(
          std::string(field), "id_number_mismatch",
          fmt::format("the CCCD number is of someone born in {}, not {}", facts.birth_year, year));
    }
  }
  if (!sex.empty() && sex != facts.sex) {
    return invalid(
        std::string(field), "id_number_mismatch",
        fmt::format("the CCCD number is of a {} person", facts.sex == "male" ? "male" : "female"));
  }
  return {};
}

}  // namespace kb::people
