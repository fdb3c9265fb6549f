// Issuing our own EU Digital COVID Certificates for recorded vaccine doses. The dose-recording
// code calls issue_vaccination_certificate() with the holder and one dose; it gets back the
// "HC1:" text to show as a QR code (dcc_qr.h) and the signer's kid. What it issues goes through
// the same verifier as foreign certificates (verifier.h).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "certificates/health_certificate.h"
#include "core/result.h"
#include "store/database.h"

namespace kb::certificates {

// A Vietnamese full name split the DCC's way: the family name (họ) is the first word, the
// given names the rest; each with its ICAO 9303 transliteration (accents removed, đ → D, upper
// case, spaces and hyphens → '<'). Errors: name (empty, or no Latin letter to transliterate).
Result<PersonName> dcc_name(std::string_view full_name);
// ICAO 9303 machine-readable form of `text`: "Nguyễn Văn Đức" → "NGUYEN<VAN<DUC".
std::string icao_transliteration(std::string_view text);

// A unique certificate identifier "URN:UVCI:01:VN:KB/<20 random A-Z0-9>#<check>", the check
// character by Luhn mod 38 over the text before '#' (the eHealth Network's UVCI annex).
std::string new_uvci();
// The Luhn mod N check character of `text` over "A-Z0-9/:"; '\0' when `text` has another
// character.
char uvci_check_character(std::string_view text);

struct DoseRecord {
  std::string full_name;      // as recorded, e.g. "Nguyễn Văn An"
  std::string birth_date;     // YYYY-MM-DD, YYYY-MM or YYYY
  std::string product;        // mp: EU value-set code, e.g. "EU/1/20/1528", "BBIBP-CorV"
  std::string manufacturer;   // ma; empty: the product's holder from the EU encoding rules
  std::string prophylaxis;    // vp; empty: the product's vaccine type from the same rules
  int64_t dose_number = 0;    // dn ≥ 1
  int64_t total_doses = 0;    // sd ≥ 1 (a booster may have dn > sd)
  std::string vaccinated_on;  // YYYY-MM-DD, not after the issuing day
  std::string issuer = "Ministry of Health of Viet Nam";  // is
  std::string certificate_id;                             // ci; empty: a new UVCI
};

struct IssuedCertificate {
  std::string text;            // "HC1:…", the QR content
  std::string kid;             // base64 of the signer's key identifier
  std::string certificate_id;  // the UVCI it carries
  int64_t issued_at = 0;
  int64_t expires_at = 0;  // issued_at + kDccLifetimeSeconds
};

// Signs a vaccination certificate for `dose` with our current DCC signer (made on first use,
// hence a writing connection). Errors name the DoseRecord field: full_name, birth_date,
// product (not in the EU value set), manufacturer, prophylaxis, dose_number, total_doses,
// vaccinated_on (malformed or after `now`), issuer, certificate_id.
Result<IssuedCertificate> issue_vaccination_certificate(store::Connection& c,
                                                        const DoseRecord& dose, int64_t now);

}  // namespace kb::certificates
