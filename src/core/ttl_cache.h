// A small cache of values that may be a few seconds stale (sessions, venues on the check-in
// path), so hot requests skip a database read. Sharded by key hash: threads rarely share a lock.
// Each entry carries its own expiry; a full shard is simply emptied (bounded memory, rare).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace kb {

template <class V>
class TtlCache {
 public:
  explicit TtlCache(size_t max_entries_per_shard = 8192) : max_entries_(max_entries_per_shard) {}

  std::optional<V> find(std::string_view key, int64_t now) {
    Shard& s = shard_of(key);
    std::lock_guard lock(s.mu);
    auto it = s.entries.find(key);
    if (it == s.entries.end()) return std::nullopt;
    if (it->second.valid_until <= now) {
      s.entries.erase(it);
      return std::nullopt;
    }
    return it->second.value;
  }

  void put(std::string_view key, V value, int64_t valid_until) {
    Shard& s = shard_of(key);
    std::lock_guard lock(s.mu);
    if (s.entries.size() >= max_entries_) s.entries.clear();
    s.entries.insert_or_assign(std::string(key), Entry{std::move(value), valid_until});
  }

  void erase(std::string_view key) {
    Shard& s = shard_of(key);
    std::lock_guard lock(s.mu);
    if (auto it = s.entries.find(key); it != s.entries.end()) s.entries.erase(it);
  }

  void clear() {
    for (Shard& s : shards_) {
      std::lock_guard lock(s.mu);
      s.entries.clear();
    }
  }

  // Erases every entry whose value satisfies `pred` (visits every shard: for rare events).
  template <class Pred>
  void erase_if(Pred pred) {
    for (Shard& s : shards_) {
      std::lock_guard lock(s.mu);
      std::erase_if(s.entries, [&](const auto& kv) { return pred(kv.second.value); });
    }
  }

 private:
  struct Entry {
    V value;
    int64_t valid_until = 0;
  };
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  struct Shard {
    std::mutex mu;
    std::unordered_map<std::string, Entry, Hash, std::equal_to<>> entries;  // guarded by mu
  };
  Shard& shard_of(std::string_view key) { return shards_[Hash{}(key) % shards_.size()]; }

  size_t max_entries_;
  std::array<Shard, 32> shards_;
};

}  // namespace kb
