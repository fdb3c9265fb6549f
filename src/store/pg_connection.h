#pragma once

#include <libpq-fe.h>

#include <string>
#include <unordered_map>

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

 private:
  explicit PgConnection(PGconn* conn) : conn_(conn) {}
  // Runs a prepared statement; the caller owns the returned PGresult.
  Result<PGresult*> run(const Sql& sql, std::span<const Param> params);
  Status ensure_connected();
  Status ensure_schema();

  PGconn* conn_;
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
