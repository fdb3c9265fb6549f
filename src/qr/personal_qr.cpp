#include "qr/personal_qr.h"

#include "qr/signing_keys.h"
#include "qr/token.h"

namespace kb::qr {
namespace {

using store::Sql;

constexpr Sql kInsertToken{
    "insert_personal_qr_token",
    "INSERT INTO personal_qr_tokens(person_id, colour, key_id, payload, issued_at, expires_at) "
    "VALUES ($1, $2, $3, '', $4, $5) RETURNING id"};
constexpr Sql kSetPayload{"set_personal_qr_payload",
                          "UPDATE personal_qr_tokens SET payload = $2 WHERE id = $1"};
constexpr Sql kSelectLatest{
    "select_latest_personal_qr",
    "SELECT id, colour, key_id, payload, issued_at, expires_at FROM personal_qr_tokens "
    "WHERE person_id = $1 AND revoked_at IS NULL ORDER BY id DESC LIMIT 1"};
constexpr Sql kSelectRevoked{
    "select_personal_qr_revoked",
    "SELECT revoked_at, revoked_reason FROM personal_qr_tokens WHERE id = $1 AND person_id = $2"};
constexpr Sql kRevokeAll{"revoke_personal_qrs",
                         "UPDATE personal_qr_tokens SET revoked_at = $2, revoked_reason = 'holder' "
                         "WHERE person_id = $1 AND revoked_at IS NULL"};
constexpr Sql kRevokeOtherColours{
    "revoke_personal_qrs_other_colours",
    "UPDATE personal_qr_tokens SET revoked_at = $2, revoked_reason = 'colour_changed' "
    "WHERE person_id = $1 AND revoked_at IS NULL AND colour <> $3"};

}  // namespace

bool looks_like_personal_qr(std::string_view payload) {
  return payload.starts_with(kPersonalQrPrefix);
}

Error refusal(Verdict v, std::string field) {
  switch (v) {
    case Verdict::kExpired:
      return Error{ErrorKind::kGone, "qr_expired",
                   "this personal QR has expired; ask for a fresh one", field};
    case Verdict::kRevoked:
      return Error{ErrorKind::kGone, "qr_revoked", "this personal QR was revoked", field};
    case Verdict::kForged:
      return invalid(field, "qr_forged", "this personal QR is not signed by us: do not trust it");
    default:
      break;
  }
  return invalid(field, "qr_malformed", "this personal QR is damaged; scan it again");
}

std::string_view verdict_name(Verdict v) {
  switch (v) {
    case Verdict::kValid:
      return "valid";
    case Verdict::kExpired:
      return "expired";
    case Verdict::kRevoked:
      return "revoked";
    case Verdict::kForged:
      return "forged";
    case Verdict::kMalformed:
      return "malformed";
  }
  return "malformed";
}

Result<PersonalQrCheck> check_personal_qr(store::Connection& c, std::string_view payload,
                                          int64_t now) {
  PersonalQrCheck out;
  // Scanners sometimes add a line end; nothing else is forgiven.
  while (!payload.empty() &&
         (payload.back() == '\n' || payload.back() == '\r' || payload.back() == ' ')) {
    payload.remove_suffix(1);
  }
  auto token = parse_token(payload);
  if (!token) return out;  // malformed
  out.verdict = Verdict::kForged;
  KB_ASSIGN(auto key, find_public_key(c, token->claims.key_id));
  if (!key || !verify_signature(*token, key->public_key)) return out;
  const TokenClaims& t = token->claims;
  out.person_id = t.person_id;
  out.colour = std::string(colour_of_code(t.colour));
  out.issued_at = t.issued_at;
  out.expires_at = t.expires_at;
  out.key_id = t.key_id;
  KB_ASSIGN(auto row, c.query_one(kSelectRevoked, {t.token_id, t.person_id}));
  if (row && !row->is_null(0)) {
    out.verdict = Verdict::kRevoked;
    out.revoked_at = row->i64(0);
    out.revoked_reason = row->opt_str(1).value_or("");
  } else if (now >= t.expires_at || (key->not_after && now > *key->not_after)) {
    out.verdict = Verdict::kExpired;
  } else {
    out.verdict = Verdict::kValid;
  }
  return out;
}

Result<IssuedQr> issue_personal_qr(store::Connection& c, int64_t person_id, std::string_view colour,
                                   int64_t now, int64_t ttl_seconds) {
  auto code = colour_code(colour);
  if (!code) return internal("unknown colour for a personal QR");
  KB_ASSIGN(SigningKey key, current_signing_key(c, now));
  IssuedQr q;
  q.person_id = person_id;
  q.colour = std::string(colour);
  q.issued_at = now;
  q.expires_at = now + std::min(ttl_seconds, kPersonalQrTtlSeconds);
  q.key_id = key.key_id;
  KB_ASSIGN(auto row, c.query_one(kInsertToken, {person_id, colour, std::string_view(key.key_id),
                                                 now, q.expires_at}));
  if (!row) return internal("inserting a personal QR token returned no id");
  q.token_id = row->i64(0);
  TokenClaims claims{*code, key.key_id, q.token_id, person_id, q.issued_at, q.expires_at};
  q.payload = sign_token(claims, key.secret_key);
  KB_TRY(c.exec(kSetPayload, {q.token_id, std::string_view(q.payload)}));
  return q;
}

Result<IssuedQr> personal_qr_for(store::Connection& c, int64_t person_id, std::string_view colour,
                                 int64_t now) {
  KB_ASSIGN(SigningKey key, current_signing_key(c, now));
  KB_ASSIGN(auto row, c.query_one(kSelectLatest, {person_id}));
  if (row && row->str(1) == colour && row->str(2) == key.key_id && !row->str(3).empty() &&
      row->i64(5) - now >= kPersonalQrTtlSeconds / 2) {
    IssuedQr q;
    q.token_id = row->i64(0);
    q.person_id = person_id;
    q.colour = row->str(1);
    q.key_id = row->str(2);
    q.payload = row->str(3);
    q.issued_at = row->i64(4);
    q.expires_at = row->i64(5);
    return q;
  }
  return issue_personal_qr(c, person_id, colour, now, kPersonalQrTtlSeconds);
}

Result<int64_t> revoke_personal_qrs(store::Connection& c, int64_t person_id, int64_t now,
                                    std::string_view keep_colour) {
  if (keep_colour.empty()) return c.exec(kRevokeAll, {person_id, now});
  return c.exec(kRevokeOtherColours, {person_id, now, keep_colour});
}

}  // namespace kb::qr
