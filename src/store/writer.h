// Group commit: one thread owns the write connection; concurrent callers queue their write
// functions, the thread runs every queued function inside one transaction (each inside its
// own savepoint, so a failing function undoes only its own writes) and commits once. Callers
// are told their result only after the commit is durable.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <thread>
#include <type_traits>
#include <vector>

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

  // Writes of one kind that run together (see Writer::submit_grouped) share a non-null key;
  // run_group() is then called on one of them with all of a batch's jobs of that key, itself
  // included, instead of run() on each.
  virtual const void* group_key() const { return nullptr; }
  virtual void run_group(Connection&, std::span<WriteJob* const>) {}

  // Whether the commit holding this write may return before it reaches the disk
  // (Connection::commit_lazily): a batch of only such writes commits lazily.
  virtual bool commits_lazily() const { return false; }
};

class Writer {
 public:
  Writer(std::unique_ptr<Connection> connection, int max_batch);
  ~Writer();
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  // Queues `fn(Connection&) -> Result<T>`; `done(Result<T>)` is called on the writer thread
  // once the transaction holding it has committed (or failed).
  template <class F, class Done>
  void submit(F fn, Done done) {
    enqueue(std::make_unique<Job<F, Done>>(std::move(fn), std::move(done)));
  }

  // Queues one input of `Group`, a kind of write whose inputs the writer runs together: all of
  // a batch's inputs go to one `Group::run(Connection&, std::span<const Group::Input>)`, which
  // returns one `Group::Output` (a Result) per input, in order; `done(Group::Output)` as for
  // submit(). A group runs without savepoints, so an SQL error fails its whole batch on
  // PostgreSQL: only for writes whose SQL errors mean the database failed. Inputs run in queue
  // order but after the batch's other writes: only for writes that need no order against those.
  // A Group with `static constexpr bool kCommitsLazily = true` answers nobody before a later
  // durable write: a batch of only such inputs commits lazily (Connection::commit_lazily).
  template <class Group, class Done>
  void submit_grouped(typename Group::Input input, Done done) {
    enqueue(std::make_unique<GroupJob<Group, Done>>(std::move(input), std::move(done)));
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
  // Writes queued since start: a long writer of its own (an import) compares it before and
  // after its write to learn whether others waited meanwhile.
  uint64_t submitted() const { return submitted_.load(std::memory_order_relaxed); }

 private:
  // What every job keeps: its result, and whom to hand it to once the transaction ended.
  template <class R, class Done>
  class ResultJob : public WriteJob {
   public:
    explicit ResultJob(Done done) : done_(std::move(done)) {}
    void finish(const Error* commit_error) override {
      if (!result_)
        result_.emplace(
            make_error(ErrorKind::kUnavailable, "unavailable", "database writer stopped"));
      if (commit_error && result_->ok()) result_.emplace(*commit_error);
      done_(std::move(*result_));
    }

   protected:
    Done done_;
    std::optional<R> result_;
  };

  template <class F, class Done>
  class Job final
      : public ResultJob<decltype(std::declval<F&>()(std::declval<Connection&>())), Done> {
   public:
    Job(F fn, Done done) : Job::ResultJob(std::move(done)), fn_(std::move(fn)) {}
    bool run(Connection& c) override {
      auto& result = this->result_;
      if (!c.control("SAVEPOINT kb_job").ok()) {
        result.emplace(internal("savepoint failed"));
        return false;
      }
      try {
        result.emplace(fn_(c));
      } catch (const std::exception& e) {
        result.emplace(internal(e.what()));
      }
      if (!result->ok()) {
        (void)c.control("ROLLBACK TO SAVEPOINT kb_job");
        c.rolled_back();  // the job may have made a table a memo remembers
      }
      (void)c.control("RELEASE SAVEPOINT kb_job");
      return result->ok();
    }

   private:
    F fn_;
  };

  template <class Group, class Done>
  class GroupJob final : public ResultJob<typename Group::Output, Done> {
   public:
    using Input = typename Group::Input;
    using Output = typename Group::Output;
    GroupJob(Input input, Done done)
        : GroupJob::ResultJob(std::move(done)), input_(std::move(input)) {}
    const void* group_key() const override { return &kKey; }
    bool commits_lazily() const override {
      if constexpr (requires { Group::kCommitsLazily; }) return Group::kCommitsLazily;
      return false;
    }
    bool run(Connection& c) override {
      WriteJob* self = this;
      run_group(c, std::span<WriteJob* const>(&self, 1));
      return this->result_->ok();
    }
    void run_group(Connection& c, std::span<WriteJob* const> jobs) override {
      std::vector<Input> inputs;
      inputs.reserve(jobs.size());
      for (WriteJob* j : jobs)
        inputs.push_back(static_cast<GroupJob*>(j)->input_);  // same key, same type
      std::vector<Output> outputs;
      try {
        outputs = Group::run(c, inputs);
      } catch (const std::exception& e) {
        outputs.assign(jobs.size(), Output(internal(e.what())));
      }
      if (outputs.size() != jobs.size())
        outputs.assign(jobs.size(), Output(internal("write group lost results")));
      for (size_t i = 0; i < jobs.size(); ++i)
        static_cast<GroupJob*>(jobs[i])->result_.emplace(std::move(outputs[i]));
    }

   private:
    static constexpr char kKey = 0;  // one address per Group and Done
    Input input_;
  };

  void run_batch(std::vector<std::unique_ptr<WriteJob>>& batch);
  void enqueue(std::unique_ptr<WriteJob> job);
  void loop();

  std::unique_ptr<Connection> connection_;
  int max_batch_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::unique_ptr<WriteJob>> queue_;  // guarded by mu_
  bool stopping_ = false;                        // guarded by mu_
  std::atomic<uint64_t> commits_{0};
  std::atomic<uint64_t> submitted_{0};
  std::thread thread_;
};

}  // namespace kb::store
