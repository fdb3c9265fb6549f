// Abuse limits: token buckets refill at their rate up to their burst, say how long to wait,
// and forget nothing that matters; the client behind a trusted proxy is the one it names.
#include "http/write_limits.h"

#include <gtest/gtest.h>

namespace kb::http {
namespace {

using namespace std::chrono_literals;

TEST(TokenBuckets, ABurstThenTheRateAndEachKeyOnItsOwn) {
  TokenBuckets buckets({2, 3});  // 2 a second, 3 at once
  auto t = std::chrono::steady_clock::time_point{} + 1h;
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(buckets.take("a", t)) << i;
  auto wait = buckets.take("a", t);
  ASSERT_TRUE(wait);
  EXPECT_NEAR(*wait, 0.5, 1e-9);
  EXPECT_FALSE(buckets.take("b", t)) << "another caller has its own bucket";
  EXPECT_FALSE(buckets.take("a", t + 500ms)) << "one token back after half a second";
  EXPECT_TRUE(buckets.take("a", t + 500ms));
  // Idle buckets refill to the burst, never beyond it.
  auto later = t + 10s;
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(buckets.take("a", later)) << i;
  EXPECT_TRUE(buckets.take("a", later));
}

TEST(TokenBuckets, NoRateIsNoLimitAndIdleBucketsAreForgotten) {
  TokenBuckets none({});
  auto t = std::chrono::steady_clock::time_point{} + 1h;
  for (int i = 0; i < 1000; ++i) ASSERT_FALSE(none.take("a", t));
  TokenBuckets buckets({10, 10});
  for (int i = 0; i < 100; ++i) (void)buckets.take("k" + std::to_string(i), t);
  EXPECT_EQ(buckets.size(), 100u);
  for (int i = 0; i < 32 * 4; ++i) (void)buckets.take("late" + std::to_string(i), t + 2min);
  EXPECT_LT(buckets.size(), 100u + 32 * 4) << "buckets full again were swept";
}

TEST(BucketRules, AreRateSlashBurstOrZero) {
  auto r = parse_bucket_rule("20/200");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->per_second, 20);
  EXPECT_EQ(r->burst, 200);
  EXPECT_EQ(parse_bucket_rule("0")->per_second, 0);
  EXPECT_EQ(parse_bucket_rule("0.5/2")->per_second, 0.5);
  for (const char* bad : {"", "20", "20/", "/5", "-1/5", "20/0", "a/b", "0/5", "1/2/3"})
    EXPECT_FALSE(parse_bucket_rule(bad)) << bad;
}

TEST(ForwardedClient, OnlyATrustedProxyIsBelievedAndOnlyForTheHopsItAdded) {
  const std::vector<std::string> proxies{"10.0.0.5", "10.0.0.6"};
  EXPECT_EQ(forwarded_client("203.0.113.7", "198.51.100.1", proxies), "203.0.113.7")
      << "a client cannot name itself";
  EXPECT_EQ(forwarded_client("10.0.0.5", "198.51.100.1", proxies), "198.51.100.1");
  EXPECT_EQ(forwarded_client("10.0.0.5", "1.2.3.4, 198.51.100.1", proxies), "198.51.100.1")
      << "the leftmost entries are whatever the client sent";
  EXPECT_EQ(forwarded_client("10.0.0.5", "198.51.100.1, 10.0.0.6", proxies), "198.51.100.1");
  EXPECT_EQ(forwarded_client("10.0.0.5", "", proxies), "10.0.0.5");
  EXPECT_EQ(forwarded_client("10.0.0.5", " , ", proxies), "10.0.0.5");
  EXPECT_TRUE(is_loopback("127.0.0.1"));
  EXPECT_TRUE(is_loopback("::1"));
  EXPECT_FALSE(is_loopback("10.0.0.5"));
}

}  // namespace
}  // namespace kb::http
