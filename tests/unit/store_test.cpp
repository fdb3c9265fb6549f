// The store's contract on both databases: group commit acknowledges only durable writes, a
// failing write undoes only its own changes, and reads see every acknowledged write.
// PostgreSQL runs when KB_TEST_PG_URL is set (scripts/with-postgres.sh sets it).
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "schema/schema.h"
#include "scratch_database.h"
#include "store/database.h"
#include "store/pg_connection.h"
#include "store/sqlite_connection.h"
#include "store/writer.h"

namespace kb::store {
namespace {

constexpr Sql kCreateItems{"create_items",
                           "CREATE TABLE test_items (id BIGINT PRIMARY KEY, label TEXT NOT NULL)"};
constexpr Sql kInsertItem{"insert_item", "INSERT INTO test_items(id, label) VALUES ($1, $2)"};
constexpr Sql kSelectItem{"select_item", "SELECT label FROM test_items WHERE id = $1"};
constexpr Sql kCountItems{"count_items", "SELECT COUNT(*) FROM test_items"};
constexpr Sql kSelectLabels{"select_labels", "SELECT label FROM test_items ORDER BY id"};

class StoreTest : public ::testing::TestWithParam<Dialect> {
 protected:
  void SetUp() override {
    scratch_.emplace(GetParam(), "store");
    if (!scratch_->available()) GTEST_SKIP() << test_support::ScratchDatabase::kSkipReason;
    auto db = Database::open(scratch_->url(), schema::khaibao());
    ASSERT_TRUE(db.ok()) << db.error().message;
    db_ = std::move(db).value();
    auto created = db_->writer().write_sync([](Connection& c) { return c.exec(kCreateItems); });
    ASSERT_TRUE(created.ok()) << created.error().message;
  }
  void TearDown() override {
    db_.reset();  // before its files go with scratch_
    scratch_.reset();
  }

  int64_t count() {
    auto rows = db_->read([](Connection& c) { return c.query(kCountItems); });
    EXPECT_TRUE(rows.ok());
    return rows.ok() && !rows->empty() ? (*rows)[0].i64(0) : -1;
  }
  std::optional<std::string> label_of(int64_t id) {
    auto row = db_->read([id](Connection& c) { return c.query_one(kSelectItem, {id}); });
    EXPECT_TRUE(row.ok());
    if (!row.ok() || !*row) return std::nullopt;
    return (*row)->str(0);
  }
  Result<int64_t> insert(int64_t id, std::string label) {
    return db_->writer().write_sync([id, label = std::move(label)](Connection& c) {
      return c.exec(kInsertItem, {id, std::string_view(label)});
    });
  }

