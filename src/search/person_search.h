// Officials' search and export: a health official finds a person living in their jurisdiction
// — by phone, by ID number, or by name and birth year — and reads what khaibao holds on them
// (declarations, visits, cases); and exports an area's declarations for a range of days. Every
// one of these reads personal data, so each takes the official's reason and writes it to the
// audit log in the same transaction as the read: no audit entry, no data.
//
// Jurisdiction is the person's address (people.province_code / ward_code): someone living
// outside the official's area is not found (and reading them answers kNotFound, never
// revealing that they exist).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "accounts/accounts.h"
#include "areas/area_directory.h"
#include "cases/case.h"
#include "checkin/visit.h"
#include "declarations/declaration.h"
#include "people/person.h"
#include "store/database.h"

namespace kb::search {

// Exactly one way of naming the person.
struct PersonQuery {
  std::string phone;      // E.164
  std::string id_number;  // CCCD or passport, as stored
  std::string full_name;  // normalised (people::normalize_name); with birth_year
  int64_t birth_year = 0;
};
// Errors name the field: nothing given (query, missing_field), several ways at once
// (query, one_way_only), a name without a birth year or the other way round.
Status check_query(const PersonQuery& q);

inline constexpr int64_t kMaxMatches = 20;

// The people of the official's jurisdiction the query names (at most kMaxMatches), audited
// (person.search, with what was searched and how many were found). Identity merges are
// followed: a person whose records were merged is found by the phone, ID number or name of any
// of them, and listed once, as the surviving record. A phone finds the records with it as their
// own and the people seen with it (identity/identifiers.h). A name is compared by
// identity::name_key: accents, case, spacing and word order aside ("NGUYEN VAN AN" finds
// "Nguyễn Văn An").
Result<std::vector<people::Person>> find_people(store::Connection& c,
                                                const accounts::User& official,
                                                const PersonQuery& q, std::string_view reason,
                                                int64_t now);

struct CaseSummary {
  int64_t id = 0;
  int64_t test_date = 0;
  std::string status;
  std::string found_in;
};

struct PersonRecord {
  people::Person person;
  std::string colour, colour_reason;
  std::vector<declarations::Declaration> declarations;  // newest first
  std::vector<checkin::VisitAtVenue> visits;            // newest first, the last visit_days days
  std::vector<CaseSummary> cases;                       // newest first
};
inline constexpr int64_t kRecordVisitDays = 28;

// One person's record, audited (person.record). kNotFound unless they live in the jurisdiction.
Result<PersonRecord> person_record(store::Connection& c, const accounts::User& official,
                                   int64_t person_id, std::string_view reason, int64_t now);

// ---- Export of declarations ----

struct ExportQuery {
  std::string area;  // a province or ward code, or "*" (dashboard::area_for)
  int64_t from = 0;  // [from, to): Unix seconds
  int64_t to = 0;
};
inline constexpr int64_t kMaxExportDays = 31;
inline constexpr int64_t kMaxExportRows = 200000;

// One declaration with the declarant's identity, as exported (lists as stored: codes separated
// by commas).
struct DeclarationRow {
  int64_t id = 0;
  int64_t created_at = 0;
  bool superseded = false;
  std::string kind, travel_provinces, travel_countries, symptoms, exposures;
  int64_t vaccine_doses = 0;
  int64_t person_id = 0;
  std::string full_name, id_number, birth_date, sex, phone, province_code, ward_code, street;
};

// The declarations made in [from, to) by people living in the area, oldest first, audited
// (declarations.export, with the area, the days and the row count). Errors: the area as
// dashboard::area_for answers; range longer than kMaxExportDays (field to, range_too_long);
// more than kMaxExportRows (field to, too_many_rows).
// `format` ("csv" | "json") goes into the audit entry.
Result<std::vector<DeclarationRow>> export_declarations(
    store::Connection& c, const areas::AreaDirectory& areas, const accounts::User& official,
    const ExportQuery& q, std::string_view reason, std::string_view format, int64_t now);

// The declarations made in [from, to) by people living in `area` (a province or ward code, or
// "*"), oldest first, with no audit entry: the caller writes the one that fits its purpose.
// Errors: more than kMaxExportRows (field to, too_many_rows).
Result<std::vector<DeclarationRow>> declarations_in(store::Connection& c, std::string_view area,
                                                    int64_t from, int64_t to);

// The export as CSV: UTF-8 with a BOM, CRLF, every cell through csv::cell (formula-safe).
std::string declarations_csv(const std::vector<DeclarationRow>& rows);

}  // namespace kb::search
