#include "certificates/base45.h"

#include <algorithm>
#include <array>
#include <cstdint>

namespace kb::certificates {
namespace {

constexpr std::string_view kAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

constexpr std::array<int8_t, 256> make_values() {
  std::array<int8_t, 256> values{};
  values.fill(-1);
  for (size_t i = 0; i < kAlphabet.size(); ++i)
    values[static_cast<unsigned char>(kAlphabet[i])] = static_cast<int8_t>(i);
  return values;
}
constexpr std::array<int8_t, 256> kValues = make_values();

}  // namespace

std::string base45_encode(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() / 2 * 3 + 2);
  size_t i = 0;
  for (; i + 1 < bytes.size(); i += 2) {
    unsigned n =
        static_cast<unsigned char>(bytes[i]) * 256u + static_cast<unsigned char>(bytes[i + 1]);
    out += kAlphabet[n % 45];
    out += kAlphabet[n / 45 % 45];
    out += kAlphabet[n / (45 * 45)];
  }
  if (i < bytes.size()) {
    unsigned n = static_cast<unsigned char>(bytes[i]);
    out += kAlphabet[n % 45];
    out += kAlphabet[n / 45];
  }
  return out;
}

std::optional<std::string> base45_decode(std::string_view text) {
  if (text.size() % 3 == 1) return std::nullopt;
  std::string out;
  out.reserve(text.size() / 3 * 2 + 1);
  for (size_t i = 0; i < text.size(); i += 3) {
    size_t group = std::min<size_t>(3, text.size() - i);
    unsigned n = 0;
    unsigned weight = 1;
    for (size_t k = 0; k < group; ++k) {
      int v = kValues[static_cast<unsigned char>(text[i + k])];
      if (v < 0) return std::nullopt;
      n += static_cast<unsigned>(v) * weight;
      weight *= 45;
    }
    if (group == 3) {
      if (n > 0xFFFF) return std::nullopt;
      out += static_cast<char>(n >> 8);
      out += static_cast<char>(n & 0xFF);
    } else {
      if (n > 0xFF) return std::nullopt;
      out += static_cast<char>(n);
    }
  }
  return out;
}

}  // namespace kb::certificates
