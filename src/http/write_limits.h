// Abuse limits on writes: token buckets, one per caller and one per client address, checked
// before any write route runs. A caller is the session token (an account's sign-in; making
// more sessions needs more sign-in codes, limited per phone and network in accounts/), an
// address the client's IP — behind a load balancer the one it names in X-Forwarded-For, and
// only when the connection comes from a configured proxy (forwarded_client). Address limits
// are generous: a whole market can sit behind one carrier address. Loopback clients without a
// proxy in front are local tools and benchmarks, and have no address limit.
//
// The buckets live in memory, per process, in shards with a lock each: no lock is shared by
// all requests. A process forgets idle buckets (full again) as it goes.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace kb::http {

struct BucketRule {
  double per_second = 0;  // refill rate; 0: no limit
  double burst = 0;       // bucket size
};

struct WriteLimits {
  BucketRule per_caller{20, 200};
  BucketRule per_address{300, 3000};
};

// "RATE/BURST" (e.g. "20/200"), or "0" for no limit; nothing when malformed.
std::optional<BucketRule> parse_bucket_rule(std::string_view text);

class TokenBuckets {
 public:
  explicit TokenBuckets(BucketRule rule) : rule_(rule) {}
  // Takes a token for `key` at `now`; when the bucket is empty, the seconds until it has one.
  std::optional<double> take(std::string_view key, std::chrono::steady_clock::time_point now);
  size_t size() const;

 private:
  struct Bucket {
    double tokens;
    std::chrono::steady_clock::time_point at;
  };
  // Looks keys up by string_view: a write to an existing bucket allocates nothing.
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(std::string_view key) const { return std::hash<std::string_view>{}(key); }
  };
  struct Shard {
    mutable std::mutex mutex;
    std::unordered_map<std::string, Bucket, KeyHash, std::equal_to<>> buckets;
    std::chrono::steady_clock::time_point swept{};
  };
  static constexpr size_t kShards = 32;
  BucketRule rule_;
  std::array<Shard, kShards> shards_;
};

// The client's address: the connection's peer, or — when the peer is one of `proxies` — the
// rightmost address of X-Forwarded-For that is not itself a proxy.
std::string forwarded_client(std::string_view peer, std::string_view forwarded_for,
                             const std::vector<std::string>& proxies);

bool is_loopback(std::string_view address);

}  // namespace kb::http
