// Locations of interest: where and when a case was, made public so that people who were there
// without checking in come forward. An official who sees the case publishes one of the case's
// stays that count (trace::source_stays over the case's infectious window, reviewed in the case
// file): the venue and the stay's time window, with an optional note. Anyone reads the list by
// area and date without signing in; nothing in it names the case. A citizen (signed in with
// their phone and a one-time code) says "I was there" for themselves or a person they manage,
// which records that person as the case's F1 (cases::record_reported_contact) for the tracing
// officials to confirm and notify as any other. Withdrawing a location, or the case being marked
// as an error, takes it off the public list.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "accounts/accounts.h"
#include "cases/case.h"
#include "core/result.h"
#include "store/database.h"
#include "trace/exposure.h"

namespace kb::locations {

inline constexpr size_t kMaxNoteChars = 500;

struct Location {
  int64_t id = 0;
  int64_t case_id = 0;
  int64_t visit_id = 0;  // the case's stay it was published from
  int64_t venue_id = 0;
  std::string venue_name, venue_code, street, province_code, ward_code;
  int64_t starts_at = 0, ends_at = 0;
  std::string note;
  int64_t published_by = 0;
  int64_t published_at = 0;
  std::optional<int64_t> withdrawn_at;
  int64_t reports = 0;  // people who said "I was there"
};

// Publishes the stay `visit_id` of the case (kNotFound for a case the official does not see;
// invalid visit_id not_a_stay_of_the_case when it is none of the case's stays that count;
// kConflict already_published, case_in_error). Errors name the field. Call inside a write job.
Result<Location> publish(store::Connection& c, const trace::ExposureRule& rule,
                         const accounts::User& official, int64_t case_id, int64_t visit_id,
                         std::string_view note, int64_t now);
// The case's locations, withdrawn ones too, newest stay first.
Result<std::vector<Location>> of_case(store::Connection& c, const accounts::User& official,
                                      int64_t case_id);
// Takes a location off the public list (kNotFound location_not_found unless the official sees
// its case; kConflict already_withdrawn).
Result<Location> withdraw(store::Connection& c, const accounts::User& official, int64_t location_id,
                          int64_t now);

struct PublicFilter {
  std::string province_code;  // '' any
  std::string ward_code;      // '' any
  int64_t from = 0;           // windows that end at or after
  int64_t to = 0;             // …and start before
  int64_t limit = 200;
};
// The published locations (not withdrawn, their case not an error), latest window first.
Result<std::vector<Location>> published(store::Connection& c, const PublicFilter& filter);

struct Presence {
  Location location;
  cases::ReportedContact contact;
};
// "I was there": `person_id` (someone the citizen manages: not_your_person otherwise; none: the
// citizen themselves)
// becomes a contact of the location's case. kNotFound location_not_found for a location that is
// not published. Saying it again changes nothing. Call inside a write job.
Result<Presence> report_presence(store::Connection& c, const trace::ExposureRule& rule,
                                 const accounts::User& citizen, int64_t location_id,
                                 std::optional<int64_t> person_id, int64_t now);

}  // namespace kb::locations
