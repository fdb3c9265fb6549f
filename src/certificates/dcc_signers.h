// The document signers of our own DCCs: EC P-256 keys with self-signed X.509 certificates
// (C=VN, O=khaibao, CN=khaibao DSC, DCC key usage: vaccination), kept in the database (table
// dcc_signers) so every server process signs with the same key and trusts the same
// certificates. Mirrors qr/signing_keys.h: the newest unretired signer signs, created on first
// use; retired signers still verify what they signed until their certificates end. Private
// keys never leave this module and are never logged.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "certificates/signer_certificate.h"
#include "core/result.h"
#include "store/database.h"

namespace kb::certificates {

// How long one of our certificates lives, and how long a signer's certificate does. A signer
// signs only while its certificate outlives what it signs (EU verifiers check that a DCC
// expires within its signer's validity); past that a new signer is made.
inline constexpr int64_t kDccLifetimeSeconds = 365 * 24 * 3600;
inline constexpr int64_t kSignerLifetimeSeconds = 4 * 365 * 24 * 3600;

struct DccSigner {
  SignerCertificate certificate;
  EcSigningKey key;
};

// The signer to sign with at `now`, created when there is none whose certificate still
// outlives a DCC issued now (then the old ones are retired). Needs a writing connection.
Result<DccSigner> current_dcc_signer(store::Connection& c, int64_t now);
// Retires the signer in use and makes a new one; returns the new one's certificate.
Result<SignerCertificate> rotate_dcc_signer(store::Connection& c, int64_t now);
// Every certificate of ours, newest first. All of them stay trusted: what one signed verifies
// however old it is, and then shows as expired rather than as signed by a stranger.
Result<std::vector<SignerCertificate>> dcc_signer_certificates(store::Connection& c);

}  // namespace kb::certificates
