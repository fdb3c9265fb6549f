// SQLite's recent-visits table (checkin/recent_visits.h): a check-in is appended there and moved
// to its day table in batches, and nothing a user relies on changes with where the row is —
// the duplicate check, check-out, ids, and every reader (guest log, a person's stays, the
// tracer, day counts, people inside). A move undone by a rollback leaves each visit once.
#include "checkin/recent_visits.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <set>

#include "checkin/visit.h"
#include "checkin/visit_days.h"
#include "core/clock.h"
#include "core/crypto.h"
#include "schema/schema.h"
#include "store/database.h"
#include "store/writer.h"
#include "trace/contacts.h"

namespace kb {
namespace {

using store::Connection;
using store::Sql;

// 2026-11-20T10:00:00+07:00.
const int64_t kT = *parse_rfc3339("2026-11-20T10:00:00+07:00");

constexpr Sql kDayRows{"test_recent_day_rows",
                       "SELECT COUNT(*) FROM visits WHERE id NOT IN (SELECT id FROM "
                       "visits_recent)"};
constexpr Sql kAllIds{"test_recent_all_ids", "SELECT id FROM visits ORDER BY id"};

class RecentVisits : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(crypto_init());
    path_ = std::filesystem::temp_directory_path() /
            ("kb-recent-" + std::to_string(::getpid()) + ".db");
    remove_files();
    auto db = store::Database::open("sqlite:" + path_.string(), schema::khaibao());
    ASSERT_TRUE(db.ok()) << db.error().message;
    db_ = std::move(*db);
  }
  void TearDown() override {
    db_.reset();
    remove_files();
  }
  void remove_files() {
    for (const char* tail : {"", "-wal", "-shm"}) std::filesystem::remove(path_.string() + tail);
  }
  template <class F>
  auto write(F fn) {
    return db_->writer().write_sync(std::move(fn));
  }
  checkin::Recorded check_in(int64_t person, int64_t venue, int64_t at) {
    auto r = write([&](Connection& c) {
      return checkin::record(c, {.venue_id = venue, .person_id = person, .at = at});
    });
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? *r : checkin::Recorded{};
  }
  int64_t move(int64_t max_rows = checkin::kEveryRecentRow) {
    auto moved = write([=](Connection& c) { return checkin::move_recent_visits(c, max_rows); });
    EXPECT_TRUE(moved.ok()) << moved.error().message;
    return moved.ok() ? *moved : -1;
  }
  int64_t recent_rows() {
    auto n = db_->read([](Connection& c) { return checkin::count_recent_visits(c); });
    EXPECT_TRUE(n.ok());
    return n.ok() ? *n : -1;
  }
  int64_t day_rows() {
    auto n = db_->read([](Connection& c) { return c.query(kDayRows); });
    EXPECT_TRUE(n.ok());
    return n.ok() ? (*n)[0].i64(0) : -1;
  }
  std::vector<int64_t> all_ids() {
    auto rows = db_->read([](Connection& c) { return c.query(kAllIds); });
    EXPECT_TRUE(rows.ok());
    std::vector<int64_t> ids;
    if (rows.ok())
      for (const auto& r : *rows) ids.push_back(r.i64(0));
    return ids;
  }
  std::filesystem::path path_;
  std::unique_ptr<store::Database> db_;
};

TEST_F(RecentVisits, ACheckInWaitsInTheRecentTableUntilTheMove) {
  auto a = check_in(1, 10, kT);
  EXPECT_EQ(recent_rows(), 1);
  EXPECT_EQ(day_rows(), 0);
  EXPECT_EQ(move(), 1);
  EXPECT_EQ(recent_rows(), 0);
  EXPECT_EQ(day_rows(), 1);
  EXPECT_EQ(move(), 0);  // nothing left: a second move changes nothing
  EXPECT_EQ(all_ids(), std::vector<int64_t>{a.visit.id});
}

TEST_F(RecentVisits, DuplicateWithinAMinuteBeforeAndAfterTheMove) {
  auto first = check_in(1, 10, kT);
  ASSERT_FALSE(first.duplicate);
  auto tap = check_in(1, 10, kT + 10);  // answered from memory: the row is still recent
  EXPECT_TRUE(tap.duplicate);
  EXPECT_EQ(tap.visit.id, first.visit.id);
  EXPECT_EQ(check_in(2, 10, kT + 10).duplicate, false);  // another person
  EXPECT_EQ(check_in(1, 11, kT + 10).duplicate, false);  // another venue
  move();
  auto after = check_in(1, 10, kT + 30);  // answered by the day table
  EXPECT_TRUE(after.duplicate);
  EXPECT_EQ(after.visit.id, first.visit.id);
  auto later = check_in(1, 10, kT + 61);  // past the minute: a new visit
  EXPECT_FALSE(later.duplicate);
  EXPECT_NE(later.visit.id, first.visit.id);
  EXPECT_EQ(all_ids().size(), 4u);
}

