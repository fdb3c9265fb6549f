// The EU value sets that DCC fields draw their codes from. A code outside its set is not an
// error of the certificate's form or signature: verifiers show it as it is and list it as
// unknown (value sets grow; a verifier's copy may be older than the issuer's).
#pragma once

#include <optional>
#include <string_view>

namespace kb::certificates {

enum class ValueSet {
  kDisease,              // tg: 840539006 COVID-19
  kVaccineProphylaxis,   // vp: e.g. 1119349007 SARS-CoV-2 mRNA vaccine
  kVaccineProduct,       // mp: e.g. EU/1/20/1528 Comirnaty, BBIBP-CorV, Sputnik-V
  kVaccineManufacturer,  // ma of a vaccination: e.g. ORG-100030215 Biontech
  kTestType,             // tt: LP6464-4 NAAT, LP217198-3 RAT
  kTestDevice,           // ma of a test: the RAT device id
  kTestResult,           // tr: 260415000 not detected, 260373001 detected
  kCountry,              // co: ISO 3166-1 alpha-2
};

// The display text of `code` in `set`, or std::nullopt when the set has no such code.
std::optional<std::string_view> value_set_display(ValueSet set, std::string_view code);
// How the EU's encoding instructions (value sets, Annex A) write a vaccination with product
// `product` (mp): its manufacturer or authorisation holder (ma) and vaccine type (vp).
struct VaccineEncoding {
  std::string_view manufacturer;
  std::string_view prophylaxis;
};
std::optional<VaccineEncoding> vaccine_encoding(std::string_view product);

// The set's file name in the EU repository, e.g. "vaccine-medicinal-product".
std::string_view value_set_id(ValueSet set);

}  // namespace kb::certificates
