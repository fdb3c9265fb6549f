#include "store/pg_connection.h"

#include <fmt/format.h>

#include <cstring>
#include <optional>

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

Error lost_in_transaction() {
  return make_error(ErrorKind::kUnavailable, "db_unavailable",
                    "PostgreSQL connection lost inside a transaction");
}

// The pending control statements as the start of one simple query, and none pending after.
std::string take_pending(std::vector<std::string>& pending) {
  std::string text;
  for (const auto& p : pending) text += p + "; ";
  pending.clear();
  return text;
}

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
  // A connection left in pipeline mode had results it could not read (see run_pipelined).
  if (PQstatus(conn_) != CONNECTION_OK || PQpipelineStatus(conn_) != PQ_PIPELINE_OFF) {
    // What the transaction did so far is gone: its next statements must not run outside it.
    if (in_transaction_ && !begin_unsent()) transaction_lost_ = true;
    PQreset(conn_);
    statements_.clear();
    if (PQstatus(conn_) != CONNECTION_OK) {
      return make_error(ErrorKind::kUnavailable, "db_unavailable", "PostgreSQL connection lost");
    }
    PGresult* res = PQexec(conn_, "SET client_min_messages = warning; SET TIME ZONE 'UTC'");
    ResultGuard guard{res};
    if (PQresultStatus(res) != PGRES_COMMAND_OK) return error_of("session set-up", res, conn_);
  }
  if (transaction_lost_) return lost_in_transaction();
  return {};
}

Status PgConnection::exec_script(std::string_view sql) {
  // Pending control statements go first in the same simple query (an explicit BEGIN lasts
  // beyond it; an error stops the rest).
  std::string text = take_pending(pending_);
  text += sql;
  PGresult* res = PQexec(conn_, text.c_str());
  ResultGuard guard{res};
  auto st = PQresultStatus(res);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) return error_of("script", res, conn_);
  return {};
}

// The writer's statements (writer.cpp): BEGIN, COMMIT, ROLLBACK, and around each job SAVEPOINT
// kb_job, then RELEASE SAVEPOINT kb_job, after ROLLBACK TO SAVEPOINT kb_job when it failed.
// None of them answers anything a caller needs before the next statement: they wait in
// pending_ and go with it, and a savepoint around a job that ran nothing is never sent. An error
// in one of them fails the statement it went with, and leaves the transaction failed, so that
// COMMIT fails too.
Status PgConnection::control(std::string_view statement) {
  if (statement == "BEGIN") {
    if (in_transaction_) return internal("BEGIN inside a transaction");
    in_transaction_ = true;
    transaction_lost_ = false;
    pending_.assign(1, "BEGIN");
    // An asynchronous commit: the server answers before its WAL is flushed, and flushes it with
    // the next synchronous commit (or within wal_writer_delay).
    if (lazy_commits_) pending_.emplace_back("SET LOCAL synchronous_commit TO off");
    return {};
  }
  if (statement == "COMMIT" || statement == "ROLLBACK") {
    bool sent = !begin_unsent();
    bool lost = transaction_lost_;
    in_transaction_ = transaction_lost_ = false;
    if (!sent || lost) pending_.clear();
    if (!sent) return {};  // nothing ran: nothing to commit or undo
    if (lost) return lost_in_transaction();
    if (statement == "ROLLBACK") {
      pending_.clear();
      return exec_script("ROLLBACK");
    }
    return commit();
  }
  constexpr std::string_view kRelease = "RELEASE SAVEPOINT ";
  constexpr std::string_view kRollbackTo = "ROLLBACK TO SAVEPOINT ";
  if (in_transaction_ && !pending_.empty() && pending_.back().starts_with("SAVEPOINT ")) {
    std::string_view name = std::string_view(pending_.back()).substr(10);
    // The savepoint was never sent: nothing ran since, nothing to undo or release.
    if (statement.starts_with(kRollbackTo) && statement.substr(kRollbackTo.size()) == name)
      return {};
    if (statement.starts_with(kRelease) && statement.substr(kRelease.size()) == name) {
      pending_.pop_back();
      return {};
    }
  }
  if (in_transaction_) {
    pending_.emplace_back(statement);
    return {};
  }
  KB_TRY(ensure_connected());
  return exec_script(statement);
}

Status PgConnection::commit() {
  KB_TRY(ensure_connected());
  // With what is pending (say, the last job's RELEASE), in one simple query: a failed
  // transaction answers COMMIT with ROLLBACK, a failed pending statement with its error.
  std::string text = take_pending(pending_);
  text += "COMMIT";
  if (PQtransactionStatus(conn_) != PQTRANS_INTRANS &&
      PQtransactionStatus(conn_) != PQTRANS_INERROR) {
    return lost_in_transaction();
  }
  PGresult* res = PQexec(conn_, text.c_str());
  ResultGuard guard{res};
  if (PQresultStatus(res) != PGRES_COMMAND_OK) {
    Error e = error_of("COMMIT", res, conn_);
    if (PQtransactionStatus(conn_) != PQTRANS_IDLE) (void)exec_script("ROLLBACK");
    return e;
  }
  if (std::strcmp(PQcmdStatus(res), "COMMIT") != 0) {
    return make_error(ErrorKind::kUnavailable, "db_unavailable",
                      fmt::format("the transaction failed: COMMIT answered {}", PQcmdStatus(res)));
  }
  return {};
}