TEST_F(RecentVisits, CheckOutFindsTheRowWhereverItIs) {
  auto recent = check_in(1, 10, kT);
  auto moved = check_in(2, 10, kT);
  move();
  auto still_recent = check_in(3, 10, kT + 5);
  for (int64_t id : {recent.visit.id, moved.visit.id, still_recent.visit.id}) {
    auto out = write([&](Connection& c) { return checkin::check_out(c, id, kT + 600); });
    ASSERT_TRUE(out.ok()) << out.error().message;
    EXPECT_EQ(out->t_out, kT + 600);
    auto twice = write([&](Connection& c) { return checkin::check_out(c, id, kT + 700); });
    ASSERT_FALSE(twice.ok());
    EXPECT_EQ(twice.error().code, "already_checked_out");
  }
  // A closed visit is no duplicate: the same person at the door again is a new stay, and the
  // closed row moves with its time out.
  EXPECT_FALSE(check_in(3, 10, kT + 20).duplicate);
  move();
  auto found = db_->read([&](Connection& c) { return checkin::find(c, still_recent.visit.id); });
  ASSERT_TRUE(found.ok() && *found);
  EXPECT_EQ((*found)->t_out, kT + 600);
}

TEST_F(RecentVisits, IdsStayTheSameAcrossTheMoveAndKeepCounting) {
  std::vector<int64_t> ids;
  for (int64_t p = 1; p <= 20; ++p) ids.push_back(check_in(p, 10 + p % 3, kT + p).visit.id);
  ids.push_back(check_in(1, 10, kT + 86400).visit.id);  // the next day
  const int64_t day = checkin::visit_day(kT);
  EXPECT_EQ(ids[0], (day << 32) + 1);
  EXPECT_EQ(ids.back(), ((day + 1) << 32) + 1);
  move();
  std::vector<int64_t> sorted = ids;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(all_ids(), sorted);
  for (size_t i = 0; i < ids.size(); ++i) {
    auto v = db_->read([&](Connection& c) { return checkin::find(c, ids[i]); });
    ASSERT_TRUE(v.ok() && *v);
    EXPECT_EQ((*v)->id, ids[i]);
  }
  // The next check-in of the day counts on from the moved rows.
  EXPECT_EQ(check_in(99, 10, kT + 100).visit.id, (day << 32) + 21);
}

TEST_F(RecentVisits, AMoveRolledBackLeavesEveryVisitOnceAndTheDuplicateCheckRight) {
  for (int64_t p = 1; p <= 30; ++p) check_in(p, 10, kT);
  auto undone = write([](Connection& c) -> Result<int64_t> {
    KB_ASSIGN(int64_t moved, checkin::move_recent_visits(c));
    EXPECT_EQ(moved, 30);
    return internal("the write fails after the move");  // its savepoint rolls back
  });
  ASSERT_FALSE(undone.ok());
  EXPECT_EQ(recent_rows(), 30);
  EXPECT_EQ(day_rows(), 0);
  // The writer's memory was told of the rollback: the rows back in the recent table answer.
  auto tap = check_in(7, 10, kT + 10);
  EXPECT_TRUE(tap.duplicate);
  EXPECT_EQ(move(), 30);
  auto ids = all_ids();
  EXPECT_EQ(ids.size(), 30u);
  EXPECT_EQ(std::set<int64_t>(ids.begin(), ids.end()).size(), 30u);
}

TEST_F(RecentVisits, AFailedWriteLeavesNoFalseDuplicate) {
  auto a = check_in(1, 10, kT);
  // A check-in inside a write that then fails: undone, and its id is free again.
  auto failed = write([](Connection& c) -> Result<int64_t> {
    KB_ASSIGN(auto r, checkin::record(c, {.venue_id = 10, .person_id = 2, .at = kT + 1}));
    return internal(fmt::format("failing after recording {}", r.visit.id));
  });
  ASSERT_FALSE(failed.ok());
  auto other = check_in(3, 11, kT + 2);
  EXPECT_EQ(other.visit.id, a.visit.id + 1);  // the id the undone check-in had
  // Person 2 at venue 10 has no visit: not a "duplicate" of person 3's at venue 11.
  auto again = check_in(2, 10, kT + 3);
  EXPECT_FALSE(again.duplicate);
  EXPECT_EQ(again.visit.person_id, 2);
  auto tap = check_in(1, 10, kT + 4);
  EXPECT_TRUE(tap.duplicate);
  EXPECT_EQ(tap.visit.id, a.visit.id);
  EXPECT_EQ(all_ids().size(), 3u);
}

