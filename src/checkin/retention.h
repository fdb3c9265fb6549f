// Check-ins are kept for a retention period (28 days by default, SPEC.md) and then purged a
// whole day at a time: each day's visits are one table (store/visit_days.h), so a purge drops
// tables instead of deleting rows. A running server purges at start and then every hour.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/periodic_task.h"
#include "core/result.h"
#include "store/database.h"
#include "store/visit_days.h"

namespace kb::checkin {

inline constexpr int kDefaultRetentionDays = 28;

struct PurgeReport {
  int64_t first_kept_day = 0;  // store::visit_day numbering
  std::vector<store::PurgedDay> days;
  int64_t rows = 0;
  double seconds = 0;  // wall time of the purging write
};

// Purges every day that ended more than `retention_days` days before `now`'s day began, through
// the writer (so it commits like any other write). retention_days must be ≥ 1.
Result<PurgeReport> purge_past_retention(store::Database& db, int retention_days, int64_t now);

// {"first_kept":"2026-10-25","days":[{"date":"2026-10-24","rows":1000000}],"rows":…,"seconds":…}
std::string purge_report_json(const PurgeReport& report);

class RetentionThread {
 public:
  RetentionThread(store::Database& db, int retention_days, Clock clock, std::chrono::seconds interval);
  ~RetentionThread();
  void start();
  void stop();

 private:
  store::Database& db_;
  int retention_days_;
  Clock clock_;
  std::chrono::seconds interval_;
  PeriodicTask task_;  // last: stopped before the members it uses go
};

}  // namespace kb::checkin
