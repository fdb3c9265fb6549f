// What a server process keeps a few seconds stale to spare the database a read — sessions
// (accounts/session_cache.h) and venues on the check-in path (checkin/door.h) — and the events
// that make every process drop such an entry at once: a session revoked, an account disabled or
// its password changed, a venue's status changed.
//
// On PostgreSQL the writer announces the event inside its transaction (announce_stale()); the
// notification reaches every process's listener (notify/listener.h) when the transaction
// commits. On SQLite (one process) announce_stale() does nothing and the caller drops its own
// entry after the commit, as it does on PostgreSQL for the process that made the change.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"
#include "store/database.h"

namespace kb::notify {

struct Stale {
  enum class Kind {
    kSession,     // id: the session's token hash (never the token)
    kAccount,     // id: the account id; every session of it
    kVenue,       // id: the venue id
    kEverything,  // a listener that reconnected may have missed events
  };
  Kind kind = Kind::kEverything;
  std::string id;

  // Payload text: "s:HASH", "u:42", "v:7", "*". decode() of anything unreadable is kEverything,
  // which is always safe (a cache dropped is only a read more).
  std::string encode() const;
  static Stale decode(std::string_view text);
};

// Queues the event on PostgreSQL, delivered to every listening process when the current
// transaction commits. Does nothing on SQLite.
Status announce_stale(store::Connection& c, const Stale& stale);

}  // namespace kb::notify
