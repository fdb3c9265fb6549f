// The EU Digital COVID Certificate encoding, both ways:
//   hcert → CWT claims {1 iss, 6 iat, 4 exp, -260 {1 hcert}} → COSE_Sign1 → zlib → base45 →
//   "HC1:" text (→ QR, alphanumeric mode, error correction Q).
// Each reading step is a function of its own so a test can check it alone; decode_dcc runs
// them all.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "certificates/cbor.h"
#include "certificates/cose.h"
#include "core/result.h"

namespace kb::certificates {

inline constexpr std::string_view kDccPrefix = "HC1:";
inline constexpr int64_t kClaimIssuer = 1;
inline constexpr int64_t kClaimExpiry = 4;
inline constexpr int64_t kClaimIssuedAt = 6;
inline constexpr int64_t kClaimHcert = -260;
inline constexpr int64_t kHcertV1 = 1;

struct CwtClaims {
  std::string issuer;  // claim 1, an ISO 3166 country code; may be absent
  int64_t issued_at = 0;
  int64_t expires_at = 0;
  Cbor hcert;  // -260 / 1
};

// The base45 text after the "HC1:" context prefix; std::nullopt without it (HC2:, HL0: …).
std::optional<std::string_view> strip_dcc_prefix(std::string_view text);

// The claims of a CWT (the COSE payload). Errors (code malformed_cwt, or malformed_cbor): not
// a map, no -260 map holding key 1, iat or exp absent or not a NumericDate.
Result<CwtClaims> read_cwt_claims(std::string_view cwt);

struct DecodedDcc {
  CoseSign1 cose;
  CwtClaims claims;
};

// Every step from QR text to claims. Error codes name the step that failed: not_dcc,
// bad_base45, bad_compression, malformed_cbor, malformed_cose, malformed_cwt.
Result<DecodedDcc> decode_dcc(std::string_view text);

// The CWT of `claims` (issuer left out when empty).
std::string encode_cwt(const CwtClaims& claims);
// "HC1:" + base45(zlib(cose)).
std::string encode_dcc_text(std::string_view cose);

}  // namespace kb::certificates
