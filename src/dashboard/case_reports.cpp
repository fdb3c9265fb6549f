#include "dashboard/case_reports.h"

#include <fmt/format.h>

#include "access/policy.h"
#include "cases/case.h"
#include "checkin/visit_days.h"
#include "core/clock.h"
#include "core/csv.h"

namespace kb::dashboard {
namespace {

using store::Sql;

constexpr Sql kCasesOfArea{"select_cases_for_reports",
                           "SELECT c.id, c.province_code, c.ward_code, p.birth_date, p.sex, "
                           "c.test_date, c.onset_date, c.isolation_date, "
                           "c.found_in, c.status, (SELECT COUNT(*) FROM contacts k WHERE k.case_id "
                           "= c.id AND k.degree = 1 AND "
                           "k.status <> 'void') FROM cases c JOIN people p ON p.id = c.person_id "
                           "WHERE c.status <> 'error' AND "
                           "($1 = '*' OR c.province_code = $1 OR c.ward_code = $1) AND c.test_date "
                           ">= $2 AND c.test_date < $3 "
                           "ORDER BY c.test_date, c.id"};
constexpr Sql kCurveDates{
    "select_case_dates_for_curve",
    "SELECT c.test_date, c.onset_date FROM cases c WHERE c.status <> 'error' AND "
    "($1 = '*' OR c.province_code = $1 OR c.ward_code = $1) AND ((c.test_date >= $2 AND "
    "c.test_date < $3) OR "
    "(c.onset_date >= $2 AND c.onset_date < $3))"};

// Ten-year age group at `now` from a birth date "YYYY-MM-DD"; "" when unknown.
std::string age_group(const std::string& birth_date, int64_t now) {
  if (birth_date.size() < 10) return "";
  std::string today = format_rfc3339(now);
  int age = std::stoi(today.substr(0, 4)) - std::stoi(birth_date.substr(0, 4));
  if (today.substr(5, 5) < birth_date.substr(5, 5)) --age;
  if (age < 0) return "";
  if (age >= 80) return "80+";
  int low = age / 10 * 10;
  return fmt::format("{}-{}", low, low + 9);
}

std::string date_text(std::optional<int64_t> t) {
  return t ? format_rfc3339(*t).substr(0, 10) : "";
}

}  // namespace

Result<std::string> area_for(const accounts::User& official, const areas::AreaDirectory& areas,
                             const std::optional<std::string>& requested) {
  KB_TRY(access::official(official));
  std::string area = requested.value_or("");
  if (area.empty())
    area = official.jurisdiction && !official.jurisdiction->code.empty()
               ? official.jurisdiction->code
               : "*";
  std::string province, ward;
  if (area == "*") {
    // the country: only a national official covers an address with no province
  } else if (const auto* p = areas.province(area)) {
    province = p->code;
  } else if (const auto* w = areas.ward(area)) {
    province = w->province_code;
    ward = w->code;
  } else {
    return invalid("area", "unknown_area",
                   "no province or ward has this code ('*' is the whole country)");
  }
  KB_TRY(access::in_charge(official, province, ward));
  return area;
}

Result<EpiCurve> epi_curve(store::Connection& c, std::string_view area_code, CurveBy by,
                           int64_t from_day, int64_t to_day) {
  EpiCurve curve{from_day, to_day,
                 std::vector<int64_t>(static_cast<size_t>(to_day - from_day + 1), 0), 0};
  KB_ASSIGN(auto rows, c.query(kCurveDates, {area_code, checkin::visit_day_start(from_day),
                                             checkin::visit_day_start(to_day + 1)}));
  for (const auto& r : rows) {
    std::optional<int64_t> t =
        by == CurveBy::kTest ? std::optional<int64_t>(r.i64(0)) : r.opt_i64(1);
    if (!t) {
      int64_t test_day = checkin::visit_day(r.i64(0));
      if (test_day >= from_day && test_day <= to_day) ++curve.without_date;
      continue;
    }
    int64_t day = checkin::visit_day(*t);
    if (day >= from_day && day <= to_day) ++curve.cases[static_cast<size_t>(day - from_day)];
  }
  return curve;
}

Result<std::vector<LineListRow>> line_list(store::Connection& c, std::string_view area_code,
                                           int64_t from, int64_t to, int64_t now) {
  KB_ASSIGN(auto rows, c.query(kCasesOfArea, {area_code, from, to}));
  std::vector<LineListRow> out;
  out.reserve(rows.size());
  for (const auto& r : rows) {
    out.push_back({r.i64(0), r.str(1), r.str(2), age_group(r.str(3), now), r.str(4), r.i64(5),
                   r.opt_i64(6), r.opt_i64(7), r.str(8), r.str(9), r.i64(10)});
  }
  return out;
}

std::string line_list_csv(const std::vector<LineListRow>& rows) {
  std::string out{csv::kBom};
  csv::append_row(out, {"case_id", "province_code", "ward_code", "age_group", "sex", "test_date",
                        "onset_date", "isolation_date", "found_in", "status", "f1_count"});
  for (const auto& r : rows) {
    csv::append_row(out, {std::to_string(r.case_id), r.province_code, r.ward_code, r.age_group,
                          r.sex, date_text(r.test_date), date_text(r.onset_date),
                          date_text(r.isolation_date), r.found_in, r.status, std::to_string(r.f1)});
  }
  return out;
}

std::string line_list_dictionary_csv() {
  return std::string{csv::kBom} +
         "column,type,meaning\r\n"
         "case_id,integer,the case's number in khaibao (officials can look it up; nothing else "
         "identifies the person)\r\n"
         "province_code,text,province of the case (Resolution 202/2025/QH15 code; the person's "
         "address or the recording official's area)\r\n"
         "ward_code,text,\"ward of the case, empty when only the province is known\"\r\n"
         "age_group,text,\"age in ten-year groups on the day of the export (0-9, 10-19 … 80+), "
         "empty when the birth date is unknown\"\r\n"
         "sex,text,\"male, female or empty\"\r\n"
         "test_date,date,day of the positive test (YYYY-MM-DD, Vietnam time)\r\n"
         "onset_date,date,\"day symptoms began, empty when none or unknown\"\r\n"
         "isolation_date,date,\"day the case was isolated, empty when not yet\"\r\n"
         "found_in,text,\"community, or quarantine when found among people already in quarantine "
         "(not a community case)\"\r\n"
         "status,text,\"active, recovered or died (cases recorded by mistake are left out)\"\r\n"
         "f1_count,integer,\"F1 contacts recorded for the case, not voided\"\r\n";
}

}  // namespace kb::dashboard
