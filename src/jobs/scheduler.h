// Runs each scheduled job every so often on whichever process holds its lease (jobs/lease.h).
// When a job is due is kept in the database (table job_runs: the last run of each job), so a
// process that takes a job over from one that died runs it when it falls due, neither at once
// nor an interval late. Every process looks every `poll` (2 s by default), so a job moves to a
// live process within seconds of its holder's death.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "jobs/lease.h"
#include "store/database.h"

namespace kb::jobs {

// The last run of a job, by any process; nullopt when it never ran.
Result<std::optional<int64_t>> last_run(store::Connection& c, std::string_view job);
Status record_run(store::Connection& c, std::string_view job, int64_t at, std::string_view outcome);

class Scheduler {
 public:
  Scheduler(store::Database& db, Leases& leases, Clock clock,
            std::chrono::milliseconds poll = std::chrono::milliseconds(2000));
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Registers `task` to run every `interval` seconds; before start() only. The task returns an
  // outcome recorded with the run ("ok", or the error's message). Tasks run one at a time, on
  // the scheduler's thread.
  void every(std::string job, int64_t interval_seconds, std::function<Status()> task);
  void start();
  // Finishes the run in progress, gives up the leases, and returns.
  void stop();

 private:
  struct Job {
    std::string name;
    int64_t interval = 0;
    std::function<Status()> task;
  };
  void loop();
  void run_due(Job& job);

  store::Database& db_;
  Leases& leases_;
  Clock clock_;
  std::chrono::milliseconds poll_;
  std::vector<Job> jobs_;  // fixed after start()
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace kb::jobs
