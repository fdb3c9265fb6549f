// The pieces later work builds on, on both databases: outside deliveries in lanes (a sign-in
// code never waits behind bulk), job leases (one process runs a job; another takes over when
// its holder's connection dies), the scheduler's due times, and client-made ids.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "jobs/lease.h"
#include "jobs/scheduler.h"
#include "notify/delivery.h"
#include "schema/schema.h"
#include "scratch_database.h"
#include "store/client_writes.h"
#include "store/writer.h"

namespace kb {
namespace {

using store::Dialect;

class SharedPiecesTest : public ::testing::TestWithParam<Dialect> {
 protected:
  void SetUp() override {
    scratch_ = std::make_unique<test_support::ScratchDatabase>(GetParam(), "shared");
    if (!scratch_->available()) GTEST_SKIP() << test_support::ScratchDatabase::kSkipReason;
    auto db = store::Database::open(scratch_->url(), schema::khaibao());
    ASSERT_TRUE(db.ok()) << db.error().message;
    db_ = std::move(*db);
  }
  void TearDown() override {
    if (db_) db_->stop();
  }
  template <class F>
  auto write(F fn) {
    return db_->writer().write_sync(std::move(fn));
  }

  std::unique_ptr<test_support::ScratchDatabase> scratch_;
  std::unique_ptr<store::Database> db_;
};

constexpr store::Sql kInsertMessage{
    "test_insert_message",
    "INSERT INTO messages(kind, title, body, published_at, status, created_at) "
    "VALUES ('broadcast', 't', 'b', $1, 'sent', $1) RETURNING id"};

TEST_P(SharedPiecesTest, UrgentTextsAreClaimedBeforeBulkAndByTheirOwnWorker) {
  const int64_t now = 1'800'000'000;
  auto queued = write([&](store::Connection& c) -> Result<int64_t> {
    KB_ASSIGN(auto row, c.query_one(kInsertMessage, {now}));
    int64_t message = row->i64(0);
    for (int i = 0; i < 200; ++i) {
      KB_TRY(notify::queue_delivery(c, message, notify::kChannelBroadcast, "{\"national\":true}",
                                    now, notify::Lane::kBulk));
    }
    KB_TRY(notify::queue_delivery(c, message, notify::kChannelSms, "+84912000001", now,
                                  notify::Lane::kNotice));
    return notify::queue_urgent_text(c, "+84912000002", "Ma dang nhap: 123456", now);
  });
  ASSERT_TRUE(queued.ok()) << queued.error().message;
  // The urgent lane's worker sees only the code, however much bulk waits.
  auto urgent = write([&](store::Connection& c) {
    return notify::claim_due(c, now, 30, 50, {notify::Lane::kUrgent, notify::Lane::kUrgent});
  });
  ASSERT_TRUE(urgent.ok()) << urgent.error().message;
  ASSERT_EQ(urgent->size(), 1u);
  EXPECT_EQ(urgent->front().id, *queued);
  EXPECT_EQ(urgent->front().message_id, 0);
  EXPECT_EQ(urgent->front().body, "Ma dang nhap: 123456");
  EXPECT_EQ(urgent->front().recipient, "+84912000002");
  // The other worker takes the personal notice before any bulk row.
  auto rest = write([&](store::Connection& c) {
    return notify::claim_due(c, now, 30, 5, {notify::Lane::kNotice, notify::Lane::kBulk});
  });
  ASSERT_TRUE(rest.ok());
  ASSERT_EQ(rest->size(), 5u);
  EXPECT_EQ(rest->front().lane, notify::Lane::kNotice);
  for (size_t i = 1; i < rest->size(); ++i) EXPECT_EQ((*rest)[i].lane, notify::Lane::kBulk);
}

TEST_P(SharedPiecesTest, OneProcessHoldsAJobUntilItsConnectionEnds) {
  if (GetParam() == Dialect::kSqlite) {
    auto leases = jobs::make_leases(*db_);
    EXPECT_TRUE(leases->holds("retention"));  // one process serves a SQLite store
    return;
  }
  auto first = jobs::make_leases(*db_);
  auto second = jobs::make_leases(*db_);
  EXPECT_TRUE(first->holds("retention"));
  EXPECT_TRUE(first->holds("retention"));
  EXPECT_FALSE(second->holds("retention"));
  EXPECT_TRUE(second->holds("deliveries"));
  EXPECT_FALSE(first->holds("deliveries"));
  first.reset();  // the process dies: its connection, and its leases, go
  // PostgreSQL ends the backend, and frees its locks, a moment after the client hangs up.
  bool taken = false;
  for (int i = 0; i < 100 && !taken; ++i) {
    taken = second->holds("retention");
    if (!taken) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(taken) << "the lease of a closed connection is free within 2 s";
  second->release_all();
  auto third = jobs::make_leases(*db_);
  EXPECT_TRUE(third->holds("deliveries"));
}

TEST_P(SharedPiecesTest, TheSchedulerRunsADueJobOnceAndRecordsIt) {
  auto leases = jobs::make_leases(*db_);
  std::atomic<int64_t> clock{1'800'000'000};
  std::atomic<int> runs{0};
  jobs::Scheduler scheduler(*db_, *leases, Clock{[&] { return clock.load(); }},
                            std::chrono::milliseconds(20));
  scheduler.every("tick", 3600, [&] {
    ++runs;
    return Status{};
  });
  scheduler.start();
  for (int i = 0; i < 200 && runs.load() == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  EXPECT_EQ(runs.load(), 1) << "not due again within the hour";
  clock += 3600;
  for (int i = 0; i < 200 && runs.load() == 1; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  scheduler.stop();
  EXPECT_EQ(runs.load(), 2);
  auto last = db_->read([](store::Connection& c) { return jobs::last_run(c, "tick"); });
  ASSERT_TRUE(last.ok());
  ASSERT_TRUE(last->has_value());
  EXPECT_EQ(**last, 1'800'003'600);
}

TEST_P(SharedPiecesTest, AClientIdRecordsOnce) {
  EXPECT_FALSE(store::parse_client_id("short").ok());
  EXPECT_FALSE(store::parse_client_id("has spaces in it").ok());
  EXPECT_EQ(store::parse_client_id("short", "scans[3].client_id").error().field,
            "scans[3].client_id");
  ASSERT_TRUE(store::parse_client_id("0f8fad5b-d9cb-469f-a165-70867728950e").ok());
  auto st = write([](store::Connection& c) -> Status {
    KB_ASSIGN(auto none, store::recall_client_write(c, "account:1", "0f8fad5b-d9cb"));
    if (none) return internal("a new id was known");
    KB_TRY(store::remember_client_write(c, "account:1", "0f8fad5b-d9cb", "41,42", 100));
    auto again = store::remember_client_write(c, "account:1", "0f8fad5b-d9cb", "43", 101);
    if (again.ok() || again.error().code != "client_id_reused")
      return internal("an id was stored twice");
    KB_ASSIGN(auto known, store::recall_client_write(c, "account:1", "0f8fad5b-d9cb"));
    if (!known || *known != "41,42") return internal("the reference was not kept");
    KB_ASSIGN(auto other, store::recall_client_write(c, "account:2", "0f8fad5b-d9cb"));
    if (other) return internal("another sender's id was visible");
    KB_ASSIGN(int64_t gone, store::forget_client_writes(c, 101));
    if (gone != 1) return internal("old ids were not forgotten");
    return {};
  });
  EXPECT_TRUE(st.ok()) << st.error().message;
}

INSTANTIATE_TEST_SUITE_P(Databases, SharedPiecesTest,
                         ::testing::Values(Dialect::kSqlite, Dialect::kPostgres),
                         [](const auto& info) {
                           return info.param == Dialect::kSqlite ? "sqlite" : "postgres";
                         });

}  // namespace
}  // namespace kb
