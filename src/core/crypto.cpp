#include "core/crypto.h"

#include <sodium.h>

#include <cstring>

namespace kb {

bool crypto_init() { return sodium_init() >= 0; }

std::string random_token(size_t bytes) {
  std::string raw(bytes, '\0');
  randombytes_buf(raw.data(), raw.size());
  std::string out(sodium_base64_ENCODED_LEN(bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(raw.data()),
                    raw.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(std::strlen(out.c_str()));
  return out;
}

std::string random_digits(int digits) {
  std::string out;
  for (int i = 0; i < digits; ++i) out.push_back(static_cast<char>('0' + randombytes_uniform(10)));
  return out;
}

std::string to_hex(std::string_view bytes) {
  std::string out(bytes.size() * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                 bytes.size());
  out.pop_back();
  return out;
}

std::string from_hex(std::string_view hex) {
  std::string out(hex.size() / 2, '\0');
  size_t len = 0;
  if (hex.size() % 2 != 0 ||
      sodium_hex2bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), hex.data(),
                     hex.size(), nullptr, &len, nullptr) != 0 ||
      len != out.size()) {
    return {};
  }
  return out;
}

std::string keyed_hash(std::string_view data, std::string_view key) {
  unsigned char out[crypto_generichash_BYTES];
  crypto_generichash(
      out, sizeof out, reinterpret_cast<const unsigned char*>(data.data()), data.size(),
      key.empty() ? nullptr : reinterpret_cast<const unsigned char*>(key.data()),
      key.size() > crypto_generichash_KEYBYTES_MAX ? crypto_generichash_KEYBYTES_MAX : key.size());
  return to_hex(std::string_view(reinterpret_cast<const char*>(out), sizeof out));
}

Result<std::string> hash_password(std::string_view password) {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return internal("password hashing ran out of memory");
  }
  return std::string(out);
}

bool verify_password(std::string_view stored_hash, std::string_view password) {
  std::string h(stored_hash);
  return crypto_pwhash_str_verify(h.c_str(), password.data(), password.size()) == 0;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace kb
