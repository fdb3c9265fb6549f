// The signed personal QR: a compact token naming a person and their health-status colour,
// signed with Ed25519 by a key stored in the database so that every server process shares it.
// Payloads look like "KB1." + base64url(binary token + 64-byte signature).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "store/database.h"

namespace kb::qr {

// Personal QR payloads begin with "KB1.".
bool looks_like_personal_qr(std::string_view payload);

enum class Verdict { kValid, kExpired, kRevoked, kForged, kMalformed };

struct PersonalQrCheck {
  Verdict verdict = Verdict::kMalformed;
  int64_t person_id = 0;  // set when the signature is good (valid, expired or revoked)
  std::string colour;     // "green" | "yellow" | "red"
  int64_t issued_at = 0, expires_at = 0;
  std::string key_id;
  std::optional<int64_t> revoked_at;  // set when revoked
  std::string revoked_reason;         // "colour_changed" | "holder" | "" (not recorded)
};

std::string_view verdict_name(Verdict v);  // "valid", "expired", "revoked", "forged", "malformed"
// Why a scanner refuses a QR that is not valid, naming `field`: qr_expired, qr_revoked (kGone),
// qr_forged, qr_malformed (kInvalidArgument).
Error refusal(Verdict v, std::string field = "payload");

// Checks signature (against the stored public keys), expiry and revocation. Never an error for
// bad input: that is a verdict. Errors only for database failures.
Result<PersonalQrCheck> check_personal_qr(store::Connection& c, std::string_view payload,
                                          int64_t now);

// ---- Issuing and revoking (used by the declarations and people routes). ----

struct IssuedQr {
  int64_t token_id = 0;
  int64_t person_id = 0;
  std::string payload;  // "KB1.…"
  std::string colour;
  int64_t issued_at = 0, expires_at = 0;
  std::string key_id;
};

// A token for the person in `colour`: the newest unrevoked one when it has the same colour,
// was signed by the current key and has at least half its life left; otherwise a new one.
Result<IssuedQr> personal_qr_for(store::Connection& c, int64_t person_id, std::string_view colour,
                                 int64_t now);
// Signs a new token unconditionally.
Result<IssuedQr> issue_personal_qr(store::Connection& c, int64_t person_id, std::string_view colour,
                                   int64_t now, int64_t ttl_seconds);
// Revokes the person's unrevoked tokens (all of them, or only those whose colour is not
// `keep_colour` when it is given); returns how many. The reason is recorded for verifiers: all
// of them is the holder's request ("holder"), the other colours a change of colour
// ("colour_changed").
Result<int64_t> revoke_personal_qrs(store::Connection& c, int64_t person_id, int64_t now,
                                    std::string_view keep_colour = {});

}  // namespace kb::qr
