// Visits stored one table per day (checkin/visit_days.h), on both databases: check-ins of several
// days are read back through `visits` with unique ids, the duplicate check works across
// midnight, purge drops whole days before the cut and nothing else, and migration 8 moves the
// visits of the single table of earlier versions into day tables keeping their ids.
// PostgreSQL runs when KB_TEST_PG_URL is set (scripts/with-postgres.sh sets it).
#include "checkin/visit_days.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <map>
#include <set>
#include <string>

#include "checkin/visit.h"
#include "core/clock.h"
#include "schema/schema.h"
#include "scratch_database.h"
#include "store/database.h"
#include "store/pg_connection.h"
#include "store/sqlite_connection.h"
#include "store/writer.h"

namespace kb::store {
namespace {
using checkin::purge_visit_days;
using checkin::visit_day;
using checkin::visit_day_start;
using checkin::visit_days;
using checkin::visit_table;

constexpr Sql kAllVisits{"test_all_visits",
                         "SELECT id, person_id, t_in FROM visits ORDER BY t_in, id"};
constexpr Sql kOldVisit{
    "test_old_visit",
    "INSERT INTO visits(venue_id, person_id, t_in, assumed_out, source, trust, created_at) "
    "VALUES ($1, $2, $3, $4, 1, 3, $3) RETURNING id"};

// 2026-11-20T00:00:00+07:00.
const int64_t kDay0 = *parse_rfc3339("2026-11-20T00:00:00+07:00");

class VisitDaysTest : public ::testing::TestWithParam<Dialect> {
 protected:
  void SetUp() override {
    scratch_.emplace(GetParam(), "visit_days");
    if (!scratch_->available()) GTEST_SKIP() << test_support::ScratchDatabase::kSkipReason;
  }
  void TearDown() override {
    db_.reset();  // before its files go with scratch_
    scratch_.reset();
  }
  void open() {
    auto db = Database::open(scratch_->url(), schema::khaibao());
    ASSERT_TRUE(db.ok()) << db.error().message;
    db_ = std::move(db).value();
  }
  checkin::Recorded check_in(int64_t person, int64_t venue, int64_t at) {
    auto r = db_->writer().write_sync([&](Connection& c) {
      return checkin::record(c, {.venue_id = venue, .person_id = person, .at = at});
    });
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? *r : checkin::Recorded{};
  }
  Rows all_visits() {
    auto rows = db_->read([](Connection& c) { return c.query(kAllVisits); });
    EXPECT_TRUE(rows.ok()) << rows.error().message;
    return rows.ok() ? *rows : Rows{};
  }
  std::vector<int64_t> days() {
    auto d = db_->read([](Connection& c) { return visit_days(c); });
    EXPECT_TRUE(d.ok());
    return d.ok() ? *d : std::vector<int64_t>{};
  }

  std::optional<test_support::ScratchDatabase> scratch_;
  std::unique_ptr<Database> db_;
};

TEST(VisitDay, NumbersDaysInVietnamTimeAndNamesTheirTables) {
  EXPECT_EQ(visit_table(visit_day(kDay0)), "visits_20261120");
  EXPECT_EQ(visit_table(visit_day(kDay0 - 1)), "visits_20261119");
  EXPECT_EQ(visit_table(visit_day(kDay0 + 86399)), "visits_20261120");
  EXPECT_EQ(visit_day_start(visit_day(kDay0 + 5000)), kDay0);
  EXPECT_EQ(visit_day(visit_day_start(-3)), -3);  // before 1970 too
}

TEST_P(VisitDaysTest, CheckInsOfSeveralDaysReadBackWithUniqueIdsAndPurgeDropsWholeDays) {
  open();
  std::set<int64_t> ids;
  for (int d = 0; d < 4; ++d) {
    for (int p = 1; p <= 5; ++p) {
      auto r = check_in(p, 7, kDay0 + d * 86400 + 3600 * p);
      EXPECT_FALSE(r.duplicate);
      ids.insert(r.visit.id);
    }
  }
  EXPECT_EQ(ids.size(), 20u);
  EXPECT_EQ(all_visits().size(), 20u);
  int64_t first = visit_day(kDay0);
  EXPECT_EQ(days(), (std::vector<int64_t>{first, first + 1, first + 2, first + 3}));

  auto purged =
      db_->writer().write_sync([&](Connection& c) { return purge_visit_days(c, first + 2); });
  ASSERT_TRUE(purged.ok()) << purged.error().message;
  ASSERT_EQ(purged->size(), 2u);
  EXPECT_EQ((*purged)[0].day, first);
  EXPECT_EQ((*purged)[0].rows, 5);
  EXPECT_EQ((*purged)[1].rows, 5);
  EXPECT_EQ(days(), (std::vector<int64_t>{first + 2, first + 3}));
  Rows left = all_visits();
  ASSERT_EQ(left.size(), 10u);
  EXPECT_GE(left.front().i64(2), kDay0 + 2 * 86400);

  // A purged day takes no more check-ins (its ids could come round again).
  auto late = db_->writer().write_sync([&](Connection& c) {
    return checkin::record(c, {.venue_id = 7, .person_id = 9, .at = kDay0 + 100});
  });
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().code, "past_retention");
  EXPECT_EQ(all_visits().size(), 10u);

