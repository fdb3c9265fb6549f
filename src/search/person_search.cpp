#include "search/person_search.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "access/policy.h"
#include "audit/audit_log.h"
#include "core/clock.h"
#include "core/csv.h"
#include "crypto/sealing.h"
#include "dashboard/case_reports.h"
#include "health/health_status.h"
#include "identity/identifiers.h"
#include "identity/name_index.h"

namespace kb::search {
namespace {

using store::Sql;

// By identity's folded name key (accents, case, spacing and word order aside: "NGUYEN VAN AN"
// finds "Nguyễn Văn An"), merged records too. The key is a blind index (identity/name_index.h):
// names are sealed at rest.
constexpr Sql kPeopleByName{"select_people_by_name_key_and_year",
                            "SELECT id FROM people WHERE birth_date >= $2 AND birth_date < $3 AND "
                            "name_key = $1 ORDER BY id LIMIT 1000"};
// Every record with the phone as its own, merged ones too.
constexpr Sql kRecordsByPhone{
    "select_records_by_phone",
    "SELECT id FROM people WHERE phone_index = $1 ORDER BY id LIMIT 1000"};
constexpr Sql kCasesOfPerson{"select_cases_of_person",
                             "SELECT id, test_date, status, found_in FROM cases WHERE person_id = "
                             "$1 ORDER BY id DESC LIMIT 50"};
constexpr Sql kDeclarationsOfArea{"select_declarations_for_export",
                                  "SELECT d.id, d.created_at, d.superseded_at, d.kind, "
                                  "d.travel_provinces, d.travel_countries, d.symptoms, "
                                  "d.exposures, d.vaccine_doses, p.id, p.full_name, "
                                  "COALESCE(p.id_number, ''), p.birth_date, p.sex, "
                                  "COALESCE(p.phone, ''), p.province_code, p.ward_code, p.street "
                                  "FROM declarations d JOIN people p ON p.id = d.person_id "
                                  "WHERE d.created_at >= $2 AND d.created_at < $3 AND ($1 = '*' OR "
                                  "p.province_code = $1 OR p.ward_code = $1) "
                                  "ORDER BY d.created_at, d.id LIMIT $4"};

Error not_found() {
  return make_error(ErrorKind::kNotFound, "person_not_found", "no such person in your area");
}

// What was asked, for the audit log: the way, never the full value of an identifier.
std::string query_detail(const PersonQuery& q, size_t found) {
  std::string way = !q.phone.empty()       ? "phone"
                    : !q.id_number.empty() ? "id_number"
                                           : fmt::format("name+birth_year {}", q.birth_year);
  return fmt::format("by {}; {} found", way, found);
}

// The people the records are now, each once: a record merged into another is the person it was
// merged into (people::find), so a merged person is found by any of their identifiers and shown
// as the surviving record.
Result<std::vector<people::Person>> survivors(store::Connection& c,
                                              const std::vector<int64_t>& record_ids) {
  std::vector<people::Person> out;
  std::set<int64_t> seen;
  for (int64_t id : record_ids) {
    KB_ASSIGN(auto p, people::find(c, id));
    if (p && seen.insert(p->id).second) out.push_back(std::move(*p));
  }
  std::sort(out.begin(), out.end(),
            [](const people::Person& a, const people::Person& b) { return a.id < b.id; });
  return out;
}

std::vector<int64_t> ids_of(const store::Rows& rows) {
  std::vector<int64_t> ids;
  ids.reserve(rows.size());
  for (const auto& r : rows) ids.push_back(r.i64(0));
  return ids;
}

Result<std::vector<people::Person>> candidates(store::Connection& c, const PersonQuery& q) {
  if (!q.phone.empty()) {
    KB_ASSIGN(auto rows, c.query(kRecordsByPhone, {sealing::blind("phone", q.phone)}));
    std::vector<int64_t> ids = ids_of(rows);
    KB_ASSIGN(auto seen_with, identity::people_with_phone(c, q.phone, 1000));
    ids.insert(ids.end(), seen_with.begin(), seen_with.end());
    return survivors(c, ids);
  }
  if (!q.id_number.empty()) {
    KB_ASSIGN(auto p, people::find_by_id_number(c, q.id_number));
    if (!p) return std::vector<people::Person>{};
    return std::vector<people::Person>{std::move(*p)};
  }
  KB_ASSIGN(auto rows,
            c.query(kPeopleByName,
                    {std::string_view(identity::name_key_index(q.full_name)),
                     fmt::format("{:04}", q.birth_year), fmt::format("{:04}", q.birth_year + 1)}));
  return survivors(c, ids_of(rows));
}

}  // namespace

Status check_query(const PersonQuery& q) {
  int ways = !q.phone.empty() + !q.id_number.empty() + (!q.full_name.empty() || q.birth_year != 0);
  if (ways == 0)
    return invalid("query", "missing_field",
                   "give a phone, an ID number, or a name and birth year");
  if (ways > 1)
    return invalid("query", "one_way_only",
                   "search by one of phone, ID number, or name and birth year");
  if (q.full_name.empty() && q.birth_year != 0)
    return invalid("name", "missing_field", "give the name too");
  if (!q.full_name.empty() && q.birth_year == 0)
    return invalid("birth_year", "missing_field", "give the birth year too");
  return {};
}

Result<std::vector<people::Person>> find_people(store::Connection& c,
                                                const accounts::User& official,
                                                const PersonQuery& q, std::string_view reason,
                                                int64_t now) {
  KB_TRY(access::official(official));
  KB_TRY(check_query(q));
  KB_ASSIGN(auto all, candidates(c, q));
  std::vector<people::Person> out;
  for (auto& p : all) {
    if (!access::in_charge_of(official, p.province_code, p.ward_code)) continue;
    out.push_back(std::move(p));
    if (static_cast<int64_t>(out.size()) == kMaxMatches) break;
  }
  std::vector<int64_t> found;
  for (const auto& p : out) found.push_back(p.id);
  KB_TRY(audit::record(
      c, {now, official.id, "person.search", "people", reason, query_detail(q, out.size()), found},
      official));
  return out;
}

Result<PersonRecord> person_record(store::Connection& c, const accounts::User& official,
                                   int64_t person_id, std::string_view reason, int64_t now) {
  KB_TRY(access::official(official));
  KB_ASSIGN(auto person, people::find(c, person_id));
  if (!person || !access::in_charge_of(official, person->province_code, person->ward_code))
    return not_found();
  PersonRecord rec;
  rec.person = std::move(*person);
  KB_ASSIGN(auto status, health::stored_status(c, person_id));
  rec.colour = status.colour;
  rec.colour_reason = status.reason;
  KB_ASSIGN(rec.declarations, declarations::history(c, person_id, 50));
  int64_t ids[] = {person_id};
  KB_ASSIGN(rec.visits, checkin::visits_of(c, ids, now - kRecordVisitDays * 86400, 500));
  KB_ASSIGN(auto rows, c.query(kCasesOfPerson, {person_id}));
  for (const auto& r : rows) rec.cases.push_back({r.i64(0), r.i64(1), r.str(2), r.str(3)});
  KB_TRY(
      audit::record(c,
                    {now, official.id, "person.record", fmt::format("person:{}", person_id), reason,
                     fmt::format("{} declarations, {} visits, {} cases", rec.declarations.size(),
                                 rec.visits.size(), rec.cases.size())},
                    official));
  return rec;
}

Result<std::vector<DeclarationRow>> declarations_in(store::Connection& c, std::string_view area,
                                                    int64_t from, int64_t to) {
  KB_ASSIGN(auto rows, c.query(kDeclarationsOfArea, {area, from, to, kMaxExportRows + 1}));
  if (static_cast<int64_t>(rows.size()) > kMaxExportRows) {
    return invalid("to", "too_many_rows",
                   fmt::format("more than {} declarations: export fewer days", kMaxExportRows));
  }
  std::vector<DeclarationRow> out;
  out.reserve(rows.size());
  for (const auto& r : rows) {
    // Sealed at rest (crypto/sealing.h): the answers, the name, ID number, phone and street.
    out.push_back({r.i64(0), r.i64(1), r.opt_i64(2).has_value(), r.str(3),
                   sealing::reveal(r.str(4)), sealing::reveal(r.str(5)), sealing::reveal(r.str(6)),
                   sealing::reveal(r.str(7)), r.i64(8), r.i64(9), sealing::reveal(r.str(10)),
                   sealing::reveal(r.str(11)), r.str(12), r.str(13), sealing::reveal(r.str(14)),
                   r.str(15), r.str(16), sealing::reveal(r.str(17))});
  }
  return out;
}

Result<std::vector<DeclarationRow>> export_declarations(
    store::Connection& c, const areas::AreaDirectory& areas, const accounts::User& official,
    const ExportQuery& q, std::string_view reason, std::string_view format, int64_t now) {
  KB_ASSIGN(std::string area, dashboard::area_for(official, areas, q.area));
  if (q.to <= q.from) return invalid("to", "before_from", "to is before from");
  if (q.to - q.from > kMaxExportDays * 86400) {
    return invalid("to", "range_too_long",
                   fmt::format("export at most {} days at a time", kMaxExportDays));
  }
  KB_ASSIGN(auto out, declarations_in(c, area, q.from, q.to));
  KB_TRY(
      audit::record(c,
                    {now, official.id, "declarations.export", fmt::format("area:{}", area), reason,
                     fmt::format("{} from {} to {}: {} rows", format, format_rfc3339(q.from),
                                 format_rfc3339(q.to), out.size())},
                    official));
  return out;
}

std::string declarations_csv(const std::vector<DeclarationRow>& rows) {
  std::string out{csv::kBom};
  csv::append_row(out, {"declaration_id", "declared_at", "current", "kind", "full_name",
                        "id_number", "birth_date", "sex", "phone", "province_code", "ward_code",
                        "street", "travel_provinces", "travel_countries", "symptoms", "exposures",
                        "vaccine_doses", "person_id"});
  for (const auto& d : rows) {
    csv::append_row(
        out, {std::to_string(d.id), format_rfc3339(d.created_at), d.superseded ? "0" : "1", d.kind,
              d.full_name, d.id_number, d.birth_date, d.sex, d.phone, d.province_code, d.ward_code,
              d.street, d.travel_provinces, d.travel_countries, d.symptoms, d.exposures,
              std::to_string(d.vaccine_doses), std::to_string(d.person_id)});
  }
  return out;
}

}  // namespace kb::search
