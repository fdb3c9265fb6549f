// What epidemiologists read of the cases of an area: the epidemic curve (cases by onset or
// test date) and a de-identified line list with its data dictionary. The line list carries no
// name, ID number, phone or address below the ward, and ages in ten-year groups; reading it is
// still audited (the caller records the reason).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "accounts/accounts.h"
#include "areas/area_directory.h"
#include "core/result.h"
#include "store/database.h"

namespace kb::dashboard {

// The area an official looks at: the one asked for ("*", a province or a ward code), or their
// whole jurisdiction when none is. Errors: unknown_area (field area), outside_jurisdiction.
Result<std::string> area_for(const accounts::User& official, const areas::AreaDirectory& areas,
                             const std::optional<std::string>& requested);

enum class CurveBy { kOnset, kTest };
struct EpiCurve {
  int64_t from_day = 0, to_day = 0;
  std::vector<int64_t> cases;  // per day
  int64_t without_date = 0;    // by onset: cases with no onset date (asymptomatic or unknown)
};
// Cases (not errors) of the area by onset or test date over [from_day, to_day].
Result<EpiCurve> epi_curve(store::Connection& c, std::string_view area_code, CurveBy by,
                           int64_t from_day, int64_t to_day);

struct LineListRow {
  int64_t case_id = 0;
  std::string province_code, ward_code;
  std::string age_group;  // "30-39", or "" when the birth date is unknown
  std::string sex;
  int64_t test_date = 0;
  std::optional<int64_t> onset_date, isolation_date;
  std::string found_in, status;
  int64_t f1 = 0;
};
// Cases (not errors) of the area tested within [from, to), oldest first.
Result<std::vector<LineListRow>> line_list(store::Connection& c, std::string_view area_code,
                                           int64_t from, int64_t to, int64_t now);
std::string line_list_csv(const std::vector<LineListRow>& rows);
// The data dictionary of the line list: column, type, meaning (CSV, UTF-8 with BOM).
std::string line_list_dictionary_csv();

}  // namespace kb::dashboard