  // Check-out finds the visit's day.
  int64_t id = left.back().i64(0);
  auto out = db_->writer().write_sync(
      [&](Connection& c) { return checkin::check_out(c, id, kDay0 + 4 * 86400); });
  ASSERT_TRUE(out.ok()) << out.error().message;
  EXPECT_EQ(out->t_out, kDay0 + 4 * 86400);
  auto again = db_->writer().write_sync(
      [&](Connection& c) { return checkin::check_out(c, id, kDay0 + 4 * 86400); });
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, "already_checked_out");
}

TEST_P(VisitDaysTest, DuplicateWithinTheMinuteIsFoundAcrossMidnight) {
  open();
  auto before = check_in(1, 3, kDay0 - 20);  // 23:59:40 the day before
  auto after = check_in(1, 3, kDay0 + 20);   // 00:00:20
  EXPECT_TRUE(after.duplicate);
  EXPECT_EQ(after.visit.id, before.visit.id);
  auto elsewhere = check_in(1, 4, kDay0 + 21);
  EXPECT_FALSE(elsewhere.duplicate);
  auto later = check_in(1, 3, kDay0 + 61);
  EXPECT_FALSE(later.duplicate);
  EXPECT_EQ(all_visits().size(), 3u);
}

TEST_P(VisitDaysTest, RecordAllAnswersAsRecordingEachInTurnWould) {
  open();
  auto earlier = check_in(1, 3, kDay0 + 100);
  std::vector<checkin::NewVisit> group = {
      {.venue_id = 3, .person_id = 1, .at = kDay0 + 130},  // duplicate of the one stored before
      {.venue_id = 3, .person_id = 2, .at = kDay0 + 130},  // new
      {.venue_id = 3, .person_id = 2, .at = kDay0 + 131},  // duplicate of the one just above
      {.venue_id = 4, .person_id = 2, .at = kDay0 + 131},  // new: another venue
      {.venue_id = 7, .person_id = 5, .at = kDay0 + 140, .recorded_by = 9},  // new
      {.venue_id = 3,
       .person_id = 1,
       .at = kDay0 + 200},  // new: the earlier one is past the minute
  };
  auto results =
      db_->writer().write_sync([&](Connection& c) -> Result<std::vector<checkin::Recorded>> {
        std::vector<checkin::Recorded> out;
        for (auto& r : checkin::record_all(c, group)) {
          if (!r.ok()) return r.error();
          out.push_back(std::move(*r));
        }
        return out;
      });
  ASSERT_TRUE(results.ok()) << results.error().message;
  const auto& r = *results;
  ASSERT_EQ(r.size(), group.size());
  EXPECT_TRUE(r[0].duplicate);
  EXPECT_EQ(r[0].visit.id, earlier.visit.id);
  EXPECT_FALSE(r[1].duplicate);
  EXPECT_TRUE(r[2].duplicate);
  EXPECT_EQ(r[2].visit.id, r[1].visit.id);
  EXPECT_FALSE(r[3].duplicate);
  EXPECT_FALSE(r[4].duplicate);
  EXPECT_EQ(r[4].visit.recorded_by, std::optional<int64_t>(9));
  EXPECT_FALSE(r[5].duplicate);
  for (size_t i : {1u, 3u, 4u, 5u}) {
    EXPECT_EQ(r[i].visit.person_id, group[i].person_id);
    EXPECT_EQ(r[i].visit.venue_id, group[i].venue_id);
    EXPECT_EQ(r[i].visit.t_in, group[i].at);
    EXPECT_EQ(r[i].visit.assumed_out, group[i].at + checkin::kDefaultStaySeconds);
  }
  std::set<int64_t> ids;
  for (const auto& row : all_visits()) ids.insert(row.i64(0));
  EXPECT_EQ(ids, (std::set<int64_t>{earlier.visit.id, r[1].visit.id, r[3].visit.id, r[4].visit.id,
                                    r[5].visit.id}));
}

