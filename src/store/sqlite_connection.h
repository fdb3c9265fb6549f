#pragma once

#include <sqlite3.h>

#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/periodic_task.h"
#include "store/database.h"
#include "store/writer.h"

namespace kb::store {

class SqliteConnection final : public Connection {
 public:
  static Result<std::unique_ptr<SqliteConnection>> open(const std::string& path);
  ~SqliteConnection() override;
  Dialect dialect() const override { return Dialect::kSqlite; }
  Status exec_script(std::string_view sql) override;
  Result<Rows> query(const Sql& sql, std::span<const Param> params) override;
  Result<int64_t> exec(const Sql& sql, std::span<const Param> params) override;
  Status control(std::string_view statement) override;
  Status commit_lazily(bool lazily) override;

 private:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}
  Result<sqlite3_stmt*> prepare(const Sql& sql, std::span<const Param> params);
  Error error_of(const Sql& sql, int rc) const;

  sqlite3* db_;
  bool lazy_commits_ = false;
  std::unordered_map<const char*, sqlite3_stmt*> statements_;
  std::vector<std::pair<std::string, sqlite3_stmt*>>
      control_statements_;  // a handful; linear search
};

class SqliteDatabase final : public Database {
 public:
  explicit SqliteDatabase(std::string path) : path_(std::move(path)) {}
  ~SqliteDatabase() override { stop(); }
  Dialect dialect() const override { return Dialect::kSqlite; }
  Result<std::unique_ptr<Connection>> connect() override;

 protected:
  // Checkpoints the WAL from a thread of its own, so the writer never stalls copying pages
  // back into the database file (SQLite's automatic checkpoint runs inside a commit).
  Status start_background() override;
  void stop_background() override;

 private:
  std::string path_;
  PeriodicTask checkpointer_;
};

}  // namespace kb::store
