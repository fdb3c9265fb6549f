// Data requests from other agencies: an agency outside the health service (statistics office,
// police, a research institute) asks for declaration data of an area for a stated purpose. A
// health official of the area files the request with the fields it needs, from a fixed list;
// a different official in charge of the area approves it (administrators run the system and
// read nobody's data, so they do not approve); until it expires, the requester downloads an
// export holding only those fields. Every download is audited with every person it shows, so
// each person's "who looked at my data" page names the agency and the purpose.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "accounts/accounts.h"
#include "areas/area_directory.h"
#include "core/result.h"
#include "store/database.h"

namespace kb::data_requests {

// The fields an agency may ask for, each a column of the export. The identifying ones
// (full_name, id_number, phone, street, birth_date) are there for the agencies whose purpose
// needs them; the approver sees which were asked for.
inline constexpr std::string_view kFields[] = {"declared_on",
                                               "kind",
                                               "birth_year",
                                               "sex",
                                               "province_code",
                                               "ward_code",
                                               "symptoms",
                                               "exposures",
                                               "vaccine_doses",
                                               "travel_provinces",
                                               "travel_countries",
                                               "full_name",
                                               "id_number",
                                               "birth_date",
                                               "phone",
                                               "street"};

inline constexpr int64_t kMaxDays = 31;       // days of declarations a request covers
inline constexpr int64_t kMaxValidDays = 90;  // how long an approval may last

struct NewRequest {
  std::string agency;               // who asks, e.g. "Tổng cục Thống kê"
  std::string purpose;              // why, as the citizens will read it
  std::vector<std::string> fields;  // from kFields, no repeats
  std::string area;                 // a province or ward code the requester is in charge of
  int64_t from = 0;                 // declarations made in [from, to), Unix seconds
  int64_t to = 0;
  int64_t expires_at = 0;  // no download from then on
};

enum class State { kPending, kApproved, kExpired };
std::string_view state_name(State s);

struct Request {
  int64_t id = 0;
  std::string agency, purpose, area;
  std::vector<std::string> fields;
  int64_t from = 0, to = 0, expires_at = 0;
  int64_t requested_by = 0, requested_at = 0;
  std::optional<int64_t> approved_by, approved_at;
  int64_t downloads = 0;
  State state_at(int64_t now) const;
};

// Checks and files a request. Errors name the field: agency, purpose (missing_field, empty,
// too_long), fields (unknown_field_name, repeated, empty), area (unknown_area,
// outside_jurisdiction), to (before_from, range_too_long), expires_on (in_the_past, too_far).
Result<Request> file(store::Connection& c, const areas::AreaDirectory& areas,
                     const accounts::User& official, NewRequest r, int64_t now);

// Approves a pending request: an official in charge of its area who did not file it
// (own_request otherwise; outside_jurisdiction; already_approved; expired).
Result<Request> approve(store::Connection& c, const accounts::User& official, int64_t id,
                        int64_t now);

// The requests of the areas an official is in charge of, newest first.
Result<std::vector<Request>> list(store::Connection& c, const accounts::User& official);
// One request, for an official in charge of its area (kNotFound otherwise).
Result<Request> read(store::Connection& c, const accounts::User& official, int64_t id);

// The export a request allows, as CSV (UTF-8 with BOM, injection-safe cells, only the fields
// asked for), for its requester, while approved and not expired (not_approved, expired,
// not_requester). Audited as data_request.export with every person in it.
Result<std::string> export_csv(store::Connection& c, const accounts::User& official, int64_t id,
                               int64_t now);

}  // namespace kb::data_requests
