// The check-in write alone, without HTTP: how many check-ins per second one database
// connection stores when they are committed in groups, as the server's writer does. It bounds
// what the HTTP ingest benchmark can reach, and splits that bound into its parts:
//   record/durable     checkin::record (duplicate check + insert: on PostgreSQL into the day
//                      table and its two indexes, on SQLite appended to the recent table,
//                      checkin/recent_visits.h), BEGIN … COMMIT per group; durable as the
//                      server runs it
//   record/no_fsync    the same with commits that do not wait for the disk (SQLite
//                      synchronous=OFF, PostgreSQL synchronous_commit=off): not durable, a
//                      comparison only, to show what the flush costs
//   record_all/durable checkin::record_all, the group at once, as the server's ingest writers
//                      run check-ins (on PostgreSQL one statement per group, sent with the
//                      transaction's BEGIN in one round trip: two round trips per group)
//   record_all/begin_apart  the same with BEGIN sent on its own first, as before PostgreSQL's
//                      connection pipelined it (three round trips per group)
//   record_all+move/durable  record_all/64 as the SQLite server runs it: the recent rows
//                      moved to the indexed day table in one transaction every 16,384 rows
//                      (about a second of the server's rate), its cost shared by the check-ins
//   append/durable     the same rows appended to a table with no index: what the two indexes cost
// Check-ins go to 2,000 people × 400 venues, as in bench/checkin.lua, none a duplicate.
// Usage: bench_writer [--benchmark_* flags] DB_URL
#include <benchmark/benchmark.h>

#include <cstdio>
#include <ctime>
#include <memory>
#include <string>
#include <vector>

#include "checkin/recent_visits.h"
#include "checkin/visit.h"
#include "core/crypto.h"
#include "schema/schema.h"
#include "store/database.h"

