// PostgreSQL's connection sends a transaction's BEGIN with its first statement (libpq pipeline
// mode). What a caller relies on: a group commits or fails as a whole, and every caller of a
// group that did not commit is told so, also when the connection is lost in the middle; the
// connection works again afterwards. Runs when KB_TEST_PG_URL is set (scripts/with-postgres.sh).
#include <gtest/gtest.h>

#include <condition_variable>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "schema/schema.h"
#include "scratch_database.h"
#include "store/database.h"
#include "store/writer.h"

namespace kb::store {
namespace {

constexpr Sql kCreateItems{"create_items",
                           "CREATE TABLE test_items (id BIGINT PRIMARY KEY, label TEXT NOT NULL)"};
constexpr Sql kInsertItem{"insert_item", "INSERT INTO test_items(id, label) VALUES ($1, $2)"};
constexpr Sql kSelectIds{"select_ids", "SELECT id FROM test_items ORDER BY id"};
constexpr Sql kBackendPid{"backend_pid", "SELECT pg_backend_pid()"};
constexpr Sql kTerminate{"terminate_backend", "SELECT pg_terminate_backend($1)"};

// Another session, that ends the writer's session when a group asks it to.
Connection* g_killer = nullptr;

// One insert per input, in one group without savepoints, as check-ins are written. An input
// with id < 0 ends the writer's own PostgreSQL session instead.
struct ItemGroup {
  using Input = int64_t;
  using Output = Status;
  static std::vector<Output> run(Connection& c, std::span<const int64_t> ids) {
    std::vector<Output> out;
    for (int64_t id : ids) {
      if (id < 0) {
        out.push_back(terminate_own_session(c));
        continue;
      }
      auto n = c.exec(kInsertItem, {id, std::string_view("item")});
      out.push_back(n.ok() ? Status{} : Status(n.error()));
    }
    return out;
  }
  static Status terminate_own_session(Connection& c) {
    KB_ASSIGN(auto pid, c.query_one(kBackendPid));
    if (!pid) return internal("no backend pid");
    KB_TRY(g_killer->query(kTerminate, {pid->i64(0)}));
    return {};
  }
};

class PgConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    scratch_.emplace(Dialect::kPostgres, "pgconn");
    if (!scratch_->available()) GTEST_SKIP() << test_support::ScratchDatabase::kSkipReason;
    auto db = Database::open(scratch_->url(), schema::khaibao());
    ASSERT_TRUE(db.ok()) << db.error().message;
    db_ = std::move(db).value();
    auto killer = db_->connect();
    ASSERT_TRUE(killer.ok());
    killer_ = std::move(killer).value();
    g_killer = killer_.get();
    auto created = db_->writer().write_sync([](Connection& c) { return c.exec(kCreateItems); });
    ASSERT_TRUE(created.ok()) << created.error().message;
  }
  void TearDown() override {
    db_.reset();
    killer_.reset();
    g_killer = nullptr;
  }

  // Submits `ids` as one group: the writer is held (in a batch of its own, before the group's)
  // until all are queued.
  std::vector<Status> write_group(const std::vector<int64_t>& ids) {
    std::mutex mu;
    std::condition_variable cv;
    bool entered = ids.size() == 1, open = false;
    Writer& w = db_->writer();
    if (!entered)
      w.submit(
          [&](Connection&) -> Status {
            std::unique_lock lock(mu);
            entered = true;
            cv.notify_all();
            cv.wait(lock, [&] { return open; });
            return {};
          },
          [](Status) {});
    {
      std::unique_lock lock(mu);
      cv.wait(lock, [&] { return entered; });
    }
    std::vector<std::future<Status>> futures;
    for (int64_t id : ids) {
      auto promise = std::make_shared<std::promise<Status>>();
      futures.push_back(promise->get_future());
      w.submit_grouped<ItemGroup>(id, [promise](Status s) { promise->set_value(std::move(s)); });
    }
    {
      std::lock_guard lock(mu);
      open = true;
      cv.notify_all();
    }
    std::vector<Status> out;
    for (auto& f : futures) out.push_back(f.get());
    return out;
  }

  std::vector<int64_t> stored_ids() {
    auto rows = db_->read([](Connection& c) { return c.query(kSelectIds); });
    EXPECT_TRUE(rows.ok());
    std::vector<int64_t> ids;
    if (rows.ok())
      for (const auto& r : *rows) ids.push_back(r.i64(0));
    return ids;
  }

  std::optional<test_support::ScratchDatabase> scratch_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<Connection> killer_;
};

