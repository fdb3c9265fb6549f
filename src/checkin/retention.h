// Check-ins are kept for a retention period (28 days by default, SPEC.md) and then purged a
// whole day at a time: each day's visits are one table (checkin/visit_days.h), so a purge drops
// tables instead of deleting rows. A running server purges hourly (the "retention" job).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "checkin/visit_days.h"
#include "core/clock.h"
#include "core/result.h"
#include "store/database.h"

namespace kb::checkin {

inline constexpr int kDefaultRetentionDays = 28;

struct PurgeReport {
  int64_t first_kept_day = 0;  // checkin::visit_day numbering
  std::vector<checkin::PurgedDay> days;
  int64_t rows = 0;
  double seconds = 0;  // wall time of the purging write
};

// Purges every day that ended more than `retention_days` days before `now`'s day began, through
// the writer (so it commits like any other write). retention_days must be ≥ 1.
Result<PurgeReport> purge_past_retention(store::Database& db, int retention_days, int64_t now);

// {"first_kept":"2026-10-25","days":[{"date":"2026-10-24","rows":1000000}],"rows":…,"seconds":…}
std::string purge_report_json(const PurgeReport& report);

// The scheduled job (jobs::Scheduler "retention", hourly, one process at a time): purges, and
// logs what it purged.
Status purge_job(store::Database& db, int retention_days, int64_t now);

}  // namespace kb::checkin
