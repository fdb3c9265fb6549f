// The Ed25519 keys that sign personal QR tokens. They live in the database (table
// signing_keys) so every server process behind a load balancer signs and verifies with the
// same keys. The newest unretired key signs; a retired key still verifies tokens until its
// `not_after`, which is the last expiry a token it signed can carry. Secret keys never leave
// this module and are never logged.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "store/database.h"

namespace kb::qr {

// The longest a personal QR token lives; also how long a retired key keeps verifying.
inline constexpr int64_t kPersonalQrTtlSeconds = 24 * 3600;

struct PublicKey {
  std::string key_id;      // 8 hex digits, also carried in every token
  std::string public_key;  // 32 raw bytes
  int64_t created_at = 0;
  std::optional<int64_t> retired_at;  // stopped signing
  std::optional<int64_t> not_after;   // tokens it signed have all expired by then
};

struct SigningKey {
  std::string key_id;
  std::string secret_key;  // 64 raw bytes (libsodium's seed ‖ public key)
};

// The key that signs now, created on first use.
Result<SigningKey> current_signing_key(store::Connection& c, int64_t now);
// Retires the signing key (it verifies until now + kPersonalQrTtlSeconds) and makes a new one.
Result<PublicKey> rotate_signing_key(store::Connection& c, int64_t now);
// Keys that still verify a token at `now`, newest first.
Result<std::vector<PublicKey>> public_keys(store::Connection& c, int64_t now);
// One key by id, whether or not it still verifies.
Result<std::optional<PublicKey>> find_public_key(store::Connection& c, std::string_view key_id);

}  // namespace kb::qr