TEST_F(RecentVisits, ReadersSeeRowsNotYetMoved) {
  auto people = write([](Connection& c) -> Status {
    static constexpr Sql kPerson{"test_recent_person",
                                 "INSERT INTO people(id, account_id, full_name, province_code, "
                                 "ward_code, created_at, updated_at) "
                                 "VALUES ($1, NULL, 'Người', '79', '26734', 0, 0)"};
    for (int64_t id : {1, 2, 3}) KB_TRY(c.exec(kPerson, {id}));
    return {};
  });
  ASSERT_TRUE(people.ok()) << people.error().message;
  auto moved = check_in(1, 10, kT);
  move();
  auto recent = check_in(2, 10, kT + 600);
  auto source = check_in(3, 10, kT + 300);  // the case, still recent too

  auto log =
      db_->read([](Connection& c) { return checkin::visits_at(c, 10, kT - 3600, kT + 3600); });
  ASSERT_TRUE(log.ok()) << log.error().message;
  std::set<int64_t> logged;
  for (const auto& e : *log) logged.insert(e.visit.id);
  EXPECT_EQ(logged, (std::set<int64_t>{moved.visit.id, recent.visit.id, source.visit.id}));

  auto counts =
      db_->read([](Connection& c) { return checkin::day_counts(c, 10, kT - 3600, kT + 3600); });
  ASSERT_TRUE(counts.ok());
  ASSERT_EQ(counts->size(), 1u);
  EXPECT_EQ((*counts)[0].in, 3);
  auto inside = db_->read([](Connection& c) { return checkin::inside_now(c, 10, kT + 900); });
  ASSERT_TRUE(inside.ok());
  EXPECT_EQ(*inside, 3);
  auto open = db_->read([&](Connection& c) {
    std::vector<int64_t> who{2};
    return checkin::open_visits(c, 10, who, kT + 900);
  });
  ASSERT_TRUE(open.ok());
  ASSERT_EQ(open->size(), 1u);
  EXPECT_EQ((*open)[0].id, recent.visit.id);

  // The tracer: person 3's stay overlaps the moved visit of 1 and the recent one of 2.
  trace::ExposureRule rule;
  auto contacts = db_->read([&](Connection& c) -> Result<std::vector<trace::Contact>> {
    KB_ASSIGN(auto stays, trace::source_stays(c, rule, 3, {kT - 86400, kT + 86400}));
    EXPECT_EQ(stays.size(), 1u);
    return trace::contacts_of_stays(c, rule, 3, stays);
  });
  ASSERT_TRUE(contacts.ok()) << contacts.error().message;
  std::set<int64_t> found;
  for (const auto& ct : *contacts) found.insert(ct.person_id);
  EXPECT_EQ(found, (std::set<int64_t>{1, 2}));
}

TEST_F(RecentVisits, ABacklogLargerThanAChunkMovesOldestFirstOverSeveralMoves) {
  std::vector<int64_t> ids;
  for (int64_t p = 1; p <= 5; ++p) ids.push_back(check_in(p, 10, kT + p).visit.id);
  for (int64_t p = 1; p <= 8; ++p) ids.push_back(check_in(p, 10, kT + 86400 + p).visit.id);
  EXPECT_EQ(move(7), 7);  // the first day's 5, then 2 of the next day's
  EXPECT_EQ(recent_rows(), 6);
  auto day_ids = db_->read([](Connection& c) {
    static constexpr Sql kMoved{"test_recent_moved_ids",
                                "SELECT id FROM visits WHERE id NOT IN (SELECT id FROM "
                                "visits_recent) ORDER BY id"};
    return c.query(kMoved);
  });
  ASSERT_TRUE(day_ids.ok());
  ASSERT_EQ(day_ids->size(), 7u);
  for (size_t i = 0; i < 7; ++i) EXPECT_EQ((*day_ids)[i].i64(0), ids[i]);
  EXPECT_EQ(move(7), 6);  // fewer than a chunk: none left
  EXPECT_EQ(move(7), 0);
  EXPECT_EQ(recent_rows(), 0);
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(all_ids(), ids);

  // The mover moves a backlog chunk after chunk, each a commit of its own.
  for (int64_t p = 1; p <= 25; ++p) check_in(100 + p, 11, kT + 100 + p);
  const uint64_t commits = db_->writer().commits();
  checkin::move_recent_visits_now(*db_, 10);
  EXPECT_EQ(recent_rows(), 0);
  EXPECT_EQ(day_rows(), 13 + 25);
  EXPECT_EQ(db_->writer().commits() - commits, 3u);  // 10, 10, then 5
}

