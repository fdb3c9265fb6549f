// SMS as the carriers take it. A Vietnamese text with its accents is UCS-2 on the air (70
// characters a part, several parts billed), and brand-name gateways accept only unaccented
// text: a notice goes out folded to ASCII, cut to one 160-character part, with the link to the
// full text (kept in full in the inbox). Carriers are told apart by the number's prefix, so a
// gateway can be held to each carrier's rate.
#pragma once

#include <string>
#include <string_view>

namespace kb::notify {

inline constexpr size_t kSmsPart = 160;  // GSM 7-bit characters in one part

// The text in printable ASCII: Vietnamese letters without their marks ("Đà Nẵng" → "Da Nang"),
// typographic quotes and dashes to their plain forms, line breaks to one space, anything else
// unprintable dropped. Invalid UTF-8 bytes are dropped too.
std::string fold_for_sms(std::string_view utf8);

// One part: the folded `text`, cut at a word with "..." when it does not fit, then " " and the
// link (which is never cut). At most `limit` characters when the link itself fits.
std::string sms_part(std::string_view text, std::string_view link, size_t limit = kSmsPart);

// The carrier of a Vietnamese mobile number in E.164 (+84…) by its prefix: "viettel",
// "vinaphone", "mobifone", "vietnamobile", "gmobile", "itel", "reddi", or "other".
std::string_view carrier_of(std::string_view e164);

}  // namespace kb::notify
