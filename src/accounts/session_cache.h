// Recently seen bearer tokens, so the hot paths (check-in, inbox) do not read the sessions
// table on every request. Entries live `ttl` seconds; a logout in this process removes its
// entry at once (as does disabling an account or resetting its password), and other server
// processes notice a revocation within `ttl`.
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

  std::optional<User> find(std::string_view token, int64_t now) { return users_.find(token, now); }
  void put(std::string_view token, const User& user, int64_t session_expires_at, int64_t now) {
    users_.put(token, user, std::min(now + ttl_, session_expires_at));
  }
  void erase(std::string_view token) { users_.erase(token); }
  // Forgets every session of an account (disabled, or its password reset) in this process.
  void erase_account(int64_t account_id) {
    users_.erase_if([account_id](const User& u) { return u.id == account_id; });
  }

 private:
  int ttl_;
  TtlCache<User> users_;
};

}  // namespace kb::accounts