Result<PGresult*> PgConnection::run(const Sql& sql, std::span<const Param> params) {
  KB_TRY(ensure_connected());
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
  auto it = statements_.find(sql.text);
  if (it == statements_.end() || !pending_.empty()) {
    bool prepare = it == statements_.end();
    std::string name = prepare ? fmt::format("kb{}", statements_.size()) : it->second;
    KB_ASSIGN(PGresult * res, run_pipelined(sql, name, prepare, values));
    if (prepare) statements_.emplace(sql.text, std::move(name));
    return res;
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

Result<PGresult*> PgConnection::run_pipelined(const Sql& sql, const std::string& name, bool prepare,
                                              std::span<const char* const> values) {
  if (!PQenterPipelineMode(conn_)) return error_of(sql.name, nullptr, conn_);
  const int n = static_cast<int>(values.size());
  std::vector<std::string> controls = std::move(pending_);
  pending_.clear();
  bool sent = true;
  for (const auto& control : controls) {
    sent =
        sent && PQsendQueryParams(conn_, control.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0);
  }
  sent = sent && (!prepare || PQsendPrepare(conn_, name.c_str(), sql.text, n, nullptr)) &&
         PQsendQueryPrepared(conn_, name.c_str(), n, values.data(), nullptr, nullptr, 0) &&
         PQpipelineSync(conn_);
  // The results in order (the controls', PREPARE's, the statement's), then the sync's. A command
  // after a failed one answers PGRES_PIPELINE_ABORTED: the first failure names the error.
  std::vector<PGresult*> results;
  std::optional<Error> failure;
  if (!sent) failure = error_of(sql.name, nullptr, conn_);
  for (int nulls = 0; sent && nulls < 2;) {
    PGresult* r = PQgetResult(conn_);
    if (!r) {
      if (PQstatus(conn_) != CONNECTION_OK) break;
      ++nulls;  // one ends each command's results; two mean nothing more is coming
      continue;
    }
    nulls = 0;
    auto st = PQresultStatus(r);
    if (st == PGRES_PIPELINE_SYNC) {
      PQclear(r);
      break;
    }
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_PIPELINE_ABORTED &&
        !failure) {
      failure = error_of(sql.name, r, conn_);
    }
    results.push_back(r);
  }
  if (!PQexitPipelineMode(conn_) && !failure) failure = error_of(sql.name, nullptr, conn_);
  size_t expected = controls.size() + (prepare ? 1 : 0) + 1;
  if (!failure && results.size() != expected) failure = error_of(sql.name, nullptr, conn_);
  if (!failure && PQresultStatus(results.back()) == PGRES_PIPELINE_ABORTED)
    failure = internal(fmt::format("{} failed: the pipeline was aborted", sql.name));
  PGresult* mine = nullptr;
  if (!failure) {
    mine = results.back();
    results.pop_back();
  }
  for (PGresult* r : results) PQclear(r);
  if (failure) {
    return *failure;  // a connection left in pipeline mode: reset by ensure_connected
  }
  return mine;
}

namespace {

// One value in COPY's text format: \N for NULL; a backslash, tab, newline or carriage return
// escaped with a backslash.
void append_copy_value(std::string& out, const Param& value) {
  std::visit(
      [&out](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::nullptr_t>) {
          out += "\\N";
        } else if constexpr (std::is_same_v<T, int64_t>) {
          out += std::to_string(v);
        } else if constexpr (std::is_same_v<T, double>) {
          out += fmt::format("{}", v);
        } else {
          for (char ch : v) {
            switch (ch) {
              case '\\':
                out += "\\\\";
                break;
              case '\t':
                out += "\\t";
                break;
              case '\n':
                out += "\\n";
                break;
              case '\r':
                out += "\\r";
                break;
              default:
                out.push_back(ch);
            }
          }
        }
      },
      value);
}

}  // namespace

Status PgConnection::copy_rows(std::string_view into, size_t columns,
                               std::span<const Param> values) {
  if (columns == 0 || values.size() % columns != 0)
    return internal("copy_rows: values are not whole rows");
  if (values.empty()) return {};
  std::string data;
  data.reserve(values.size() * 24);
  for (size_t i = 0; i < values.size(); ++i) {
    append_copy_value(data, values[i]);
    data.push_back((i + 1) % columns == 0 ? '\n' : '\t');
  }
  KB_TRY(ensure_connected());
  // A pending BEGIN goes first in the same simple query; libpq stops at COPY's answer.
  std::string text = take_pending(pending_);
  text += fmt::format("COPY {} FROM STDIN", into);
  PGresult* started = PQexec(conn_, text.c_str());
  if (PQresultStatus(started) != PGRES_COPY_IN) {
    Error e = error_of("COPY", started, conn_);
    PQclear(started);
    return e;
  }
  PQclear(started);
  const bool sent = PQputCopyData(conn_, data.data(), static_cast<int>(data.size())) == 1;
  // Ending with an error message makes the server refuse the COPY (and fail the transaction).
  PQputCopyEnd(conn_, sent ? nullptr : "the rows could not be sent");
  std::optional<Error> failure;
  while (PGresult* r = PQgetResult(conn_)) {
    if (PQresultStatus(r) != PGRES_COMMAND_OK && !failure) failure = error_of("COPY", r, conn_);
    PQclear(r);
  }
  if (!sent && !failure) failure = error_of("COPY", nullptr, conn_);
  if (failure) return *failure;
  return {};
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
