#include "certificates/verifier.h"

#include "certificates/dcc_codec.h"

namespace kb::certificates {

std::string_view status_name(VerificationStatus status) {
  switch (status) {
    case VerificationStatus::kValid:
      return "valid";
    case VerificationStatus::kExpired:
      return "expired";
    case VerificationStatus::kNotYetValid:
      return "not_yet_valid";
    case VerificationStatus::kInvalidSignature:
      return "invalid_signature";
    case VerificationStatus::kUnknownSigner:
      return "unknown_signer";
    case VerificationStatus::kMalformed:
      return "malformed";
  }
  return "malformed";
}

Verification verify(std::string_view payload, int64_t at, const TrustList& trust) {
  Verification v;
  auto fail = [&v](VerificationStatus status, std::string reason) {
    v.status = status;
    v.reason = std::move(reason);
    return v;
  };

  auto decoded = decode_dcc(payload);
  if (!decoded.ok()) return fail(VerificationStatus::kMalformed, decoded.error().code);
  const CoseSign1& cose = decoded->cose;
  const CwtClaims& claims = decoded->claims;
  v.kid = cose.kid();
  v.algorithm = cose.algorithm();
  v.issuer_country = claims.issuer;
  v.issued_at = claims.issued_at;
  v.expires_at = claims.expires_at;

  if (!v.kid) return fail(VerificationStatus::kUnknownSigner, "no_kid");
  auto signers = trust.find(*v.kid);
  if (signers.empty()) return fail(VerificationStatus::kUnknownSigner, "unknown_kid");
  if (!v.algorithm || (*v.algorithm != kAlgEs256 && *v.algorithm != kAlgPs256)) {
    return fail(VerificationStatus::kInvalidSignature, "unsupported_algorithm");
  }
  std::string signed_bytes = cose.to_be_signed();
  const SignerCertificate* signer = nullptr;
  for (const SignerCertificate* candidate : signers) {
    if (candidate->verify(*v.algorithm, signed_bytes, cose.signature)) {
      signer = candidate;
      break;
    }
  }
  if (!signer) return fail(VerificationStatus::kInvalidSignature, "bad_signature");
  v.signature_valid = true;
  v.signer_subject = signer->subject();

  ReadHealthCertificate read = read_health_certificate(claims.hcert);
  auto kind = read.certificate.kind();
  bool allowed = !kind || signer->may_sign(*kind);
  v.certificate = std::move(read);
  if (!allowed) {
    v.certificate.reset();
    return fail(VerificationStatus::kInvalidSignature, "signer_not_allowed");
  }
  if (!v.certificate->problems.empty()) return fail(VerificationStatus::kMalformed, "schema");
  if (at < claims.issued_at) return fail(VerificationStatus::kNotYetValid, "issued_in_future");
  if (at > claims.expires_at) return fail(VerificationStatus::kExpired, "expired");
  v.status = VerificationStatus::kValid;
  return v;
}

}  // namespace kb::certificates
