// The personal QR token on the wire, without storage: a fixed 30-byte body signed with
// Ed25519, written as "KB1." + RFC 4648 base32 (upper case, no padding) of body ‖ signature.
// Base32 keeps the text inside the QR alphanumeric set, so the 155 characters fit a
// version 7 symbol at error correction M.
//
// Body (big-endian): version (1 byte, = 1) · colour (1: 0 green, 1 yellow, 2 red) ·
// key id (4) · token id (8) · person id (8) · issued-at (4, Unix s) · expires-at (4, Unix s).
// The signature covers the 30 body bytes. web/src/lib/personal-qr.ts reads the same layout.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kb::qr {

inline constexpr std::string_view kPersonalQrPrefix = "KB1.";
inline constexpr size_t kTokenBodyBytes = 30;
inline constexpr size_t kSignatureBytes = 64;

struct TokenClaims {
  int colour = 0;      // 0 green, 1 yellow, 2 red
  std::string key_id;  // 8 lower-case hex digits
  int64_t token_id = 0;
  int64_t person_id = 0;
  int64_t issued_at = 0;
  int64_t expires_at = 0;
};

struct ParsedToken {
  TokenClaims claims;
  std::string body;       // the signed bytes
  std::string signature;  // 64 bytes
};

std::string_view colour_of_code(int code);  // "green" | "yellow" | "red" | ""
std::optional<int> colour_code(std::string_view name);

// The payload for `claims` signed with a libsodium Ed25519 secret key (64 raw bytes).
std::string sign_token(const TokenClaims& claims, std::string_view secret_key);
// Splits a payload into its claims and signature; nullopt when it is not a well-formed
// token (wrong prefix, alphabet, length, padding bits, version or colour).
std::optional<ParsedToken> parse_token(std::string_view payload);
// Whether the signature is valid for the body under `public_key` (32 raw bytes).
bool verify_signature(const ParsedToken& token, std::string_view public_key);

std::string base32_encode(std::string_view bytes);
// Strict: upper-case RFC 4648 alphabet, no padding, unused trailing bits zero.
std::optional<std::string> base32_decode(std::string_view text);
std::string base64url_encode(std::string_view bytes);
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace kb::qr
