#include "scan/bhyt_qr.h"

#include <fmt/format.h>

#include <optional>

#include "core/text.h"
#include "people/person.h"
#include "scan/card_fields.h"

namespace kb::scan {
namespace {

Error refuse(std::string code, std::string message) {
  return invalid("payload", std::move(code), std::move(message));
}

bool is_upper_or_lower(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool is_card_number(std::string_view s) {
  if (s.size() != 15 || !is_upper_or_lower(s[0]) || !is_upper_or_lower(s[1])) return false;
  for (size_t i = 2; i < s.size(); ++i) {
    if (!is_digit(s[i])) return false;
  }
  return true;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> decode_hex(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  std::string out;
  out.reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    int hi = hex_value(hex[i]), lo = hex_value(hex[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return out;
}

// A validity date: DD/MM/YYYY, or "-" / nothing for none. Nothing at all when malformed.
std::optional<std::string> parse_validity(std::string_view text) {
  text = trim_scanned(text);
  if (text.empty() || text == "-") return std::string();
  return parse_card_date(text, '/');
}

}  // namespace

bool looks_like_bhyt(std::string_view payload) {
  payload = trim_scanned(payload);
  return payload.size() > 15 && is_card_number(payload.substr(0, 15)) && payload[15] == '|';
}

Result<BhytCard> parse_bhyt(std::string_view payload, int64_t now) {
  if (payload.size() > kMaxBhytPayloadBytes) {
    return refuse("invalid_bhyt_qr",
                  fmt::format("a BHYT QR holds at most {} bytes", kMaxBhytPayloadBytes));
  }
  auto fields = split_fields(trim_scanned(payload));
  if (fields.size() < 4) {
    return refuse(
        "invalid_bhyt_qr",
        fmt::format("a BHYT QR starts with card number, name, birth date and sex separated by '|'; "
                    "this one has {} field(s)",
                    fields.size()));
  }
  BhytCard card;
  if (!is_card_number(fields[0])) {
    return refuse(
        "invalid_card_number",
        "the card number (field 1) must be 2 letters and 13 digits, e.g. DN4797915023456");
  }
  card.card_number = std::string(fields[0]);
  for (char& c : card.card_number) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  card.social_insurance_number = card.card_number.substr(5);

  auto raw_name = decode_hex(fields[1]);
  if (!raw_name) return refuse("invalid_name", "the name (field 2) must be hex-encoded UTF-8");
  auto name = people::normalize_name(*raw_name, "payload");
  if (!name.ok()) return refuse("invalid_name", "the name (field 2): " + name.error().message);
  card.full_name = std::move(*name);

  auto birth = parse_card_date(fields[2], '/');
  if (!birth)
    return refuse("invalid_birth_date", "the birth date (field 3) is not a valid DD/MM/YYYY date");
  if (*birth > vietnam_today(now))
    return refuse("birth_date_in_future", "the birth date (field 3) is in the future");
  card.birth_date = std::move(*birth);

  if (fields[3] == "1") {
    card.sex = "male";
  } else if (fields[3] == "2") {
    card.sex = "female";
  } else {
    return refuse("invalid_sex", "the sex (field 4) must be 1 (male) or 2 (female)");
  }

  if (fields.size() > 4) {
    auto raw_address = decode_hex(fields[4]);
    std::optional<std::string> address;
    if (raw_address) address = clean_text(*raw_address);
    if (!address)
      return refuse("invalid_address", "the address (field 5) must be hex-encoded UTF-8 text");
    card.address = std::move(*address);
  }
  if (fields.size() > 5) {
    std::string_view hospital = fields[5];
    if (hospital.size() > 16 ||
        hospital.find_first_not_of("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                   "abcdefghijklmnopqrstuvwxyz-.") != std::string_view::npos) {
      return refuse("invalid_hospital_code",
                    "the registered hospital code (field 6) is malformed, e.g. 79-024");
    }
    card.hospital_code = std::string(hospital);
  }
  if (fields.size() > 6) {
    auto from = parse_validity(fields[6]);
    if (!from)
      return refuse("invalid_validity_date",
                    "the valid-from date (field 7) is not a DD/MM/YYYY date");
    card.valid_from = std::move(*from);
  }
  if (fields.size() > 7) {
    auto to = parse_validity(fields[7]);
    if (!to)
      return refuse("invalid_validity_date",
                    "the valid-to date (field 8) is not a DD/MM/YYYY date or \"-\"");
    card.valid_to = std::move(*to);
    if (!card.valid_from.empty() && !card.valid_to.empty() && card.valid_to < card.valid_from) {
      return refuse("invalid_validity_date",
                    "the valid-to date (field 8) is before the valid-from date (field 7)");
    }
  }
  return card;
}

}  // namespace kb::scan