  std::unique_ptr<Database> db_;
  std::optional<test_support::ScratchDatabase> scratch_;
};

TEST_P(StoreTest, ConcurrentWritesAreAllCommittedInFewerTransactions) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 100;
  uint64_t commits_before = db_->writer().commits();
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        int64_t id = t * kPerThread + i + 1;
        auto r = insert(id, "item " + std::to_string(id));
        if (!r.ok() || *r != 1) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(count(), kThreads * kPerThread);
  uint64_t commits = db_->writer().commits() - commits_before;
  EXPECT_GT(commits, 0u);
  EXPECT_LT(commits, static_cast<uint64_t>(kThreads * kPerThread))
      << "no write shared a transaction";
}

TEST_P(StoreTest, QueuedWritesShareTransactions) {
  constexpr int kJobs = 500;
  uint64_t commits_before = db_->writer().commits();
  std::vector<std::future<Result<int64_t>>> results;
  for (int i = 1; i <= kJobs; ++i) {
    auto promise = std::make_shared<std::promise<Result<int64_t>>>();
    results.push_back(promise->get_future());
    db_->writer().submit(
        [i](Connection& c) {
          return c.exec(kInsertItem, {int64_t{i}, std::string_view("queued")});
        },
        [promise](Result<int64_t> r) { promise->set_value(std::move(r)); });
  }
  for (auto& f : results) {
    auto r = f.get();
    ASSERT_TRUE(r.ok()) << r.error().message;
  }
  EXPECT_EQ(count(), kJobs);
  EXPECT_LT(db_->writer().commits() - commits_before, static_cast<uint64_t>(kJobs) / 2);
}

// Holds the writer thread inside a job until released, so what is submitted meanwhile lands in
// one batch.
class WriterGate {
 public:
  void hold(Writer& w) {
    w.submit(
        [this](Connection&) -> Status {
          std::unique_lock lock(mu_);
          entered_ = true;
          cv_.notify_all();
          cv_.wait(lock, [this] { return open_; });
          return {};
        },
        [](Status) {});
    std::unique_lock lock(mu_);
    cv_.wait(lock, [this] { return entered_; });
  }
  void release() {
    std::lock_guard lock(mu_);
    open_ = true;
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool entered_ = false;
  bool open_ = false;
};

TEST_P(StoreTest, AFailingWriteIsRolledBackAloneWhileItsBatchCommits) {
  ASSERT_TRUE(insert(100, "existing").ok());
  WriterGate gate;
  gate.hold(db_->writer());
  uint64_t commits_before = db_->writer().commits();

  auto submit = [&](auto fn) {
    using R = decltype(fn(std::declval<Connection&>()));
    auto promise = std::make_shared<std::promise<R>>();
    auto future = promise->get_future();
    db_->writer().submit(std::move(fn), [promise](R r) { promise->set_value(std::move(r)); });
    return future;
  };
  auto a = submit([](Connection& c) {
    return c.exec(kInsertItem, {int64_t{1}, std::string_view("a")});
  });
  // Writes, then fails by returning an error: its row must go.
  auto b = submit([](Connection& c) -> Status {
    KB_TRY(c.exec(kInsertItem, {int64_t{2}, std::string_view("b")}));
    return invalid("b", "refused", "this job changes its mind");
  });
  auto c = submit([](Connection& c) {
    return c.exec(kInsertItem, {int64_t{3}, std::string_view("c")});
  });
  // Writes, then a statement fails (duplicate key): on PostgreSQL this aborts the transaction
  // unless the savepoint is rolled back.
  auto d = submit([](Connection& c) -> Status {
    KB_TRY(c.exec(kInsertItem, {int64_t{4}, std::string_view("d")}));
    KB_TRY(c.exec(kInsertItem, {int64_t{100}, std::string_view("duplicate")}));
    return {};
  });
  // Writes, then throws.
  auto e = submit([](Connection& c) -> Status {
    KB_TRY(c.exec(kInsertItem, {int64_t{5}, std::string_view("e")}));
    throw std::runtime_error("a bug in a write function");
  });
  auto f = submit([](Connection& c) {
    return c.exec(kInsertItem, {int64_t{6}, std::string_view("f")});
  });
  gate.release();

  EXPECT_TRUE(a.get().ok());
  auto b_result = b.get();
  ASSERT_FALSE(b_result.ok());
  EXPECT_EQ(b_result.error().code, "refused");
  EXPECT_TRUE(c.get().ok());
  auto d_result = d.get();
  ASSERT_FALSE(d_result.ok());
  EXPECT_EQ(d_result.error().kind, ErrorKind::kConflict);
  auto e_result = e.get();
  ASSERT_FALSE(e_result.ok());
  EXPECT_EQ(e_result.error().kind, ErrorKind::kInternal);
  EXPECT_TRUE(f.get().ok());

  // The gate's batch and the one batch holding a..f.
  EXPECT_EQ(db_->writer().commits() - commits_before, 2u);
  auto labels = db_->read([](Connection& c) { return c.query(kSelectLabels); });
  ASSERT_TRUE(labels.ok());
  std::vector<std::string> got;
  for (const auto& r : *labels) got.push_back(r.str(0));
  EXPECT_EQ(got, (std::vector<std::string>{"a", "c", "f", "existing"}));
}

// A kind of write whose callers hear of it only after a later durable write (an import's
// chunk): it inserts its items and answers how durably its transaction commits.
constexpr Sql kSqliteSync{"sqlite_synchronous", "PRAGMA synchronous"};  // 1 NORMAL, 2 FULL
constexpr Sql kPgSync{"pg_synchronous_commit", "SELECT current_setting('synchronous_commit')"};
struct LazyInsert {
  static constexpr bool kCommitsLazily = true;
  using Input = int64_t;
  using Output = Result<std::string>;
  static std::vector<Output> run(Connection& c, std::span<const Input> ids) {
    std::vector<Output> out;
    for (int64_t id : ids) {
      auto inserted = c.exec(kInsertItem, {id, std::string_view("lazy")});
      if (!inserted.ok()) {
        out.push_back(inserted.error());
        continue;
      }
      auto setting = c.query(c.dialect() == Dialect::kSqlite ? kSqliteSync : kPgSync);
      if (!setting.ok() || setting->empty()) {
        out.push_back(internal("no durability setting"));
        continue;
      }
      out.push_back((*setting)[0].str(0));
    }
    return out;
  }
};

TEST_P(StoreTest, ABatchOfOnlyLazyWritesCommitsWithoutWaitingForTheDisk) {
  const bool sqlite = GetParam() == Dialect::kSqlite;
  const std::string lazy = sqlite ? "1" : "off", durable = sqlite ? "2" : "on";
  auto submit_lazy = [&](int64_t id) {
    auto promise = std::make_shared<std::promise<Result<std::string>>>();
    auto future = promise->get_future();
    db_->writer().submit_grouped<LazyInsert>(
        id, [promise](Result<std::string> r) { promise->set_value(std::move(r)); });
    return future;
  };

  WriterGate alone;
  alone.hold(db_->writer());
  auto a = submit_lazy(1);
  auto b = submit_lazy(2);
  alone.release();
  EXPECT_EQ(a.get().value(), lazy);
  EXPECT_EQ(b.get().value(), lazy);

  // Beside a write that must be durable when acknowledged, the batch waits for the disk.
  WriterGate mixed;
  mixed.hold(db_->writer());
  auto c = submit_lazy(3);
  auto d = std::async(std::launch::async, [&] { return insert(4, "durable"); });
  while (db_->writer().submitted() < 7) std::this_thread::yield();  // the table, 2 gates, a…d
  mixed.release();
  EXPECT_EQ(c.get().value(), durable);
  ASSERT_TRUE(d.get().ok());

  // And the setting goes back for the writes after.
  auto setting = db_->writer().write_sync([&](Connection& conn) -> Result<std::string> {
    KB_ASSIGN(auto rows, conn.query(sqlite ? kSqliteSync : kPgSync));
    return rows.empty() ? std::string() : rows[0].str(0);
  });
  ASSERT_TRUE(setting.ok()) << setting.error().message;
  EXPECT_EQ(*setting, durable);
  EXPECT_EQ(count(), 4);
}

TEST_P(StoreTest, ReadsSeeEveryAcknowledgedWrite) {
  constexpr int kThreads = 6;
  constexpr int kPerThread = 50;
  std::atomic<int> missing{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        int64_t id = 1000 + t * kPerThread + i;
        std::string label = "seen " + std::to_string(id);
        if (!insert(id, label).ok() || label_of(id) != label) ++missing;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(missing, 0);
  EXPECT_EQ(count(), kThreads * kPerThread);
}

TEST_P(StoreTest, RowsConvertBetweenTypes) {
  constexpr Sql kValues{"select_values", "SELECT 42, 'text', NULL, 2.5"};
  auto rows = db_->read([&](Connection& c) { return c.query(kValues); });
  ASSERT_TRUE(rows.ok()) << rows.error().message;
  ASSERT_EQ(rows->size(), 1u);
  const Row& r = (*rows)[0];
  EXPECT_EQ(r.i64(0), 42);
  EXPECT_EQ(r.str(0), "42");
  EXPECT_EQ(r.str(1), "text");
  EXPECT_TRUE(r.is_null(2));
  EXPECT_FALSE(r.opt_str(2).has_value());
  EXPECT_FALSE(r.opt_i64(2).has_value());
  EXPECT_EQ(r.i64(2), 0);
  EXPECT_DOUBLE_EQ(r.f64(3), 2.5);
}

TEST_P(StoreTest, TableCountsNameEveryTableWithItsRows) {
  ASSERT_TRUE(insert(1, "one").ok());
  ASSERT_TRUE(insert(2, "two").ok());
  auto counts = db_->read([](Connection& c) { return schema::table_counts(c); });
  ASSERT_TRUE(counts.ok()) << counts.error().message;
  std::map<std::string, int64_t> by_name(counts->begin(), counts->end());
  EXPECT_EQ(by_name.at("test_items"), 2);
  EXPECT_EQ(by_name.at("provinces"), 0);
  EXPECT_GE(by_name.at("schema_migrations"), 1);
  EXPECT_TRUE(by_name.contains("users"));
  EXPECT_TRUE(by_name.contains("sessions"));
}

TEST_P(StoreTest, AMigrationBelowTheNewestAppliedStillRuns) {
  // Versions are handed out in ranges to work done side by side: a release may bring version
  // 1001 to a store that already has 1002. It runs; those already run do not run again (their
  // CREATE TABLE would fail).
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
  const Migration before[] = {{1000, "CREATE TABLE mig_a (id BIGINT)"},
                              {1002, "CREATE TABLE mig_c (id BIGINT)"}};
  ASSERT_TRUE(migrate(*c, before).ok());
  const Migration after[] = {{1000, "CREATE TABLE mig_a (id BIGINT)"},
                             {1001, "CREATE TABLE mig_b (id BIGINT)"},
                             {1002, "CREATE TABLE mig_c (id BIGINT)"}};
  auto st = migrate(*c, after);
  ASSERT_TRUE(st.ok()) << st.error().message;
  static constexpr Sql kCountB{"count_mig_b", "SELECT COUNT(*) FROM mig_b"};
  EXPECT_TRUE(c->query(kCountB).ok()) << "version 1001 ran";
}

TEST_P(StoreTest, WritesAfterStopAreRefused) {
  db_->stop();
  auto r = insert(1, "late");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::kUnavailable);
}

INSTANTIATE_TEST_SUITE_P(Databases, StoreTest,
                         ::testing::Values(Dialect::kSqlite, Dialect::kPostgres),
                         [](const auto& info) {
                           return info.param == Dialect::kSqlite ? "sqlite" : "postgres";
                         });

}  // namespace
}  // namespace kb::store
