#include "jobs/lease.h"

#include <spdlog/spdlog.h>

#include <mutex>
#include <set>

namespace kb::jobs {
namespace {

using store::Sql;

constexpr Sql kTryLock{"try_advisory_lock", "SELECT pg_try_advisory_lock($1)"};
constexpr Sql kCurrentSchema{"lease_current_schema", "SELECT current_schema()"};
constexpr Sql kUnlockAll{"advisory_unlock_all", "SELECT pg_advisory_unlock_all()"};

class InProcessLeases final : public Leases {
 public:
  bool holds(std::string_view) override { return true; }
  void release_all() override {}
};

class AdvisoryLeases final : public Leases {
 public:
  explicit AdvisoryLeases(store::Database& db) : db_(db) {}

  bool holds(std::string_view job) override {
    std::lock_guard lock(mu_);
    std::string name(job);
    if (!connection_) {
      auto c = db_.connect();
      if (!c.ok()) {
        spdlog::warn("job leases: cannot connect: {}", c.error().message);
        return false;
      }
      connection_ = std::move(*c);
      held_.clear();  // a new session holds nothing yet
      // A process that dies closes its connection and PostgreSQL frees its locks at once; a
      // host that vanishes (power, network) sends nothing, so the server probes the idle
      // connection: its locks are freed within about 10 + 3 × 3 s instead of TCP's 2 hours.
      (void)connection_->exec_script(
          "SET tcp_keepalives_idle = 10; SET tcp_keepalives_interval = 3; "
          "SET tcp_keepalives_count = 3");
      // Advisory locks are per database: deployments in other schemas of it keep their own.
      auto schema = connection_->query_one(kCurrentSchema);
      schema_ = schema.ok() && *schema ? (*schema)->str(0) : std::string();
    }
    if (held_.contains(name)) {
      // Still ours while the session lives: check the session with a cheap statement.
      if (connection_->exec_script("SELECT 1").ok()) return true;
      drop_connection();
      return false;
    }
    auto row = connection_->query_one(kTryLock, {lease_key(schema_ + ":" + name)});
    if (!row.ok()) {
      drop_connection();
      return false;
    }
    bool taken = *row && (*row)->str(0) == "t";
    if (taken) {
      held_.insert(name);
      spdlog::info("job leases: this process now runs '{}'", name);
    }
    return taken;
  }

  void release_all() override {
    std::lock_guard lock(mu_);
    if (connection_) (void)connection_->query(kUnlockAll);
    held_.clear();
  }

 private:
  void drop_connection() {
    if (!held_.empty())
      spdlog::warn("job leases: connection lost; giving up {} job(s)", held_.size());
    connection_.reset();
    held_.clear();
  }

  store::Database& db_;
  std::mutex mu_;
  std::unique_ptr<store::Connection> connection_;  // guarded by mu_
  std::set<std::string, std::less<>> held_;        // guarded by mu_
  std::string schema_;                             // guarded by mu_
};

}  // namespace

int64_t lease_key(std::string_view job) {
  // FNV-1a over "khaibao:" + the name, so keys do not collide with other users of advisory locks.
  uint64_t h = 1469598103934665603ULL;
  for (char ch : std::string("khaibao:") + std::string(job)) {
    h ^= static_cast<unsigned char>(ch);
    h *= 1099511628211ULL;
  }
  return static_cast<int64_t>(h);
}

std::unique_ptr<Leases> make_leases(store::Database& db) {
  if (db.dialect() == store::Dialect::kPostgres) return std::make_unique<AdvisoryLeases>(db);
  return std::make_unique<InProcessLeases>();
}

}  // namespace kb::jobs
