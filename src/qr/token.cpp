#include "qr/token.h"

#include <sodium.h>

#include <cstring>

namespace kb::qr {
namespace {

constexpr char kBase32Alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
constexpr uint8_t kVersion = 1;

void put_be(std::string& out, uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

uint64_t get_be(std::string_view in, size_t at, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<uint8_t>(in[at + i]);
  return v;
}

std::string body_of(const TokenClaims& c) {
  std::string body;
  body.reserve(kTokenBodyBytes);
  body.push_back(static_cast<char>(kVersion));
  body.push_back(static_cast<char>(c.colour));
  std::string key = c.key_id.size() == 8 ? c.key_id : std::string(8, '0');
  for (size_t i = 0; i < 8; i += 2) {
    body.push_back(static_cast<char>(std::stoi(key.substr(i, 2), nullptr, 16)));
  }
  put_be(body, static_cast<uint64_t>(c.token_id), 8);
  put_be(body, static_cast<uint64_t>(c.person_id), 8);
  put_be(body, static_cast<uint64_t>(c.issued_at), 4);
  put_be(body, static_cast<uint64_t>(c.expires_at), 4);
  return body;
}

}  // namespace

std::string_view colour_of_code(int code) {
  switch (code) {
    case 0:
      return "green";
    case 1:
      return "yellow";
    case 2:
      return "red";
  }
  return "";
}

std::optional<int> colour_code(std::string_view name) {
  if (name == "green") return 0;
  if (name == "yellow") return 1;
  if (name == "red") return 2;
  return std::nullopt;
}

std::string base32_encode(std::string_view bytes) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char b : bytes) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out.push_back(kBase32Alphabet[(buffer >> (bits - 5)) & 31]);
      bits -= 5;
    }
  }
  if (bits > 0) out.push_back(kBase32Alphabet[(buffer << (5 - bits)) & 31]);
  return out;
}

std::optional<std::string> base32_decode(std::string_view text) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (char ch : text) {
    int v;
    if (ch >= 'A' && ch <= 'Z')
      v = ch - 'A';
    else if (ch >= '2' && ch <= '7')
      v = ch - '2' + 26;
    else
      return std::nullopt;
    buffer = (buffer << 5) | static_cast<uint32_t>(v);
    bits += 5;
    if (bits >= 8) {
      out.push_back(static_cast<char>((buffer >> (bits - 8)) & 0xFF));
      bits -= 8;
    }
    buffer &= (1u << bits) - 1;
  }
  // Leftover bits must be fewer than a byte and zero: one text per byte string.
  if (bits >= 5 || (buffer & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

std::string base64url_encode(std::string_view bytes) {
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                  '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(std::strlen(out.c_str()));
  return out;
}

std::optional<std::string> base64url_decode(std::string_view text) {
  std::string out(text.size(), '\0');
  size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), nullptr, &len, nullptr,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0) {
    return std::nullopt;
  }
  out.resize(len);
  return out;
}

std::string sign_token(const TokenClaims& claims, std::string_view secret_key) {
  std::string body = body_of(claims);
  unsigned char sig[crypto_sign_BYTES];
  crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(body.data()),
                       body.size(), reinterpret_cast<const unsigned char*>(secret_key.data()));
  body.append(reinterpret_cast<const char*>(sig), sizeof sig);
  return std::string(kPersonalQrPrefix) + base32_encode(body);
}

std::optional<ParsedToken> parse_token(std::string_view payload) {
  if (!payload.starts_with(kPersonalQrPrefix)) return std::nullopt;
  auto raw = base32_decode(payload.substr(kPersonalQrPrefix.size()));
  if (!raw || raw->size() != kTokenBodyBytes + kSignatureBytes) return std::nullopt;
  std::string_view b(*raw);
  if (static_cast<uint8_t>(b[0]) != kVersion) return std::nullopt;
  ParsedToken t;
  t.claims.colour = static_cast<uint8_t>(b[1]);
  if (colour_of_code(t.claims.colour).empty()) return std::nullopt;
  static constexpr char kHex[] = "0123456789abcdef";
  for (size_t i = 2; i < 6; ++i) {
    auto byte = static_cast<uint8_t>(b[i]);
    t.claims.key_id.push_back(kHex[byte >> 4]);
    t.claims.key_id.push_back(kHex[byte & 15]);
  }
  t.claims.token_id = static_cast<int64_t>(get_be(b, 6, 8));
  t.claims.person_id = static_cast<int64_t>(get_be(b, 14, 8));
  t.claims.issued_at = static_cast<int64_t>(get_be(b, 22, 4));
  t.claims.expires_at = static_cast<int64_t>(get_be(b, 26, 4));
  if (t.claims.token_id < 0 || t.claims.person_id < 0) return std::nullopt;
  t.body = std::string(b.substr(0, kTokenBodyBytes));
  t.signature = std::string(b.substr(kTokenBodyBytes));
  return t;
}

bool verify_signature(const ParsedToken& token, std::string_view public_key) {
  if (public_key.size() != crypto_sign_PUBLICKEYBYTES ||
      token.signature.size() != crypto_sign_BYTES)
    return false;
  return crypto_sign_verify_detached(
             reinterpret_cast<const unsigned char*>(token.signature.data()),
             reinterpret_cast<const unsigned char*>(token.body.data()), token.body.size(),
             reinterpret_cast<const unsigned char*>(public_key.data())) == 0;
}

}  // namespace kb::qr
