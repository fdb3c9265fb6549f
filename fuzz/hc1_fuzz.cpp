// The "HC1:" certificate text (certificates/dcc_codec.h) as a scanner reads it from any QR:
// prefix, base45, zlib, COSE_Sign1, CWT claims. Whatever the text, decoding answers a result or
// an error whose code names the step that failed; a decoded certificate encodes back to a text
// that decodes to the same claims.
#include <string>

#include "certificates/dcc_codec.h"
#include "check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace kb::certificates;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto decoded = decode_dcc(input);
  if (!decoded.ok()) {
    const auto& code = decoded.error().code;
    KB_FUZZ_CHECK(code == "not_dcc" || code == "bad_base45" || code == "bad_compression" ||
                      code == "malformed_cbor" || code == "malformed_cose" ||
                      code == "malformed_cwt",
                  code);
    return 0;
  }
  KB_FUZZ_CHECK(input.starts_with(kDccPrefix), "a certificate starts with HC1:");
  const CwtClaims& c = decoded->claims;
  auto again = read_cwt_claims(encode_cwt(c));
  KB_FUZZ_CHECK(again.ok(), "claims encode back");
  KB_FUZZ_CHECK(again->issuer == c.issuer && again->issued_at == c.issued_at &&
                    again->expires_at == c.expires_at,
                "the same claims");
  return 0;
}
