#include "certificates/dcc_codec.h"

#include <cmath>

#include "certificates/base45.h"
#include "certificates/compression.h"

namespace kb::certificates {
namespace {

Error malformed_cwt(std::string message) {
  return invalid("payload", "malformed_cwt", std::move(message));
}

// RFC 8392 NumericDate: an integer, or a float (fractions dropped).
std::optional<int64_t> numeric_date(const Cbor* claim) {
  if (!claim) return std::nullopt;
  const Cbor& v = claim->untagged();
  if (v.is_integer()) return v.integer;
  if (v.type == Cbor::Type::kFloat && std::isfinite(v.number) && std::fabs(v.number) < 1e15) {
    return static_cast<int64_t>(std::floor(v.number));
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string_view> strip_dcc_prefix(std::string_view text) {
  if (text.substr(0, kDccPrefix.size()) != kDccPrefix) return std::nullopt;
  return text.substr(kDccPrefix.size());
}

Result<CwtClaims> read_cwt_claims(std::string_view cwt) {
  KB_ASSIGN(Cbor item, cbor_decode(cwt));
  const Cbor& claims = item.untagged();
  if (!claims.is_map()) return malformed_cwt("the CWT is not a map of claims");
  CwtClaims out;
  if (const Cbor* iss = claims.find(kClaimIssuer)) {
    if (!iss->is_text()) return malformed_cwt("the issuer claim is not a text");
    out.issuer = iss->bytes;
  }
  auto iat = numeric_date(claims.find(kClaimIssuedAt));
  auto exp = numeric_date(claims.find(kClaimExpiry));
  if (!iat) return malformed_cwt("the CWT has no issued-at time");
  if (!exp) return malformed_cwt("the CWT has no expiry time");
  out.issued_at = *iat;
  out.expires_at = *exp;
  const Cbor* hcert = claims.find(kClaimHcert);
  if (!hcert || !hcert->is_map()) return malformed_cwt("the CWT has no health certificate claim");
  const Cbor* v1 = hcert->find(kHcertV1);
  if (!v1 || !v1->untagged().is_map())
    return malformed_cwt("the health certificate claim has no certificate");
  out.hcert = v1->untagged();
  return out;
}

Result<DecodedDcc> decode_dcc(std::string_view text) {
  auto base45 = strip_dcc_prefix(text);
  if (!base45) return invalid("payload", "not_dcc", "the text does not start with HC1:");
  auto compressed = base45_decode(*base45);
  if (!compressed) return invalid("payload", "bad_base45", "the text after HC1: is not base45");
  auto cose = zlib_inflate(*compressed);
  if (!cose)
    return invalid("payload", "bad_compression", "the certificate is not a valid zlib stream");
  DecodedDcc out;
  KB_ASSIGN(out.cose, parse_cose_sign1(*cose));
  KB_ASSIGN(out.claims, read_cwt_claims(out.cose.payload));
  return out;
}

std::string encode_cwt(const CwtClaims& claims) {
  CborMap m;
  if (!claims.issuer.empty())
    m.emplace_back(Cbor::integer_of(kClaimIssuer), Cbor::text_of(claims.issuer));
  m.emplace_back(Cbor::integer_of(kClaimIssuedAt), Cbor::integer_of(claims.issued_at));
  m.emplace_back(Cbor::integer_of(kClaimExpiry), Cbor::integer_of(claims.expires_at));
  m.emplace_back(Cbor::integer_of(kClaimHcert),
                 Cbor::map_of({{Cbor::integer_of(kHcertV1), claims.hcert}}));
  return cbor_encode(Cbor::map_of(std::move(m)));
}

std::string encode_dcc_text(std::string_view cose) {
  return std::string(kDccPrefix) + base45_encode(zlib_deflate(cose));
}

}  // namespace kb::certificates
