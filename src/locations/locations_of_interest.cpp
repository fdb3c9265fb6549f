#include "locations/locations_of_interest.h"

#include <fmt/format.h>

#include "access/policy.h"
#include "audit/audit_log.h"
#include "people/person.h"
#include "trace/contacts.h"

namespace kb::locations {
namespace {

using store::Param;
using store::Sql;

#define KB_LOCATION_COLUMNS                                                                       \
  "l.id, l.case_id, l.visit_id, l.venue_id, v.name, v.code, v.street, l.province_code, "          \
  "l.ward_code, l.starts_at, l.ends_at, l.note, l.published_by, l.published_at, l.withdrawn_at, " \
  "(SELECT COUNT(*) FROM location_reports r WHERE r.location_id = l.id)"
#define KB_LOCATION_FROM " FROM locations_of_interest l JOIN venues v ON v.id = l.venue_id"

constexpr Sql kInsertLocation{
    "insert_location_of_interest",
    "INSERT INTO locations_of_interest(case_id, visit_id, venue_id, province_code, ward_code, "
    "starts_at, ends_at, note, published_by, published_at) VALUES ($1, $2, $3, $4, $5, $6, $7, "
    "$8, $9, $10) RETURNING id"};
constexpr Sql kSelectLocation{"select_location_of_interest",
                              "SELECT " KB_LOCATION_COLUMNS KB_LOCATION_FROM " WHERE l.id = $1"};
constexpr Sql kSelectPublished{
    "select_location_of_interest_by_visit",
    "SELECT id FROM locations_of_interest WHERE case_id = $1 AND visit_id = $2"};
constexpr Sql kLocationsOfCase{"select_locations_of_case",
                               "SELECT " KB_LOCATION_COLUMNS KB_LOCATION_FROM
                               " WHERE l.case_id = $1 ORDER BY l.starts_at DESC, l.id DESC"};
constexpr Sql kWithdraw{"withdraw_location_of_interest",
                        "UPDATE locations_of_interest SET withdrawn_at = $2, withdrawn_by = $3 "
                        "WHERE id = $1 AND withdrawn_at IS NULL"};
constexpr Sql kPublished{
    "select_published_locations",
    "SELECT " KB_LOCATION_COLUMNS KB_LOCATION_FROM
    " JOIN cases c ON c.id = l.case_id WHERE l.withdrawn_at IS NULL AND c.status <> 'error' AND "
    "($1 = '' OR l.province_code = $1) AND ($2 = '' OR l.ward_code = $2) AND l.ends_at >= $3 AND "
    "l.starts_at < $4 ORDER BY l.starts_at DESC, l.id DESC LIMIT $5"};
constexpr Sql kInsertReport{
    "insert_location_report",
    "INSERT INTO location_reports(location_id, person_id, contact_id, reported_by, reported_at) "
    "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (location_id, person_id) DO NOTHING"};

Error no_location() {
  return make_error(ErrorKind::kNotFound, "location_not_found", "no such location of interest");
}

Location from_row(const store::Row& r) {
  Location l;
  l.id = r.i64(0);
  l.case_id = r.i64(1);
  l.visit_id = r.i64(2);
  l.venue_id = r.i64(3);
  l.venue_name = r.str(4);
  l.venue_code = r.str(5);
  l.street = r.str(6);
  l.province_code = r.str(7);
  l.ward_code = r.str(8);
  l.starts_at = r.i64(9);
  l.ends_at = r.i64(10);
  l.note = r.str(11);
  l.published_by = r.i64(12);
  l.published_at = r.i64(13);
  l.withdrawn_at = r.opt_i64(14);
  l.reports = r.i64(15);
  return l;
}

Result<std::optional<Location>> find(store::Connection& c, int64_t id) {
  KB_ASSIGN(auto row, c.query_one(kSelectLocation, {id}));
  if (!row) return std::optional<Location>{};
  return std::optional<Location>{from_row(*row)};
}

size_t code_points(std::string_view s) {
  size_t n = 0;
  for (unsigned char ch : s) n += (ch & 0xC0) != 0x80;
  return n;
}

}  // namespace

Result<Location> publish(store::Connection& c, const trace::ExposureRule& rule,
                         const accounts::User& official, int64_t case_id, int64_t visit_id,
                         std::string_view note, int64_t now) {
  if (code_points(note) > kMaxNoteChars) {
    return invalid("note", "too_long", fmt::format("at most {} characters", kMaxNoteChars));
  }
  KB_ASSIGN(cases::Case kase, cases::case_for(c, official, case_id));
  if (kase.status == cases::CaseStatus::kError) {
    return Error{ErrorKind::kConflict, "case_in_error", "this case was marked as an error", "id"};
  }
  KB_ASSIGN(auto stays, trace::source_stays(c, rule, kase.person_id, kase.window(rule, now)));
  auto stay = std::find_if(stays.begin(), stays.end(),
                           [&](const trace::SourceStay& s) { return s.visit_id == visit_id; });
  if (stay == stays.end()) {
    return invalid("visit_id", "not_a_stay_of_the_case",
                   "this visit is none of the case's stays in the infectious window");
  }
  KB_ASSIGN(auto before, c.query_one(kSelectPublished, {case_id, visit_id}));
  if (before) {
    return Error{ErrorKind::kConflict, "already_published", "this stay is published already",
                 "visit_id"};
  }
  // The stay as far as it counts: from the window's start, to the window's end only when the
  // case was isolated (a window still open ends "now", which would cut a recorded stay short).
  int64_t starts_at = stay->stay.in;
  int64_t ends_at = kase.isolation_date ? stay->stay.out : stay->recorded.out;
  KB_ASSIGN(auto venue, cases::venue_label(c, stay->venue_id));
  if (!venue) return internal("a case's stay names no venue");
  KB_ASSIGN(auto row, c.query_one(kInsertLocation, {case_id, visit_id, stay->venue_id,
                                                    std::string_view(venue->province_code),
                                                    std::string_view(venue->ward_code), starts_at,
                                                    ends_at, note, official.id, now}));
  if (!row) return internal("insert into locations_of_interest returned no id");
  int64_t id = row->i64(0);
  KB_TRY(audit::record(c,
                       {now,
                        official.id,
                        "location_of_interest.publish",
                        fmt::format("location:{}", id),
                        {},
                        fmt::format("case:{}", case_id)},
                       official));
  KB_ASSIGN(auto stored, find(c, id));
  return std::move(*stored);
}

Result<std::vector<Location>> of_case(store::Connection& c, const accounts::User& official,
                                      int64_t case_id) {
  KB_TRY(cases::case_for(c, official, case_id));
  KB_ASSIGN(auto rows, c.query(kLocationsOfCase, {case_id}));
  std::vector<Location> out;
  for (const auto& r : rows) out.push_back(from_row(r));
  return out;
}

Result<Location> withdraw(store::Connection& c, const accounts::User& official, int64_t location_id,
                          int64_t now) {
  KB_ASSIGN(auto found, find(c, location_id));
  if (!found) return no_location();
  auto seen = cases::case_for(c, official, found->case_id);
  if (!seen.ok()) {
    if (seen.error().kind == ErrorKind::kNotFound) return no_location();
    return std::move(seen).error();
  }
  KB_ASSIGN(int64_t changed, c.exec(kWithdraw, {location_id, now, official.id}));
  if (changed == 0) {
    return Error{ErrorKind::kConflict, "already_withdrawn", "this location is withdrawn already",
                 "id"};
  }
  KB_TRY(audit::record(c,
                       {now,
                        official.id,
                        "location_of_interest.withdraw",
                        fmt::format("location:{}", location_id),
                        {},
                        {}},
                       official));
  KB_ASSIGN(auto stored, find(c, location_id));
  return std::move(*stored);
}

Result<std::vector<Location>> published(store::Connection& c, const PublicFilter& f) {
  KB_ASSIGN(auto rows, c.query(kPublished, {std::string_view(f.province_code),
                                            std::string_view(f.ward_code), f.from, f.to, f.limit}));
  std::vector<Location> out;
  for (const auto& r : rows) out.push_back(from_row(r));
  return out;
}

Result<Presence> report_presence(store::Connection& c, const trace::ExposureRule& rule,
                                 const accounts::User& citizen, int64_t location_id,
                                 std::optional<int64_t> person_id, int64_t now) {
  KB_TRY(access::citizen(citizen));
  int64_t person = 0;
  if (person_id) {
    int64_t ids[] = {*person_id};
    KB_TRY(access::manages_all(c, citizen.id, ids, "person_id"));
    person = *person_id;
  } else {
    KB_ASSIGN(people::Person self, people::self_of(c, citizen.id, citizen.phone, now));
    person = self.id;
  }
  KB_ASSIGN(auto found, find(c, location_id));
  if (!found || found->withdrawn_at) return no_location();
  auto contact = cases::record_reported_contact(c, rule, found->case_id, person,
                                                {found->starts_at, found->ends_at}, now);
  if (!contact.ok()) {
    // Nothing about the case leaks: a withdrawn case is no location any more.
    if (contact.error().code == "case_in_error") return no_location();
    return std::move(contact).error();
  }
  KB_TRY(c.exec(kInsertReport, {location_id, person, contact->contact.id, citizen.id, now}));
  KB_TRY(audit::record(c,
                       {now,
                        citizen.id,
                        "location_of_interest.report",
                        fmt::format("location:{}", location_id),
                        {},
                        fmt::format("person:{}", person)},
                       citizen));
  KB_ASSIGN(auto stored, find(c, location_id));
  return Presence{std::move(*stored), std::move(*contact)};
}

}  // namespace kb::locations
