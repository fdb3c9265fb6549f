// Group commit: one thread owns the write connection; concurrent callers queue their write
// functions, the thread runs every queued function inside one transaction (each inside its
// own savepoint, so a failing function undoes only its own writes) and commits once. Callers
// are told their result only after the commit is durable.
#pragma once

#include <condition_variable>
#include <deque>
#include <exception>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>

#include "store/database.h"

namespace kb::store {

class WriteJob {
 public:
  virtual ~WriteJob() = default;
  // Runs the write inside the open transaction. Returns false when it failed (and its
  // savepoint was rolled back).
  virtual bool run(Connection& c) = 0;
  // Delivers the result; `commit_error` is set when the transaction did not commit.
  virtual void finish(const Error* commit_error) = 0;
};

class Writer {
 public:
  Writer(std::unique_ptr<Connection> connection, int max_batch);
  ~Writer();
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  // How a write is kept apart from the others of its transaction. kSavepoint: a failing write
  // undoes only its own changes. kSingleStatement: the write changes the database in at most
  // one statement, its last, so a failure has nothing to undo; it saves the savepoint's two
  // statements (two round trips on PostgreSQL). An SQL error in such a write fails its whole
  // batch on PostgreSQL, so use it only where SQL errors mean the database itself failed.
  enum class Isolation { kSavepoint, kSingleStatement };

  // Queues `fn(Connection&) -> Result<T>`; `done(Result<T>)` is called on the writer thread
  // once the transaction holding it has committed (or failed).
  template <class F, class Done>
  void submit(F fn, Done done, Isolation isolation = Isolation::kSavepoint) {
    enqueue(std::make_unique<Job<F, Done>>(std::move(fn), std::move(done), isolation));
  }

  // Blocking flavour for command-line tools and tests.
  template <class F>
  auto write_sync(F fn) -> decltype(fn(std::declval<Connection&>())) {
    using R = decltype(fn(std::declval<Connection&>()));
    std::promise<R> promise;
    auto future = promise.get_future();
    submit(std::move(fn), [&promise](R r) { promise.set_value(std::move(r)); });
    return future.get();
  }

  // Commits what is queued, then stops the thread. Later submits fail with kUnavailable.
  void stop();

  uint64_t commits() const { return commits_; }

 private:
  template <class F, class Done>
  class Job final : public WriteJob {
   public:
    using R = decltype(std::declval<F&>()(std::declval<Connection&>()));
    Job(F fn, Done done, Isolation isolation)
        : fn_(std::move(fn)), done_(std::move(done)), isolation_(isolation) {}
    bool run(Connection& c) override {
      if (isolation_ == Isolation::kSingleStatement) {
        try {
          result_.emplace(fn_(c));
        } catch (const std::exception& e) {
          result_.emplace(internal(e.what()));
        }
        return result_->ok();
      }
      if (!c.control("SAVEPOINT kb_job").ok()) {
        result_.emplace(internal("savepoint failed"));
        return false;
      }
      try {
        result_.emplace(fn_(c));
      } catch (const std::exception& e) {
        result_.emplace(internal(e.what()));
      }
      if (!result_->ok()) {
        (void)c.control("ROLLBACK TO SAVEPOINT kb_job");
        c.visit_day_memo().known_days.clear();  // the job may have made a day table
      }
      (void)c.control("RELEASE SAVEPOINT kb_job");
      return result_->ok();
    }
    void finish(const Error* commit_error) override {
      if (!result_) result_.emplace(make_error(ErrorKind::kUnavailable, "unavailable", "database writer stopped"));
      if (commit_error && result_->ok()) result_.emplace(*commit_error);
      done_(std::move(*result_));
    }

   private:
    F fn_;
    Done done_;
    Isolation isolation_;
    std::optional<R> result_;
  };

  void enqueue(std::unique_ptr<WriteJob> job);
  void loop();

  std::unique_ptr<Connection> connection_;
  int max_batch_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::unique_ptr<WriteJob>> queue_;  // guarded by mu_
  bool stopping_ = false;                        // guarded by mu_
  std::atomic<uint64_t> commits_{0};
  std::thread thread_;
};

}  // namespace kb::store
