// Small wrappers over libsodium used across the domain.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace kb {

// Must run once before any other function here (sodium_init); false when libsodium fails.
bool crypto_init();
// `bytes` random bytes, base64url without padding.
std::string random_token(size_t bytes = 32);
// A uniformly random decimal code of `digits` digits, with leading zeros.
std::string random_digits(int digits);
std::string to_hex(std::string_view bytes);
std::string from_hex(std::string_view hex);  // empty on malformed input
// BLAKE2b-256 of `data`, keyed when `key` is not empty; hex.
std::string keyed_hash(std::string_view data, std::string_view key = {});
// argon2id (libsodium's interactive limits), in the self-describing `$argon2id$…` form.
Result<std::string> hash_password(std::string_view password);
bool verify_password(std::string_view stored_hash, std::string_view password);
// Compares in time independent of where the strings differ.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace kb
