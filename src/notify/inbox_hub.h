// Live inbox streams: which open streams (Server-Sent Events) to wake when a message for them
// commits. In-process registry of subscribers keyed by the people and areas their inbox
// covers; with PostgreSQL and several server processes, writers also run `pg_notify` inside
// their transaction (announce()), and the PgListener of every process (notify/listener.h) turns
// the notifications, delivered on commit, into local wake-ups.
//
// A broadcast reaches a whole province's open streams at once: rather than waking each stream
// to read its inbox from the database, the hub hands every covered stream the event itself,
// written out once and shared (StreamEvent). A stream still reads the database when it was
// woken for anything else (a personal message, a filtered broadcast) and on its periodic
// catch-up.
#pragma once

#include <array>
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
// broadcast) or everyone (a national broadcast, a recall). `broadcast` / `recall` name the
// message when the change is one broadcast published or recalled, so that a process hearing of
// it reads that one row, not every stream its inbox.
struct Wake {
  std::vector<int64_t> people;
  std::vector<std::string> areas;
  bool everyone = false;
  int64_t broadcast = 0;
  int64_t recall = 0;

  // Compact text for pg_notify payloads ("*", "p:1,2;a:79,26734;b:12"); decode() of anything
  // unreadable wakes everyone, which is always safe.
  std::string encode() const;
  static Wake decode(std::string_view text);
};

// One Server-Sent Event as written on the wire, made once and shared (immutable) by every
// stream it goes to.
struct StreamEvent {
  enum class Kind { kMessage, kRecall };
  Kind kind = Kind::kMessage;
  int64_t message_id = 0;  // the message shown or recalled: streams send each once
  std::string text;        // "id: …\nevent: message\ndata: {…}\n\n"
};
using SharedEvent = std::shared_ptr<const StreamEvent>;

// The live streams a hub serves are citizens' inboxes (Channel::kInbox) or officials' monitoring
// boards (Channel::kBoards, keyed by jurisdiction: "national", a province or a ward code; see
// monitoring/board.h); each has its own channel, so neither wakes the other's streams.
// On PostgreSQL, queues a notification of `wake` that is delivered to every listening process
// when the current transaction commits. Does nothing on SQLite (one process: the caller wakes
// its own hub after the commit).
Status announce(store::Connection& c, const Wake& wake, Channel channel = Channel::kInbox);

class InboxHub {
 public:
  // What a stream is told: an event to send as it is, or (null) that its inbox changed and it
  // must read it. Must be thread-safe and must not block (it queues and posts to the stream's
  // executor); it is called with the hub's lock held, so it must not call the hub.
  using Receiver = std::function<void(const SharedEvent& event)>;

  // One open stream. Unregisters itself when destroyed.
  class Subscription {
   public:
    ~Subscription();
    Subscription(const Subscription&) = delete;
    Subscription& operator=(const Subscription&) = delete;

   private:
    friend class InboxHub;
    Subscription(InboxHub& hub, Receiver receive) : hub_(hub), receive_(std::move(receive)) {}
    InboxHub& hub_;
    Receiver receive_;
    using Entry = std::pair<const std::string, std::unordered_set<Subscription*>>;
    // The hub's entries this subscription is in (stable: map nodes never move), so that it
    // holds no copy of its keys; and the round it was last told of, so that a stream under
    // several keys of one wake is told once without a set of the streams told.
    std::vector<Entry*> entries_;  // guarded by hub_.mu_
    uint64_t told_round_ = 0;      // guarded by hub_.mu_
  };

  // Registers a stream whose inbox covers `people` and addresses in `areas` (province and
  // ward codes).
  std::unique_ptr<Subscription> subscribe(const std::vector<int64_t>& people,
                                          const std::vector<std::string>& areas, Receiver receive);
  // A stream that only ever reads (a monitoring board): `wake` for any change.
  std::unique_ptr<Subscription> subscribe(const std::vector<int64_t>& people,
                                          const std::vector<std::string>& areas,
                                          std::function<void()> wake);

  // Wakes the streams concerned. Thread-safe, never blocks on I/O; call after the write that
  // stored the messages has committed.
  void notify(const Wake& wake);
  void notify_people(const std::vector<int64_t>& people) { notify(Wake{people, {}, false}); }
  void notify_everyone() { notify(Wake{{}, {}, true}); }

  // Hands `event` to every stream `covering` covers (each once), instead of waking them to
  // read: for a change every covered stream shows the same way (an unfiltered broadcast, a
  // recall). Thread-safe, never blocks on I/O; call after the write has committed. An event
  // this hub delivered lately (the same kind and message) is not delivered again: the process
  // that published a broadcast also hears of it from PostgreSQL.
  void deliver(const Wake& covering, const SharedEvent& event);
  bool has_delivered(StreamEvent::Kind kind, int64_t message_id) const;

  size_t open_streams() const;
  // Events handed to streams by deliver() since start (each stream counted).
  uint64_t delivered() const;

 private:
  void remove(Subscription* s);
  void tell(const Wake& wake, const SharedEvent& event);

  mutable std::mutex mu_;
  std::unordered_map<std::string, std::unordered_set<Subscription*>> by_key_;  // guarded by mu_
  std::unordered_set<Subscription*> all_;                                      // guarded by mu_
  uint64_t round_ = 0;                                                         // guarded by mu_
  uint64_t delivered_ = 0;                                                     // guarded by mu_
  // The last events delivered, newest at recent_next_ - 1.
  std::array<std::pair<StreamEvent::Kind, int64_t>, 64> recent_{};  // guarded by mu_
  size_t recent_next_ = 0;                                          // guarded by mu_
};

}  // namespace kb::notify
