// "Who looked at my data": what the audit log holds about the people an account holder
// manages (themselves and their dependants), as the citizen may see it — the official's role
// and area, never their name; the action, the reason given, the time.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "store/database.h"

namespace kb::audit {

struct AccessLine {
  int64_t id = 0;  // the audit entry
  int64_t at = 0;
  int64_t person_id = 0;
  std::string person_name;
  std::string action;      // "person.record", "case.read", …
  std::string actor_role;  // "official", "admin", "venue_staff"
  std::string actor_area;  // "national", a province or ward code; empty when none
  std::string reason;
  std::string agency;  // an outside agency's data request (data_request.export): its name;
                       // the reason is then the request's purpose
};

inline constexpr int64_t kAccessPage = 200;

// Entries about the people account `account_id` manages, written by anyone but a citizen,
// newest first, up to `limit` (1..kAccessPage), older than `before_id` when given.
Result<std::vector<AccessLine>> access_to_my_people(store::Connection& c, int64_t account_id,
                                                    std::optional<int64_t> before_id,
                                                    int64_t limit);

// The lines as CSV (SPEC rules: UTF-8 with BOM, injection-safe cells).
std::string access_csv(const std::vector<AccessLine>& lines);

}  // namespace kb::audit
