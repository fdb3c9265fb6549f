// The QR code printed on the back of a chip citizen ID card (CCCD), read by a staff scanner at
// a venue door or a vaccination site. Its text is
//   ID12|oldID9|Full Name|DDMMYYYY|Sex|Address|DDMMYYYY
// (ID number, old 9-digit CMND number or empty, name, birth date, "Nam"/"Nữ", address, issue
// date). The card's QR is not signed, so the parser checks what can be checked: the ID number
// encodes the birth year and sex, and both must agree with the printed fields.
#pragma once

#include <cstdint>
#include <ctime>
#include <string>
#include <string_view>

#include "core/result.h"

namespace kb::scan {

struct CccdCard {
  std::string id_number;   // 12 digits
  std::string old_id;      // 9 digits, or empty when the card has none
  std::string full_name;   // as people::normalize_name returns it
  std::string birth_date;  // YYYY-MM-DD
  std::string sex;         // "male" | "female"
  std::string address;     // NFC, single spaces; may be empty
  std::string issue_date;  // YYYY-MM-DD
};

// Real payloads are under 300 bytes; a far longer one is not a card (invalid_cccd_qr).
inline constexpr size_t kMaxCccdPayloadBytes = 1024;

// A cheap test to route a scanned payload: 12 digits, then '|'. Says nothing of validity.
bool looks_like_cccd(std::string_view payload);

// Parses and checks a CCCD QR text. Tolerates surrounding white space / CR LF and one trailing
// '|'. Every error is kInvalidArgument naming field "payload", with a code saying what is wrong:
// invalid_cccd_qr (not 7 fields, too long), invalid_id_number, invalid_old_id_number,
// invalid_name, invalid_birth_date, birth_date_in_future, invalid_sex, invalid_address,
// invalid_issue_date, id_number_mismatch (the ID number's birth year or sex disagrees).
// `now` (Unix seconds) decides what "in the future" means, in Vietnam's time zone.
Result<CccdCard> parse_cccd(std::string_view payload,
                            int64_t now = static_cast<int64_t>(::time(nullptr)));

}  // namespace kb::scan
