// An offline scan's own time (checkin::check_scan_time): the window the server accepts.
#include "checkin/offline_scans.h"

#include <gtest/gtest.h>

#include "checkin/door.h"

namespace kb::checkin {
namespace {

constexpr int64_t kNow = 1'795'000'000;

TEST(OfflineScanTime, KeepsATimeFromTheLastThreeDays) {
  EXPECT_EQ(*check_scan_time(kNow - 3600, kNow), kNow - 3600);
  EXPECT_EQ(*check_scan_time(kNow - kOfflineScanMaxAgeSeconds, kNow),
            kNow - kOfflineScanMaxAgeSeconds);
  EXPECT_EQ(*check_scan_time(kNow, kNow), kNow);
}

TEST(OfflineScanTime, CountsAPhoneClockSlightlyAheadAsNow) {
  EXPECT_EQ(*check_scan_time(kNow + kOfflineScanClockSkewSeconds, kNow), kNow);
}

TEST(OfflineScanTime, RefusesTheFutureAndTheTooOldNamingTheField) {
  auto ahead =
      check_scan_time(kNow + kOfflineScanClockSkewSeconds + 1, kNow, "scans[2].scanned_at");
  ASSERT_FALSE(ahead.ok());
  EXPECT_EQ(ahead.error().code, "scanned_at_in_future");
  EXPECT_EQ(ahead.error().field, "scans[2].scanned_at");
  auto old = check_scan_time(kNow - kOfflineScanMaxAgeSeconds - 1, kNow);
  ASSERT_FALSE(old.ok());
  EXPECT_EQ(old.error().code, "scanned_at_too_old");
  EXPECT_EQ(old.error().kind, ErrorKind::kInvalidArgument);
}

TEST(OfflineScanTime, AnswersAreNamed) {
  EXPECT_EQ(offline_result_name(OfflineResult::kRecorded), "recorded");
  EXPECT_EQ(offline_result_name(OfflineResult::kDuplicate), "duplicate");
  EXPECT_EQ(offline_result_name(OfflineResult::kRefused), "refused");
}

}  // namespace
}  // namespace kb::checkin
