// The health certificate inside a DCC (the hcert, CWT claim -260 key 1): holder, date of birth
// and exactly one kind of entry, read from CBOR against the EU DCC JSON schema of the version it
// declares (1.0.x to 1.3.x), and written back to CBOR for issuing.
//
// Reading never fails: it fills what it can and lists every departure from the schema as a
// SchemaProblem (missing or mistyped field, wrong format, more than one kind of entry …), and
// every value-set code it does not know as an UnknownCode. A verifier treats the first as a
// malformed certificate and the second as information: the code is shown as it is.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "certificates/cbor.h"
#include "certificates/certificate_kind.h"

namespace kb::certificates {

struct PersonName {
  std::string fn;   // family name as written (họ)
  std::string fnt;  // family name, ICAO 9303 transliteration: ^[A-Z<]*$
  std::string gn;   // given names as written
  std::string gnt;  // given names, transliterated
};

// Every field is required by the schema; a missing one reads as empty (or 0) and is a problem.
struct VaccinationEntry {
  std::string tg;  // disease targeted (840539006)
  std::string vp;  // vaccine or prophylaxis
  std::string mp;  // medicinal product
  std::string ma;  // marketing authorisation holder or manufacturer
  int64_t dn = 0;  // dose number
  int64_t sd = 0;  // total doses in the series
  std::string dt;  // date of vaccination, YYYY-MM-DD
  std::string co;  // country of vaccination
  std::string is;  // certificate issuer
  std::string ci;  // unique certificate identifier (UVCI)
};

struct TestEntry {
  std::string tg, tt, nm, ma, sc, dr, tr, tc, co, is, ci;  // nm, ma, dr (and tc from 1.3) optional
};

struct RecoveryEntry {
  std::string tg, fr, co, is, df, du, ci;
};

struct HealthCertificate {
  std::string version;  // "ver", e.g. "1.3.0"
  PersonName name;
  std::string dob;  // YYYY, YYYY-MM or YYYY-MM-DD (empty allowed from 1.3)
  std::vector<VaccinationEntry> vaccinations;
  std::vector<TestEntry> tests;
  std::vector<RecoveryEntry> recoveries;

  // The one kind of entry present; std::nullopt when none or more than one kind is.
  std::optional<CertificateKind> kind() const;
};

struct SchemaProblem {
  std::string path;  // e.g. "v[0].dn", "nam.fnt", "" for the whole certificate
  std::string code;  // missing, wrong_type, bad_format, too_long, out_of_range, no_entries,
                     // too_many_entries, several_kinds, unsupported_version
};

struct UnknownCode {
  std::string path;       // e.g. "v[0].mp"
  std::string value_set;  // e.g. "vaccine-medicinal-product"
  std::string code;
};

struct ReadHealthCertificate {
  HealthCertificate certificate;
  std::vector<SchemaProblem> problems;
  std::vector<UnknownCode> unknown_codes;
};

// Reads an hcert (the map under -260 / 1).
ReadHealthCertificate read_health_certificate(const Cbor& hcert);

// The hcert as CBOR with text keys, optional fields left out when empty.
Cbor health_certificate_cbor(const HealthCertificate& certificate);

// The hcert as JSON in the DCC's own field names, each value-set code beside its display text
// (e.g. "mp": "EU/1/20/1528", "mp_name": "Comirnaty"; no *_name for an unknown code).
boost::json::object health_certificate_json(const HealthCertificate& certificate);

}  // namespace kb::certificates
