#include "certificates/trust_list.h"

#include <fstream>
#include <sstream>

namespace kb::certificates {

void TrustList::add_all(const TrustList& other) {
  certificates_.insert(certificates_.end(), other.certificates_.begin(), other.certificates_.end());
}

std::vector<const SignerCertificate*> TrustList::find(std::string_view kid) const {
  std::vector<const SignerCertificate*> out;
  for (const auto& c : certificates_) {
    if (c.kid() == kid) out.push_back(&c);
  }
  return out;
}

Result<TrustList> load_trust_bundle(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return invalid("trust_file", "unreadable_file", "cannot read the DCC trust bundle " + path);
  std::ostringstream text;
  text << in.rdbuf();
  KB_ASSIGN(auto certificates, parse_pem_bundle(text.str()));
  return TrustList(std::move(certificates));
}

}  // namespace kb::certificates
