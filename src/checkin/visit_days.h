// Visits (check-ins) are stored one table per day, Vietnam time, so that retention drops whole
// days instead of deleting millions of rows one index entry at a time, and so that a day's
// indexes stay small and dense while it is being written.
//
// - SQLite: tables `visits_YYYYMMDD`, and a view `visits` that is the UNION ALL of them (every
//   read keeps saying `FROM visits`; SQLite pushes the WHERE terms into each table).
// - PostgreSQL: `visits` is a table partitioned by range of t_in; `visits_YYYYMMDD` are its
//   partitions (reads use the parent and are pruned to the days they touch).
//
// Writes name the day's table (`{visits}` in the SQL, see for_day), after ensure_visit_day.
// Ids stay unique across days: SQLite numbers a day's visits from day × 2^32, PostgreSQL from
// one sequence.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "store/database.h"

namespace kb::checkin {

using store::Connection;
using store::Sql;

// The day number (days since 1970-01-01 in UTC+07:00) of a Unix time, and its bounds.
int64_t visit_day(int64_t t);
int64_t visit_day_start(int64_t day);
// "visits_20261122".
std::string visit_table(int64_t day);

// Makes the day's table exist (with its indexes; on SQLite also rebuilds the view). Cheap once
// the connection has seen it. Call inside a write transaction.
Status ensure_visit_day(Connection& c, int64_t day);

// SQLite: makes the view `visits` the UNION ALL of the empty template (so it exists with no day
// at all), the recent table (checkin/recent_visits.h) once it exists, and these days' tables.
Status rebuild_visits_view(Connection& c, const std::vector<int64_t>& days);

// `pattern` with `{visits}` replaced by the day's table, as Sql that stays valid for the life
// of the connection (connections cache prepared statements by the address of their text).
Sql for_day(Connection& c, const Sql& pattern, int64_t day);

// The days that have a table, oldest first.
Result<std::vector<int64_t>> visit_days(Connection& c);

struct PurgedDay {
  int64_t day;
  int64_t rows;
};
// Drops the tables of every day before `first_kept_day`. Call inside a write transaction.
Result<std::vector<PurgedDay>> purge_visit_days(Connection& c, int64_t first_kept_day);

// Migration 8: turns the single visits table of earlier versions into day tables.
Status split_visits_by_day(Connection& c);

// Migration 9: on PostgreSQL the venue index also carries the visit id, so the tracer reads
// contacts from the index alone.
Status cover_visit_ids(Connection& c);

}  // namespace kb::checkin
