// The health-insurance card's QR text (scan/bhyt_qr.h). A card that parses is well-formed
// field by field, and written back in the card's layout, it parses to the same fields.
#include <string>

#include "check.h"
#include "core/text.h"
#include "people/person.h"
#include "scan/bhyt_qr.h"
#include "scan/card_fields.h"

namespace {

constexpr int64_t kNow = 1768453200;  // 2026-01-15 12:00 in Vietnam

std::string hex(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

// YYYY-MM-DD as the card prints it: DD/MM/YYYY; "-" for none.
std::string card_date(const std::string& iso) {
  if (iso.empty()) return "-";
  return iso.substr(8, 2) + "/" + iso.substr(5, 2) + "/" + iso.substr(0, 4);
}

bool is_card_number(std::string_view s) {
  return s.size() == 15 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z' &&
         kb::fuzz::all_digits(s.substr(2));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace kb;
  std::string_view payload(reinterpret_cast<const char*>(data), size);
  auto card = scan::parse_bhyt(payload, kNow);
  if (!card.ok()) {
    KB_FUZZ_CHECK(
        card.error().kind == ErrorKind::kInvalidArgument && card.error().field == "payload",
        card.error().code);
    return 0;
  }
  KB_FUZZ_CHECK(scan::looks_like_bhyt(payload), "a parsed card is routed as a BHYT card");
  KB_FUZZ_CHECK(is_card_number(card->card_number), card->card_number);
  KB_FUZZ_CHECK(card->social_insurance_number == card->card_number.substr(5),
                card->social_insurance_number);
  KB_FUZZ_CHECK(card->sex == "male" || card->sex == "female", card->sex);
  KB_FUZZ_CHECK(
      fuzz::is_calendar_date(card->birth_date) && card->birth_date <= scan::vietnam_today(kNow),
      card->birth_date);
  for (const std::string* date : {&card->valid_from, &card->valid_to}) {
    KB_FUZZ_CHECK(date->empty() || fuzz::is_calendar_date(*date), *date);
  }
  KB_FUZZ_CHECK(
      card->valid_from.empty() || card->valid_to.empty() || card->valid_from <= card->valid_to,
      card->valid_from + " " + card->valid_to);
  auto name = people::normalize_name(card->full_name);
  KB_FUZZ_CHECK(name.ok() && *name == card->full_name,
                "the name is normalised: " + card->full_name);
  auto address = kb::clean_text(card->address);
  KB_FUZZ_CHECK(address && *address == card->address && fuzz::is_single_spaced(card->address),
                "the address is clean: " + card->address);

  std::string printed = card->card_number + "|" + hex(card->full_name) + "|" +
                        card_date(card->birth_date) + "|" + (card->sex == "male" ? "1" : "2") +
                        "|" + hex(card->address) + "|" + card->hospital_code + "|" +
                        card_date(card->valid_from) + "|" + card_date(card->valid_to) + "|$";
  // Printed in full, a card near the size limit can outgrow it (fields it lacked are printed,
  // "-" for an empty date, NFC may lengthen text): such a print is refused for its size only.
  if (printed.size() > scan::kMaxBhytPayloadBytes) return 0;
  auto again = scan::parse_bhyt(printed, kNow);
  KB_FUZZ_CHECK(again.ok(), "the card as printed parses: " + printed);
  KB_FUZZ_CHECK(again->card_number == card->card_number && again->full_name == card->full_name &&
                    again->birth_date == card->birth_date && again->sex == card->sex &&
                    again->address == card->address &&
                    again->hospital_code == card->hospital_code &&
                    again->valid_from == card->valid_from && again->valid_to == card->valid_to,
                "the card as printed reads back the same: " + printed);
  return 0;
}
