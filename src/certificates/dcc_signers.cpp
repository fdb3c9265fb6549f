#include "certificates/dcc_signers.h"

#include "qr/token.h"

namespace kb::certificates {
namespace {

using store::Sql;

constexpr Sql kSelectSigning{
    "select_dcc_signer",
    "SELECT certificate, private_key FROM dcc_signers WHERE retired_at IS NULL "
    "AND not_after >= $1 ORDER BY created_at DESC, kid LIMIT 1"};
constexpr Sql kInsertSigner{
    "insert_dcc_signer",
    "INSERT INTO dcc_signers(kid, certificate, private_key, created_at, not_after) "
    "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (kid) DO NOTHING"};
constexpr Sql kRetireSigners{"retire_dcc_signers",
                             "UPDATE dcc_signers SET retired_at = $1 WHERE retired_at IS NULL"};
constexpr Sql kSelectCertificates{
    "select_dcc_certificates", "SELECT certificate FROM dcc_signers ORDER BY created_at DESC, kid"};

constexpr std::string_view kOrganisation = "khaibao";
constexpr std::string_view kCommonName = "khaibao DSC";

Result<SignerCertificate> certificate_from_row(const std::string& stored) {
  auto der = qr::base64url_decode(stored);
  if (!der) return internal("a stored DCC signer certificate is damaged");
  return SignerCertificate::from_der(*der);
}

Result<SignerCertificate> create_signer(store::Connection& c, int64_t now) {
  KB_ASSIGN(EcSigningKey key, EcSigningKey::generate());
  // Valid from a day back: a verifier whose clock runs a little behind still accepts it.
  KB_ASSIGN(std::string der, key.self_signed_certificate(
                                 kOrganisation, kCommonName, now - 24 * 3600,
                                 now + kSignerLifetimeSeconds, {CertificateKind::kVaccination}));
  KB_ASSIGN(SignerCertificate certificate, SignerCertificate::from_der(der));
  std::string kid = certificate.kid_base64();
  std::string stored = qr::base64url_encode(der);
  std::string pem = key.to_pem();
  if (pem.empty()) return internal("could not write the DCC signing key");
  KB_ASSIGN(int64_t inserted,
            c.exec(kInsertSigner, {std::string_view(kid), std::string_view(stored),
                                   std::string_view(pem), now, certificate.not_after()}));
  if (inserted != 1) return internal("a DCC signer with this kid exists already");
  return certificate;
}

}  // namespace

Result<DccSigner> current_dcc_signer(store::Connection& c, int64_t now) {
  KB_ASSIGN(auto row, c.query_one(kSelectSigning, {now + kDccLifetimeSeconds}));
  if (!row) {
    KB_TRY(c.exec(kRetireSigners, {now}));
    KB_TRY(create_signer(c, now));
    KB_ASSIGN(row, c.query_one(kSelectSigning, {now + kDccLifetimeSeconds}));
    if (!row) return internal("the new DCC signer is not there");
  }
  KB_ASSIGN(SignerCertificate certificate, certificate_from_row(row->str(0)));
  KB_ASSIGN(EcSigningKey key, EcSigningKey::from_pem(row->str(1)));
  return DccSigner{std::move(certificate), std::move(key)};
}

Result<SignerCertificate> rotate_dcc_signer(store::Connection& c, int64_t now) {
  KB_TRY(c.exec(kRetireSigners, {now}));
  return create_signer(c, now);
}

Result<std::vector<SignerCertificate>> dcc_signer_certificates(store::Connection& c) {
  KB_ASSIGN(store::Rows rows, c.query(kSelectCertificates));
  std::vector<SignerCertificate> out;
  for (const auto& r : rows) {
    KB_ASSIGN(SignerCertificate certificate, certificate_from_row(r.str(0)));
    out.push_back(std::move(certificate));
  }
  return out;
}

}  // namespace kb::certificates
