// Runs a task at once and then every interval on a thread of its own, until stopped. For
// background upkeep that must not hold up requests: area head-counts, retention purges, WAL
// checkpoints.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace kb {

class PeriodicTask {
 public:
  PeriodicTask() = default;
  ~PeriodicTask() { stop(); }
  PeriodicTask(const PeriodicTask&) = delete;
  PeriodicTask& operator=(const PeriodicTask&) = delete;

  // Call once. `task` runs on the task's thread only, never twice at a time.
  void start(std::chrono::milliseconds interval, std::function<void()> task) {
    thread_ = std::thread([this, interval, task = std::move(task)] {
      std::unique_lock lock(mu_);
      while (!stopping_) {
        lock.unlock();
        task();
        lock.lock();
        cv_.wait_for(lock, interval, [&] { return stopping_; });
      }
    });
  }

  // Waits for a run in progress to finish; later runs do not happen. Safe to call twice.
  void stop() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace kb
