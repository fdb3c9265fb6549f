// The one place that talks to databases. Domain code writes portable SQL with `$1..$N`
// parameters (SQLite gets them rewritten to `?1..?N`) and runs it through a Connection:
// reads on a pooled connection on the calling thread, writes through the Writer, which
// batches concurrent writes into one transaction (group commit) so that every acknowledged
// write is durable without one fsync per request.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <typeindex>
#include <unordered_map>
#include <variant>
#include <vector>

#include "core/result.h"

namespace kb::store {

enum class Dialect { kSqlite, kPostgres };

// A named SQL statement. `text` must have static storage: connections cache the prepared
// statement by its address.
struct Sql {
  const char* name;
  const char* text;
};

// A bound parameter. Strings are borrowed for the duration of the call.
using Param = std::variant<std::nullptr_t, int64_t, double, std::string_view>;

using Cell = std::variant<std::monostate, int64_t, double, std::string>;

class Row {
 public:
  explicit Row(std::vector<Cell> cells) : cells_(std::move(cells)) {}
  size_t size() const { return cells_.size(); }
  bool is_null(size_t i) const { return std::holds_alternative<std::monostate>(cells_.at(i)); }
  // Integer value of a column (PostgreSQL's text results are parsed); 0 for NULL.
  int64_t i64(size_t i) const;
  double f64(size_t i) const;
  // Text value of a column; empty for NULL.
  std::string str(size_t i) const;
  std::optional<std::string> opt_str(size_t i) const;
  std::optional<int64_t> opt_i64(size_t i) const;

 private:
  std::vector<Cell> cells_;
};

using Rows = std::vector<Row>;

// One database session. Not thread-safe: a connection is used by one thread at a time.
class Connection {
 public:
  virtual ~Connection() = default;
  virtual Dialect dialect() const = 0;
  // Runs one or more statements without parameters (DDL, BEGIN/COMMIT).
  virtual Status exec_script(std::string_view sql) = 0;
  // Runs a statement and returns all its rows.
  virtual Result<Rows> query(const Sql& sql, std::span<const Param> params) = 0;
  // Runs a statement and returns the number of rows it changed.
  virtual Result<int64_t> exec(const Sql& sql, std::span<const Param> params) = 0;

  Result<Rows> query(const Sql& sql, std::initializer_list<Param> params = {}) {
    return query(sql, std::span<const Param>(params.begin(), params.size()));
  }
  Result<int64_t> exec(const Sql& sql, std::initializer_list<Param> params = {}) {
    return exec(sql, std::span<const Param>(params.begin(), params.size()));
  }
  // Transaction control for the writer, called for every write: overridable so a
  // connection can keep them prepared instead of parsing them each time.
  virtual Status control(std::string_view statement) { return exec_script(statement); }
  // Appends rows to a table in one go, where the database has a way: PostgreSQL's COPY … FROM
  // STDIN, one round trip and no statement to plan or parameters to bind for all the rows.
  // `into` is the table and its columns, "people(id, full_name, …)"; `values` holds the rows'
  // values one after another, `columns` to a row. Elsewhere (SQLite, in process, inserts a row a
  // statement as fast) it answers kInternal: callers ask dialect() first.
  virtual Status copy_rows(std::string_view into, size_t columns, std::span<const Param> values) {
    (void)into, (void)columns, (void)values;
    return internal("this database has no COPY");
  }
  // Whether the transactions begun from now on commit without waiting for the disk (called
  // between transactions): such a commit is visible at once and reaches the disk with the next
  // durable one, since both databases' logs keep commit order (SQLite syncs its WAL whole;
  // PostgreSQL flushes its WAL up to the later commit). For writes whose callers are answered
  // only after a later durable write (the chunks of an imported list).
  virtual Status commit_lazily(bool) { return {}; }

  // The first row, or std::nullopt when there is none.
  Result<std::optional<Row>> query_one(const Sql& sql, std::initializer_list<Param> params = {});

