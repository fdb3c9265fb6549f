// Live events between server processes on one PostgreSQL database: a writer queues a
// notification inside its transaction (announce_text), PostgreSQL delivers it to every listening
// process when the transaction commits, and each process's one PgListener hands it to whoever
// serves that channel (inbox streams, board streams, caches). Payloads are short ids, never
// rows: listeners read the rows themselves. Notifications are not durable, so after a lost
// connection the listener reports the gap and its users catch up from the tables (wake every
// stream, drop every cached entry).
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <string_view>
#include <thread>

#include "core/result.h"
#include "store/database.h"

namespace kb::notify {

// The channel scheme: one PostgreSQL channel per kind of event and schema
// ("kb_inbox_<schema>", …), so deployments sharing a database never hear each other.
enum class Channel {
  kInbox,   // citizens' inboxes: notify::Wake payloads (notify/inbox_hub.h)
  kBoards,  // officials' monitoring boards: notify::Wake payloads keyed by jurisdiction
  kCaches,  // cached entries gone stale: notify::Stale payloads (notify/cache_events.h)
};
inline constexpr Channel kChannels[] = {Channel::kInbox, Channel::kBoards, Channel::kCaches};

// On PostgreSQL, queues `payload` (at most 8000 bytes) on `channel`, delivered when the current
// transaction commits. Does nothing on SQLite, where one process serves the database and the
// caller tells its own process after the commit.
Status announce_text(store::Connection& c, Channel channel, std::string_view payload);

// One dedicated connection per process, listening on every channel; reconnects after a failure.
class PgListener {
 public:
  struct Handlers {
    // Called on the listener's thread for each notification; must not block.
    std::function<void(Channel, std::string_view payload)> deliver;
    // Called after a reconnect, once listening again: events may have been missed.
    std::function<void()> missed;
  };
  PgListener(std::string url, Handlers handlers);
  ~PgListener();  // stops the thread
  void start();
  void stop();

 private:
  void loop();
  std::string url_;
  Handlers handlers_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace kb::notify