TEST_P(VisitDaysTest, GroupedCheckInsThroughTheWriterAreOneVisitPerPersonAndVenue) {
  open();
  // Many at once, so the writer batches them: 40 check-ins of 10 people at 2 venues.
  std::vector<std::future<Result<checkin::Recorded>>> futures;
  std::vector<std::promise<Result<checkin::Recorded>>> promises(40);
  for (int i = 0; i < 40; ++i) {
    futures.push_back(promises[i].get_future());
    db_->ingest_writer(i % 10).submit_grouped<checkin::CheckinGroup>(
        {.venue_id = 1 + i % 2, .person_id = 1 + i % 10, .at = kDay0 + 3600 + i / 20},
        [&promises, i](Result<checkin::Recorded> r) { promises[i].set_value(std::move(r)); });
  }
  std::map<std::pair<int64_t, int64_t>, int64_t> first;  // (person, venue) → visit id
  for (int i = 0; i < 40; ++i) {
    auto r = futures[i].get();
    ASSERT_TRUE(r.ok()) << r.error().message;
    auto [it, fresh] = first.try_emplace({r->visit.person_id, r->visit.venue_id}, r->visit.id);
    EXPECT_EQ(r->duplicate, !fresh) << i;
    EXPECT_EQ(r->visit.id, it->second) << i;
  }
  EXPECT_EQ(first.size(), 10u);  // person p always at venue 1 + (p - 1) % 2
  EXPECT_EQ(all_visits().size(), 10u);
}

TEST_P(VisitDaysTest, MigrationMovesTheSingleTableIntoDayTablesKeepingIds) {
  // A database at version 7, with visits in its one table.
  std::unique_ptr<Connection> c;
  if (GetParam() == Dialect::kSqlite) {
    auto s = SqliteConnection::open(scratch_->url().substr(7));
    ASSERT_TRUE(s.ok()) << s.error().message;
    c = std::move(s).value();
  } else {
    auto p = PgConnection::open(scratch_->url());
    ASSERT_TRUE(p.ok()) << p.error().message;
    c = std::move(p).value();
  }
  ASSERT_TRUE(migrate(*c, schema::khaibao(), 7).ok());
  std::set<int64_t> old_ids;
  for (int i = 0; i < 6; ++i) {
    auto row = c->query_one(
        kOldVisit, {int64_t{5}, int64_t{100 + i}, kDay0 + i * 43200, kDay0 + i * 43200 + 3600});
    ASSERT_TRUE(row.ok() && *row) << (row.ok() ? "no row" : row.error().message);
    old_ids.insert((*row)->i64(0));
  }
  c.reset();

  open();  // migrates to the newest version
  Rows rows = all_visits();
  ASSERT_EQ(rows.size(), 6u);
  std::set<int64_t> ids;
  for (const auto& r : rows) ids.insert(r.i64(0));
  EXPECT_EQ(ids, old_ids);
  EXPECT_EQ(days().size(), 3u);  // six half-days
  // New check-ins on a migrated day do not reuse an old id.
  auto fresh = check_in(200, 5, kDay0 + 10);
  EXPECT_EQ(old_ids.count(fresh.visit.id), 0u);
  EXPECT_EQ(all_visits().size(), 7u);
}

INSTANTIATE_TEST_SUITE_P(Databases, VisitDaysTest,
                         ::testing::Values(Dialect::kSqlite, Dialect::kPostgres),
                         [](const auto& info) {
                           return info.param == Dialect::kSqlite ? "sqlite" : "postgres";
                         });

}  // namespace
}  // namespace kb::store
