#include "qr/signing_keys.h"

#include <sodium.h>

#include "core/crypto.h"
#include "qr/token.h"

namespace kb::qr {
namespace {

using store::Param;
using store::Sql;

constexpr Sql kSelectSigning{"select_signing_key",
                             "SELECT key_id, secret_key FROM signing_keys WHERE retired_at IS NULL "
                             "ORDER BY created_at DESC, key_id LIMIT 1"};
constexpr Sql kInsertKey{
    "insert_signing_key",
    "INSERT INTO signing_keys(key_id, public_key, secret_key, created_at) VALUES ($1, $2, $3, $4) "
    "ON CONFLICT (key_id) DO NOTHING"};
constexpr Sql kRetireKeys{
    "retire_signing_keys",
    "UPDATE signing_keys SET retired_at = $1, not_after = $2 WHERE retired_at IS NULL"};
// The key in use first, then the retired ones newest first: a rotation in the same second as
// the key's creation ties on created_at, and key ids are random.
constexpr Sql kSelectPublic{
    "select_public_keys",
    "SELECT key_id, public_key, created_at, retired_at, not_after FROM signing_keys "
    "WHERE not_after IS NULL OR not_after >= $1 "
    "ORDER BY CASE WHEN retired_at IS NULL THEN 0 ELSE 1 END, created_at DESC, key_id"};
constexpr Sql kSelectOnePublic{
    "select_public_key",
    "SELECT key_id, public_key, created_at, retired_at, not_after FROM signing_keys "
    "WHERE key_id = $1"};

PublicKey public_from_row(const store::Row& r) {
  PublicKey k;
  k.key_id = r.str(0);
  k.public_key = base64url_decode(r.str(1)).value_or(std::string());
  k.created_at = r.i64(2);
  k.retired_at = r.opt_i64(3);
  k.not_after = r.opt_i64(4);
  return k;
}

Result<PublicKey> create_key(store::Connection& c, int64_t now) {
  for (int attempt = 0; attempt < 8; ++attempt) {
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];
    unsigned char sk[crypto_sign_SECRETKEYBYTES];
    crypto_sign_keypair(pk, sk);
    unsigned char id[4];
    randombytes_buf(id, sizeof id);
    std::string key_id = to_hex(std::string_view(reinterpret_cast<const char*>(id), sizeof id));
    std::string public_b64 =
        base64url_encode(std::string_view(reinterpret_cast<const char*>(pk), sizeof pk));
    std::string secret_hex = to_hex(std::string_view(reinterpret_cast<const char*>(sk), sizeof sk));
    sodium_memzero(sk, sizeof sk);
    KB_ASSIGN(int64_t inserted,
              c.exec(kInsertKey, {std::string_view(key_id), std::string_view(public_b64),
                                  std::string_view(secret_hex), now}));
    sodium_memzero(secret_hex.data(), secret_hex.size());
    if (inserted == 1) {
      PublicKey k;
      k.key_id = key_id;
      k.public_key = std::string(reinterpret_cast<const char*>(pk), sizeof pk);
      k.created_at = now;
      return k;
    }
  }
  return internal("could not pick a free signing key id");
}

}  // namespace

Result<SigningKey> current_signing_key(store::Connection& c, int64_t now) {
  KB_ASSIGN(auto row, c.query_one(kSelectSigning));
  if (!row) {
    KB_TRY(create_key(c, now));
    KB_ASSIGN(row, c.query_one(kSelectSigning));
    if (!row) return internal("the new signing key is not there");
  }
  SigningKey k{row->str(0), from_hex(row->str(1))};
  if (k.secret_key.size() != crypto_sign_SECRETKEYBYTES)
    return internal("a stored signing key is damaged");
  return k;
}

Result<PublicKey> rotate_signing_key(store::Connection& c, int64_t now) {
  KB_TRY(c.exec(kRetireKeys, {now, now + kPersonalQrTtlSeconds}));
  return create_key(c, now);
}

Result<std::vector<PublicKey>> public_keys(store::Connection& c, int64_t now) {
  KB_ASSIGN(store::Rows rows, c.query(kSelectPublic, {now}));
  std::vector<PublicKey> out;
  for (const auto& r : rows) out.push_back(public_from_row(r));
  return out;
}

Result<std::optional<PublicKey>> find_public_key(store::Connection& c, std::string_view key_id) {
  KB_ASSIGN(auto row, c.query_one(kSelectOnePublic, {key_id}));
  if (!row) return std::optional<PublicKey>{};
  return std::optional<PublicKey>{public_from_row(*row)};
}

}  // namespace kb::qr
