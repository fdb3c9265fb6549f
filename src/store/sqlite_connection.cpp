#include "store/sqlite_connection.h"

#include <spdlog/spdlog.h>

#include <chrono>

namespace kb::store {
namespace {

// `$1..$N` (portable form) → `?1..?N` (SQLite's numbered parameters).
std::string to_sqlite_params(std::string_view text) {
  std::string out(text);
  for (char& ch : out) {
    if (ch == '$') ch = '?';
  }
  return out;
}

}  // namespace

Result<std::unique_ptr<SqliteConnection>> SqliteConnection::open(const std::string& path) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(
      path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return make_error(ErrorKind::kUnavailable, "db_unavailable",
                      "cannot open SQLite database: " + msg);
  }
  std::unique_ptr<SqliteConnection> c(new SqliteConnection(db));
  sqlite3_busy_timeout(db, 10000);
  // WAL lets readers run beside the single writer; FULL makes each commit durable against
  // power loss, which group commit keeps cheap. The database's own thread checkpoints the WAL
  // (SqliteDatabase::start_background); the automatic checkpoint inside a commit is only a
  // safety valve at 64 MB of WAL.
  KB_TRY(
      c->exec_script("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
                     "PRAGMA cache_size=-16384; PRAGMA temp_store=MEMORY; PRAGMA "
                     "wal_autocheckpoint=16384; PRAGMA journal_size_limit=67108864; "
                     // Freed pages are zeroed, so a deleted or resealed value does not linger
                     // in the file (crypto/sealing.h).
                     "PRAGMA secure_delete=ON;"));
  return c;
}

SqliteConnection::~SqliteConnection() {
  for (auto& [_, stmt] : statements_) sqlite3_finalize(stmt);
  for (auto& [_, stmt] : control_statements_) sqlite3_finalize(stmt);
  sqlite3_close(db_);
}

Error SqliteConnection::error_of(const Sql& sql, int rc) const {
  std::string msg = fmt::format("{} failed: {}", sql.name, sqlite3_errmsg(db_));
  int primary = rc & 0xff;
  if (primary == SQLITE_CONSTRAINT) return make_error(ErrorKind::kConflict, "conflict", msg);
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED || primary == SQLITE_IOERR ||
      primary == SQLITE_FULL) {
    return make_error(ErrorKind::kUnavailable, "db_unavailable", msg);
  }
  return internal(msg);
}

Status SqliteConnection::exec_script(std::string_view sql) {
  std::string text(sql);
  char* err = nullptr;
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    return make_error(ErrorKind::kUnavailable, "db_error", "SQLite: " + msg);
  }
  return {};
}

Status SqliteConnection::control(std::string_view statement) {
  // A writer's transaction takes the write lock when it begins. A deferred one would read at
  // its first statement and ask for the lock at its first write, and if another process (the
  // server's writer, an `admin` command) committed in between, SQLite refuses it at once
  // ("database is locked", SQLITE_BUSY_SNAPSHOT) instead of waiting for the busy timeout.
  if (statement == "BEGIN") statement = "BEGIN IMMEDIATE";
  sqlite3_stmt* stmt = nullptr;
  for (auto& [text, prepared] : control_statements_) {
    if (text == statement) stmt = prepared;
  }
  if (!stmt) {
    int rc = sqlite3_prepare_v3(db_, statement.data(), static_cast<int>(statement.size()),
                                SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK)
      return make_error(ErrorKind::kUnavailable, "db_error", sqlite3_errmsg(db_));
    control_statements_.emplace_back(std::string(statement), stmt);
  }
  int rc = sqlite3_step(stmt);
  sqlite3_reset(stmt);
  if (rc != SQLITE_DONE) {
    return make_error(ErrorKind::kUnavailable, "db_error",
                      fmt::format("SQLite {}: {}", statement, sqlite3_errmsg(db_)));
  }
  return {};
}

// In WAL mode, synchronous=NORMAL commits without syncing the WAL; the next commit under FULL
// syncs the file, and with it every frame before its own. SQLite takes the setting only outside
// a transaction.
Status SqliteConnection::commit_lazily(bool lazily) {
  if (lazily == lazy_commits_) return {};
  KB_TRY(control(lazily ? "PRAGMA synchronous=NORMAL" : "PRAGMA synchronous=FULL"));
  lazy_commits_ = lazily;
  return {};
}

