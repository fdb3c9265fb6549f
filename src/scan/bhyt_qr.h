// The QR code on a health-insurance card (thẻ BHYT), paper or in the VssID app, read by a staff
// scanner. Its text is '|'-separated:
//   card number | name (hex of UTF-8) | birth date DD/MM/YYYY | sex 1/2 | address (hex of UTF-8) |
//   registered hospital code | valid from | valid to ("-" when open-ended) | issue date | … | $
// Card issuers have added trailing fields over the years, so only the first four are required;
// those present among fields 5–8 are checked too, and everything after them is ignored.
#pragma once

#include <cstdint>
#include <ctime>
#include <string>
#include <string_view>

#include "core/result.h"

namespace kb::scan {

struct BhytCard {
  std::string card_number;              // 15 chars, e.g. "DN4797915023456" (letters upper-cased)
  std::string social_insurance_number;  // its last 10 digits, the person's lifelong number
  std::string full_name;                // as people::normalize_name returns it
  std::string birth_date;               // YYYY-MM-DD
  std::string sex;                      // "male" | "female"
  std::string address;                  // NFC, single spaces; empty when absent
  std::string hospital_code;  // registered first-contact facility, e.g. "79-024"; may be empty
  std::string valid_from;     // YYYY-MM-DD, or empty when absent
  std::string valid_to;       // YYYY-MM-DD, or empty when open-ended or absent
};

// Real payloads are a few hundred bytes (hex doubles the name and address); a longer one is
// refused as invalid_bhyt_qr.
inline constexpr size_t kMaxBhytPayloadBytes = 4096;

// A cheap test to route a scanned payload: 2 letters, 13 digits, then '|'.
bool looks_like_bhyt(std::string_view payload);

// Parses a BHYT QR text. An expired card is accepted: the caller compares valid_to with today
// and warns, since an expired insurance card still identifies its holder. Every error is
// kInvalidArgument naming field "payload", with a code saying what is wrong: invalid_bhyt_qr
// (fewer than 4 fields, too long), invalid_card_number, invalid_name, invalid_birth_date,
// birth_date_in_future, invalid_sex, invalid_address, invalid_hospital_code,
// invalid_validity_date. `now` (Unix seconds) decides what "in the future" means.
Result<BhytCard> parse_bhyt(std::string_view payload,
                            int64_t now = static_cast<int64_t>(::time(nullptr)));

}  // namespace kb::scan
