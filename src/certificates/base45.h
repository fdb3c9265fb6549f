// Base45 (RFC 9285): the text encoding of the EU Digital COVID Certificate's QR payload. Its
// 45 characters are exactly QR's alphanumeric set, so the QR can use alphanumeric mode.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kb::certificates {

// Every two bytes become three characters, a last odd byte two (RFC 9285 section 4).
std::string base45_encode(std::string_view bytes);

// The bytes `text` encodes; std::nullopt when it has a character outside the alphabet, a
// length of 1 mod 3, or a group whose value is too large (RFC 9285 section 4.3: a decoder
// must refuse those).
std::optional<std::string> base45_decode(std::string_view text);

}  // namespace kb::certificates
