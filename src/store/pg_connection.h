#pragma once

#include <libpq-fe.h>

#include <string>
#include <unordered_map>
#include <vector>

#include "store/database.h"
#include "store/writer.h"

namespace kb::store {

class PgConnection final : public Connection {
 public:
  static Result<std::unique_ptr<PgConnection>> open(const std::string& url);
  ~PgConnection() override;
  Dialect dialect() const override { return Dialect::kPostgres; }
  Status exec_script(std::string_view sql) override;
  Result<Rows> query(const Sql& sql, std::span<const Param> params) override;
  Result<int64_t> exec(const Sql& sql, std::span<const Param> params) override;
  // BEGIN and savepoints are not sent on their own: they go with the next statement, in one round
  // trip (libpq pipeline mode), and a transaction or savepoint that ran nothing costs no round
  // trip at all. COMMIT fails unless the transaction really committed (PostgreSQL answers COMMIT
  // of a failed transaction by rolling it back; a connection reset mid-transaction lost it).
  Status control(std::string_view statement) override;
  Status copy_rows(std::string_view into, size_t columns, std::span<const Param> values) override;
  Status commit_lazily(bool lazily) override {
    lazy_commits_ = lazily;
    return {};
  }

 private:
  explicit PgConnection(PGconn* conn) : conn_(conn) {}
  // Runs a prepared statement; the caller owns the returned PGresult.
  Result<PGresult*> run(const Sql& sql, std::span<const Param> params);
  // Sends a pending BEGIN, the statement's PREPARE when it is new and the statement itself in
  // one pipeline and returns the statement's result (the caller owns it).
  Result<PGresult*> run_pipelined(const Sql& sql, const std::string& name, bool prepare,
                                  std::span<const char* const> values);
  Status commit();
  Status ensure_connected();
  Status ensure_schema();

  PGconn* conn_;
  bool begin_unsent() const { return !pending_.empty() && pending_.front() == "BEGIN"; }
  bool lazy_commits_ = false;         // BEGIN, then SET LOCAL synchronous_commit TO off
  std::vector<std::string> pending_;  // control statements asked for, not sent yet, in order
  bool in_transaction_ = false;       // BEGIN asked for (sent or not), no COMMIT or ROLLBACK yet
  bool transaction_lost_ = false;     // the connection was reset inside the transaction
  std::unordered_map<const char*, std::string> statements_;  // text address → prepared name
};

class PgDatabase final : public Database {
 public:
  explicit PgDatabase(std::string url) : url_(std::move(url)) {}
  ~PgDatabase() override { stop(); }
  Dialect dialect() const override { return Dialect::kPostgres; }
  Result<std::unique_ptr<Connection>> connect() override;

 private:
  std::string url_;
};

}  // namespace kb::store
