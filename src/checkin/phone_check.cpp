#include "checkin/phone_check.h"

#include <fmt/format.h>

#include "core/crypto.h"
#include "crypto/sealing.h"

namespace kb::checkin {
namespace {

using store::Sql;

// A code is kept under its phone's blind index (crypto/sealing.h), never the phone itself.
constexpr Sql kSelectCode{"select_scan_otp",
                          "SELECT code_hash, expires_at, attempts, sent_at FROM scan_otps "
                          "WHERE venue_id = $1 AND phone = $2"};
constexpr Sql kUpsertCode{"upsert_scan_otp",
                          "INSERT INTO scan_otps(venue_id, phone, code_hash, expires_at, attempts, "
                          "sent_at) VALUES ($1, $2, $3, $4, 0, $5) "
                          "ON CONFLICT (venue_id, phone) DO UPDATE SET code_hash = "
                          "excluded.code_hash, expires_at = excluded.expires_at, "
                          "attempts = 0, sent_at = excluded.sent_at"};
constexpr Sql kCountAttempt{
    "count_scan_otp_attempt",
    "UPDATE scan_otps SET attempts = attempts + 1 WHERE venue_id = $1 AND phone = $2"};
constexpr Sql kSpendCode{"spend_scan_otp",
                         "DELETE FROM scan_otps WHERE venue_id = $1 AND phone = $2"};

std::string hash_code(std::string_view pepper, int64_t venue_id, std::string_view phone,
                      std::string_view code) {
  return keyed_hash(fmt::format("scan|{}|{}|{}", venue_id, phone, code), pepper);
}

}  // namespace

Result<PhoneCodeIssued> issue_phone_code(store::Connection& c, const PhoneCheckConfig& config,
                                         std::string_view pepper, int64_t venue_id,
                                         std::string_view phone, int64_t now) {
  const std::string key = sealing::blind("phone", phone);
  KB_ASSIGN(auto existing, c.query_one(kSelectCode, {venue_id, std::string_view(key)}));
  if (existing) {
    int64_t wait = existing->i64(3) + config.resend_after_seconds - now;
    if (wait > 0) {
      return Error{ErrorKind::kRateLimited, "rate_limited",
                   fmt::format("a code was just sent to this phone; ask again in {} s", wait),
                   "payload"};
    }
  }
  PhoneCodeIssued issued{random_digits(6), config.ttl_seconds};
  KB_TRY(c.exec(kUpsertCode,
                {venue_id, std::string_view(key), hash_code(pepper, venue_id, phone, issued.code),
                 now + config.ttl_seconds, now}));
  return issued;
}

Result<PhoneCodeCheck> check_phone_code(store::Connection& c, const PhoneCheckConfig& config,
                                        std::string_view pepper, int64_t venue_id,
                                        std::string_view phone, std::string_view code,
                                        int64_t now) {
  const std::string key = sealing::blind("phone", phone);
  KB_ASSIGN(auto row, c.query_one(kSelectCode, {venue_id, std::string_view(key)}));
  PhoneCodeCheck out;
  if (!row) {
    out.refusal = Error{ErrorKind::kForbidden, "no_code_requested",
                        "send a code to this phone first", "code"};
    return out;
  }
  if (row->i64(2) >= config.max_attempts) {
    out.refusal = Error{ErrorKind::kRateLimited, "too_many_attempts",
                        "too many wrong codes; send a new one", "code"};
    return out;
  }
  if (row->i64(1) <= now) {
    out.refusal =
        Error{ErrorKind::kGone, "code_expired", "the code has expired; send a new one", "code"};
    return out;
  }
  if (!constant_time_equal(row->str(0), hash_code(pepper, venue_id, phone, code))) {
    KB_TRY(c.exec(kCountAttempt, {venue_id, std::string_view(key)}));
    out.refusal = Error{ErrorKind::kForbidden, "wrong_code", "the code is not correct", "code"};
    return out;
  }
  KB_TRY(c.exec(kSpendCode, {venue_id, std::string_view(key)}));
  out.ok = true;
  return out;
}

}  // namespace kb::checkin
