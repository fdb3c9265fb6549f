// A kiosk screen at the venue shows a QR that changes every minute: the venue URL plus a code
// signed with a server secret for the current time window. A check-in carrying a fresh code
// was made by someone looking at the screen (not from a photo of the poster sent around), so
// it gets a stronger trust level; a stale or forged code is refused.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"
#include "store/database.h"

namespace kb::venues {

inline constexpr int64_t kKioskWindowSeconds = 60;
// A code is accepted during its own window and the next one: 60–120 s after it appeared.
inline constexpr int64_t kKioskWindowsAccepted = 2;

// The kiosk signing secret, created on first use and shared by every server through the
// `settings` table.
Result<std::string> load_or_create_kiosk_secret(store::Connection& c);
// The secret, or empty when none was ever created (then no kiosk code can be valid).
Result<std::string> load_kiosk_secret(store::Connection& c);

struct KioskCode {
  std::string token;   // "{window}.{mac}", the `k` query parameter of the kiosk URL
  int64_t expires_at;  // when a check-in with it stops being accepted
  int64_t refresh_at;  // when the screen should show the next one
};
KioskCode kiosk_code(std::string_view secret, std::string_view venue_code, int64_t now);

// Checks a kiosk token for a venue: kGone (kiosk_code_expired) when stale, kInvalidArgument
// (invalid_kiosk_code, field `field`) when malformed or not signed by us for this venue.
Status check_kiosk_code(std::string_view secret, std::string_view venue_code,
                        std::string_view token, int64_t now, std::string_view field = "kiosk");

}  // namespace kb::venues