Result<sqlite3_stmt*> SqliteConnection::prepare(const Sql& sql, std::span<const Param> params) {
  sqlite3_stmt* stmt = nullptr;
  if (auto it = statements_.find(sql.text); it != statements_.end()) {
    stmt = it->second;
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
  } else {
    std::string text = to_sqlite_params(sql.text);
    int rc = sqlite3_prepare_v3(db_, text.c_str(), static_cast<int>(text.size()),
                                SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) return error_of(sql, rc);
    statements_.emplace(sql.text, stmt);
  }
  for (size_t i = 0; i < params.size(); ++i) {
    int idx = static_cast<int>(i + 1);
    int rc = std::visit(
        [&](const auto& v) -> int {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, std::nullptr_t>) return sqlite3_bind_null(stmt, idx);
          if constexpr (std::is_same_v<T, int64_t>) return sqlite3_bind_int64(stmt, idx, v);
          if constexpr (std::is_same_v<T, double>) return sqlite3_bind_double(stmt, idx, v);
          if constexpr (std::is_same_v<T, std::string_view>) {
            // An empty view may have no data pointer; SQLite would bind that as NULL.
            return sqlite3_bind_text(stmt, idx, v.data() ? v.data() : "",
                                     static_cast<int>(v.size()), SQLITE_STATIC);
          }
        },
        params[i]);
    if (rc != SQLITE_OK) return error_of(sql, rc);
  }
  return stmt;
}

Result<Rows> SqliteConnection::query(const Sql& sql, std::span<const Param> params) {
  KB_ASSIGN(sqlite3_stmt * stmt, prepare(sql, params));
  Rows rows;
  int columns = sqlite3_column_count(stmt);
  for (;;) {
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) {
      Error e = error_of(sql, rc);
      sqlite3_reset(stmt);
      return e;
    }
    std::vector<Cell> cells;
    cells.reserve(columns);
    for (int i = 0; i < columns; ++i) {
      switch (sqlite3_column_type(stmt, i)) {
        case SQLITE_NULL:
          cells.emplace_back(std::monostate{});
          break;
        case SQLITE_INTEGER:
          cells.emplace_back(static_cast<int64_t>(sqlite3_column_int64(stmt, i)));
          break;
        case SQLITE_FLOAT:
          cells.emplace_back(sqlite3_column_double(stmt, i));
          break;
        default: {
          auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt, i));
          cells.emplace_back(std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt, i))));
        }
      }
    }
    rows.emplace_back(std::move(cells));
  }
  sqlite3_reset(stmt);
  return rows;
}

Result<int64_t> SqliteConnection::exec(const Sql& sql, std::span<const Param> params) {
  KB_ASSIGN(sqlite3_stmt * stmt, prepare(sql, params));
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
  }
  if (rc != SQLITE_DONE) {
    Error e = error_of(sql, rc);
    sqlite3_reset(stmt);
    return e;
  }
  sqlite3_reset(stmt);
  return static_cast<int64_t>(sqlite3_changes64(db_));
}

Status SqliteDatabase::start_background() {
  if (path_ == ":memory:") return {};
  KB_ASSIGN(auto connection, SqliteConnection::open(path_));
  // Start with an empty WAL: a bulk load (admin synth, an import) may have left tens of MB in
  // it, and copying them back while the first requests commit made one of them wait 136 ms.
  if (auto st = connection->exec_script("PRAGMA wal_checkpoint(TRUNCATE)"); !st.ok()) {
    spdlog::warn("WAL checkpoint at start failed: {}", st.error().message);
  }
  std::shared_ptr<SqliteConnection> c = std::move(connection);
  // Every 200 ms while commits are small. A bulk writer (an imported list, a synthesis) rewrites
  // the same index pages in every commit: copying them back after each would write them to the
  // database file once a commit (4.4 of a 1,000,000-row import's 47 s of CPU on this thread).
  // So while the WAL holds more than kBulkFrames, the next checkpoint waits kBulkTicks ticks,
  // and each page changed meanwhile is copied back once for several commits.
  constexpr int64_t kBulkFrames = 16384;  // 64 MB of 4 KB pages
  constexpr int kBulkTicks = 10;          // 2 s
  checkpointer_.start(std::chrono::milliseconds(200), [c, ticks_to_skip = 0]() mutable {
    if (ticks_to_skip > 0) {
      --ticks_to_skip;
      return;
    }
    // PASSIVE: copies what no reader still needs, never waits for the writer or readers.
    // Answers (busy, frames in the WAL, frames copied back).
    static constexpr Sql kCheckpoint{"wal_checkpoint", "PRAGMA wal_checkpoint(PASSIVE)"};
    Result<Rows> done = c->query(kCheckpoint, {});
    if (!done.ok()) {
      spdlog::warn("WAL checkpoint failed: {}", done.error().message);
      return;
    }
    const int64_t frames = done->empty() ? 0 : done->front().i64(1);
    ticks_to_skip = frames > kBulkFrames ? kBulkTicks : 0;
  });
  return {};
}

void SqliteDatabase::stop_background() { checkpointer_.stop(); }

Result<std::unique_ptr<Connection>> SqliteDatabase::connect() {
  KB_ASSIGN(auto c, SqliteConnection::open(path_));
  return std::unique_ptr<Connection>(std::move(c));
}

}  // namespace kb::store
