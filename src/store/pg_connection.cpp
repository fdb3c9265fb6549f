#include "store/pg_connection.h"

#include <fmt/format.h>

#include <cstring>

namespace kb::store {
namespace {

Error error_of(const char* what, PGresult* res, PGconn* conn) {
  const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  std::string msg =
      fmt::format("{} failed: {}", what, res ? PQresultErrorMessage(res) : PQerrorMessage(conn));
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  if (state && std::strncmp(state, "23", 2) == 0)
    return make_error(ErrorKind::kConflict, "conflict", msg);
  if (!state || std::strncmp(state, "08", 2) == 0 || std::strncmp(state, "57", 2) == 0 ||
      std::strncmp(state, "40", 2) == 0 || std::strncmp(state, "53", 2) == 0) {
    return make_error(ErrorKind::kUnavailable, "db_unavailable", msg);
  }
  return internal(msg);
}

struct ResultGuard {
  PGresult* r;
  ~ResultGuard() { PQclear(r); }
};

}  // namespace

Result<std::unique_ptr<PgConnection>> PgConnection::open(const std::string& url) {
  PGconn* conn = PQconnectdb(url.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string msg = PQerrorMessage(conn);
    PQfinish(conn);
    return make_error(ErrorKind::kUnavailable, "db_unavailable",
                      "cannot connect to PostgreSQL: " + msg);
  }
  std::unique_ptr<PgConnection> c(new PgConnection(conn));
  KB_TRY(c->exec_script("SET client_min_messages = warning; SET TIME ZONE 'UTC'"));
  KB_TRY(c->ensure_schema());
  return c;
}

PgConnection::~PgConnection() { PQfinish(conn_); }

// A URL may pick a schema with `options=-csearch_path=NAME` (tests give each server its own);
// create it when it does not exist yet so the migrations land there.
Status PgConnection::ensure_schema() {
  PGresult* res = PQexec(conn_, "SELECT current_schema() IS NULL, current_setting('search_path')");
  ResultGuard guard{res};
  if (PQresultStatus(res) != PGRES_TUPLES_OK) return error_of("schema check", res, conn_);
  if (std::strcmp(PQgetvalue(res, 0, 0), "t") != 0) return {};
  std::string path = PQgetvalue(res, 0, 1);
  std::string first = path.substr(0, path.find(','));
  char* quoted = PQescapeIdentifier(conn_, first.c_str(), first.size());
  if (!quoted) return internal("bad schema name");
  std::string sql = fmt::format("CREATE SCHEMA IF NOT EXISTS {}", quoted);
  PQfreemem(quoted);
  return exec_script(sql);
}

Status PgConnection::ensure_connected() {
  if (PQstatus(conn_) == CONNECTION_OK) return {};
  PQreset(conn_);
  statements_.clear();
  if (PQstatus(conn_) != CONNECTION_OK) {
    return make_error(ErrorKind::kUnavailable, "db_unavailable", "PostgreSQL connection lost");
  }
  return exec_script("SET client_min_messages = warning; SET TIME ZONE 'UTC'");
}

Status PgConnection::exec_script(std::string_view sql) {
  std::string text(sql);
  PGresult* res = PQexec(conn_, text.c_str());
  ResultGuard guard{res};
  auto st = PQresultStatus(res);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) return error_of("script", res, conn_);
  return {};
}

Result<PGresult*> PgConnection::run(const Sql& sql, std::span<const Param> params) {
  KB_TRY(ensure_connected());
  auto it = statements_.find(sql.text);
  if (it == statements_.end()) {
    std::string name = fmt::format("kb{}", statements_.size());
    PGresult* prep =
        PQprepare(conn_, name.c_str(), sql.text, static_cast<int>(params.size()), nullptr);
    ResultGuard guard{prep};
    if (PQresultStatus(prep) != PGRES_COMMAND_OK) return error_of(sql.name, prep, conn_);
    it = statements_.emplace(sql.text, std::move(name)).first;
  }
  std::vector<std::string> texts(params.size());
  std::vector<const char*> values(params.size());
  for (size_t i = 0; i < params.size(); ++i) {
    std::visit(
        [&](const auto& v) {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, std::nullptr_t>) {
            values[i] = nullptr;
          } else {
            if constexpr (std::is_same_v<T, int64_t>) texts[i] = std::to_string(v);
            if constexpr (std::is_same_v<T, double>) texts[i] = fmt::format("{}", v);
            if constexpr (std::is_same_v<T, std::string_view>) texts[i] = std::string(v);
            values[i] = texts[i].c_str();
          }
        },
        params[i]);
  }
  PGresult* res = PQexecPrepared(conn_, it->second.c_str(), static_cast<int>(params.size()),
                                 values.data(), nullptr, nullptr, 0);
  auto st = PQresultStatus(res);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
    Error e = error_of(sql.name, res, conn_);
    PQclear(res);
    return e;
  }
  return res;
}

Result<Rows> PgConnection::query(const Sql& sql, std::span<const Param> params) {
  KB_ASSIGN(PGresult * res, run(sql, params));
  ResultGuard guard{res};
  int n = PQntuples(res);
  int columns = PQnfields(res);
  Rows rows;
  rows.reserve(n);
  for (int r = 0; r < n; ++r) {
    std::vector<Cell> cells;
    cells.reserve(columns);
    for (int i = 0; i < columns; ++i) {
      if (PQgetisnull(res, r, i)) {
        cells.emplace_back(std::monostate{});
      } else {
        cells.emplace_back(std::string(PQgetvalue(res, r, i), PQgetlength(res, r, i)));
      }
    }
    rows.emplace_back(std::move(cells));
  }
  return rows;
}

Result<int64_t> PgConnection::exec(const Sql& sql, std::span<const Param> params) {
  KB_ASSIGN(PGresult * res, run(sql, params));
  ResultGuard guard{res};
  const char* n = PQcmdTuples(res);
  return static_cast<int64_t>(n && *n ? std::atoll(n) : 0);
}

Result<std::unique_ptr<Connection>> PgDatabase::connect() {
  KB_ASSIGN(auto c, PgConnection::open(url_));
  return std::unique_ptr<Connection>(std::move(c));
}

}  // namespace kb::store