TEST_F(RecentVisits, DuplicateCheckRightAfterAPartialMove) {
  std::vector<int64_t> ids;
  for (int64_t p = 1; p <= 10; ++p) ids.push_back(check_in(p, 10, kT + p).visit.id);
  EXPECT_EQ(move(4), 4);
  // People 1–4 are in the day table now, 5–10 still recent: each tap again finds its visit.
  for (int64_t p = 1; p <= 10; ++p) {
    auto tap = check_in(p, 10, kT + 30);
    EXPECT_TRUE(tap.duplicate) << "person " << p;
    EXPECT_EQ(tap.visit.id, ids[p - 1]);
  }
  EXPECT_FALSE(check_in(2, 11, kT + 30).duplicate);  // another venue
  // A partial move undone by a rollback: the memory still answers for the rows it brought back.
  auto undone = write([](Connection& c) -> Result<int64_t> {
    KB_ASSIGN(int64_t moved, checkin::move_recent_visits(c, 3));
    EXPECT_EQ(moved, 3);
    return internal("the write fails after the move");
  });
  ASSERT_FALSE(undone.ok());
  for (int64_t p = 5; p <= 8; ++p) {
    auto tap = check_in(p, 10, kT + 40);
    EXPECT_TRUE(tap.duplicate) << "person " << p;
    EXPECT_EQ(tap.visit.id, ids[p - 1]);
  }
  EXPECT_EQ(move(3), 3);
  auto closed = write([&](Connection& c) { return checkin::check_out(c, ids[8], kT + 50); });
  ASSERT_TRUE(closed.ok()) << closed.error().message;
  EXPECT_FALSE(check_in(9, 10, kT + 55).duplicate);  // closed: a new stay
  EXPECT_TRUE(check_in(10, 10, kT + 55).duplicate);
  EXPECT_EQ(all_ids().size(), 12u);
}

TEST_F(RecentVisits, ReadersSeeEveryRowOnceDuringAPartialMove) {
  std::vector<int64_t> ids;
  for (int64_t p = 1; p <= 20; ++p) ids.push_back(check_in(p, 10 + p % 2, kT + p).visit.id);
  std::sort(ids.begin(), ids.end());
  // Inside the move's transaction, between its chunks…
  auto inside = write([&](Connection& c) -> Result<std::vector<int64_t>> {
    KB_ASSIGN(int64_t moved, checkin::move_recent_visits(c, 6));
    EXPECT_EQ(moved, 6);
    KB_ASSIGN(auto rows, c.query(kAllIds));
    std::vector<int64_t> seen;
    for (const auto& r : rows) seen.push_back(r.i64(0));
    return seen;
  });
  ASSERT_TRUE(inside.ok()) << inside.error().message;
  EXPECT_EQ(*inside, ids);
  // …and from a reader after each committed chunk.
  for (int64_t left : {14, 8, 2, 0}) {
    EXPECT_EQ(recent_rows(), left);
    EXPECT_EQ(day_rows(), 20 - left);
    EXPECT_EQ(all_ids(), ids);
    auto counts =
        db_->read([](Connection& c) { return checkin::day_counts(c, 10, kT - 3600, kT + 3600); });
    ASSERT_TRUE(counts.ok()) << counts.error().message;
    ASSERT_EQ(counts->size(), 1u);
    EXPECT_EQ((*counts)[0].in, 10);
    move(6);
  }
}

TEST_F(RecentVisits, RetentionPurgesRecentRowsWithTheirDay) {
  check_in(1, 10, kT);
  check_in(2, 10, kT + 86400);
  auto purged =
      write([](Connection& c) { return checkin::purge_visit_days(c, checkin::visit_day(kT) + 1); });
  ASSERT_TRUE(purged.ok()) << purged.error().message;
  ASSERT_EQ(purged->size(), 1u);
  EXPECT_EQ((*purged)[0].rows, 1);
  EXPECT_EQ(all_ids().size(), 1u);
  EXPECT_EQ(recent_rows(), 0);
}

}  // namespace
}  // namespace kb
