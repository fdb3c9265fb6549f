// Live inbox streams: which open streams (Server-Sent Events) to wake when a message for them
// commits. In-process registry of subscribers keyed by the people and areas their inbox
// covers; with PostgreSQL and several server processes, writers also run `pg_notify` inside
// their transaction (announce()), and the PgListener of every process (notify/listener.h) turns
// the notifications, delivered on commit, into local wake-ups.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/result.h"
#include "notify/listener.h"
#include "store/database.h"

namespace kb::notify {

// Whose inboxes changed: people (personal messages), areas (province or ward codes of a
// broadcast) or everyone (a national broadcast, a recall).
struct Wake {
  std::vector<int64_t> people;
  std::vector<std::string> areas;
  bool everyone = false;

  // Compact text for pg_notify payloads ("*", "p:1,2;a:79,26734"); decode() of anything
  // unreadable wakes everyone, which is always safe.
  std::string encode() const;
  static Wake decode(std::string_view text);
};

// The live streams a hub serves are citizens' inboxes (Channel::kInbox) or officials' monitoring
// boards (Channel::kBoards, keyed by jurisdiction: "national", a province or a ward code; see
// monitoring/board.h); each has its own channel, so neither wakes the other's streams.
// On PostgreSQL, queues a notification of `wake` that is delivered to every listening process
// when the current transaction commits. Does nothing on SQLite (one process: the caller wakes
// its own hub after the commit).
Status announce(store::Connection& c, const Wake& wake, Channel channel = Channel::kInbox);

class InboxHub {
 public:
  // One open stream. Unregisters itself when destroyed. `wake` must be thread-safe and must
  // not block (EventSink::wake posts to the stream's executor).
  class Subscription {
   public:
    ~Subscription();
    Subscription(const Subscription&) = delete;
    Subscription& operator=(const Subscription&) = delete;

   private:
    friend class InboxHub;
    Subscription(InboxHub& hub, std::vector<std::string> keys, std::function<void()> wake)
        : hub_(hub), keys_(std::move(keys)), wake_(std::move(wake)) {}
    InboxHub& hub_;
    std::vector<std::string> keys_;
    std::function<void()> wake_;
  };

  // Registers a stream whose inbox covers `people` and addresses in `areas` (province and
  // ward codes).
  std::unique_ptr<Subscription> subscribe(const std::vector<int64_t>& people,
                                          const std::vector<std::string>& areas,
                                          std::function<void()> wake);

  // Wakes the streams concerned. Thread-safe, never blocks on I/O; call after the write that
  // stored the messages has committed.
  void notify(const Wake& wake);
  void notify_people(const std::vector<int64_t>& people) { notify(Wake{people, {}, false}); }
  void notify_everyone() { notify(Wake{{}, {}, true}); }

  size_t open_streams() const;

 private:
  void remove(Subscription* s);

  mutable std::mutex mu_;
  std::unordered_map<std::string, std::unordered_set<Subscription*>> by_key_;  // guarded by mu_
  std::unordered_set<Subscription*> all_;                                      // guarded by mu_
};

}  // namespace kb::notify
