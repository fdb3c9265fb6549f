// Document-signer certificates (X.509) and the signatures of COSE: ES256 (ECDSA with SHA-256 on
// P-256, which COSE writes as the raw 64 bytes r‖s where OpenSSL speaks DER) and PS256
// (RSASSA-PSS with SHA-256, verification only). A certificate's key identifier `kid` is the
// first 8 bytes of the SHA-256 of its DER encoding; DCC extended-key-usage OIDs restrict which
// kinds of certificate it may sign.
#pragma once

#include <openssl/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "certificates/certificate_kind.h"
#include "core/result.h"

namespace kb::certificates {

// COSE algorithm identifiers (RFC 9053).
inline constexpr int64_t kAlgEs256 = -7;
inline constexpr int64_t kAlgPs256 = -37;

// The DCC extended-key-usage OIDs (eHealth Network trust framework), both spellings in use.
std::vector<CertificateKind> kinds_of_key_usage_oid(std::string_view oid);

// A raw r‖s ECDSA signature (2 × `half` bytes) as DER, and back; std::nullopt-like empty
// strings on malformed input.
std::string ecdsa_raw_to_der(std::string_view raw);
std::string ecdsa_der_to_raw(std::string_view der, size_t half = 32);

class SignerCertificate {
 public:
  // Parses a DER X.509 certificate with an EC (P-256 in practice) or RSA public key.
  static Result<SignerCertificate> from_der(std::string_view der);

  const std::string& der() const { return der_; }
  // The 8-byte key identifier; kid_base64() is its usual printed form.
  const std::string& kid() const { return kid_; }
  std::string kid_base64() const;
  const std::string& subject() const { return subject_; }
  int64_t not_before() const { return not_before_; }
  int64_t not_after() const { return not_after_; }
  // The kinds its extended key usage names; empty when it names no DCC OID (it may sign any).
  const std::vector<CertificateKind>& kinds() const { return kinds_; }
  bool may_sign(CertificateKind kind) const;

  // True when `signature` (COSE form) over `data` verifies with this certificate's key under
  // COSE algorithm `alg`; false for a wrong signature, an algorithm the key cannot do, or one
  // this module does not know.
  bool verify(int64_t alg, std::string_view data, std::string_view signature) const;

 private:
  std::string der_;
  std::string kid_;
  std::string subject_;
  int64_t not_before_ = 0;
  int64_t not_after_ = 0;
  std::vector<CertificateKind> kinds_;
  std::shared_ptr<EVP_PKEY> key_;
};

// The certificates of a PEM bundle (any number of "-----BEGIN CERTIFICATE-----" blocks, other
// text between them ignored); an error naming the block that fails, or when there is none.
Result<std::vector<SignerCertificate>> parse_pem_bundle(std::string_view pem);

// An EC P-256 private key that signs certificates with ES256.
class EcSigningKey {
 public:
  static Result<EcSigningKey> generate();
  // PKCS#8 PEM, as stored.
  static Result<EcSigningKey> from_pem(std::string_view pem);
  std::string to_pem() const;

  // The raw r‖s ES256 signature of `data`.
  Result<std::string> sign(std::string_view data) const;

  // A self-signed X.509 v3 certificate (DER) of this key: subject and issuer
  // C=VN, O=`organisation`, CN=`common_name`, valid [not_before, not_after], key usage
  // digitalSignature, and the DCC extended key usage of `kinds` (none when empty).
  Result<std::string> self_signed_certificate(std::string_view organisation,
                                              std::string_view common_name, int64_t not_before,
                                              int64_t not_after,
                                              const std::vector<CertificateKind>& kinds) const;

 private:
  std::shared_ptr<EVP_PKEY> key_;
};

}  // namespace kb::certificates
