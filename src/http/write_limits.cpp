#include "http/write_limits.h"

#include <algorithm>
#include <charconv>
#include <functional>

namespace kb::http {
namespace {

constexpr auto kSweepEvery = std::chrono::seconds(30);

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::optional<double> number(std::string_view s) {
  double v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size() || v < 0) return std::nullopt;
  return v;
}

}  // namespace

std::optional<BucketRule> parse_bucket_rule(std::string_view text) {
  if (text == "0") return BucketRule{};
  auto slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  auto rate = number(text.substr(0, slash));
  auto burst = number(text.substr(slash + 1));
  if (!rate || !burst || *rate <= 0 || *burst < 1) return std::nullopt;
  return BucketRule{*rate, *burst};
}

std::optional<double> TokenBuckets::take(std::string_view key,
                                         std::chrono::steady_clock::time_point now) {
  if (rule_.per_second <= 0) return std::nullopt;
  Shard& shard = shards_[KeyHash{}(key) % kShards];
  std::lock_guard lock(shard.mutex);
  if (now - shard.swept > kSweepEvery) {
    // A bucket idle long enough to be full again is the same as no bucket.
    const auto full_after = std::chrono::duration<double>(rule_.burst / rule_.per_second);
    std::erase_if(shard.buckets, [&](const auto& kv) { return now - kv.second.at > full_after; });
    shard.swept = now;
  }
  auto it = shard.buckets.find(key);
  const bool fresh = it == shard.buckets.end();
  if (fresh) it = shard.buckets.emplace(std::string(key), Bucket{rule_.burst, now}).first;
  Bucket& b = it->second;
  if (!fresh) {
    double elapsed = std::chrono::duration<double>(now - b.at).count();
    b.tokens = std::min(rule_.burst, b.tokens + elapsed * rule_.per_second);
    b.at = now;
  }
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return std::nullopt;
  }
  return (1 - b.tokens) / rule_.per_second;
}

size_t TokenBuckets::size() const {
  size_t n = 0;
  for (const auto& s : shards_) {
    std::lock_guard lock(s.mutex);
    n += s.buckets.size();
  }
  return n;
}

std::string forwarded_client(std::string_view peer, std::string_view forwarded_for,
                             const std::vector<std::string>& proxies) {
  auto is_proxy = [&](std::string_view a) {
    return std::find(proxies.begin(), proxies.end(), a) != proxies.end();
  };
  if (!is_proxy(peer) || forwarded_for.empty()) return std::string(peer);
  // Each proxy appends the address it heard from: walk from the right past our own proxies.
  while (!forwarded_for.empty()) {
    auto comma = forwarded_for.rfind(',');
    std::string_view last =
        trim(comma == std::string_view::npos ? forwarded_for : forwarded_for.substr(comma + 1));
    if (!last.empty() && !is_proxy(last)) return std::string(last);
    if (comma == std::string_view::npos) break;
    forwarded_for = forwarded_for.substr(0, comma);
  }
  return std::string(peer);
}

bool is_loopback(std::string_view address) {
  return address.starts_with("127.") || address == "::1" || address.starts_with("::ffff:127.");
}

}  // namespace kb::http
