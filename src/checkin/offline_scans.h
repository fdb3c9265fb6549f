// Scans a staff scanner made without network, sent later in a batch (POST /api/v1/scans/batch):
// the door scanner keeps the queue at the door moving when the mobile data drops, and delivers
// when it returns. Each scan goes through the one door (Door::enter) as an offline entry — its
// own time, its client-made id (a resend records nothing new), an offline note — and is
// answered on its own: recorded, duplicate, or refused with the reason. A visit that arrives
// late may concern an active case already traced: that case is traced again at once, and when
// its notices went out before, the new contacts get theirs (cases::retrace_for_visit,
// cases::send_late_notices).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "accounts/accounts.h"
#include "areas/area_directory.h"
#include "checkin/door.h"
#include "core/result.h"
#include "store/database.h"
#include "trace/exposure.h"

namespace kb::checkin {

// At most this many scans in one batch (a scanner sends a longer queue in several).
inline constexpr size_t kMaxOfflineScans = 200;

// One scan as the scanner queued it. `visitor` holds the refusal of a payload that could not be
// read (that scan alone is refused).
struct OfflineScan {
  std::string client_id;
  int64_t venue_id = 0;
  int64_t scanned_at = 0;
  Result<Visitor> visitor = Visitor{};
};

enum class OfflineResult { kRecorded, kDuplicate, kRefused };
std::string_view offline_result_name(OfflineResult r);

struct OfflineAnswer {
  std::string client_id;
  OfflineResult result = OfflineResult::kRefused;
  std::optional<PersonAtDoor> person;  // recorded or duplicate
  std::optional<Error> refusal;        // refused
  std::vector<int64_t> traced_cases;   // cases the visit added contacts to (retrace_for_visit)
};

struct LateTracing {
  trace::ExposureRule rule;
  const areas::AreaDirectory* areas = nullptr;
  std::string link;  // what tracing notices link to (the citizen's inbox page)
};

struct OfflineBatchAnswer {
  std::vector<OfflineAnswer> scans;      // in the order sent
  std::vector<int64_t> notified_people;  // people with a new notice (to wake their inbox streams)
};

// Enters each scan for `staff` at `now`. Errors only for a failing database; everything about
// a scan is in its answer.
boost::asio::awaitable<Result<OfflineBatchAnswer>> enter_offline_scans(
    Door& door, store::Database& db, const LateTracing& tracing, const accounts::User& staff,
    std::vector<OfflineScan> scans, int64_t now);

}  // namespace kb::checkin
