#include "checkin/visit_days.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <unordered_set>

#include "checkin/recent_visits.h"
#include "core/clock.h"

namespace kb::checkin {
namespace {

using store::Dialect;
using store::Param;
using store::Rows;

// What a connection knows of the day tables: the days it has seen exist, and the SQL texts it
// has written for them (kept for the connection's life, since prepared statements are cached
// by text address). A rollback may have undone a day table it made: forget the days then.
struct VisitDayMemo final : store::Connection::Memo {
  std::unordered_set<int64_t> known_days;
  std::map<std::pair<const char*, int64_t>, std::string> texts;
  void rolled_back() override { known_days.clear(); }
};

// The columns of a visit, in the order every day table has them (the SQLite view is a UNION
// ALL of `SELECT *`, so the order matters).
constexpr const char* kSqliteColumns =
    "(id INTEGER PRIMARY KEY, venue_id BIGINT NOT NULL, person_id BIGINT NOT NULL, t_in BIGINT NOT "
    "NULL, "
    "t_out BIGINT, assumed_out BIGINT NOT NULL, source SMALLINT NOT NULL, trust SMALLINT NOT NULL, "
    "recorded_by BIGINT, created_at BIGINT NOT NULL)";

// A visit's stays at a venue are read by (venue, time) when tracing, with every column the
// tracer needs, so the table is not touched; a person's by (person, venue, time), which serves
// both the duplicate check of a check-in (one seek) and a person's own stays.
constexpr const char* kVenueIndexColumns = "(venue_id, t_in, person_id, t_out, assumed_out)";
constexpr const char* kPersonIndexColumns = "(person_id, venue_id, t_in, t_out, assumed_out)";

constexpr Sql kSqliteTableExists{
    "visit_day_exists_sqlite",
    "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = $1"};
constexpr Sql kPgTableExists{"visit_day_exists_pg",
                             "SELECT COUNT(*) FROM pg_class WHERE oid = to_regclass($1)"};
constexpr Sql kSqliteDayTables{"visit_day_tables_sqlite",
                               "SELECT name FROM sqlite_master WHERE type = 'table' AND name GLOB "
                               "'visits_[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]'"};
constexpr Sql kPgDayTables{
    "visit_day_tables_pg",
    "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
    "WHERE i.inhparent = to_regclass('visits')"};
constexpr Sql kUnsplitDays{"visit_unsplit_days",
                           "SELECT DISTINCT (t_in + 25200) / 86400 FROM visits_unsplit"};
constexpr Sql kUnsplitMaxId{"visit_unsplit_max_id",
                            "SELECT COALESCE(MAX(id), 0) FROM visits_unsplit"};

constexpr Sql kCountDay{"count_visit_day", "SELECT COUNT(*) FROM {visits}"};
constexpr Sql kRetainedFrom{"visit_retained_from", "SELECT first_kept_day FROM visit_retention"};
constexpr Sql kSetRetainedFrom{
    "visit_set_retained_from",
    "UPDATE visit_retention SET first_kept_day = $1 WHERE first_kept_day < $1"};

static_assert(kVietnamOffsetSeconds == 25200, "kUnsplitDays hard-codes UTC+07:00");

std::optional<int64_t> day_of_table(std::string_view name) {
  if (name.size() != 15 || !name.starts_with("visits_")) return std::nullopt;
  std::string date = fmt::format("{}-{}-{}T00:00:00+07:00", name.substr(7, 4), name.substr(11, 2),
                                 name.substr(13, 2));
  auto t = parse_rfc3339(date);
  if (!t) return std::nullopt;
  return visit_day(*t);
}

Status create_day(Connection& c, int64_t day) {
  std::string t = visit_table(day);
  if (c.dialect() == Dialect::kSqlite) {
    KB_TRY(
        c.exec_script(fmt::format("CREATE TABLE {0} {1}; CREATE INDEX {0}_by_venue ON {0}{2}; "
                                  "CREATE INDEX {0}_by_person ON {0}{3}",
                                  t, kSqliteColumns, kVenueIndexColumns, kPersonIndexColumns)));
    KB_ASSIGN(auto days, visit_days(c));
    return rebuild_visits_view(c, days);
  }
  // Several servers may make the same day at once: one does, the others find it made.
  return c.exec_script(
      fmt::format("SELECT pg_advisory_xact_lock(727202); CREATE TABLE IF NOT EXISTS {} PARTITION "
                  "OF visits FOR VALUES FROM ({}) TO ({})",
                  t, visit_day_start(day), visit_day_start(day + 1)));
}

}  // namespace

Status rebuild_visits_view(Connection& c, const std::vector<int64_t>& days) {
  static constexpr Sql kHasRecent{
      "visit_has_recent",
      "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'visits_recent'"};
  KB_ASSIGN(Rows recent, c.query(kHasRecent));
  std::string sql =
      "DROP VIEW IF EXISTS visits; CREATE VIEW visits AS SELECT * FROM visits_template";
  if (!recent.empty() && recent[0].i64(0) > 0) sql += " UNION ALL SELECT * FROM visits_recent";
  for (int64_t day : days) sql += fmt::format(" UNION ALL SELECT * FROM {}", visit_table(day));
  return c.exec_script(sql);
}

int64_t visit_day(int64_t t) {
  int64_t local = t + kVietnamOffsetSeconds;
  return local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
}

int64_t visit_day_start(int64_t day) { return day * 86400 - kVietnamOffsetSeconds; }

std::string visit_table(int64_t day) {
  std::string date = format_rfc3339(visit_day_start(day));  // YYYY-MM-DDT00:00:00+07:00
  return fmt::format("visits_{}{}{}", date.substr(0, 4), date.substr(5, 2), date.substr(8, 2));
}

Status ensure_visit_day(Connection& c, int64_t day) {
  auto& memo = c.memo<VisitDayMemo>();
  if (memo.known_days.contains(day)) return {};
  std::string t = visit_table(day);
  KB_ASSIGN(Rows rows,
            c.query(c.dialect() == Dialect::kSqlite ? kSqliteTableExists : kPgTableExists,
                    {std::string_view(t)}));
  if (rows.empty() || rows[0].i64(0) == 0) {
    // A purged day is not made again: its ids would come round a second time.
    KB_ASSIGN(Rows floor, c.query(kRetainedFrom));
    if (!floor.empty() && day < floor[0].i64(0)) {
      return make_error(ErrorKind::kInvalidArgument, "past_retention",
                        fmt::format("{} is before the retention period; its visits were purged",
                                    visit_table(day)));
    }
    KB_TRY(create_day(c, day));
  }
  memo.known_days.insert(day);
  return {};
}

Sql for_day(Connection& c, const Sql& pattern, int64_t day) {
  auto& texts = c.memo<VisitDayMemo>().texts;
  auto key = std::make_pair(pattern.text, day);
  auto it = texts.find(key);
  if (it == texts.end()) {
    std::string text = pattern.text;
    std::string table = visit_table(day);
    // SQLite numbers a day's visits from day × 2^32 (below 2^53, so exact in JavaScript too),
    // counting those still in the recent table (checkin/recent_visits.h); rows moved in by
    // migration 8 keep their smaller ids.
    std::string next_id =
        c.dialect() == Dialect::kSqlite
            ? fmt::format(
                  "(SELECT MAX(COALESCE(MAX(id), 0), {0}, COALESCE((SELECT r.id FROM visits_recent "
                  "r WHERE r.id >= {0} AND r.id < {1} ORDER BY r.id DESC LIMIT 1), 0)) + 1 FROM "
                  "{2})",
                  day << 32, (day + 1) << 32, table)
            : std::string("nextval('visit_ids')");
    for (size_t pos; (pos = text.find("{visits}")) != std::string::npos;)
      text.replace(pos, 8, table);
    for (size_t pos; (pos = text.find("{next_id}")) != std::string::npos;)
      text.replace(pos, 9, next_id);
    it = texts.emplace(key, std::move(text)).first;
  }
  return Sql{pattern.name, it->second.c_str()};
}

Result<std::vector<int64_t>> visit_days(Connection& c) {
  KB_ASSIGN(Rows rows, c.query(c.dialect() == Dialect::kSqlite ? kSqliteDayTables : kPgDayTables));
  std::vector<int64_t> days;
  for (const auto& r : rows) {
    if (auto day = day_of_table(r.str(0))) days.push_back(*day);
  }
  std::sort(days.begin(), days.end());
  return days;
}

Result<std::vector<PurgedDay>> purge_visit_days(Connection& c, int64_t first_kept_day) {
  // The recent rows join their days first, to be counted and dropped with them.
  KB_TRY(move_recent_visits(c));
  KB_ASSIGN(auto days, visit_days(c));
  std::vector<PurgedDay> purged;
  std::vector<int64_t> kept;
  for (int64_t day : days) {
    if (day >= first_kept_day) {
      kept.push_back(day);
      continue;
    }
    KB_ASSIGN(Rows n, c.query(for_day(c, kCountDay, day)));
    purged.push_back({day, n.empty() ? 0 : n[0].i64(0)});
  }
  KB_TRY(c.exec(kSetRetainedFrom, {first_kept_day}));
  // The offline notes of the visits dropped (migration 65) go with them.
  static constexpr Sql kForgetOfflineScans{"forget_offline_scans",
                                           "DELETE FROM offline_scans WHERE scanned_at < $1"};
  KB_TRY(c.exec(kForgetOfflineScans, {visit_day_start(first_kept_day)}));
  if (purged.empty()) return purged;
  if (c.dialect() == Dialect::kSqlite) KB_TRY(rebuild_visits_view(c, kept));
  for (const auto& p : purged) {
    KB_TRY(c.exec_script(fmt::format("DROP TABLE {}", visit_table(p.day))));
    c.memo<VisitDayMemo>().known_days.erase(p.day);
  }
  return purged;
}

Status split_visits_by_day(Connection& c) {
  bool sqlite = c.dialect() == Dialect::kSqlite;
  KB_TRY(
      c.exec_script("ALTER TABLE visits RENAME TO visits_unsplit; DROP INDEX "
                    "visits_by_venue_covering; DROP INDEX visits_by_person"));
  if (sqlite) {
    KB_TRY(c.exec_script(fmt::format("CREATE TABLE visits_template {}", kSqliteColumns)));
    KB_TRY(rebuild_visits_view(c, {}));
  } else {
    KB_ASSIGN(Rows max_id, c.query(kUnsplitMaxId));
    KB_TRY(c.exec_script(fmt::format(
        "CREATE SEQUENCE visit_ids START WITH {0}; "
        "CREATE TABLE visits (id BIGINT NOT NULL DEFAULT nextval('visit_ids'), venue_id BIGINT NOT "
        "NULL, "
        "person_id BIGINT NOT NULL, t_in BIGINT NOT NULL, t_out BIGINT, assumed_out BIGINT NOT "
        "NULL, "
        "source SMALLINT NOT NULL, trust SMALLINT NOT NULL, recorded_by BIGINT, created_at BIGINT "
        "NOT NULL) "
        "PARTITION BY RANGE (t_in); "
        "CREATE INDEX visits_by_id ON visits(id); "
        "CREATE INDEX visits_by_venue ON visits{1}; CREATE INDEX visits_by_person ON visits{2}",
        max_id[0].i64(0) + 1, kVenueIndexColumns, kPersonIndexColumns)));
  }
  KB_TRY(
      c.exec_script("CREATE TABLE visit_retention (first_kept_day BIGINT NOT NULL); "
                    "INSERT INTO visit_retention VALUES (-1000000)"));
  KB_ASSIGN(Rows days, c.query(kUnsplitDays));
  for (const auto& r : days) {
    int64_t day = r.i64(0);
    KB_TRY(ensure_visit_day(c, day));
    KB_TRY(c.exec_script(
        fmt::format("INSERT INTO {} SELECT * FROM visits_unsplit WHERE t_in >= {} AND t_in < {}",
                    visit_table(day), visit_day_start(day), visit_day_start(day + 1))));
  }
  return c.exec_script("DROP TABLE visits_unsplit");
}

Status cover_visit_ids(Connection& c) {
  if (c.dialect() == Dialect::kSqlite) return {};  // the rowid is in every SQLite index
  return c.exec_script(fmt::format(
      "CREATE INDEX visits_by_venue_with_id ON visits{} INCLUDE (id); DROP INDEX visits_by_venue",
      kVenueIndexColumns));
}

}  // namespace kb::checkin
