// Recently seen bearer tokens, so the hot paths (check-in, inbox) do not read the sessions
// table on every request. Entries live `ttl` seconds, keyed by the session's stored key (a hash
// of the token, the id that revocations are announced by). A logout, a disabled account or a
// reset password removes the entries at once: in the process that made the change, and on
// PostgreSQL in every other process when its listener hears of it (notify/cache_events.h); a
// process that missed the news (its listener reconnecting) drops everything. `ttl` bounds the
// staleness only when no news arrives at all (another process on SQLite).
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string_view>

#include "accounts/accounts.h"
#include "core/ttl_cache.h"

namespace kb::accounts {

class SessionCache {
 public:
  explicit SessionCache(int ttl_seconds = 10) : ttl_(ttl_seconds) {}

  std::optional<User> find(std::string_view token, int64_t now) {
    return users_.find(session_key(token), now);
  }
  void put(std::string_view token, const User& user, int64_t session_expires_at, int64_t now) {
    users_.put(session_key(token), user, std::min(now + ttl_, session_expires_at));
  }
  void erase(std::string_view token) { users_.erase(session_key(token)); }
  // Forgets a session by its key (accounts::session_key), as announced by another process.
  void erase_key(std::string_view key) { users_.erase(key); }
  void clear() { users_.clear(); }
  // Forgets every session of an account (disabled, or its password reset) in this process.
  void erase_account(int64_t account_id) {
    users_.erase_if([account_id](const User& u) { return u.id == account_id; });
  }

 private:
  int ttl_;
  TtlCache<User> users_;
};

}  // namespace kb::accounts
