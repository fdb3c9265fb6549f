// SQLite: check-ins are appended to `visits_recent`, a table with no index but its rowid, and
// moved into the indexed day tables (checkin/visit_days.h) in large batches sorted by the
// venue index's key. A check-in then dirties the last page of one table instead of a page of
// each of the day table's two random-key indexes, pages the commit writes whole to the WAL.
//
// - Ids are the day table's (day × 2^32 + n, counted over both tables), so a visit keeps its
//   id when it moves.
// - The view `visits` is the UNION ALL of the day tables and `visits_recent`, so reads see a
//   visit wherever it is; the recent table stays small (a move every second or so), so the
//   scan of it that each read adds is cheap.
// - A move is one INSERT … SELECT and one DELETE per day inside one savepoint of a write
//   transaction: a crash at any point leaves each visit in exactly one of the tables.
// - The mover moves a bounded chunk of the oldest rows per transaction of the writer, each in
//   its own turn between groups of check-ins, so a check-in waits behind at most one chunk
//   instead of a whole second's rows (bench/RESULTS.md, "Moves in chunks").
// - The duplicate check of a check-in (checkin/visit.h) finds the person's open visit among
//   the recent rows from memory kept on the writer's connection, then in the day table.
//
// PostgreSQL writes the partitioned `visits` directly: nothing here applies to it.
#pragma once

#include <cstdint>
#include <optional>

#include "store/database.h"

namespace kb::checkin {

// The recent rows are moved when this many are waiting, even before the mover's next turn.
inline constexpr int64_t kRecentRowsBeforeMove = 100'000;
// The most rows one move of the mover takes (serve --recent-move-rows): about 10 ms of the
// writer's time at 5 µs a row (bench/RESULTS.md, "Moves in chunks").
inline constexpr int64_t kRecentRowsPerMove = 2'000;
// Every waiting row in one move.
inline constexpr int64_t kEveryRecentRow = INT64_MAX;

// Migration 70: the recent table (SQLite; nothing on PostgreSQL).
Status create_recent_visits(store::Connection& c);

// True when the check-ins of this connection go through the recent table.
bool keeps_recent(const store::Connection& c);

// The newest open visit of `person_id` at `venue_id` begun at or after `since` that is still in
// the recent table (visit.cpp's columns); nullopt when there is none. Answered from memory kept
// on the connection (reloaded when another connection wrote or a rollback undid a move), each
// answer checked against its row. Call on the writer, inside a write transaction.
Result<std::optional<store::Row>> recent_open_visit(store::Connection& c, int64_t person_id,
                                                    int64_t venue_id, int64_t since);

struct RecentRow {
  int64_t venue_id = 0;
  int64_t person_id = 0;
  int64_t t_in = 0;
  int64_t assumed_out = 0;
  int64_t source = 0;
  int64_t trust = 0;
  std::optional<int64_t> recorded_by;
};
// Appends a visit to the recent table and returns its id (the day's next, over both tables).
// The day's table must exist (ensure_visit_day). Moves the recent rows when enough wait.
Result<int64_t> append_recent(store::Connection& c, const RecentRow& row);

// Closes the recent row `visit_id` at `now` if it is still open; the row (the visit's columns
// as visit.cpp reads them) or nullopt when it is not in the recent table or was closed.
Result<std::optional<store::Row>> check_out_recent(store::Connection& c, int64_t visit_id,
                                                   int64_t now);

// Moves the oldest recent rows, at most `max_rows` of them (by id, so oldest day first), into
// their day's table, sorted by the venue index's key; returns how many moved (fewer than
// `max_rows`: none are left). Idempotent, all or nothing. Call inside a write transaction (on
// PostgreSQL it does nothing). Writes that change visits by id in their day table (identity
// merges) move every row first.
Result<int64_t> move_recent_visits(store::Connection& c, int64_t max_rows = kEveryRecentRow);

// Rows waiting in the recent table.
Result<int64_t> count_recent_visits(store::Connection& c);

// Moves every waiting row on the database's writer, `rows_per_move` at a time, each move a
// write of its own waited for until it commits (the writer runs the check-ins queued meanwhile
// in between); stops at the first move of fewer rows, logs a failure. For a PeriodicTask
// (core/periodic_task.h), every second or so.
void move_recent_visits_now(store::Database& db, int64_t rows_per_move = kRecentRowsPerMove);

}  // namespace kb::checkin
