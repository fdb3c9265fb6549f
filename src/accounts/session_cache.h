// Recently seen bearer tokens, so the hot paths (check-in, inbox) do not read the sessions
// table on every request. Entries live `ttl` seconds; a logout in this process removes its
// entry at once, and other server processes notice a revocation within `ttl`.
#pragma once

#include <array>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "accounts/accounts.h"

namespace kb::accounts {

class SessionCache {
 public:
  explicit SessionCache(int ttl_seconds = 10, size_t max_entries_per_shard = 8192)
      : ttl_(ttl_seconds), max_entries_(max_entries_per_shard) {}

  std::optional<User> find(std::string_view token, int64_t now);
  void put(std::string_view token, const User& user, int64_t session_expires_at, int64_t now);
  void erase(std::string_view token);

 private:
  struct Entry {
    User user;
    int64_t valid_until = 0;
  };
  // Sharded by the token's hash: requests on different threads rarely share a lock.
  struct Shard {
    std::mutex mu;
    std::unordered_map<std::string, Entry> entries;  // guarded by mu
  };
  Shard& shard_of(std::string_view token) { return shards_[std::hash<std::string_view>{}(token) % shards_.size()]; }

  int ttl_;
  size_t max_entries_;
  std::array<Shard, 32> shards_;
};

}  // namespace kb::accounts
