#include "checkin/recent_visits.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <unordered_map>
#include <vector>

#include "checkin/visit_days.h"
#include "store/writer.h"

namespace kb::checkin {
namespace {

using store::Dialect;
using store::Param;
using store::Rows;
using store::Sql;

#define KB_RECENT_COLUMNS \
  "id, venue_id, person_id, t_in, t_out, assumed_out, source, trust, recorded_by, created_at"

// Same columns in the same order as the day tables (the view is a UNION ALL of `SELECT *`).
constexpr const char* kCreateRecent =
    "CREATE TABLE visits_recent (id INTEGER PRIMARY KEY, venue_id BIGINT NOT NULL, person_id "
    "BIGINT NOT NULL, t_in BIGINT NOT NULL, t_out BIGINT, assumed_out BIGINT NOT NULL, source "
    "SMALLINT NOT NULL, trust SMALLINT NOT NULL, recorded_by BIGINT, created_at BIGINT NOT NULL); "
    "CREATE TABLE visits_recent_moves (n BIGINT NOT NULL); INSERT INTO visits_recent_moves VALUES "
    "(0)";

constexpr Sql kDataVersion{"recent_data_version", "PRAGMA data_version"};
constexpr Sql kLoadOpen{"recent_load_open",
                        "SELECT id, person_id, venue_id, t_in FROM visits_recent WHERE t_out IS "
                        "NULL"};
// The person and venue are checked too: a row of the memory rolled back may have left its id to
// another visit.
constexpr Sql kOpenById{"recent_open_by_id",
                        "SELECT id, venue_id, person_id, t_in, t_out, assumed_out, source, trust, "
                        "recorded_by FROM visits_recent WHERE id = $1 AND t_out IS NULL AND "
                        "person_id = $2 AND venue_id = $3"};
constexpr Sql kMoves{"recent_moves", "SELECT n FROM visits_recent_moves"};
constexpr Sql kCountMove{"recent_count_move",
                         "UPDATE visits_recent_moves SET n = n + 1 RETURNING n"};
// The day's next id over both tables: $8 is day × 2^32, $9 the next day's; the day table's
// rows moved in by migration 8 have smaller ids. Both maxima are seeks on a rowid.
constexpr Sql kAppend{
    "recent_append",
    "INSERT INTO visits_recent(id, venue_id, person_id, t_in, assumed_out, source, trust, "
    "recorded_by, created_at) VALUES (MAX($8, COALESCE((SELECT id FROM visits_recent WHERE id >= "
    "$8 AND id < $9 ORDER BY id DESC LIMIT 1), 0), COALESCE((SELECT MAX(id) FROM {visits}), 0)) + "
    "1, $1, $2, $3, $4, $5, $6, $7, $3) RETURNING id"};
constexpr Sql kCheckOut{"recent_check_out",
                        "UPDATE visits_recent SET t_out = $2 WHERE id = $1 AND t_out IS NULL "
                        "RETURNING id, venue_id, person_id, t_in, t_out, assumed_out, source, "
                        "trust, recorded_by"};
constexpr Sql kFirstFrom{"recent_first_from",
                         "SELECT id FROM visits_recent WHERE id >= $1 ORDER BY id LIMIT 1"};
// The first id of a day ($1, $2) past a chunk of $3 rows: a walk along the rowid.
constexpr Sql kChunkEnd{"recent_chunk_end",
                        "SELECT id FROM visits_recent WHERE id >= $1 AND id < $2 ORDER BY id "
                        "LIMIT 1 OFFSET $3"};
// Sorted by the venue index's key, so its pages fill in order; the person index gets a batch's
// entries together instead of one page write per commit.
constexpr Sql kMoveDay{"recent_move_day",
                       "INSERT OR REPLACE INTO {visits}(" KB_RECENT_COLUMNS
                       ") SELECT " KB_RECENT_COLUMNS
                       " FROM visits_recent WHERE id >= $1 AND id < $2 ORDER BY venue_id, t_in"};
constexpr Sql kDeleteDay{"recent_delete_day",
                         "DELETE FROM visits_recent WHERE id >= $1 AND id < $2"};
constexpr Sql kCount{"recent_count", "SELECT COUNT(*) FROM visits_recent"};

struct PairKey {
  int64_t person_id;
  int64_t venue_id;
  bool operator==(const PairKey&) const = default;
};
struct PairHash {
  size_t operator()(const PairKey& k) const {
    return std::hash<int64_t>()(k.person_id * 1'000'003 ^ k.venue_id);
  }
};
struct OpenVisit {
  int64_t t_in;
  int64_t id;
};

// The open recent rows by person and venue, as the writer's connection last saw them. It is
// reloaded when it may miss a row: on first use, when another connection committed (PRAGMA
// data_version), and when a rollback undid a move (which brings rows back: the count of moves
// in visits_recent_moves, written by each move, went back too). A rollback of anything else
// only takes rows away or reopens them, and every answer is checked against the row.
struct RecentMemo final : store::Connection::Memo {
  bool loaded = false;
  bool rolled_back_since = false;
  int64_t data_version = -1;
  int64_t moves = -1;   // visits_recent_moves.n after the last move seen
  int64_t waiting = 0;  // rows appended since the last move (counted from the load)
  std::unordered_map<PairKey, std::vector<OpenVisit>, PairHash> open;
  void rolled_back() override { rolled_back_since = true; }
};

Result<int64_t> moves(store::Connection& c) {
  KB_ASSIGN(Rows n, c.query(kMoves));
  return n.empty() ? 0 : n[0].i64(0);
}

Status sync(store::Connection& c, RecentMemo& memo) {
  KB_ASSIGN(Rows version, c.query(kDataVersion));
  int64_t v = version.empty() ? 0 : version[0].i64(0);
  if (memo.loaded && memo.rolled_back_since) {
    KB_ASSIGN(int64_t n, moves(c));
    memo.loaded = n == memo.moves;
    memo.rolled_back_since = false;
  }
  if (memo.loaded && v == memo.data_version) return {};
  memo.open.clear();
  KB_ASSIGN(memo.moves, moves(c));
  memo.rolled_back_since = false;
  KB_ASSIGN(Rows rows, c.query(kLoadOpen));
  for (const auto& r : rows) memo.open[{r.i64(1), r.i64(2)}].push_back({r.i64(3), r.i64(0)});
  KB_ASSIGN(int64_t waiting, count_recent_visits(c));
  memo.waiting = waiting;
  memo.data_version = v;
  memo.loaded = true;
  return {};
}

}  // namespace

bool keeps_recent(const store::Connection& c) { return c.dialect() == Dialect::kSqlite; }

Status create_recent_visits(store::Connection& c) {
  if (!keeps_recent(c)) return {};
  KB_TRY(c.exec_script(kCreateRecent));
  KB_ASSIGN(auto days, visit_days(c));
  return rebuild_visits_view(c, days);
}

Result<std::optional<store::Row>> recent_open_visit(store::Connection& c, int64_t person_id,
                                                    int64_t venue_id, int64_t since) {
  auto& memo = c.memo<RecentMemo>();
  KB_TRY(sync(c, memo));
  auto it = memo.open.find({person_id, venue_id});
  if (it == memo.open.end()) return std::optional<store::Row>{};
  auto& visits = it->second;
  // Newest first; a row found closed (or gone) is forgotten: it cannot open again without a
  // rollback, which reloads.
  while (!visits.empty()) {
    auto newest = std::max_element(visits.begin(), visits.end(),
                                   [](const auto& a, const auto& b) { return a.t_in < b.t_in; });
    if (newest->t_in < since) break;
    KB_ASSIGN(auto row, c.query_one(kOpenById, {newest->id, person_id, venue_id}));
    if (row) return row;
    visits.erase(newest);
  }
  if (visits.empty()) memo.open.erase(it);
  return std::optional<store::Row>{};
}

Result<int64_t> append_recent(store::Connection& c, const RecentRow& n) {
  const int64_t day = visit_day(n.t_in);
  Param by = n.recorded_by ? Param{*n.recorded_by} : Param{nullptr};
  KB_ASSIGN(auto row, c.query_one(for_day(c, kAppend, day),
                                  {n.venue_id, n.person_id, n.t_in, n.assumed_out, n.source,
                                   n.trust, by, day << 32, (day + 1) << 32}));
  if (!row) return internal("insert into visits_recent returned no id");
  int64_t id = row->i64(0);
  auto& memo = c.memo<RecentMemo>();
  if (memo.loaded) {
    memo.open[{n.person_id, n.venue_id}].push_back({n.t_in, id});
    // The check-in is recorded either way: a failed move is undone and tried again later.
    if (++memo.waiting >= kRecentRowsBeforeMove) {
      if (auto moved = move_recent_visits(c, kRecentRowsPerMove); !moved.ok()) {
        spdlog::warn("moving recent visits: {}", moved.error().message);
        memo.waiting = 0;  // the mover's next turn tries again
      }
    }
  }
  return id;
}

Result<std::optional<store::Row>> check_out_recent(store::Connection& c, int64_t visit_id,
                                                   int64_t now) {
  if (!keeps_recent(c)) return std::optional<store::Row>{};
  return c.query_one(kCheckOut, {visit_id, now});
}

namespace {

// Ids [from, to) of one day that a move took.
struct IdRange {
  int64_t from;
  int64_t to;
};

struct Moved {
  int64_t rows = 0;
  bool all = false;  // nothing is left in the recent table
  std::vector<IdRange> ranges;
};

// Moves the oldest rows, day by day, until `max_rows` moved or none are left.
Status move_oldest(store::Connection& c, int64_t max_rows, Moved& moved) {
  for (int64_t from = INT64_MIN;;) {
    KB_ASSIGN(auto first, c.query_one(kFirstFrom, {from}));
    if (!first) {
      moved.all = true;
      return {};
    }
    if (moved.rows >= max_rows) return {};
    const int64_t day = first->i64(0) >> 32;
    int64_t to = (day + 1) << 32;
    if (max_rows != kEveryRecentRow) {
      KB_ASSIGN(auto end, c.query_one(kChunkEnd, {first->i64(0), to, max_rows - moved.rows}));
      if (end) to = end->i64(0);
    }
    KB_TRY(ensure_visit_day(c, day));
    KB_ASSIGN(int64_t n, c.exec(for_day(c, kMoveDay, day), {first->i64(0), to}));
    KB_TRY(c.exec(kDeleteDay, {first->i64(0), to}));
    moved.rows += n;
    moved.ranges.push_back({first->i64(0), to});
    from = to;
  }
}

// move_oldest, counted in visits_recent_moves (a rollback of the move is seen by the count
// going back); the new count.
Result<int64_t> move_days(store::Connection& c, int64_t max_rows, Moved& moved) {
  KB_TRY(move_oldest(c, max_rows, moved));
  KB_ASSIGN(auto count, c.query_one(kCountMove));
  return count ? count->i64(0) : 0;
}

// The day tables answer for the moved rows now: the memory forgets them.
void forget_moved(RecentMemo& memo, const Moved& moved) {
  if (moved.all) {
    memo.open.clear();
    memo.waiting = 0;
    return;
  }
  auto was_moved = [&](const OpenVisit& v) {
    return std::any_of(moved.ranges.begin(), moved.ranges.end(),
                       [&](const IdRange& r) { return v.id >= r.from && v.id < r.to; });
  };
  for (auto it = memo.open.begin(); it != memo.open.end();) {
    std::erase_if(it->second, was_moved);
    it = it->second.empty() ? memo.open.erase(it) : std::next(it);
  }
  memo.waiting = std::max<int64_t>(0, memo.waiting - moved.rows);
}

}  // namespace

Result<int64_t> move_recent_visits(store::Connection& c, int64_t max_rows) {
  if (!keeps_recent(c)) return 0;
  // Nothing waiting: no write at all, so an idle server's mover never makes another process's
  // transaction (an `admin` command) start over.
  KB_ASSIGN(auto any, c.query_one(kFirstFrom, {INT64_MIN}));
  if (!any) return 0;
  KB_TRY(c.control("SAVEPOINT kb_recent_move"));
  Moved moved;
  auto count = move_days(c, std::max<int64_t>(1, max_rows), moved);
  if (!count.ok()) {
    (void)c.control("ROLLBACK TO SAVEPOINT kb_recent_move");
    (void)c.control("RELEASE SAVEPOINT kb_recent_move");
    c.rolled_back();  // a day table made by the move is gone again
    return count.error();
  }
  KB_TRY(c.control("RELEASE SAVEPOINT kb_recent_move"));
  auto& memo = c.memo<RecentMemo>();
  if (memo.loaded || moved.all) {
    forget_moved(memo, moved);
    memo.moves = *count;
    memo.loaded = true;
    memo.rolled_back_since = false;
  }
  return moved.rows;
}

Result<int64_t> count_recent_visits(store::Connection& c) {
  if (!keeps_recent(c)) return 0;
  KB_ASSIGN(Rows rows, c.query(kCount));
  return rows.empty() ? 0 : rows[0].i64(0);
}

void move_recent_visits_now(store::Database& db, int64_t rows_per_move) {
  for (;;) {
    auto moved = db.writer().write_sync(
        [rows_per_move](store::Connection& c) { return move_recent_visits(c, rows_per_move); });
    if (!moved.ok()) {
      spdlog::warn("moving recent visits: {}", moved.error().message);
      return;
    }
    if (*moved < rows_per_move) return;
  }
}

}  // namespace kb::checkin
