// The CCCD card's QR text (scan/cccd_qr.h): any bytes a camera or a hostile QR hands the
// scanner. A card that parses is well-formed field by field, and written back as a card would
// print it, it parses to the same fields.
#include <fmt/format.h>

#include <string>

#include "check.h"
#include "core/text.h"
#include "people/cccd.h"
#include "people/person.h"
#include "scan/card_fields.h"
#include "scan/cccd_qr.h"

namespace {

constexpr int64_t kNow = 1768453200;  // 2026-01-15 12:00 in Vietnam

// YYYY-MM-DD as the card prints it: DDMMYYYY.
std::string card_date(const std::string& iso) {
  return iso.substr(8, 2) + iso.substr(5, 2) + iso.substr(0, 4);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace kb;
  std::string_view payload(reinterpret_cast<const char*>(data), size);
  auto card = scan::parse_cccd(payload, kNow);
  if (!card.ok()) {
    KB_FUZZ_CHECK(
        card.error().kind == ErrorKind::kInvalidArgument && card.error().field == "payload",
        card.error().code);
    return 0;
  }
  KB_FUZZ_CHECK(scan::looks_like_cccd(payload), "a parsed card is routed as a CCCD");
  KB_FUZZ_CHECK(card->id_number.size() == 12 && fuzz::all_digits(card->id_number), card->id_number);
  KB_FUZZ_CHECK(
      card->old_id.empty() || (card->old_id.size() == 9 && fuzz::all_digits(card->old_id)),
      card->old_id);
  KB_FUZZ_CHECK(card->sex == "male" || card->sex == "female", card->sex);
  KB_FUZZ_CHECK(fuzz::is_calendar_date(card->birth_date), card->birth_date);
  KB_FUZZ_CHECK(fuzz::is_calendar_date(card->issue_date), card->issue_date);
  std::string today = scan::vietnam_today(kNow);
  KB_FUZZ_CHECK(card->birth_date <= card->issue_date && card->issue_date <= today,
                card->birth_date + " " + card->issue_date);
  KB_FUZZ_CHECK(people::check_cccd(card->id_number, card->birth_date, card->sex).ok(),
                "the ID number agrees with the birth year and sex");

  auto name = people::normalize_name(card->full_name);
  KB_FUZZ_CHECK(name.ok() && *name == card->full_name,
                "the name is normalised: " + card->full_name);
  KB_FUZZ_CHECK(fuzz::is_utf8(card->address) && fuzz::is_single_spaced(card->address),
                card->address);
  auto address = kb::clean_text(card->address);
  KB_FUZZ_CHECK(address && *address == card->address, "the address is clean: " + card->address);

  std::string printed =
      fmt::format("{}|{}|{}|{}|{}|{}|{}", card->id_number, card->old_id, card->full_name,
                  card_date(card->birth_date), card->sex == "male" ? "Nam" : "N\u1eef",
                  card->address, card_date(card->issue_date));
  // A card near the size limit can outgrow it when printed ("Nữ" for "Nu", NFC may lengthen
  // text): such a print is refused for its size only.
  if (printed.size() > scan::kMaxCccdPayloadBytes) return 0;
  auto again = scan::parse_cccd(printed, kNow);
  KB_FUZZ_CHECK(again.ok(), "the card as printed parses: " + printed);
  KB_FUZZ_CHECK(again->id_number == card->id_number && again->old_id == card->old_id &&
                    again->full_name == card->full_name && again->birth_date == card->birth_date &&
                    again->sex == card->sex && again->address == card->address &&
                    again->issue_date == card->issue_date,
                "the card as printed reads back the same: " + printed);
  return 0;
}
