#include "core/clock.h"

#include <gtest/gtest.h>

namespace kb {
namespace {

TEST(Rfc3339, FormatsInVietnamTime) {
  EXPECT_EQ(format_rfc3339(0), "1970-01-01T07:00:00+07:00");
  EXPECT_EQ(format_rfc3339(1763690400), "2025-11-21T09:00:00+07:00");
}

TEST(Rfc3339, ParsesOffsetsAndRoundTrips) {
  EXPECT_EQ(parse_rfc3339("1970-01-01T07:00:00+07:00"), 0);
  EXPECT_EQ(parse_rfc3339("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parse_rfc3339("1970-01-01T00:00:00.123Z"), 0);
  EXPECT_EQ(parse_rfc3339("1969-12-31T19:00:00-05:00"), 0);
  for (int64_t t : {int64_t{0}, int64_t{1763690400}, int64_t{1709251199}})
    EXPECT_EQ(parse_rfc3339(format_rfc3339(t)), t);
}

TEST(Rfc3339, RefusesWhatIsNotATime) {
  for (const char* bad :
       {"", "2025-11-21", "2025-11-21T09:00:00", "2025-13-01T00:00:00Z", "2025-02-29T00:00:00Z",
        "2025-11-21T24:00:00Z", "2025-11-21T09:00:00+7:00", "2025-11-21T09:00:00Zjunk",
        "abcd-ef-ghTij:kl:mnZ"}) {
    EXPECT_FALSE(parse_rfc3339(bad).has_value()) << bad;
  }
  EXPECT_TRUE(parse_rfc3339("2024-02-29T00:00:00Z").has_value());
}

}  // namespace
}  // namespace kb
