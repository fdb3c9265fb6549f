#include "dashboard/figures.h"

#include <fmt/format.h>

#include <algorithm>
#include <tuple>

#include "checkin/visit_days.h"
#include "core/clock.h"
#include "store/writer.h"

namespace kb::dashboard {
namespace {

using store::Param;
using store::Sql;

constexpr Sql kAddFigure{"add_daily_figure",
                         "INSERT INTO daily_figures(area_code, parent_code, day, figure, value) "
                         "VALUES ($1, $2, $3, $4, $5) "
                         "ON CONFLICT (area_code, day, figure) DO UPDATE SET value = "
                         "daily_figures.value + excluded.value"};
constexpr Sql kSetFigure{
    "set_daily_figure",
    "INSERT INTO daily_figures(area_code, parent_code, day, figure, value) VALUES ($1, $2, $3, $4, "
    "$5) "
    "ON CONFLICT (area_code, day, figure) DO UPDATE SET value = excluded.value"};
constexpr Sql kZeroRecounted{"zero_recounted_figures",
                             "UPDATE daily_figures SET value = 0 WHERE day >= $1 AND figure IN "
                             "('cases', 'f1_found', 'f1_notified', "
                             "'notifications_sent')"};
constexpr Sql kZeroVenueSnapshot{"zero_venue_snapshot",
                                 "UPDATE daily_figures SET value = 0 WHERE day = $1 AND figure IN "
                                 "('venues_registered', 'venues_idle')"};
constexpr Sql kVenueDay{
    "insert_venue_day",
    "INSERT INTO venue_days(venue_id, day) VALUES ($1, $2) ON CONFLICT (venue_id, day) DO NOTHING"};
constexpr Sql kPurgeVenueDays{"purge_venue_days", "DELETE FROM venue_days WHERE day < $1"};
constexpr Sql kSelectSetting{"select_dashboard_setting",
                             "SELECT value FROM settings WHERE name = $1"};
constexpr Sql kSetSetting{
    "set_dashboard_setting",
    "INSERT INTO settings(name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET "
    "value = excluded.value"};
constexpr Sql kNewDeclarations{"select_new_declarations",
                               "SELECT d.id, d.created_at, p.province_code, p.ward_code FROM "
                               "declarations d JOIN people p ON p.id = d.person_id "
                               "WHERE d.id > $1 AND d.created_at <= $2 ORDER BY d.id LIMIT 20000"};
constexpr Sql kRecentCases{"select_recent_cases_for_figures",
                           "SELECT created_at, province_code, ward_code FROM cases WHERE status <> "
                           "'error' AND created_at >= $1"};
constexpr Sql kRecentF1{"select_recent_f1_for_figures",
                        "SELECT k.found_at, c.province_code, c.ward_code FROM contacts k JOIN "
                        "cases c ON c.id = k.case_id "
                        "WHERE k.degree = 1 AND k.status <> 'void' AND k.found_at >= $1"};
constexpr Sql kRecentNotified{"select_recent_notified_for_figures",
                              "SELECT m.created_at, c.province_code, c.ward_code FROM contacts k "
                              "JOIN cases c ON c.id = k.case_id "
                              "JOIN messages m ON m.id = k.notice_id WHERE k.degree = 1 AND "
                              "k.status <> 'void' AND m.created_at >= $1"};
constexpr Sql kRecentSent{"select_recent_deliveries_for_figures",
                          "SELECT d.updated_at, p.province_code, p.ward_code FROM deliveries d "
                          "JOIN messages m ON m.id = d.message_id "
                          "LEFT JOIN people p ON p.id = m.person_id WHERE d.state = 'sent' AND "
                          "d.message_id > 0 AND d.updated_at >= $1"};
constexpr Sql kOpenVenues{
    "count_open_venues_by_ward",
    "SELECT province_code, ward_code, COUNT(*) FROM venues WHERE status = 'open' "
    "GROUP BY province_code, ward_code"};
constexpr Sql kIdleVenueCounts{
    "count_idle_venues_by_ward",
    "SELECT v.province_code, v.ward_code, COUNT(*) FROM venues v WHERE v.status = 'open' AND "
    "v.created_at < $1 "
    "AND NOT EXISTS (SELECT 1 FROM venue_days a WHERE a.venue_id = v.id AND a.day >= $2) "
    "GROUP BY v.province_code, v.ward_code"};
constexpr Sql kIdleVenues{
    "select_idle_venues",
    "SELECT v.id, v.name, v.code, v.province_code, v.ward_code, v.street, v.created_at, "
    "(SELECT MAX(a.day) FROM venue_days a WHERE a.venue_id = v.id) FROM venues v WHERE v.status = "
    "'open' AND "
    "($1 = '*' OR v.province_code = $1 OR v.ward_code = $1) AND v.created_at < $2 AND NOT EXISTS "
    "(SELECT 1 FROM "
    "venue_days a WHERE a.venue_id = v.id AND a.day >= $3) ORDER BY v.id LIMIT $4"};
constexpr Sql kSeries{"select_daily_figures",
                      "SELECT day, figure, value FROM daily_figures WHERE area_code = $1 AND day "
                      ">= $2 AND day <= $3"};
constexpr Sql kByChild{"select_daily_figures_by_child",
                       "SELECT area_code, day, figure, value FROM daily_figures WHERE parent_code "
                       "= $1 AND day >= $2 AND day <= $3"};

std::optional<Figure> figure_of(std::string_view name) {
  for (Figure f : kAllFigures) {
    if (figure_name(f) == name) return f;
  }
  return std::nullopt;
}

// Counts of (area, parent, day, figure) gathered in memory before they are written.
using Tally = std::map<std::tuple<std::string, std::string, int64_t, Figure>, int64_t>;

// One event in an area: counted for its ward, its province and the country.
void add(Tally& t, const std::string& province, const std::string& ward, int64_t day, Figure f,
         int64_t n = 1) {
  t[{"*", "", day, f}] += n;
  if (!province.empty()) t[{province, "*", day, f}] += n;
  if (!ward.empty()) t[{ward, province, day, f}] += n;
}

Status write(store::Connection& c, const Tally& t, const Sql& sql) {
  for (const auto& [key, n] : t) {
    const auto& [area, parent, day, f] = key;
    KB_TRY(c.exec(sql, {std::string_view(area), std::string_view(parent), day, figure_name(f), n}));
  }
  return {};
}

Result<int64_t> setting(store::Connection& c, std::string_view name) {
  KB_ASSIGN(auto row, c.query_one(kSelectSetting, {name}));
  return row ? static_cast<int64_t>(std::stoll(row->str(0))) : int64_t{0};
}

// Declarations are only ever added: each is counted once, in id order. On PostgreSQL several
// server processes write at once, so a declaration may commit after one with a higher id: those
// of the last few seconds wait for the next run, so that none is skipped. SQLite has one writer.
Status count_new_declarations(store::Connection& c, int64_t now) {
  const int64_t settled = c.dialect() == store::Dialect::kPostgres ? now - 5 : now;
  KB_ASSIGN(int64_t seen, setting(c, "dashboard.declarations_seen"));
  for (;;) {
    KB_ASSIGN(auto rows, c.query(kNewDeclarations, {seen, settled}));
    if (rows.empty()) break;
    Tally t;
    for (const auto& r : rows) {
      add(t, r.str(2), r.str(3), checkin::visit_day(r.i64(1)), Figure::kDeclarations);
      seen = std::max(seen, r.i64(0));
    }
    KB_TRY(write(c, t, kAddFigure));
    KB_TRY(c.exec(kSetSetting,
                  {"dashboard.declarations_seen", std::string_view(std::to_string(seen))}));
    if (rows.size() < 20000) break;
  }
  return {};
}

Status recount(store::Connection& c, int64_t from_day) {
  const int64_t from = checkin::visit_day_start(from_day);
  Tally t;
  for (auto [sql, figure] :
       {std::pair{&kRecentCases, Figure::kCases}, std::pair{&kRecentF1, Figure::kF1Found},
        std::pair{&kRecentNotified, Figure::kF1Notified},
        std::pair{&kRecentSent, Figure::kNotificationsSent}}) {
    KB_ASSIGN(auto rows, c.query(*sql, {from}));
    for (const auto& r : rows) add(t, r.str(1), r.str(2), checkin::visit_day(r.i64(0)), figure);
  }
  KB_TRY(c.exec(kZeroRecounted, {from_day}));
  return write(c, t, kSetFigure);
}

Status venue_snapshot(store::Connection& c, int64_t now) {
  const int64_t today = checkin::visit_day(now);
  Tally t;
  KB_ASSIGN(auto open, c.query(kOpenVenues));
  for (const auto& r : open) add(t, r.str(0), r.str(1), today, Figure::kVenuesRegistered, r.i64(2));
  KB_ASSIGN(auto idle, c.query(kIdleVenueCounts, {now - 86400, today - kIdleDays + 1}));
  for (const auto& r : idle) add(t, r.str(0), r.str(1), today, Figure::kVenuesIdle, r.i64(2));
  KB_TRY(c.exec(kZeroVenueSnapshot, {today}));
  return write(c, t, kSetFigure);
}

}  // namespace

std::string_view figure_name(Figure f) {
  switch (f) {
    case Figure::kCheckins:
      return "checkins";
    case Figure::kVenuesActive:
      return "venues_active";
    case Figure::kDeclarations:
      return "declarations";
    case Figure::kCases:
      return "cases";
    case Figure::kF1Found:
      return "f1_found";
    case Figure::kF1Notified:
      return "f1_notified";
    case Figure::kNotificationsSent:
      return "notifications_sent";
    case Figure::kVenuesRegistered:
      return "venues_registered";
    case Figure::kVenuesIdle:
      return "venues_idle";
  }
  return "checkins";
}

bool is_snapshot(Figure f) { return f == Figure::kVenuesRegistered || f == Figure::kVenuesIdle; }

Status flush_checkins(store::Connection& c, const std::vector<VenueDay>& counts) {
  Tally t;
  for (const auto& v : counts) {
    add(t, v.province_code, v.ward_code, v.day, Figure::kCheckins, v.checkins);
    KB_ASSIGN(int64_t first, c.exec(kVenueDay, {v.venue_id, v.day}));
    if (first > 0) add(t, v.province_code, v.ward_code, v.day, Figure::kVenuesActive);
  }
  return write(c, t, kAddFigure);
}

Status flush_tally(store::Database& db, CheckinTally& tally) {
  std::vector<VenueDay> counts = tally.take();
  if (counts.empty()) {
    tally.settle(true);
    return {};
  }
  Status stored =
      db.writer().write_sync([&](store::Connection& c) { return flush_checkins(c, counts); });
  tally.settle(stored.ok());
  return stored;
}

Status refresh_figures(store::Connection& c, int64_t now) {
  const int64_t today = checkin::visit_day(now);
  KB_TRY(count_new_declarations(c, now));
  KB_TRY(recount(c, today - kRecountDays + 1));
  KB_TRY(venue_snapshot(c, now));
  KB_TRY(c.exec(kPurgeVenueDays, {today - 60}));
  return {};
}

std::vector<std::string> child_areas(const areas::AreaDirectory& areas,
                                     std::string_view area_code) {
  std::vector<std::string> out;
  if (area_code == "*") {
    for (const auto& p : areas.provinces()) out.push_back(p.code);
  } else if (areas.province(area_code)) {
    for (const auto* w : areas.wards_of(area_code)) out.push_back(w->code);
  }
  return out;
}

Result<Series> series(store::Connection& c, std::string_view area_code, int64_t from_day,
                      int64_t to_day) {
  Series s{from_day, to_day, {}};
  const size_t days = static_cast<size_t>(to_day - from_day + 1);
  for (Figure f : kAllFigures) s.values[f].assign(days, 0);
  KB_ASSIGN(auto rows, c.query(kSeries, {area_code, from_day, to_day}));
  for (const auto& r : rows) {
    auto f = figure_of(r.str(1));
    if (f) s.values[*f][static_cast<size_t>(r.i64(0) - from_day)] = r.i64(2);
  }
  return s;
}

void add_pending(Series& s, const CheckinTally& tally, std::string_view area_code) {
  auto& checkins = s.values[Figure::kCheckins];
  for (int64_t day = s.from_day; day <= s.to_day; ++day) {
    checkins[static_cast<size_t>(day - s.from_day)] += tally.pending(area_code, day);
  }
}

Result<std::map<std::string, std::map<Figure, int64_t>>> by_child(
    store::Connection& c, std::string_view parent_code, const std::vector<std::string>& children,
    int64_t from_day, int64_t to_day) {
  std::map<std::string, std::map<Figure, int64_t>> out;
  for (const auto& code : children) {
    for (Figure f : kAllFigures) out[code][f] = 0;
  }
  KB_ASSIGN(auto rows, c.query(kByChild, {parent_code, from_day, to_day}));
  for (const auto& r : rows) {
    auto f = figure_of(r.str(2));
    auto it = out.find(r.str(0));
    if (!f || it == out.end()) continue;
    if (!is_snapshot(*f)) {
      it->second[*f] += r.i64(3);
    } else if (r.i64(1) == to_day) {
      it->second[*f] = r.i64(3);
    }
  }
  return out;
}

std::optional<StoredBoard> BoardCache::find(const std::string& area, int64_t from_day,
                                            int64_t to_day, uint64_t flushes) const {
  std::lock_guard lock(mu_);
  auto it = entries_.find(Key{area, from_day, to_day});
  if (it == entries_.end() || it->second.flushes != flushes ||
      std::chrono::steady_clock::now() - it->second.read_at > kTtl)
    return std::nullopt;
  return it->second.board;
}

void BoardCache::store(const std::string& area, int64_t from_day, int64_t to_day, uint64_t flushes,
                       const StoredBoard& board) {
  constexpr size_t kMaxEntries = 4096;  // 3,356 areas: a bound, never reached in practice
  std::lock_guard lock(mu_);
  if (entries_.size() >= kMaxEntries) entries_.clear();
  entries_[Key{area, from_day, to_day}] = Entry{board, flushes, std::chrono::steady_clock::now()};
}

void BoardCache::clear() {
  std::lock_guard lock(mu_);
  entries_.clear();
}

Result<std::vector<IdleVenue>> idle_venues(store::Connection& c, std::string_view area_code,
                                           int64_t now, int64_t limit) {
  const int64_t today = checkin::visit_day(now);
  KB_ASSIGN(auto rows,
            c.query(kIdleVenues, {area_code, now - 86400, today - kIdleDays + 1, limit}));
  std::vector<IdleVenue> out;
  for (const auto& r : rows) {
    out.push_back(
        {r.i64(0), r.str(1), r.str(2), r.str(3), r.str(4), r.str(5), r.opt_i64(7), r.i64(6)});
  }
  return out;
}

std::string day_text(int64_t day) {
  return format_rfc3339(checkin::visit_day_start(day)).substr(0, 10);
}

}  // namespace kb::dashboard
