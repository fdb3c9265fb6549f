#include "jobs/scheduler.h"

#include <spdlog/spdlog.h>

#include "store/writer.h"

namespace kb::jobs {
namespace {

using store::Sql;

constexpr Sql kSelectLastRun{"select_job_last_run",
                             "SELECT last_run_at FROM job_runs WHERE job = $1"};
constexpr Sql kUpsertRun{"upsert_job_run",
                         "INSERT INTO job_runs(job, last_run_at, outcome) VALUES ($1, $2, $3) "
                         "ON CONFLICT (job) DO UPDATE SET last_run_at = excluded.last_run_at, "
                         "outcome = excluded.outcome"};

}  // namespace

Result<std::optional<int64_t>> last_run(store::Connection& c, std::string_view job) {
  KB_ASSIGN(auto row, c.query_one(kSelectLastRun, {job}));
  if (!row) return std::optional<int64_t>();
  return std::optional<int64_t>(row->i64(0));
}

Status record_run(store::Connection& c, std::string_view job, int64_t at,
                  std::string_view outcome) {
  KB_TRY(c.exec(kUpsertRun, {job, at, outcome}));
  return {};
}

Scheduler::Scheduler(store::Database& db, Leases& leases, Clock clock,
                     std::chrono::milliseconds poll)
    : db_(db), leases_(leases), clock_(std::move(clock)), poll_(poll) {}

Scheduler::~Scheduler() { stop(); }

void Scheduler::every(std::string job, int64_t interval_seconds, std::function<Status()> task) {
  jobs_.push_back({std::move(job), interval_seconds, std::move(task)});
}

void Scheduler::start() {
  thread_ = std::thread([this] { loop(); });
}

void Scheduler::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  leases_.release_all();
}

void Scheduler::loop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    lock.unlock();
    for (Job& job : jobs_) {
      if (!leases_.holds(job.name)) continue;
      run_due(job);
    }
    lock.lock();
    cv_.wait_for(lock, poll_, [&] { return stopping_; });
  }
}

void Scheduler::run_due(Job& job) {
  auto last = db_.read([&](store::Connection& c) { return last_run(c, job.name); });
  if (!last.ok()) return;
  int64_t now = clock_.now();
  if (*last && now < **last + job.interval) return;
  Status outcome = job.task();
  if (!outcome.ok()) spdlog::error("job '{}' failed: {}", job.name, outcome.error().message);
  std::string text = outcome.ok() ? "ok" : outcome.error().message;
  auto recorded = db_.writer().write_sync(
      [&](store::Connection& c) { return record_run(c, job.name, now, text); });
  if (!recorded.ok())
    spdlog::error("job '{}': recording its run failed: {}", job.name, recorded.error().message);
}

}  // namespace kb::jobs
