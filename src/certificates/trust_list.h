// The document-signer certificates a verifier trusts: this server's own DCC signers and the
// foreign ones of a PEM bundle (`khaibao serve --dcc-trust FILE`). Looked up by kid; several
// certificates may share a kid (it is only 8 bytes), so a lookup gives all of them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "certificates/signer_certificate.h"
#include "core/result.h"

namespace kb::certificates {

class TrustList {
 public:
  TrustList() = default;
  explicit TrustList(std::vector<SignerCertificate> certificates)
      : certificates_(std::move(certificates)) {}

  void add(SignerCertificate certificate) { certificates_.push_back(std::move(certificate)); }
  void add_all(const TrustList& other);

  // The certificates whose kid is `kid`, in the order they were added.
  std::vector<const SignerCertificate*> find(std::string_view kid) const;
  const std::vector<SignerCertificate>& certificates() const { return certificates_; }
  size_t size() const { return certificates_.size(); }

 private:
  std::vector<SignerCertificate> certificates_;
};

// The certificates of the PEM bundle at `path`. Errors: unreadable file (field trust_file),
// malformed PEM or a certificate that cannot sign DCCs (parse_pem_bundle), an empty bundle.
Result<TrustList> load_trust_bundle(const std::string& path);

}  // namespace kb::certificates
