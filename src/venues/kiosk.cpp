#include "venues/kiosk.h"

#include <fmt/format.h>

#include <charconv>

#include "core/crypto.h"

namespace kb::venues {
namespace {

using store::Sql;

constexpr Sql kSelectSetting{"select_kiosk_secret",
                             "SELECT value FROM settings WHERE name = 'kiosk_secret'"};
constexpr Sql kInsertSetting{
    "insert_kiosk_secret",
    "INSERT INTO settings(name, value) VALUES ('kiosk_secret', $1) ON CONFLICT (name) DO NOTHING"};

std::string mac(std::string_view secret, std::string_view venue_code, int64_t window) {
  return keyed_hash(fmt::format("kiosk|{}|{}", venue_code, window), secret).substr(0, 24);
}

}  // namespace

Result<std::string> load_kiosk_secret(store::Connection& c) {
  KB_ASSIGN(auto row, c.query_one(kSelectSetting));
  return row ? row->str(0) : std::string();
}

Result<std::string> load_or_create_kiosk_secret(store::Connection& c) {
  KB_ASSIGN(std::string secret, load_kiosk_secret(c));
  if (!secret.empty()) return secret;
  KB_TRY(c.exec(kInsertSetting, {random_token(32)}));
  return load_kiosk_secret(c);
}

KioskCode kiosk_code(std::string_view secret, std::string_view venue_code, int64_t now) {
  int64_t window = now / kKioskWindowSeconds;
  return {fmt::format("{}.{}", window, mac(secret, venue_code, window)),
          (window + kKioskWindowsAccepted) * kKioskWindowSeconds,
          (window + 1) * kKioskWindowSeconds};
}

Status check_kiosk_code(std::string_view secret, std::string_view venue_code,
                        std::string_view token, int64_t now, std::string_view field) {
  Error bad = invalid(std::string(field), "invalid_kiosk_code",
                      "this kiosk code is not valid for this venue");
  size_t dot = token.find('.');
  if (secret.empty() || dot == std::string_view::npos || token.size() > 64) return bad;
  int64_t window = 0;
  auto [end, ec] = std::from_chars(token.data(), token.data() + dot, window);
  if (ec != std::errc() || end != token.data() + dot) return bad;
  if (!constant_time_equal(token.substr(dot + 1), mac(secret, venue_code, window))) return bad;
  int64_t current = now / kKioskWindowSeconds;
  if (window > current + 1) return bad;  // from the future: not ours to accept
  if (window + kKioskWindowsAccepted <= current) {
    return Error{ErrorKind::kGone, "kiosk_code_expired",
                 "this kiosk code has expired; scan the screen again", std::string(field)};
  }
  return {};
}

}  // namespace kb::venues
