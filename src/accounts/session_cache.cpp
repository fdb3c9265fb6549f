#include "accounts/session_cache.h"

namespace kb::accounts {

std::optional<User> SessionCache::find(std::string_view token, int64_t now) {
  Shard& s = shard_of(token);
  std::lock_guard lock(s.mu);
  auto it = s.entries.find(std::string(token));
  if (it == s.entries.end()) return std::nullopt;
  if (it->second.valid_until <= now) {
    s.entries.erase(it);
    return std::nullopt;
  }
  return it->second.user;
}

void SessionCache::put(std::string_view token, const User& user, int64_t session_expires_at, int64_t now) {
  Shard& s = shard_of(token);
  std::lock_guard lock(s.mu);
  if (s.entries.size() >= max_entries_) s.entries.clear();  // crude, but bounded and rare
  s.entries[std::string(token)] = Entry{user, std::min(now + ttl_, session_expires_at)};
}

void SessionCache::erase(std::string_view token) {
  Shard& s = shard_of(token);
  std::lock_guard lock(s.mu);
  s.entries.erase(std::string(token));
}

}  // namespace kb::accounts
