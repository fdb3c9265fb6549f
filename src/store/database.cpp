#include "store/database.h"

#include <charconv>

#include "store/pg_connection.h"
#include "store/sqlite_connection.h"
#include "store/writer.h"

namespace kb::store {

int64_t Row::i64(size_t i) const {
  const Cell& c = cells_.at(i);
  if (auto* v = std::get_if<int64_t>(&c)) return *v;
  if (auto* d = std::get_if<double>(&c)) return static_cast<int64_t>(*d);
  if (auto* s = std::get_if<std::string>(&c)) {
    int64_t v = 0;
    std::from_chars(s->data(), s->data() + s->size(), v);
    return v;
  }
  return 0;
}

double Row::f64(size_t i) const {
  const Cell& c = cells_.at(i);
  if (auto* d = std::get_if<double>(&c)) return *d;
  if (auto* v = std::get_if<int64_t>(&c)) return static_cast<double>(*v);
  if (auto* s = std::get_if<std::string>(&c)) return std::strtod(s->c_str(), nullptr);
  return 0;
}

std::string Row::str(size_t i) const {
  const Cell& c = cells_.at(i);
  if (auto* s = std::get_if<std::string>(&c)) return *s;
  if (auto* v = std::get_if<int64_t>(&c)) return std::to_string(*v);
  if (auto* d = std::get_if<double>(&c)) return std::to_string(*d);
  return {};
}

std::optional<std::string> Row::opt_str(size_t i) const {
  if (is_null(i)) return std::nullopt;
  return str(i);
}

std::optional<int64_t> Row::opt_i64(size_t i) const {
  if (is_null(i)) return std::nullopt;
  return i64(i);
}

Result<std::optional<Row>> Connection::query_one(const Sql& sql,
                                                 std::initializer_list<Param> params) {
  KB_ASSIGN(Rows rows, query(sql, params));
  if (rows.empty()) return std::optional<Row>{};
  return std::optional<Row>{std::move(rows.front())};
}

Database::~Database() { stop(); }

Result<std::unique_ptr<Database>> Database::open(const std::string& url, Schema schema,
                                                 DatabaseOptions options) {
  std::unique_ptr<Database> db;
  if (url.starts_with("sqlite:")) {
    db = std::make_unique<SqliteDatabase>(url.substr(7));
  } else if (url.starts_with("postgres://") || url.starts_with("postgresql://")) {
    db = std::make_unique<PgDatabase>(url);
  } else {
    return invalid("db", "invalid_db_url", "--db must be sqlite:PATH or postgres://…");
  }
  KB_TRY(db->start(schema, options));
  return db;
}

Status Database::start(Schema schema, DatabaseOptions options) {
  max_read_connections_ = options.max_read_connections;
  KB_ASSIGN(auto write_connection, connect());
  KB_TRY(migrate(*write_connection, schema));
  writer_ = std::make_unique<Writer>(std::move(write_connection), options.max_batch);
  if (dialect() == Dialect::kPostgres) {
    for (int i = 0; i < options.ingest_writers; ++i) {
      KB_ASSIGN(auto connection, connect());
      ingest_writers_.push_back(std::make_unique<Writer>(std::move(connection), options.max_batch));
    }
  }
  return start_background();
}

void Database::stop() {
  stop_background();
  for (auto& w : ingest_writers_) w->stop();
  if (writer_) writer_->stop();
}

Result<Connection*> Database::acquire() {
  std::unique_lock lock(pool_mu_);
  for (;;) {
    if (!idle_.empty()) {
      Connection* c = idle_.back();
      idle_.pop_back();
      return c;
    }
    if (static_cast<int>(all_.size()) + opening_ < max_read_connections_) {
      ++opening_;  // connect without holding the lock
      lock.unlock();
      auto c = connect();
      lock.lock();
      --opening_;
      if (!c.ok()) return std::move(c).error();
      all_.push_back(std::move(c).value());
      return all_.back().get();
    }
    pool_cv_.wait(lock);
  }
}

void Database::release(Connection* c) {
  std::lock_guard lock(pool_mu_);
  idle_.push_back(c);
  pool_cv_.notify_one();
}

}  // namespace kb::store
