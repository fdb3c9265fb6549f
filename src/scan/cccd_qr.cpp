#include "scan/cccd_qr.h"

#include <fmt/format.h>

#include "core/text.h"
#include "people/cccd.h"
#include "people/person.h"
#include "scan/card_fields.h"

namespace kb::scan {
namespace {

Error refuse(std::string code, std::string message) {
  return invalid("payload", std::move(code), std::move(message));
}

bool all_digits(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

}  // namespace

bool looks_like_cccd(std::string_view payload) {
  payload = trim_scanned(payload);
  return payload.size() > 12 && all_digits(payload.substr(0, 12)) && payload[12] == '|';
}

Result<CccdCard> parse_cccd(std::string_view payload, int64_t now) {
  if (payload.size() > kMaxCccdPayloadBytes) {
    return refuse("invalid_cccd_qr",
                  fmt::format("a CCCD QR holds at most {} bytes", kMaxCccdPayloadBytes));
  }
  payload = trim_scanned(payload);
  if (payload.ends_with('|')) payload.remove_suffix(1);
  auto fields = split_fields(payload);
  if (fields.size() != 7) {
    return refuse(
        "invalid_cccd_qr",
        fmt::format(
            "a CCCD QR has 7 fields separated by '|' (ID number, old ID number, name, birth "
            "date, sex, address, issue date); this one has {}",
            fields.size()));
  }
  CccdCard card;
  if (fields[0].size() != 12 || !all_digits(fields[0])) {
    return refuse("invalid_id_number", "the ID number (field 1) must be exactly 12 digits");
  }
  card.id_number = std::string(fields[0]);
  if (!fields[1].empty() && (fields[1].size() != 9 || !all_digits(fields[1]))) {
    return refuse("invalid_old_id_number", "the old ID number (field 2) must be 9 digits or empty");
  }
  card.old_id = std::string(fields[1]);

  auto name = people::normalize_name(fields[2], "payload");
  if (!name.ok()) return refuse("invalid_name", "the name (field 3): " + name.error().message);
  card.full_name = std::move(*name);

  std::string today = vietnam_today(now);
  auto birth = parse_card_date(fields[3], '\0');
  if (!birth)
    return refuse("invalid_birth_date", "the birth date (field 4) is not a valid DDMMYYYY date");
  if (*birth > today)
    return refuse("birth_date_in_future", "the birth date (field 4) is in the future");
  card.birth_date = std::move(*birth);

  auto sex = fold_card_word(trim_scanned(fields[4]));
  if (sex == "nam") {
    card.sex = "male";
  } else if (sex == "n\u1eef") {  // "nữ"
    card.sex = "female";
  } else {
    return refuse("invalid_sex", "the sex (field 5) must be \"Nam\" or \"N\u1eef\"");
  }

  auto address = clean_text(fields[5]);
  if (!address) return refuse("invalid_address", "the address (field 6) is not valid UTF-8 text");
  card.address = std::move(*address);

  auto issued = parse_card_date(fields[6], '\0');
  if (!issued)
    return refuse("invalid_issue_date", "the issue date (field 7) is not a valid DDMMYYYY date");
  if (*issued > today)
    return refuse("invalid_issue_date", "the issue date (field 7) is in the future");
  if (*issued < card.birth_date) {
    return refuse("invalid_issue_date", "the issue date (field 7) is before the birth date");
  }
  card.issue_date = std::move(*issued);

  KB_TRY(people::check_cccd(card.id_number, card.birth_date, card.sex, "payload"));
  return card;
}

}  // namespace kb::scan
