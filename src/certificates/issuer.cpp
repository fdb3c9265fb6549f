#include "certificates/issuer.h"

#include <openssl/rand.h>
#include <utf8proc.h>

#include <ctime>
#include <regex>

#include "certificates/dcc_codec.h"
#include "certificates/dcc_signers.h"
#include "certificates/value_sets.h"
#include "core/clock.h"

namespace kb::certificates {
namespace {

constexpr std::string_view kUvciAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/:";
constexpr std::string_view kDiseaseCovid19 = "840539006";
constexpr size_t kMaxText = 80;  // schema 1.3's limit for names, issuer and UVCI

size_t code_points(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// Letters that do not decompose into a base letter and marks (ICAO 9303 part 3, table).
std::string_view special_letter(utf8proc_int32_t cp) {
  switch (cp) {
    case 0x0110:  // Đ
    case 0x0111:  // đ
      return "D";
    case 0x00DF:  // ß
      return "SS";
    case 0x00C6:  // Æ
    case 0x00E6:
      return "AE";
    case 0x00D8:  // Ø
    case 0x00F8:
    case 0x0152:  // Œ
    case 0x0153:
      return "OE";
    case 0x00DE:  // Þ
    case 0x00FE:
      return "TH";
    case 0x0141:  // Ł
    case 0x0142:
      return "L";
    default:
      return {};
  }
}

std::string today_in_vietnam(int64_t now) {
  time_t t = static_cast<time_t>(now + kVietnamOffsetSeconds);
  struct tm tm {};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

bool calendar_date(const std::string& s) {
  static const std::regex shape("^(19|20)\\d\\d-\\d\\d-\\d\\d$");
  if (!std::regex_match(s, shape)) return false;
  int y = std::stoi(s.substr(0, 4));
  int m = std::stoi(s.substr(5, 2));
  int d = std::stoi(s.substr(8, 2));
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m >= 1 && m <= 12 && d >= 1 && d <= kDays[m - 1] + (m == 2 && leap ? 1 : 0);
}

bool birth_date_ok(const std::string& s) {
  static const std::regex year("^(19|20)\\d\\d$");
  static const std::regex month("^(19|20)\\d\\d-(0[1-9]|1[0-2])$");
  return std::regex_match(s, year) || std::regex_match(s, month) || calendar_date(s);
}

std::string random_uvci_part(size_t length) {
  std::string out;
  unsigned char bytes[64];
  while (out.size() < length) {
    RAND_bytes(bytes, sizeof bytes);
    for (unsigned char b : bytes) {
      if (b >= 252) continue;  // 252 = 7 × 36: keeps every character equally likely
      out += kUvciAlphabet[b % 36];
      if (out.size() == length) break;
    }
  }
  return out;
}

}  // namespace

std::string icao_transliteration(std::string_view text) {
  utf8proc_uint8_t* decomposed = nullptr;
  utf8proc_ssize_t len =
      utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
                   static_cast<utf8proc_ssize_t>(text.size()), &decomposed,
                   static_cast<utf8proc_option_t>(UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK));
  if (len < 0) return {};
  std::string out;
  bool separator = false;
  for (utf8proc_ssize_t i = 0; i < len;) {
    utf8proc_int32_t cp = 0;
    utf8proc_ssize_t n = utf8proc_iterate(decomposed + i, len - i, &cp);
    if (n <= 0) break;
    i += n;
    std::string_view letters;
    char ascii[2] = {0, 0};
    if (cp < 0x80 && std::isalpha(static_cast<int>(cp))) {
      ascii[0] = static_cast<char>(std::toupper(static_cast<int>(cp)));
      letters = std::string_view(ascii, 1);
    } else {
      letters = special_letter(cp);
    }
    if (!letters.empty()) {
      if (separator && !out.empty()) out += '<';
      separator = false;
      out += letters;
    } else if (cp == ' ' || cp == '-' || cp == '\t' ||
               utf8proc_category(cp) == UTF8PROC_CATEGORY_ZS) {
      separator = true;
    }
    // Anything else (apostrophes, digits, letters of other scripts) is left out.
  }
  free(decomposed);
  return out;
}

Result<PersonName> dcc_name(std::string_view full_name) {
  std::string name;
  for (char c : full_name) {
    bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r';
    if (space) {
      if (!name.empty() && name.back() != ' ') name += ' ';
    } else {
      name += c;
    }
  }
  while (!name.empty() && name.back() == ' ') name.pop_back();
  if (name.empty()) return invalid("full_name", "empty", "the holder's name is empty");
  PersonName out;
  size_t space = name.find(' ');
  out.fn = name.substr(0, space);
  if (space != std::string::npos) out.gn = name.substr(space + 1);
  out.fnt = icao_transliteration(out.fn);
  out.gnt = icao_transliteration(out.gn);
  if (out.fnt.empty())
    return invalid("full_name", "not_transliterable", "the family name has no Latin letter");
  for (const std::string* part : {&out.fn, &out.gn, &out.fnt, &out.gnt}) {
    if (code_points(*part) > kMaxText)
      return invalid("full_name", "too_long", "a part of the name is over 80 characters");
  }
  return out;
}

char uvci_check_character(std::string_view text) {
  const int n = static_cast<int>(kUvciAlphabet.size());
  int factor = 2;
  int sum = 0;
  for (auto it = text.rbegin(); it != text.rend(); ++it) {
    size_t code = kUvciAlphabet.find(*it);
    if (code == std::string_view::npos) return '\0';
    int addend = factor * static_cast<int>(code);
    factor = factor == 2 ? 1 : 2;
    sum += addend / n + addend % n;
  }
  return kUvciAlphabet[static_cast<size_t>((n - sum % n) % n)];
}

std::string new_uvci() {
  std::string body = "URN:UVCI:01:VN:KB/" + random_uvci_part(20);
  return body + "#" + uvci_check_character(body);
}

Result<IssuedCertificate> issue_vaccination_certificate(store::Connection& c,
                                                        const DoseRecord& dose, int64_t now) {
  KB_ASSIGN(PersonName name, dcc_name(dose.full_name));
  if (!birth_date_ok(dose.birth_date)) {
    return invalid("birth_date", "invalid_date",
                   "the birth date must be YYYY-MM-DD, YYYY-MM or YYYY");
  }
  if (!value_set_display(ValueSet::kVaccineProduct, dose.product)) {
    return invalid("product", "unknown_product", "the vaccine product is not an EU value-set code");
  }
  auto encoding = vaccine_encoding(dose.product);
  std::string manufacturer = !dose.manufacturer.empty() ? dose.manufacturer
                             : encoding                 ? std::string(encoding->manufacturer)
                                                        : std::string();
  std::string prophylaxis = !dose.prophylaxis.empty() ? dose.prophylaxis
                            : encoding                ? std::string(encoding->prophylaxis)
                                                      : std::string();
  if (!value_set_display(ValueSet::kVaccineManufacturer, manufacturer)) {
    return invalid("manufacturer", "unknown_manufacturer",
                   "the manufacturer is not an EU value-set code");
  }
  if (!value_set_display(ValueSet::kVaccineProphylaxis, prophylaxis)) {
    return invalid("prophylaxis", "unknown_prophylaxis",
                   "the vaccine type is not an EU value-set code");
  }
  if (dose.dose_number < 1 || dose.dose_number > 99) {
    return invalid("dose_number", "out_of_range", "the dose number must be 1 to 99");
  }
  if (dose.total_doses < 1 || dose.total_doses > 99) {
    return invalid("total_doses", "out_of_range", "the total number of doses must be 1 to 99");
  }
  if (!calendar_date(dose.vaccinated_on)) {
    return invalid("vaccinated_on", "invalid_date", "the vaccination date must be YYYY-MM-DD");
  }
  if (dose.vaccinated_on > today_in_vietnam(now)) {
    return invalid("vaccinated_on", "in_future", "the vaccination date is after today");
  }
  if (dose.issuer.empty() || code_points(dose.issuer) > kMaxText) {
    return invalid("issuer", "invalid_issuer", "the issuer must be 1 to 80 characters");
  }
  std::string uvci = dose.certificate_id.empty() ? new_uvci() : dose.certificate_id;
  if (!dose.certificate_id.empty()) {
    size_t hash = uvci.find('#');
    bool ok =
        uvci.starts_with("URN:UVCI:01:VN:") && uvci.size() <= kMaxText &&
        (hash == std::string::npos ? uvci_check_character(uvci) != '\0'
                                   : hash + 2 == uvci.size() &&
                                         uvci_check_character(uvci.substr(0, hash)) == uvci.back());
    if (!ok)
      return invalid("certificate_id", "invalid_uvci",
                     "not a Vietnamese UVCI with a valid check character");
  }

  HealthCertificate certificate;
  certificate.version = "1.3.0";
  certificate.name = std::move(name);
  certificate.dob = dose.birth_date;
  VaccinationEntry v;
  v.tg = kDiseaseCovid19;
  v.vp = prophylaxis;
  v.mp = dose.product;
  v.ma = manufacturer;
  v.dn = dose.dose_number;
  v.sd = dose.total_doses;
  v.dt = dose.vaccinated_on;
  v.co = "VN";
  v.is = dose.issuer;
  v.ci = uvci;
  certificate.vaccinations.push_back(std::move(v));

  CwtClaims claims;
  claims.issuer = "VN";
  claims.issued_at = now;
  claims.expires_at = now + kDccLifetimeSeconds;
  claims.hcert = health_certificate_cbor(certificate);

  KB_ASSIGN(DccSigner signer, current_dcc_signer(c, now));
  CoseSign1 message;
  message.protected_header =
      Cbor::map_of({{Cbor::integer_of(kCoseHeaderAlg), Cbor::integer_of(kAlgEs256)},
                    {Cbor::integer_of(kCoseHeaderKid), Cbor::bytes_of(signer.certificate.kid())}});
  message.protected_bytes = cbor_encode(message.protected_header);
  message.unprotected_header = Cbor::map_of({});
  message.payload = encode_cwt(claims);
  KB_ASSIGN(message.signature, signer.key.sign(message.to_be_signed()));

  IssuedCertificate out;
  out.text = encode_dcc_text(encode_cose_sign1(message));
  out.kid = signer.certificate.kid_base64();
  out.certificate_id = uvci;
  out.issued_at = claims.issued_at;
  out.expires_at = claims.expires_at;
  return out;
}

}  // namespace kb::certificates
