// Checking in a visitor by phone number at the door: staff type the visitor's number, the
// server texts a code to it, the visitor reads the code back, staff confirm it. The code
// proves the visitor holds that phone. Codes are per (venue, phone), kept only as a keyed
// hash, short-lived and limited in attempts; they never open a session.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"
#include "store/database.h"

namespace kb::checkin {

struct PhoneCheckConfig {
  int ttl_seconds = 300;
  int resend_after_seconds = 60;
  int max_attempts = 5;
};

struct PhoneCodeIssued {
  std::string code;  // to text to the phone; never stored in clear
  int expires_in = 0;
};

// kRateLimited when a code went to this phone for this venue less than a minute ago.
Result<PhoneCodeIssued> issue_phone_code(store::Connection& c, const PhoneCheckConfig& config,
                                         std::string_view pepper, int64_t venue_id,
                                         std::string_view phone, int64_t now);

// Spends the code when it is right. Errors name field `code`: no_code_requested,
// too_many_attempts, code_expired, wrong_code (a wrong code is counted: see PhoneCodeCheck).
struct PhoneCodeCheck {
  bool ok = false;
  Error refusal;  // when !ok; the counted attempt must still be committed
};
Result<PhoneCodeCheck> check_phone_code(store::Connection& c, const PhoneCheckConfig& config,
                                        std::string_view pepper, int64_t venue_id,
                                        std::string_view phone, std::string_view code, int64_t now);

}  // namespace kb::checkin
