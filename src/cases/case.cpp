#include "cases/case.h"

#include <fmt/format.h>

#include <algorithm>
#include <climits>
#include <unordered_map>
#include <unordered_set>

#include "access/policy.h"
#include "audit/audit_log.h"
#include "cases/notices.h"
#include "core/clock.h"
#include "crypto/sealing.h"
#include "health/health_status.h"

namespace kb::cases {
namespace {

using store::Param;
using store::Sql;

#define KB_CASE_COLUMNS                                                                            \
  "c.id, c.person_id, c.province_code, c.ward_code, c.test_date, c.onset_date, c.isolation_date, " \
  "c.status, "                                                                                     \
  "c.notes, c.close_note, c.from_contact_id, c.recorded_by, c.created_at, c.updated_at, "          \
  "c.closed_at, c.found_in"
#define KB_CONTACT_COLUMNS                                                               \
  "k.id, k.case_id, k.person_id, k.degree, k.via_person_id, k.basis, k.first_exposure, " \
  "k.last_exposure, "                                                                    \
  "k.overlap_seconds, k.status, k.quarantine_until, k.found_at, k.notice_id, k.converted_case_id"

constexpr Sql kInsertCase{"insert_case",
                          "INSERT INTO cases(person_id, province_code, ward_code, test_date, "
                          "onset_date, isolation_date, status, notes, "
                          "from_contact_id, recorded_by, created_at, updated_at, found_in) VALUES "
                          "($1, $2, $3, $4, $5, $6, 'active', $7, "
                          "$8, $9, $10, $10, $11) RETURNING id"};
constexpr Sql kSelectCase{"select_case", "SELECT " KB_CASE_COLUMNS " FROM cases c WHERE c.id = $1"};
constexpr Sql kSelectActiveCaseOf{
    "select_active_case_of",
    "SELECT id FROM cases WHERE person_id = $1 AND status = 'active' LIMIT 1"};
constexpr Sql kListCases{
    "list_cases", "SELECT " KB_CASE_COLUMNS
                  ", p.full_name, (SELECT COUNT(*) FROM contacts k WHERE k.case_id = c.id AND "
                  "k.degree = 1 AND k.status IN ('pending', 'confirmed', 'converted')) FROM cases "
                  "c JOIN people p ON "
                  "p.id = c.person_id WHERE ($1 = '' OR c.province_code = $1) AND ($2 = '' OR "
                  "c.ward_code = $2) AND "
                  "($3 = '' OR c.status = $3) AND c.test_date >= $4 AND c.test_date < $5 AND c.id "
                  "< $6 ORDER BY c.id DESC "
                  "LIMIT $7"};
constexpr Sql kSetCaseStatus{"set_case_status",
                             "UPDATE cases SET status = $2, close_note = $3, closed_at = $4, "
                             "updated_at = $4 WHERE id = $1 AND status = $5"};

constexpr Sql kSelectContact{"select_contact",
                             "SELECT " KB_CONTACT_COLUMNS " FROM contacts k WHERE k.id = $1"};
constexpr Sql kContactsOfCase{"select_contacts_of_case",
                              "SELECT " KB_CONTACT_COLUMNS
                              " FROM contacts k WHERE k.case_id = $1 AND ($2 = 0 OR k.degree = $2) "
                              "ORDER BY k.overlap_seconds DESC, k.id"};
constexpr Sql kSelectContactOfPerson{"select_contact_of_case_person",
                                     "SELECT " KB_CONTACT_COLUMNS
                                     " FROM contacts k WHERE k.case_id = $1 AND k.person_id = $2"};
constexpr Sql kInsertContact{"insert_contact",
                             "INSERT INTO contacts(case_id, person_id, degree, via_person_id, "
                             "basis, first_exposure, last_exposure, "
                             "overlap_seconds, status, quarantine_until, found_at, updated_at) "
                             "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
                             "'pending', $9, $10, $10) RETURNING id"};
// A contact found again keeps its decision; an open one follows the newest exposures.
constexpr Sql kUpdateContactFound{"update_contact_found",
                                  "UPDATE contacts SET degree = $2, via_person_id = $3, basis = "
                                  "$4, first_exposure = $5, last_exposure = $6, "
                                  "overlap_seconds = $7, quarantine_until = CASE WHEN status IN "
                                  "('pending', 'confirmed') THEN $8 ELSE "
                                  "quarantine_until END, updated_at = $9 WHERE id = $1"};
constexpr Sql kDeleteExposures{"delete_contact_exposures",
                               "DELETE FROM contact_exposures WHERE contact_id = $1"};
constexpr Sql kInsertExposure{
    "insert_contact_exposure",
    "INSERT INTO contact_exposures(contact_id, case_id, venue_id, source_visit_id, visit_id, "
    "source_in, source_out, "
    "contact_in, contact_out, overlap_seconds) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) "
    "ON CONFLICT (contact_id, source_visit_id, visit_id) DO NOTHING"};
constexpr Sql kSetContactStatus{"set_contact_status",
                                "UPDATE contacts SET status = $2, quarantine_until = $3, "
                                "decided_by = $4, updated_at = $5 WHERE id = $1"};
constexpr Sql kConvertContact{"convert_contact",
                              "UPDATE contacts SET status = 'converted', converted_case_id = $2, "
                              "decided_by = $3, updated_at = $4 "
                              "WHERE id = $1"};
constexpr Sql kVoidContactsOfCase{
    "void_contacts_of_case",
    "UPDATE contacts SET status = 'void', updated_at = $2 WHERE case_id = $1 RETURNING person_id"};

// A person recorded as a case is no longer anyone's open contact.
constexpr Sql kCloseOpenContactsOf{
    "close_open_contacts_of",
    "UPDATE contacts SET status = 'converted', converted_case_id = $2, decided_by = $3, updated_at "
    "= $4 "
    "WHERE person_id = $1 AND status IN ('pending', 'confirmed') AND case_id <> $2"};
// …and open again when that case turns out to be an error.
constexpr Sql kReopenConvertedTo{
    "reopen_contacts_converted_to",
    "UPDATE contacts SET status = 'pending', converted_case_id = NULL, updated_at = $2 "
    "WHERE converted_case_id = $1 AND status = 'converted' RETURNING person_id"};
constexpr Sql kCasesConvertedFrom{"cases_converted_from",
                                  "SELECT DISTINCT k.converted_case_id FROM contacts k JOIN cases "
                                  "c ON c.id = k.converted_case_id "
                                  "WHERE k.case_id = $1 AND c.status = 'active'"};

constexpr Sql kHasActiveCase{
    "has_active_case", "SELECT COUNT(*) FROM cases WHERE person_id = $1 AND status = 'active'"};
// A contact that a monitoring order took over no longer sets the quarantine: the order does.
constexpr Sql kQuarantineUntil{
    "f1_quarantine_until",
    "SELECT MAX(k.quarantine_until) FROM contacts k JOIN cases c ON c.id = k.case_id WHERE "
    "k.person_id = $1 AND "
    "k.degree = 1 AND k.status IN ('pending', 'confirmed') AND c.status <> 'error' AND "
    "k.monitoring_order_id IS NULL"};
constexpr Sql kHandOverContacts{
    "hand_over_contacts",
    "UPDATE contacts SET monitoring_order_id = $2 WHERE person_id = $1 AND degree = 1 AND "
    "status IN ('pending', 'confirmed') AND monitoring_order_id IS NULL"};

Error no_case() { return make_error(ErrorKind::kNotFound, "case_not_found", "no such case"); }
Error no_contact() {
  return make_error(ErrorKind::kNotFound, "contact_not_found", "no such contact");
}

Param opt_param(const std::optional<int64_t>& v) { return v ? Param{*v} : Param{nullptr}; }

Result<CaseStatus> status_from_db(std::string_view s) {
  auto r = parse_status(s);
  if (!r.ok()) return internal(fmt::format("case with unknown status {}", s));
  return r;
}

Result<Case> case_from_row(const store::Row& r) {
  Case k;
  k.id = r.i64(0);
  k.person_id = r.i64(1);
  k.province_code = r.str(2);
  k.ward_code = r.str(3);
  k.test_date = r.i64(4);
  k.onset_date = r.opt_i64(5);
  k.isolation_date = r.opt_i64(6);
  KB_ASSIGN(k.status, status_from_db(r.str(7)));
  // Free text about a person's illness, sealed at rest (crypto/sealing.h).
  k.notes = sealing::reveal(r.str(8));
  k.close_note = sealing::reveal(r.str(9));
  k.from_contact_id = r.opt_i64(10);
  k.recorded_by = r.i64(11);
  k.created_at = r.i64(12);
  k.updated_at = r.i64(13);
  k.closed_at = r.opt_i64(14);
  k.found_in = r.str(15) == "quarantine" ? FoundIn::kQuarantine : FoundIn::kCommunity;
  return k;
}

Result<ContactStatus> contact_status_from(std::string_view s) {
  if (s == "pending") return ContactStatus::kPending;
  if (s == "confirmed") return ContactStatus::kConfirmed;
  if (s == "dismissed") return ContactStatus::kDismissed;
  if (s == "converted") return ContactStatus::kConverted;
  if (s == "void") return ContactStatus::kVoid;
  return internal(fmt::format("contact with unknown status {}", s));
}

Result<StoredContact> contact_from_row(const store::Row& r) {
  StoredContact k;
  k.id = r.i64(0);
  k.case_id = r.i64(1);
  k.person_id = r.i64(2);
  k.degree = static_cast<int>(r.i64(3));
  k.via_person_id = r.opt_i64(4);
  k.basis = r.str(5);
  k.first_exposure = r.i64(6);
  k.last_exposure = r.i64(7);
  k.overlap_seconds = r.i64(8);
  KB_ASSIGN(k.status, contact_status_from(r.str(9)));
  k.quarantine_until = r.opt_i64(10);
  k.found_at = r.i64(11);
  k.notice_id = r.opt_i64(12);
  k.converted_case_id = r.opt_i64(13);
  return k;
}

// The area a new case belongs to (see case.h).
std::pair<std::string, std::string> case_area(const people::Person& p,
                                              const accounts::User& official,
                                              const areas::AreaDirectory& areas) {
  const auto& j = *official.jurisdiction;
  if (!p.province_code.empty() && j.covers(p.province_code, p.ward_code))
    return {p.province_code, p.ward_code};
  switch (j.level) {
    case areas::Jurisdiction::Level::kNational:
      return {"", ""};
    case areas::Jurisdiction::Level::kProvince:
      return {j.code, ""};
    case areas::Jurisdiction::Level::kWard: {
      const auto* w = areas.ward(j.code);
      return {w ? w->province_code : "", j.code};
    }
  }
  return {"", ""};
}

bool covers_case(const areas::Jurisdiction& j, const Case& k) {
  if (j.level == areas::Jurisdiction::Level::kNational) return true;
  if (j.level == areas::Jurisdiction::Level::kProvince)
    return !k.province_code.empty() && k.province_code == j.code;
  return !k.ward_code.empty() && k.ward_code == j.code;
}

bool open_status(ContactStatus s) {
  return s == ContactStatus::kPending || s == ContactStatus::kConfirmed;
}

// Stores (or refreshes) one found contact with its exposures. Returns whether it is new.
Result<bool> store_contact(store::Connection& c, const trace::ExposureRule& rule, int64_t case_id,
                           const ListedContact& lc, int64_t now) {
  const trace::Contact& f = lc.found;
  Param via = lc.via.empty() ? Param{nullptr} : Param{lc.via.front()};
  Param until =
      lc.degree == 1 ? Param{f.last_exposure + rule.f1_quarantine_seconds} : Param{nullptr};
  std::string_view basis = lc.basis;
  int64_t contact_id = 0;
  bool created = false;
  if (lc.stored) {
    contact_id = lc.stored->id;
    KB_TRY(
        c.exec(kUpdateContactFound, {contact_id, int64_t{lc.degree}, via, basis, f.first_exposure,
                                     f.last_exposure, f.total_overlap_seconds, until, now}));
  } else {
    KB_ASSIGN(auto row, c.query_one(kInsertContact, {case_id, f.person_id, int64_t{lc.degree}, via,
                                                     basis, f.first_exposure, f.last_exposure,
                                                     f.total_overlap_seconds, until, now}));
    if (!row) return internal("insert into contacts returned no id");
    contact_id = row->i64(0);
    created = true;
  }
  KB_TRY(c.exec(kDeleteExposures, {contact_id}));
  for (const auto& e : f.exposures) {
    KB_TRY(c.exec(kInsertExposure,
                  {contact_id, case_id, e.venue_id, e.source_visit_id, e.visit_id, e.source_stay.in,
                   e.source_stay.out, e.contact_stay.in, e.contact_stay.out, e.overlap_seconds}));
  }
  return created;
}

}  // namespace

std::string_view status_name(CaseStatus s) {
  switch (s) {
    case CaseStatus::kActive:
      return "active";
    case CaseStatus::kRecovered:
      return "recovered";
    case CaseStatus::kDied:
      return "died";
    case CaseStatus::kError:
      return "error";
  }
  return "active";
}

Result<CaseStatus> parse_status(std::string_view text, std::string_view field) {
  if (text == "active") return CaseStatus::kActive;
  if (text == "recovered") return CaseStatus::kRecovered;
  if (text == "died") return CaseStatus::kDied;
  if (text == "error") return CaseStatus::kError;
  return invalid(std::string(field), "invalid_status",
                 "status must be active, recovered, died or error");
}

std::string_view contact_status_name(ContactStatus s) {
  switch (s) {
    case ContactStatus::kPending:
      return "pending";
    case ContactStatus::kConfirmed:
      return "confirmed";
    case ContactStatus::kDismissed:
      return "dismissed";
    case ContactStatus::kConverted:
      return "converted";
    case ContactStatus::kVoid:
      return "void";
  }
  return "pending";
}

std::string_view found_in_name(FoundIn f) {
  return f == FoundIn::kQuarantine ? "quarantine" : "community";
}

Result<FoundIn> parse_found_in(std::string_view text, std::string_view field) {
  if (text == "community") return FoundIn::kCommunity;
  if (text == "quarantine") return FoundIn::kQuarantine;
  return invalid(std::string(field), "invalid_found_in",
                 "found_in must be community or quarantine");
}

Result<int64_t> parse_date(std::string_view text, std::string_view field) {
  std::optional<int64_t> t;
  if (text.size() == 10) {
    t = parse_rfc3339(fmt::format("{}T00:00:00+07:00", text));
  } else {
    t = parse_rfc3339(text);
  }
  if (!t) {
    return invalid(std::string(field), "invalid_date",
                   fmt::format("{} must be a date (YYYY-MM-DD) or an RFC 3339 time", field));
  }
  return *t;
}

Status check_dates(const NewCase& n, int64_t now) {
  constexpr int64_t kDay = 86400;
  // A date given as YYYY-MM-DD is that day's midnight: today is never "in the future".
  if (n.test_date > now + kDay)
    return invalid("test_date", "date_in_future", "the test date is in the future");
  if (n.onset_date) {
    if (*n.onset_date > now + kDay)
      return invalid("onset_date", "date_in_future", "the onset date is in the future");
    if (*n.onset_date < n.test_date - 60 * kDay || *n.onset_date > n.test_date + 60 * kDay) {
      return invalid("onset_date", "date_out_of_range",
                     "symptom onset must be within 60 days of the test");
    }
  }
  if (n.isolation_date) {
    int64_t from = n.onset_date ? std::min(*n.onset_date, n.test_date) : n.test_date;
    if (*n.isolation_date > now + kDay) {
      return invalid("isolation_date", "date_in_future", "the isolation date is in the future");
    }
    if (*n.isolation_date < from - 60 * kDay || *n.isolation_date > n.test_date + 60 * kDay) {
      return invalid("isolation_date", "date_out_of_range",
                     "isolation must be within 60 days of the test");
    }
  }
  return {};
}

Result<people::Person> find_person(store::Connection& c, const PersonKey& key) {
  if (key.person_id) {
    KB_ASSIGN(auto p, people::find(c, *key.person_id));
    if (!p)
      return Error{ErrorKind::kNotFound, "person_not_found", "no person with this id", "person_id"};
    return std::move(*p);
  }
  if (!key.id_number.empty()) {
    KB_ASSIGN(auto p, people::find_by_id_number(c, key.id_number));
    if (!p)
      return Error{ErrorKind::kNotFound, "person_not_found", "no person with this ID number",
                   "id_number"};
    return std::move(*p);
  }
  if (!key.phone.empty()) {
    KB_ASSIGN(auto list, people::find_by_phone(c, key.phone));
    if (list.empty())
      return Error{ErrorKind::kNotFound, "person_not_found", "no person with this phone", "phone"};
    if (list.size() > 1) {
      return Error{ErrorKind::kConflict, "ambiguous_phone",
                   "several people share this phone; give the ID number or the person id", "phone"};
    }
    return std::move(list.front());
  }
  return invalid("person_id", "missing_field", "give person_id, id_number or phone");
}

Status refresh_health(store::Connection& c, int64_t person_id, int64_t now) {
  KB_ASSIGN(auto cases, c.query_one(kHasActiveCase, {person_id}));
  bool confirmed = cases && cases->i64(0) > 0;
  KB_ASSIGN(auto q, c.query_one(kQuarantineUntil, {person_id}));
  std::optional<int64_t> until = q ? q->opt_i64(0) : std::nullopt;
  auto st = health::set_case_contact(c, person_id, confirmed, until, now);
  if (!st.ok()) return std::move(st).error();
  return {};
}

Status hand_over_quarantine(store::Connection& c, int64_t person_id, int64_t order_id,
                            int64_t now) {
  KB_TRY(c.exec(kHandOverContacts, {person_id, order_id}));
  return refresh_health(c, person_id, now);
}

Result<std::optional<VenueLabel>> venue_label(store::Connection& c, int64_t venue_id) {
  static constexpr Sql kVenueLabel{
      "case_venue_label",
      "SELECT name, code, province_code, ward_code, street FROM venues WHERE id = $1"};
  KB_ASSIGN(auto row, c.query_one(kVenueLabel, {venue_id}));
  if (!row) return std::optional<VenueLabel>{};
  return std::optional<VenueLabel>{
      VenueLabel{row->str(0), row->str(1), row->str(2), row->str(3), row->str(4)}};
}

Result<std::optional<Case>> find_case(store::Connection& c, int64_t id) {
  KB_ASSIGN(auto row, c.query_one(kSelectCase, {id}));
  if (!row) return std::optional<Case>{};
  KB_ASSIGN(Case k, case_from_row(*row));
  return std::optional<Case>{std::move(k)};
}

Result<Case> visible_case(store::Connection& c, const areas::Jurisdiction& j, int64_t id) {
  KB_ASSIGN(auto k, find_case(c, id));
  if (!k || !covers_case(j, *k)) return no_case();
  return std::move(*k);
}

Result<Case> case_for(store::Connection& c, const accounts::User& official, int64_t id) {
  KB_TRY(access::official(official));
  return visible_case(c, *official.jurisdiction, id);
}

Result<std::optional<StoredContact>> find_contact(store::Connection& c, int64_t id) {
  KB_ASSIGN(auto row, c.query_one(kSelectContact, {id}));
  if (!row) return std::optional<StoredContact>{};
  KB_ASSIGN(StoredContact k, contact_from_row(*row));
  return std::optional<StoredContact>{std::move(k)};
}

Result<StoredContact> contact_for(store::Connection& c, const accounts::User& official,
                                  int64_t id) {
  KB_TRY(access::official(official));
  KB_ASSIGN(auto k, find_contact(c, id));
  if (!k || !visible_case(c, *official.jurisdiction, k->case_id).ok()) return no_contact();
  return std::move(*k);
}

Result<std::vector<StoredContact>> contacts_of_case(store::Connection& c, int64_t case_id,
                                                    int degree) {
  KB_ASSIGN(store::Rows rows, c.query(kContactsOfCase, {case_id, int64_t{degree}}));
  std::vector<StoredContact> out;
  out.reserve(rows.size());
  for (const auto& r : rows) {
    KB_ASSIGN(StoredContact k, contact_from_row(r));
    out.push_back(std::move(k));
  }
  return out;
}

Result<bool> is_case(store::Connection& c, int64_t person_id) {
  KB_ASSIGN(auto row, c.query_one(kHasActiveCase, {person_id}));
  return row && row->i64(0) > 0;
}

namespace {

using StoredByPerson = std::unordered_map<int64_t, const StoredContact*>;

// Attaches what is recorded for each listed person, and leaves out people who are cases
// themselves unless they are recorded as this case's contacts.
Status settle(store::Connection& c, std::vector<ListedContact>& list,
              const StoredByPerson& stored) {
  std::vector<ListedContact> kept;
  kept.reserve(list.size());
  for (auto& lc : list) {
    if (auto it = stored.find(lc.found.person_id); it != stored.end()) {
      lc.stored = *it->second;
    } else {
      KB_ASSIGN(bool a_case, is_case(c, lc.found.person_id));
      if (a_case) continue;
    }
    kept.push_back(std::move(lc));
  }
  list = std::move(kept);
  return {};
}

// Degree 1: everyone met during the window, and the case's household (household first: they
// shared a home for the whole window, then by risk). `index` gets every person found.
Result<std::vector<ListedContact>> first_degree(store::Connection& c,
                                                const trace::ExposureRule& rule, const Case& kase,
                                                trace::ExposureWindow window,
                                                std::unordered_map<int64_t, size_t>& index) {
  KB_ASSIGN(auto found, trace::find_contacts(c, rule, kase.person_id, window));
  std::vector<ListedContact> f1;
  f1.reserve(found.size());
  for (auto& ct : found) {
    index.emplace(ct.person_id, f1.size());
    f1.push_back({std::move(ct), 1, "visit", {}, std::nullopt});
  }
  KB_ASSIGN(auto person, people::find(c, kase.person_id));
  if (rule.household_contacts && person && person->account_id) {
    KB_ASSIGN(auto family, people::managed_by(c, *person->account_id));
    for (const auto& member : family) {
      if (member.id == kase.person_id) continue;
      if (auto it = index.find(member.id); it != index.end()) {
        f1[it->second].basis = "household";
        continue;
      }
      trace::Contact ct;
      ct.person_id = member.id;
      ct.first_exposure = window.from;
      ct.last_exposure = window.to;
      index.emplace(member.id, f1.size());
      f1.push_back({std::move(ct), 1, "household", {}, std::nullopt});
    }
  }
  std::stable_sort(f1.begin(), f1.end(), [](const ListedContact& a, const ListedContact& b) {
    return a.basis == "household" && b.basis != "household";
  });
  return f1;
}

// Degree 2: the contacts of each F1 (not dismissed or void) over the F1's own window.
Result<std::vector<ListedContact>> second_degree(
    store::Connection& c, const trace::ExposureRule& rule, const Case& kase,
    const std::vector<ListedContact>& f1, const std::unordered_map<int64_t, size_t>& f1_index,
    int64_t now) {
  std::vector<ListedContact> f2;
  std::unordered_map<int64_t, size_t> f2_index;
  for (const auto& lc : f1) {
    const auto& s = lc.stored;
    if (s && (s->status == ContactStatus::kDismissed || s->status == ContactStatus::kVoid))
      continue;
    trace::ExposureWindow w{lc.found.first_exposure, s ? std::min(s->found_at, now) : now};
    if (w.to < w.from) w.to = w.from;
    KB_ASSIGN(auto second, trace::find_contacts(c, rule, lc.found.person_id, w));
    for (auto& ct : second) {
      if (ct.person_id == kase.person_id || f1_index.contains(ct.person_id)) continue;
      auto [it, inserted] = f2_index.try_emplace(ct.person_id, f2.size());
      if (inserted) {
        f2.push_back({std::move(ct), 2, "visit", {lc.found.person_id}, std::nullopt});
        continue;
      }
      ListedContact& into = f2[it->second];
      into.via.push_back(lc.found.person_id);
      into.found.total_overlap_seconds += ct.total_overlap_seconds;
      into.found.first_exposure = std::min(into.found.first_exposure, ct.first_exposure);
      into.found.last_exposure = std::max(into.found.last_exposure, ct.last_exposure);
      for (auto& e : ct.exposures) into.found.exposures.push_back(e);
    }
  }
  std::sort(f2.begin(), f2.end(), [](const ListedContact& a, const ListedContact& b) {
    if (a.found.total_overlap_seconds != b.found.total_overlap_seconds) {
      return a.found.total_overlap_seconds > b.found.total_overlap_seconds;
    }
    if (a.found.first_exposure != b.found.first_exposure)
      return a.found.first_exposure < b.found.first_exposure;
    return a.found.person_id < b.found.person_id;
  });
  return f2;
}

}  // namespace

Result<std::vector<ListedContact>> list_contacts(store::Connection& c,
                                                 const trace::ExposureRule& rule, const Case& kase,
                                                 int degree, int64_t now) {
  KB_ASSIGN(auto stored_list, contacts_of_case(c, kase.id, 0));
  StoredByPerson stored;
  for (const auto& s : stored_list) stored.emplace(s.person_id, &s);
  std::unordered_map<int64_t, size_t> f1_index;  // everyone met, cases included: none of them is F2
  KB_ASSIGN(auto f1, first_degree(c, rule, kase, kase.window(rule, now), f1_index));
  KB_TRY(settle(c, f1, stored));
  // People who reported themselves (record_reported_contact) have no visit the rule finds.
  for (const auto& s : stored_list) {
    if (s.degree != 1 || s.basis != "reported" || f1_index.contains(s.person_id)) continue;
    trace::Contact found;
    found.person_id = s.person_id;
    found.first_exposure = s.first_exposure;
    found.last_exposure = s.last_exposure;
    f1_index.emplace(s.person_id, f1.size());
    f1.push_back({std::move(found), 1, "reported", {}, s});
  }
  if (degree == 1) return f1;
  KB_ASSIGN(auto f2, second_degree(c, rule, kase, f1, f1_index, now));
  KB_TRY(settle(c, f2, stored));
  return f2;
}

namespace {

// Traces a case (degree 1, or 1 and 2) and stores what it finds.
Result<TraceSummary> trace_and_store(store::Connection& c, const trace::ExposureRule& rule,
                                     const Case& kase, int degree, int64_t now) {
  if (kase.status == CaseStatus::kError) {
    return Error{ErrorKind::kConflict, "case_in_error", "this case was marked as an error", "id"};
  }
  TraceSummary sum;
  for (int d = 1; d <= degree; ++d) {
    KB_ASSIGN(auto list, list_contacts(c, rule, kase, d, now));
    for (const auto& lc : list) {
      // A stored contact of the other degree is not moved (an F1 stays F1).
      if (lc.stored && lc.stored->degree != d) continue;
      KB_ASSIGN(bool created, store_contact(c, rule, kase.id, lc, now));
      if (d == 1) {
        KB_TRY(refresh_health(c, lc.found.person_id, now));
        sum.f1_new += created;
      } else {
        sum.f2_new += created;
      }
    }
  }
  KB_ASSIGN(auto all, contacts_of_case(c, kase.id, 0));
  for (const auto& s : all) {
    if (s.status == ContactStatus::kVoid) continue;
    (s.degree == 1 ? sum.f1 : sum.f2)++;
  }
  return sum;
}

}  // namespace

Result<TraceSummary> trace_case(store::Connection& c, const trace::ExposureRule& rule,
                                const accounts::User& official, int64_t case_id, int degree,
                                int64_t now) {
  KB_ASSIGN(Case kase, case_for(c, official, case_id));
  return trace_and_store(c, rule, kase, degree, now);
}

Result<std::vector<Case>> retrace_for_visit(store::Connection& c, const trace::ExposureRule& rule,
                                            int64_t visit_id, int64_t now) {
  static constexpr Sql kVisit{
      "late_visit",
      "SELECT venue_id, person_id, t_in, t_out, assumed_out FROM visits WHERE id = $1"};
  // Active cases with a stay at the venue that can overlap [in − margin − max_stay, out + margin]
  // (the bounds contacts.h reads by), and the visitor's own active case.
  static constexpr Sql kCasesConcerned{
      "cases_concerned_by_visit",
      "SELECT DISTINCT k.id FROM visits v JOIN cases k ON k.person_id = v.person_id "
      "WHERE v.venue_id = $1 AND v.t_in >= $2 AND v.t_in <= $3 AND v.person_id <> $4 "
      "AND k.status = 'active' "
      "UNION SELECT id FROM cases WHERE person_id = $4 AND status = 'active' ORDER BY 1"};
  KB_ASSIGN(auto row, c.query_one(kVisit, {visit_id}));
  if (!row) return std::vector<Case>{};
  trace::Stay stay = trace::effective_stay(rule, row->i64(2), row->opt_i64(3), row->i64(4));
  KB_ASSIGN(auto ids, c.query(kCasesConcerned,
                              {row->i64(0), stay.in - rule.margin_seconds - rule.max_stay_seconds,
                               stay.out + rule.margin_seconds, row->i64(1)}));
  std::vector<Case> traced;
  for (const auto& r : ids) {
    KB_ASSIGN(auto kase, find_case(c, r.i64(0)));
    if (!kase) continue;
    KB_ASSIGN(TraceSummary sum, trace_and_store(c, rule, *kase, 1, now));
    if (sum.f1_new > 0 || kase->person_id == row->i64(1)) traced.push_back(std::move(*kase));
  }
  return traced;
}

Result<Recorded> record_case(store::Connection& c, const trace::ExposureRule& rule,
                             const areas::AreaDirectory& areas, const accounts::User& official,
                             const NewCase& n, int64_t now) {
  KB_TRY(access::official(official));
  KB_TRY(check_dates(n, now));
  KB_ASSIGN(people::Person person, find_person(c, n.person));
  KB_ASSIGN(auto active, c.query_one(kSelectActiveCaseOf, {person.id}));
  if (active) {
    return Error{ErrorKind::kConflict, "already_a_case",
                 fmt::format("this person is already an active case (case {})", active->i64(0)),
                 "person_id"};
  }
  auto [province, ward] = case_area(person, official, areas);
  KB_ASSIGN(auto row, c.query_one(kInsertCase,
                                  {person.id, std::string_view(province), std::string_view(ward),
                                   n.test_date, opt_param(n.onset_date),
                                   opt_param(n.isolation_date), sealing::seal(n.notes),
                                   Param{nullptr}, official.id, now, found_in_name(n.found_in)}));
  if (!row) return internal("insert into cases returned no id");
  int64_t id = row->i64(0);
  KB_TRY(c.exec(kCloseOpenContactsOf, {person.id, id, official.id, now}));
  KB_TRY(audit::record(c,
                       {now,
                        official.id,
                        "case.create",
                        fmt::format("case:{}", id),
                        {},
                        fmt::format("person:{}", person.id)},
                       official));
  KB_TRY(refresh_health(c, person.id, now));
  KB_ASSIGN(auto kase, find_case(c, id));
  KB_ASSIGN(TraceSummary sum, trace_and_store(c, rule, *kase, 1, now));
  return Recorded{std::move(*kase), sum};
}

Result<std::vector<CaseRow>> list_cases(store::Connection& c, const accounts::User& official,
                                        const CaseFilter& f) {
  KB_TRY(access::official(official));
  const areas::Jurisdiction& j = *official.jurisdiction;
  std::string province, ward = f.ward_code;
  switch (j.level) {
    case areas::Jurisdiction::Level::kNational:
      break;
    case areas::Jurisdiction::Level::kProvince:
      province = j.code;
      break;
    case areas::Jurisdiction::Level::kWard:
      if (!ward.empty() && ward != j.code) return std::vector<CaseRow>{};
      ward = j.code;
      break;
  }
  std::string_view status = f.status ? status_name(*f.status) : std::string_view();
  KB_ASSIGN(store::Rows rows,
            c.query(kListCases, {std::string_view(province), std::string_view(ward), status,
                                 f.tested_from.value_or(INT64_MIN), f.tested_to.value_or(INT64_MAX),
                                 f.before_id.value_or(INT64_MAX), f.limit}));
  std::vector<CaseRow> out;
  out.reserve(rows.size());
  for (const auto& r : rows) {
    KB_ASSIGN(Case k, case_from_row(r));
    out.push_back({std::move(k), sealing::reveal(r.str(16)), r.i64(17)});
  }
  return out;
}

Result<CaseFile> case_file(store::Connection& c, const trace::ExposureRule& rule,
                           const accounts::User& official, int64_t case_id, int64_t now) {
  CaseFile f;
  KB_ASSIGN(f.kase, case_for(c, official, case_id));
  KB_ASSIGN(f.person, people::find(c, f.kase.person_id));
  if (f.person) {
    auto s = health::stored_status(c, f.person->id);
    if (s.ok()) f.status_colour = s->colour;
  }
  KB_ASSIGN(auto stays, trace::source_stays(c, rule, f.kase.person_id, f.kase.window(rule, now)));
  for (auto& s : stays) {
    KB_ASSIGN(auto venue, venue_label(c, s.venue_id));
    f.timeline.push_back({std::move(s), std::move(venue)});
  }
  KB_ASSIGN(auto contacts, contacts_of_case(c, f.kase.id, 0));
  for (const auto& k : contacts) {
    (k.degree == 1 ? f.f1_by_status : f.f2_by_status)[std::string(contact_status_name(k.status))]++;
    if (k.degree != 1 || !open_status(k.status)) continue;
    if (k.notice_id) {
      ++f.notices.sent;
    } else {
      ++f.notices.to_send;
    }
  }
  KB_ASSIGN(f.notices.case_sent, case_notice_sent(c, f.kase));
  return f;
}

Result<ContactSheet> contact_sheet(store::Connection& c, const trace::ExposureRule& rule,
                                   const accounts::User& official, int64_t case_id, int degree,
                                   int64_t now) {
  ContactSheet v;
  v.degree = degree;
  KB_ASSIGN(v.kase, case_for(c, official, case_id));
  KB_ASSIGN(v.list, list_contacts(c, rule, v.kase, degree, now));
  for (const auto& lc : v.list) {
    KB_ASSIGN(auto p, people::find(c, lc.found.person_id));
    if (p) v.people.emplace(p->id, std::move(*p));
    for (const auto& e : lc.found.exposures) {
      if (v.venues.contains(e.venue_id)) continue;
      KB_ASSIGN(auto label, venue_label(c, e.venue_id));
      v.venues.emplace(e.venue_id, label.value_or(VenueLabel{}));
    }
  }
  return v;
}

Result<Case> close_case(store::Connection& c, const accounts::User& official, int64_t case_id,
                        CaseStatus outcome, std::string_view note, int64_t now) {
  if (outcome != CaseStatus::kRecovered && outcome != CaseStatus::kDied) {
    return invalid("outcome", "invalid_outcome", "outcome must be recovered or died");
  }
  KB_TRY(case_for(c, official, case_id));
  KB_ASSIGN(int64_t changed,
            c.exec(kSetCaseStatus, {case_id, status_name(outcome), sealing::seal(note), now,
                                    status_name(CaseStatus::kActive)}));
  if (changed == 0)
    return Error{ErrorKind::kConflict, "case_not_active", "only an active case can be closed",
                 "id"};
  KB_ASSIGN(auto kase, find_case(c, case_id));
  KB_TRY(refresh_health(c, kase->person_id, now));
  KB_TRY(audit::record(
      c,
      {now, official.id, "case.close", fmt::format("case:{}", case_id), {}, status_name(outcome)},
      official));
  return std::move(*kase);
}

Result<MarkedError> mark_error(store::Connection& c, const trace::ExposureRule& rule,
                               const accounts::User& official, int64_t case_id,
                               std::string_view reason, int64_t now) {
  KB_ASSIGN(Case kase, case_for(c, official, case_id));
  if (kase.status == CaseStatus::kError) {
    return Error{ErrorKind::kConflict, "case_in_error", "this case is already marked as an error",
                 "id"};
  }
  KB_TRY(c.exec(kSetCaseStatus, {case_id, status_name(CaseStatus::kError), sealing::seal(reason),
                                 now, status_name(kase.status)}));
  KB_ASSIGN(store::Rows voided, c.query(kVoidContactsOfCase, {case_id, now}));
  KB_ASSIGN(store::Rows reopened, c.query(kReopenConvertedTo, {case_id, now}));
  KB_TRY(refresh_health(c, kase.person_id, now));
  for (const auto* rows : {&voided, &reopened}) {
    for (const auto& r : *rows) KB_TRY(refresh_health(c, r.i64(0), now));
  }
  // Its person is no case after all: the cases converted from its contacts may have met them.
  KB_ASSIGN(store::Rows chain, c.query(kCasesConvertedFrom, {case_id}));
  for (const auto& r : chain) {
    KB_ASSIGN(auto next, find_case(c, r.i64(0)));
    if (next) KB_TRY(trace_and_store(c, rule, *next, 1, now));
  }
  KB_ASSIGN(auto recalled, recall_tracing_notices(c, kase, reason, official.id, now));
  KB_TRY(audit::record(
      c,
      {now, official.id, "case.error", fmt::format("case:{}", case_id), reason,
       fmt::format("{} contacts voided, {} notices recalled", voided.size(), recalled.size())},
      official));
  KB_ASSIGN(auto after, find_case(c, case_id));
  return MarkedError{std::move(*after), std::move(recalled)};
}

Result<StoredContact> decide_contact(store::Connection& c, const accounts::User& official,
                                     int64_t contact_id, ContactStatus decision, int64_t now) {
  if (decision != ContactStatus::kConfirmed && decision != ContactStatus::kDismissed) {
    return invalid("action", "invalid_action", "action must be confirm or dismiss");
  }
  KB_ASSIGN(StoredContact k, contact_for(c, official, contact_id));
  if (!open_status(k.status) && k.status != ContactStatus::kDismissed) {
    return Error{ErrorKind::kConflict, "contact_closed",
                 fmt::format("this contact is {}", contact_status_name(k.status)), "id"};
  }
  std::optional<int64_t> until;
  if (decision == ContactStatus::kConfirmed && k.degree == 1) {
    until = k.quarantine_until ? k.quarantine_until : std::optional<int64_t>(now);
  }
  KB_TRY(c.exec(kSetContactStatus,
                {contact_id, contact_status_name(decision), opt_param(until), official.id, now}));
  KB_TRY(refresh_health(c, k.person_id, now));
  KB_TRY(audit::record(c,
                       {now,
                        official.id,
                        "contact.decide",
                        fmt::format("contact:{}", contact_id),
                        {},
                        contact_status_name(decision)},
                       official));
  KB_ASSIGN(auto after, find_contact(c, contact_id));
  return std::move(*after);
}

Result<Recorded> convert_contact(store::Connection& c, const trace::ExposureRule& rule,
                                 const areas::AreaDirectory& areas, const accounts::User& official,
                                 int64_t contact_id, NewCase n, int64_t now) {
  KB_ASSIGN(StoredContact k, contact_for(c, official, contact_id));
  if (k.status == ContactStatus::kConverted || k.status == ContactStatus::kVoid) {
    return Error{ErrorKind::kConflict, "contact_closed",
                 fmt::format("this contact is {}", contact_status_name(k.status)), "id"};
  }
  n.person = PersonKey{k.person_id, {}, {}};
  KB_ASSIGN(Recorded rec, record_case(c, rule, areas, official, n, now));
  static constexpr Sql kSetFromContact{"set_case_from_contact",
                                       "UPDATE cases SET from_contact_id = $2 WHERE id = $1"};
  KB_TRY(c.exec(kSetFromContact, {rec.kase.id, contact_id}));
  rec.kase.from_contact_id = contact_id;
  KB_TRY(c.exec(kConvertContact, {contact_id, rec.kase.id, official.id, now}));
  KB_TRY(refresh_health(c, k.person_id, now));
  return rec;
}

Result<ReportedContact> record_reported_contact(store::Connection& c,
                                                const trace::ExposureRule& rule, int64_t case_id,
                                                int64_t person_id, trace::Stay exposure,
                                                int64_t now) {
  KB_ASSIGN(auto kase, find_case(c, case_id));
  if (!kase) return no_case();
  if (kase->status == CaseStatus::kError) {
    return Error{ErrorKind::kConflict, "case_in_error", "this case was marked as an error", "id"};
  }
  if (kase->person_id == person_id) {
    return Error{ErrorKind::kConflict, "is_the_case", "this person is the case", "person_id"};
  }
  KB_ASSIGN(auto existing, c.query_one(kSelectContactOfPerson, {case_id, person_id}));
  if (existing) {
    KB_ASSIGN(StoredContact known, contact_from_row(*existing));
    return ReportedContact{std::move(known), false};
  }
  KB_ASSIGN(bool a_case, is_case(c, person_id));
  if (a_case) {
    return Error{ErrorKind::kConflict, "already_a_case", "this person is an active case",
                 "person_id"};
  }
  ListedContact lc;
  lc.found.person_id = person_id;
  lc.found.first_exposure = exposure.in;
  lc.found.last_exposure = exposure.out;
  lc.basis = "reported";
  KB_TRY(store_contact(c, rule, case_id, lc, now));
  KB_TRY(refresh_health(c, person_id, now));
  KB_ASSIGN(auto row, c.query_one(kSelectContactOfPerson, {case_id, person_id}));
  if (!row) return internal("a reported contact was not stored");
  KB_ASSIGN(StoredContact stored, contact_from_row(*row));
  return ReportedContact{std::move(stored), true};
}

}  // namespace kb::cases