  // State a domain module keeps for the life of a connection (say, which of its tables the
  // connection has seen exist), one object per type M, made on first use. The writer calls
  // rolled_back() on each when a transaction or savepoint rolls back, since what it remembers
  // may have been undone. Used by the connection's one thread only.
  class Memo {
   public:
    virtual ~Memo() = default;
    virtual void rolled_back() {}
  };
  template <class M>
  M& memo() {
    static_assert(std::is_base_of_v<Memo, M>);
    auto& slot = memos_[std::type_index(typeid(M))];
    if (!slot) slot = std::make_unique<M>();
    return static_cast<M&>(*slot);
  }
  void rolled_back() {
    for (auto& [type, m] : memos_) m->rolled_back();
  }

 private:
  std::unordered_map<std::type_index, std::unique_ptr<Memo>> memos_;
};

// One step of a schema: portable SQL (placeholder {{pk}}: an auto-assigned 64-bit primary key),
// or code for a step that needs the dialect or the catalogue. A schema is a list of them in
// version order (src/schema/ holds khaibao's).
struct Migration {
  int version;
  const char* sql;
  Status (*code)(Connection&) = nullptr;
};
using Schema = std::span<const Migration>;

// Options shared by both implementations.
struct DatabaseOptions {
  int max_read_connections = 8;
  int max_batch = 1024;  // writes committed together at most
  // PostgreSQL: writers of their own for check-ins (see Database::ingest_writer). SQLite has
  // one writer whatever this says: the database takes one writing transaction at a time.
  int ingest_writers = 2;
};

class Writer;

class Database {
 public:
  virtual ~Database();
  // Opens `sqlite:PATH` or `postgres://…` (also `postgresql://…`) and brings it to `schema`.
  static Result<std::unique_ptr<Database>> open(const std::string& url, Schema schema,
                                                DatabaseOptions options = {});

  virtual Dialect dialect() const = 0;
  // A new connection of this database.
  virtual Result<std::unique_ptr<Connection>> connect() = 0;

  // Runs `fn(Connection&)` on a pooled read connection on the calling thread and returns its
  // result. Sees every write that the Writer has acknowledged.
  template <class F>
  auto read(F&& fn) -> decltype(fn(std::declval<Connection&>())) {
    auto lease = acquire();
    if (!lease.ok()) return std::move(lease).error();
    struct Release {
      Database* db;
      Connection* c;
      ~Release() { db->release(c); }
    } release{this, lease.value()};
    return fn(*lease.value());
  }

  Writer& writer() { return *writer_; }
  // A writer for independent writes that need no order against writes of other keys
  // (check-ins of known people, keyed by person): on PostgreSQL one of several, each with its
  // own connection and group commit, so their round trips overlap; the same key always gets the
  // same one, so one person's check-ins stay in order. On SQLite the one writer.
  Writer& ingest_writer(uint64_t key) {
    if (ingest_writers_.empty()) return *writer_;
    return *ingest_writers_[key % ingest_writers_.size()];
  }

  // Applies the schema and starts the writer thread; called by open().
  Status start(Schema schema, DatabaseOptions options);
  // Finishes queued writes and stops the writer thread.
  void stop();

 protected:
  // Background work of one kind of database, started after the writer and stopped before it.
  virtual Status start_background() { return {}; }
  virtual void stop_background() {}

  Result<Connection*> acquire();
  void release(Connection* c);

 private:
  std::mutex pool_mu_;
  std::condition_variable pool_cv_;
  std::vector<std::unique_ptr<Connection>> all_;  // guarded by pool_mu_
  std::vector<Connection*> idle_;                 // guarded by pool_mu_
  int opening_ = 0;                               // guarded by pool_mu_
  int max_read_connections_ = 8;
  std::unique_ptr<Writer> writer_;
  std::vector<std::unique_ptr<Writer>> ingest_writers_;  // fixed after start()
};

// Applies the steps of `schema` that have not run yet, in one transaction (up to a version: for
// tests of a migration). Several processes may start at once on one PostgreSQL: one migrates,
// the others wait.
Status migrate(Connection& c, Schema schema, int up_to_version = 1 << 30);

}  // namespace kb::store