TEST_F(PgConnectionTest, AGroupCommitsWithItsBeginSentAlongItsFirstStatement) {
  for (const auto& s : write_group({1, 2, 3})) EXPECT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(stored_ids(), (std::vector<int64_t>{1, 2, 3}));

  // A transaction that ran nothing, and one rolled back, on a bare connection.
  auto c = db_->connect();
  ASSERT_TRUE(c.ok());
  Connection& conn = **c;
  ASSERT_TRUE(conn.control("BEGIN").ok());
  EXPECT_TRUE(conn.control("COMMIT").ok());
  ASSERT_TRUE(conn.control("BEGIN").ok());
  ASSERT_TRUE(conn.exec(kInsertItem, {int64_t{9}, std::string_view("undone")}).ok());
  ASSERT_TRUE(conn.control("ROLLBACK").ok());
  EXPECT_EQ(stored_ids(), (std::vector<int64_t>{1, 2, 3}));
}

TEST_F(PgConnectionTest, AnSqlErrorFailsEveryCallerOfTheGroupAndTheNextGroupCommits) {
  ASSERT_TRUE(write_group({100})[0].ok());
  // 11 is inserted before the duplicate fails: PostgreSQL then answers COMMIT by rolling back,
  // so 11's caller must not be told it was stored.
  auto results = write_group({11, 100, 12});
  ASSERT_EQ(results.size(), 3u);
  for (const auto& s : results) EXPECT_FALSE(s.ok());
  EXPECT_EQ(stored_ids(), (std::vector<int64_t>{100}));

  for (const auto& s : write_group({13, 14})) EXPECT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(stored_ids(), (std::vector<int64_t>{13, 14, 100}));
}

TEST_F(PgConnectionTest, AConnectionLostInsideAGroupFailsItsCallersAndComesBack) {
  // Lost after the group's first insert: the inserts after it must not run outside the
  // transaction, and none may be acknowledged.
  auto results = write_group({21, -1, 22, 23});
  ASSERT_EQ(results.size(), 4u);
  for (size_t i = 0; i < results.size(); ++i) {
    ASSERT_FALSE(results[i].ok()) << i;
    EXPECT_EQ(results[i].error().kind, ErrorKind::kUnavailable) << i;
  }
  EXPECT_TRUE(stored_ids().empty());

  // Lost between groups: the next group's pipeline (BEGIN + insert) meets a closed session.
  ASSERT_TRUE(write_group({31})[0].ok());
  auto pid = db_->writer().write_sync([](Connection& c) { return c.query_one(kBackendPid); });
  ASSERT_TRUE(pid.ok());
  ASSERT_TRUE(killer_->query(kTerminate, {(*pid)->i64(0)}).ok());
  EXPECT_FALSE(write_group({32})[0].ok());

  for (const auto& s : write_group({34, 35})) EXPECT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(stored_ids(), (std::vector<int64_t>{31, 34, 35}));
}

TEST_F(PgConnectionTest, CopiedRowsArriveAsTheyWereWithNullsAndEscapes) {
  static constexpr Sql kSelectLabels{"select_copied",
                                     "SELECT id, label FROM test_items ORDER BY id"};
  const std::string awkward = "tab\there\nnew line\\back\\slash\r and \\N, Nguyễn";
  const std::vector<Param> values = {int64_t{1}, std::string_view("plain"),
                                     int64_t{2}, std::string_view(awkward),
                                     int64_t{3}, std::string_view("")};
  auto copied = db_->writer().write_sync(
      [&](Connection& c) -> Status { return c.copy_rows("test_items(id, label)", 2, values); });
  ASSERT_TRUE(copied.ok()) << copied.error().message;
  auto rows = db_->read([](Connection& c) { return c.query(kSelectLabels); });
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[0].str(1), "plain");
  EXPECT_EQ((*rows)[1].str(1), awkward);
  EXPECT_EQ((*rows)[2].str(1), "");
  EXPECT_FALSE((*rows)[2].is_null(1));

  // A NULL where the table refuses one fails the write and leaves nothing; values that are not
  // whole rows are refused before anything is sent.
  auto refused = db_->writer().write_sync([](Connection& c) -> Status {
    const std::vector<Param> bad = {int64_t{4}, std::string_view("ok"), int64_t{5}, nullptr};
    return c.copy_rows("test_items(id, label)", 2, bad);
  });
  EXPECT_FALSE(refused.ok());
  auto uneven = db_->writer().write_sync([](Connection& c) -> Status {
    const std::vector<Param> bad = {int64_t{6}, std::string_view("ok"), int64_t{7}};
    return c.copy_rows("test_items(id, label)", 2, bad);
  });
  EXPECT_FALSE(uneven.ok());
  EXPECT_EQ(stored_ids(), (std::vector<int64_t>{1, 2, 3}));
}

}  // namespace
}  // namespace kb::store