namespace {

using kb::store::Connection;
using kb::store::Dialect;

constexpr kb::store::Sql kAppend{
    "bench_append",
    "INSERT INTO bench_append(venue_id, person_id, t_in, assumed_out, source, trust, created_at) "
    "VALUES ($1, $2, $3, $4, 1, 2, $3)"};

std::unique_ptr<kb::store::Database> g_db;
std::unique_ptr<Connection> g_conn;

void die(const std::string& what) {
  std::fprintf(stderr, "bench_writer: %s\n", what.c_str());
  std::exit(1);
}

void set_durable(Connection& c, bool durable) {
  const char* sql =
      c.dialect() == Dialect::kSqlite
          ? (durable ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=OFF")
          : (durable ? "SET synchronous_commit = on" : "SET synchronous_commit = off");
  if (!c.exec_script(sql).ok()) die(sql);
}

enum class Way { kRecord, kRecordAll, kRecordAllBeginApart, kRecordAllMoving, kAppend };

// Check-in number n: every (person, venue) pair once in 800,000, in scattered order (7,919 is
// prime to 800,000), at a time moving on 1 s per 2,000 check-ins, so that no check-in is a
// duplicate of another (repetitions go on from where the last stopped).
int64_t g_next = 0;
kb::checkin::NewVisit nth_check_in(int64_t n, int64_t start) {
  const int64_t pair = n * 7919 % 800000;
  return {.venue_id = pair / 2000 + 1, .person_id = pair % 2000 + 1, .at = start + n / 2000};
}

// One iteration = one group of `range(0)` check-ins in one transaction.
void run_groups(benchmark::State& state, bool durable, Way way) {
  Connection& c = *g_conn;
  set_durable(c, durable);
  static const int64_t start = ::time(nullptr);
  std::vector<kb::checkin::NewVisit> visits(state.range(0));
  int64_t waiting = 0;  // recent rows not yet moved
  if (!kb::checkin::move_recent_visits(c).ok()) die("moving the recent visits");
  for (auto _ : state) {
    for (auto& v : visits) v = nth_check_in(g_next++, start);
    // exec_script sends BEGIN at once; control() lets the connection send it with the first
    // statement.
    if (!(way == Way::kRecordAllBeginApart ? c.exec_script("BEGIN") : c.control("BEGIN")).ok())
      die("BEGIN");
    if (way == Way::kRecordAll || way == Way::kRecordAllBeginApart ||
        way == Way::kRecordAllMoving) {
      for (auto& r : kb::checkin::record_all(c, visits)) {
        if (!r.ok()) die(r.error().message);
        if (r->duplicate) die("a check-in was a duplicate: the figures would not count a write");
      }
    }
    for (const auto& v : visits) {
      if (way == Way::kAppend) {
        if (!c.exec(kAppend, {v.venue_id, v.person_id, v.at, v.at + v.stay_seconds}).ok())
          die("append");
      } else if (way == Way::kRecord) {
        auto r = kb::checkin::record(c, v);
        if (!r.ok()) die(r.error().message);
        if (r->duplicate) die("a check-in was a duplicate: the figures would not count a write");
      }
    }
    if (!c.control("COMMIT").ok()) die("COMMIT");
    waiting += static_cast<int64_t>(visits.size());
    if (way == Way::kRecordAllMoving && waiting >= 16384) {
      waiting = 0;
      if (!c.control("BEGIN").ok()) die("BEGIN");
      if (!kb::checkin::move_recent_visits(c).ok()) die("moving the recent visits");
      if (!c.control("COMMIT").ok()) die("COMMIT");
    }
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  set_durable(c, true);
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (argc != 2) die("usage: bench_writer [--benchmark_* flags] DB_URL");
  kb::crypto_init();
  auto db = kb::store::Database::open(argv[1], kb::schema::khaibao());
  if (!db.ok()) die(db.error().message);
  g_db = std::move(*db);
  auto conn = g_db->connect();
  if (!conn.ok()) die(conn.error().message);
  g_conn = std::move(*conn);
  const char* columns =
      g_conn->dialect() == Dialect::kSqlite ? "id INTEGER PRIMARY KEY" : "id BIGSERIAL PRIMARY KEY";
  if (!g_conn
           ->exec_script(
               std::string("DROP TABLE IF EXISTS bench_append; CREATE TABLE bench_append (") +
               columns +
               ", venue_id BIGINT NOT NULL, person_id BIGINT NOT NULL, t_in BIGINT NOT NULL, "
               "t_out BIGINT, assumed_out BIGINT NOT NULL, source SMALLINT NOT NULL, "
               "trust SMALLINT NOT NULL, recorded_by BIGINT, created_at BIGINT NOT NULL)")
           .ok()) {
    die("creating bench_append");
  }
  for (int64_t group : {1, 16, 64}) {
    benchmark::RegisterBenchmark("record/durable",
                                 [](benchmark::State& s) { run_groups(s, true, Way::kRecord); })
        ->Arg(group)
        ->MinTime(3)
        ->UseRealTime();
  }
  benchmark::RegisterBenchmark("record/no_fsync",
                               [](benchmark::State& s) { run_groups(s, false, Way::kRecord); })
      ->Arg(64)
      ->MinTime(3)
      ->UseRealTime();
  for (int64_t group : {16, 64}) {
    benchmark::RegisterBenchmark("record_all/durable",
                                 [](benchmark::State& s) { run_groups(s, true, Way::kRecordAll); })
        ->Arg(group)
        ->MinTime(3)
        ->UseRealTime();
  }
  benchmark::RegisterBenchmark(
      "record_all/begin_apart",
      [](benchmark::State& s) { run_groups(s, true, Way::kRecordAllBeginApart); })
      ->Arg(16)
      ->MinTime(3)
      ->UseRealTime();
  benchmark::RegisterBenchmark(
      "record_all+move/durable",
      [](benchmark::State& s) { run_groups(s, true, Way::kRecordAllMoving); })
      ->Arg(64)
      ->MinTime(3)
      ->UseRealTime();
  benchmark::RegisterBenchmark("append/durable",
                               [](benchmark::State& s) { run_groups(s, true, Way::kAppend); })
      ->Arg(64)
      ->MinTime(3)
      ->UseRealTime();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  g_conn.reset();
  g_db.reset();
  return 0;
}
