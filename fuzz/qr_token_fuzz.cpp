// The personal QR token (qr/token.h) as any scanner reads it: "KB1." + base32. A token that
// parses is canonical (its text is the one encoding of its bytes), and signing its claims
// again gives the same body. The base32 and base64url codecs round-trip any bytes.
#include <sodium.h>

#include <string>

#include "check.h"
#include "qr/token.h"

namespace {

struct Keys {
  unsigned char pk[crypto_sign_PUBLICKEYBYTES];
  unsigned char sk[crypto_sign_SECRETKEYBYTES];
  Keys() {
    if (sodium_init() < 0) std::abort();
    unsigned char seed[crypto_sign_SEEDBYTES] = {42};
    crypto_sign_seed_keypair(pk, sk, seed);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace kb::qr;
  static const Keys keys;
  std::string_view text(reinterpret_cast<const char*>(data), size);

  // Any bytes round-trip through both codecs; a decoded text is the one encoding of its bytes.
  auto b32 = base32_decode(base32_encode(text));
  KB_FUZZ_CHECK(b32 && *b32 == text, "base32 round trip");
  auto b64 = base64url_decode(base64url_encode(text));
  KB_FUZZ_CHECK(b64 && *b64 == text, "base64url round trip");
  if (auto bytes = base32_decode(text)) {
    KB_FUZZ_CHECK(base32_encode(*bytes) == text, "base32 decoding is strict");
  }
  if (auto bytes = base64url_decode(text)) {
    KB_FUZZ_CHECK(base64url_decode(base64url_encode(*bytes)) == *bytes, "base64url decodes");
  }

  auto token = parse_token(text);
  if (!token) return 0;
  const TokenClaims& c = token->claims;
  KB_FUZZ_CHECK(text.starts_with(kPersonalQrPrefix), "prefix");
  KB_FUZZ_CHECK(
      base32_encode(token->body + token->signature) == text.substr(kPersonalQrPrefix.size()),
      "a parsed token is the one encoding of its bytes");
  KB_FUZZ_CHECK(token->body.size() == kTokenBodyBytes && token->signature.size() == kSignatureBytes,
                "sizes");
  KB_FUZZ_CHECK(!colour_of_code(c.colour).empty(), "colour");
  KB_FUZZ_CHECK(
      c.key_id.size() == 8 && c.key_id.find_first_not_of("0123456789abcdef") == std::string::npos,
      c.key_id);
  KB_FUZZ_CHECK(c.token_id >= 0 && c.person_id >= 0 && c.issued_at >= 0 && c.expires_at >= 0,
                "ids and times are not negative");

  std::string_view secret(reinterpret_cast<const char*>(keys.sk), sizeof keys.sk);
  std::string_view pub(reinterpret_cast<const char*>(keys.pk), sizeof keys.pk);
  auto resigned = parse_token(sign_token(c, secret));
  KB_FUZZ_CHECK(resigned && resigned->body == token->body, "the claims sign to the same body");
  KB_FUZZ_CHECK(verify_signature(*resigned, pub), "a token signed with the key verifies");
  KB_FUZZ_CHECK(verify_signature(*token, pub) == (token->signature == resigned->signature),
                "only the key's own signature verifies");
  return 0;
}
