#include "certificates/certificate_kind.h"

namespace kb::certificates {

std::string_view kind_key(CertificateKind kind) {
  switch (kind) {
    case CertificateKind::kVaccination:
      return "v";
    case CertificateKind::kTest:
      return "t";
    case CertificateKind::kRecovery:
      return "r";
  }
  return "";
}

std::string_view kind_name(CertificateKind kind) {
  switch (kind) {
    case CertificateKind::kVaccination:
      return "vaccination";
    case CertificateKind::kTest:
      return "test";
    case CertificateKind::kRecovery:
      return "recovery";
  }
  return "";
}

}  // namespace kb::certificates
