// Fields printed on Vietnamese identity cards (CCCD, BHYT) and read back from their QR text:
// calendar dates in the card's layout and free text that must be sane UTF-8.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kb::scan {

// A date as the card prints it: "DDMMYYYY" when `separator` is '\0', otherwise
// "DD<sep>MM<sep>YYYY". Returns YYYY-MM-DD, or nothing unless it is a real calendar date
// in the years 1800–9999 (the CCCD number can encode births back to the 1800s).
std::optional<std::string> parse_card_date(std::string_view text, char separator);

// Today's date in Vietnam (UTC+07:00) as YYYY-MM-DD; ISO dates compare as strings.
std::string vietnam_today(int64_t now);

// Lower-case, NFC, case-folded form of short words (the sex field), so "NỮ", "nữ" and the
// decomposed "nữ" compare equal. Nothing when not valid UTF-8.
std::optional<std::string> fold_card_word(std::string_view text);

// `text` split at every '|'; an empty text is one empty field.
std::vector<std::string_view> split_fields(std::string_view text);

// `text` without leading and trailing ASCII white space and a leading UTF-8 byte-order mark,
// which some scanner apps and keyboard-wedge readers add.
std::string_view trim_scanned(std::string_view text);

}  // namespace kb::scan
