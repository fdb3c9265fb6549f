// Verifying a DCC: decoding, the signer's signature and authority, the certificate's form, and
// its validity at a given time. The same path serves foreign certificates and our own.
//
// Order of the checks, and the status each failure gives (the first failure wins):
//   1. the text decodes (HC1:, base45, zlib, COSE_Sign1, CWT claims)   → malformed
//   2. a kid is present and names a trusted document signer           → unknown_signer
//   3. the signature verifies with that signer's key (ES256, PS256)   → invalid_signature
//   4. the signer's DCC key usage allows this kind of certificate     → invalid_signature
//   5. the health certificate follows its schema version              → malformed
//   6. issued-at ≤ at                                                 → not_yet_valid
//   7. at ≤ expiry                                                    → expired
//   otherwise valid. Codes outside the EU value sets do not change the status: they are
//   shown as they are and listed in unknown_codes.
// The holder and the entries are returned only when the signature holds (steps 1–4 passed).
// The signer certificate's own validity period is not compared with iat or exp: the EU's test
// data has a certificate signed before its signer's notBefore that is meant to verify (BG 4);
// a signer that must no longer count is taken out of the trust list.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "certificates/health_certificate.h"
#include "certificates/trust_list.h"

namespace kb::certificates {

enum class VerificationStatus {
  kValid,
  kExpired,
  kNotYetValid,
  kInvalidSignature,
  kUnknownSigner,
  kMalformed
};

// valid, expired, not_yet_valid, invalid_signature, unknown_signer, malformed.
std::string_view status_name(VerificationStatus status);

struct Verification {
  VerificationStatus status = VerificationStatus::kMalformed;
  // Why, in one stable code: not_dcc, bad_base45, bad_compression, malformed_cbor,
  // malformed_cose, malformed_cwt, schema, no_kid, unknown_kid, unsupported_algorithm,
  // bad_signature, signer_not_allowed, issued_in_future, expired; empty when valid.
  std::string reason;

  // Known once the COSE message is read.
  std::optional<std::string> kid;    // 8 raw bytes, as carried
  std::optional<int64_t> algorithm;  // COSE alg
  // Known once the claims are read.
  std::string issuer_country;
  int64_t issued_at = 0;
  int64_t expires_at = 0;

  bool signature_valid = false;               // steps 2–3 passed
  std::optional<std::string> signer_subject;  // the trusted certificate that verified it
  // Steps 1–4 passed: the health certificate as read, with its problems and unknown codes.
  std::optional<ReadHealthCertificate> certificate;
};

// Verifies the QR text `payload` at Unix time `at` against `trust`.
Verification verify(std::string_view payload, int64_t at, const TrustList& trust);

}  // namespace kb::certificates
