// The officials' dashboards: figures per area and day, kept in `daily_figures` as data arrives
// so that no page view ever scans visits. An area is a ward code, a province code, or "*" for
// the whole country; a day is checkin::visit_day (Vietnam's calendar day).
//
//   checkins              check-ins recorded that day at the area's venues (CheckinTally, flushed
//                         by every process every couple of seconds: flush_checkins)
//   venues_active         the area's venues with a check-in that day (flush_checkins)
//   declarations          health declarations submitted that day by people living in the area
//                         (refresh_figures, counting new declarations once each; on PostgreSQL
//                         those of the last 5 seconds at the next run)
//   cases                 cases recorded that day in the area, not marked as errors
//   f1_found              F1 contacts found that day for the area's cases (not void)
//   f1_notified           F1 contacts of the area's cases sent a tracing notice that day
//   notifications_sent    personal messages handed to outside delivery that day (SMS, chat),
//                         by the recipient's area
//   venues_registered     open venues of the area, as of the day (written for today)
//   venues_idle           of them, registered over a day ago and with no check-in in the last
//                         7 days: where to inspect QR posting and scanning
//
// refresh_figures runs on one process at a time (jobs::Scheduler) every few seconds and
// recounts the last kRecountDays days of the small tables (cases, contacts, deliveries), so a
// case marked as an error leaves the figures too.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "areas/area_directory.h"
#include "core/result.h"
#include "dashboard/tally.h"
#include "store/database.h"

namespace kb::dashboard {

enum class Figure {
  kCheckins,
  kVenuesActive,
  kDeclarations,
  kCases,
  kF1Found,
  kF1Notified,
  kNotificationsSent,
  kVenuesRegistered,
  kVenuesIdle,
};
inline constexpr Figure kAllFigures[] = {Figure::kCheckins,          Figure::kVenuesActive,
                                         Figure::kDeclarations,      Figure::kCases,
                                         Figure::kF1Found,           Figure::kF1Notified,
                                         Figure::kNotificationsSent, Figure::kVenuesRegistered,
                                         Figure::kVenuesIdle};
std::string_view figure_name(Figure f);
// Figures that are a state as of the day (summing them over days means nothing).
bool is_snapshot(Figure f);

inline constexpr int64_t kRecountDays = 14;
inline constexpr int64_t kIdleDays = 7;

// Stores check-ins counted in memory: adds them to the figures of the venue's ward, province
// and the country, and marks venues active for the day. Call inside a write job.
Status flush_checkins(store::Connection& c, const std::vector<VenueDay>& counts);

// Takes what the tally counted and stores it in one write through the writer; on failure the
// counts stay for the next flush. Every server process runs it every couple of seconds.
Status flush_tally(store::Database& db, CheckinTally& tally);

// Counts new declarations, recounts the recent days of the small tables and writes today's
// venue figures. Call inside a write job.
Status refresh_figures(store::Connection& c, int64_t now);

// Which areas an area is made of: a province's wards, the country's provinces; none for a ward.
std::vector<std::string> child_areas(const areas::AreaDirectory& areas, std::string_view area_code);

// The figures of an area over days [from_day, to_day], each a value per day (0 where none).
struct Series {
  int64_t from_day = 0, to_day = 0;
  std::map<Figure, std::vector<int64_t>> values;
};
Result<Series> series(store::Connection& c, std::string_view area_code, int64_t from_day,
                      int64_t to_day);
// Adds check-ins counted but not stored yet (by this process) to a series.
void add_pending(Series& s, const CheckinTally& tally, std::string_view area_code);

// Each child area's figures summed over the days (snapshots: the last day's value).
Result<std::map<std::string, std::map<Figure, int64_t>>> by_child(
    store::Connection& c, std::string_view parent_code, const std::vector<std::string>& children,
    int64_t from_day, int64_t to_day);

// What a dashboard page reads from the database: an area's series and its parts' figures.
struct StoredBoard {
  Series series;
  std::map<std::string, std::map<Figure, int64_t>> children;
};

// The stored figures of recent pages, so that officials opening the same pages at once read them
// from the database once a second rather than once each (a province's page is ~12,000 rows).
// An entry serves for kTtl and only while this process has stored no flush of its tally since
// it was read (stored_flushes), so adding the tally's pending counts to it never counts a
// check-in twice or drops one; figures stored by other processes and by the recount show up
// within kTtl. clear() after a recount asked for (POST /api/v1/dashboard/refresh). Thread-safe.
class BoardCache {
 public:
  static constexpr std::chrono::milliseconds kTtl{1000};
  std::optional<StoredBoard> find(const std::string& area, int64_t from_day, int64_t to_day,
                                  uint64_t flushes) const;
  void store(const std::string& area, int64_t from_day, int64_t to_day, uint64_t flushes,
             const StoredBoard& board);
  void clear();

 private:
  struct Entry {
    StoredBoard board;
    uint64_t flushes = 0;
    std::chrono::steady_clock::time_point read_at;
  };
  using Key = std::tuple<std::string, int64_t, int64_t>;
  mutable std::mutex mu_;
  std::map<Key, Entry> entries_;  // guarded by mu_
};

// Venues of an area that are idle (see venues_idle), for inspection; at most `limit`.
struct IdleVenue {
  int64_t id = 0;
  std::string name, code, province_code, ward_code, street;
  std::optional<int64_t> last_day;  // last day with a check-in, if ever
  int64_t created_at = 0;
};
Result<std::vector<IdleVenue>> idle_venues(store::Connection& c, std::string_view area_code,
                                           int64_t now, int64_t limit);

// A day as the API writes it: "2026-11-21".
std::string day_text(int64_t day);

}  // namespace kb::dashboard
