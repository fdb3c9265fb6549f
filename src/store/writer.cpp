#include "store/writer.h"

#include <pthread.h>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace kb::store {

Writer::Writer(std::unique_ptr<Connection> connection, int max_batch)
    : connection_(std::move(connection)), max_batch_(max_batch) {
  thread_ = std::thread([this] {
    // Named for top -H, perf and /proc: the writer is the thread a check-in's tail waits on.
    pthread_setname_np(pthread_self(), "kb-writer");
    loop();
  });
}

Writer::~Writer() { stop(); }

void Writer::enqueue(std::unique_ptr<WriteJob> job) {
  {
    std::lock_guard lock(mu_);
    if (!stopping_) {
      queue_.push_back(std::move(job));
      submitted_.fetch_add(1, std::memory_order_relaxed);
      cv_.notify_one();
      return;
    }
  }
  job->finish(nullptr);  // never ran: reports kUnavailable
}

void Writer::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
    cv_.notify_one();
  }
  if (thread_.joinable()) thread_.join();
}

void Writer::run_batch(std::vector<std::unique_ptr<WriteJob>>& batch) {
  std::vector<WriteJob*> grouped;
  for (auto& job : batch) {
    if (!job->group_key()) job->run(*connection_);
  }
  // Each kind of grouped write once, with all its jobs of the batch (few kinds: a linear scan).
  std::vector<const void*> done_keys;
  for (auto& job : batch) {
    const void* key = job->group_key();
    if (!key || std::find(done_keys.begin(), done_keys.end(), key) != done_keys.end()) continue;
    done_keys.push_back(key);
    grouped.clear();
    for (auto& other : batch) {
      if (other->group_key() == key) grouped.push_back(other.get());
    }
    job->run_group(*connection_, grouped);
  }
}

void Writer::loop() {
  std::vector<std::unique_ptr<WriteJob>> batch;
  batch.reserve(max_batch_);
  for (;;) {
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping and drained
      while (!queue_.empty() && static_cast<int>(batch.size()) < max_batch_) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    std::optional<Error> failure;
    const bool lazily = std::all_of(batch.begin(), batch.end(),
                                    [](const auto& job) { return job->commits_lazily(); });
    if (auto st = connection_->commit_lazily(lazily); !st.ok()) {
      failure = st.error();
    } else if (auto st = connection_->control("BEGIN"); !st.ok()) {
      failure = st.error();
    } else {
      run_batch(batch);
      if (auto commit = connection_->control("COMMIT"); !commit.ok()) {
        spdlog::error("group commit of {} writes failed: {}", batch.size(), commit.error().message);
        (void)connection_->exec_script("ROLLBACK");
        connection_->rolled_back();
        failure = commit.error();
      } else {
        commits_.fetch_add(1, std::memory_order_relaxed);
      }
    }
    if (failure) failure->kind = ErrorKind::kUnavailable;
    for (auto& job : batch) job->finish(failure ? &*failure : nullptr);
    batch.clear();
  }
}

}  // namespace kb::store
