// The three kinds of EU Digital COVID Certificate: the hcert holds exactly one kind of entry
// (v, t or r), and a document signer may be restricted to some kinds.
#pragma once

#include <string_view>

namespace kb::certificates {

enum class CertificateKind { kVaccination, kTest, kRecovery };

// "v", "t", "r": the hcert key of the kind's entries.
std::string_view kind_key(CertificateKind kind);
// "vaccination", "test", "recovery".
std::string_view kind_name(CertificateKind kind);

}  // namespace kb::certificates
