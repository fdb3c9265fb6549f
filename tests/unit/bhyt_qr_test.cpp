#include "scan/bhyt_qr.h"

#include <gtest/gtest.h>

#include <chrono>
#include <set>

#include "people/person.h"
#include "sanitizer_slowdown.h"
#include "scan_fuzz.h"

namespace kb::scan {
namespace {

constexpr int64_t kNow = 1768453200;  // 2026-01-15 12:00 in Vietnam

std::string hex(std::string_view text, bool upper = false) {
  static const char* kLower = "0123456789abcdef";
  static const char* kUpper = "0123456789ABCDEF";
  const char* digits = upper ? kUpper : kLower;
  std::string out;
  for (unsigned char c : text) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

const std::string kAnName = "4e677579e1bb856e2056c4836e20416e";  // "Nguyễn Văn An"
const std::string kAddress = hex("Số 1 Lê Lợi, Phường Bến Thành, Thành phố Hồ Chí Minh");
// A card as printed since 2021: 15 fields, the last a "$".
const std::string kAn = "DN4797915023456|" + kAnName + "|15/03/1990|1|" + kAddress +
                        "|79-024|01/01/2025|31/12/2026|01/01/2025|79791502345612|-|4|01/01/2020|"
                        "a1b2c3d4e5f60718-7102|$";

std::string with_fields(std::string card, std::string name, std::string birth, std::string sex,
                        std::string rest = "") {
  return card + "|" + name + "|" + birth + "|" + sex + rest;
}

TEST(BhytQr, ReadsEveryField) {
  EXPECT_EQ(hex("Nguyễn Văn An"), kAnName);
  auto r = parse_bhyt(kAn, kNow);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->card_number, "DN4797915023456");
  EXPECT_EQ(r->social_insurance_number, "7915023456");
  EXPECT_EQ(r->full_name, "Nguyễn Văn An");
  EXPECT_EQ(r->birth_date, "1990-03-15");
  EXPECT_EQ(r->sex, "male");
  EXPECT_EQ(r->address, "Số 1 Lê Lợi, Phường Bến Thành, Thành phố Hồ Chí Minh");
  EXPECT_EQ(r->hospital_code, "79-024");
  EXPECT_EQ(r->valid_from, "2025-01-01");
  EXPECT_EQ(r->valid_to, "2026-12-31");
}

TEST(BhytQr, AcceptsEveryVariantCardsCarry) {
  struct Case {
    std::string payload;
    std::string full_name, birth_date, sex, valid_to;
  } cases[] = {
      {with_fields("DN4797915023456", kAnName, "15/03/1990", "1"), "Nguyễn Văn An", "1990-03-15",
       "male", ""},
      {with_fields("HS4010120878811", hex("Lê Thị Hồng"), "05/05/2011", "2", "|" + hex("Hà Nội")),
       "Lê Thị Hồng", "2011-05-05", "female", ""},
      {with_fields("HS4010120878811", hex("Lê Thị Hồng"), "05/05/2011", "2", "||01-058"),
       "Lê Thị Hồng", "2011-05-05", "female", ""},
      // Open-ended validity.
      {with_fields("CC1797915023456", kAnName, "15/03/1950", "1",
                   "|" + kAddress + "|79-024|01/01/2020|-|01/01/2020|$"),
       "Nguyễn Văn An", "1950-03-15", "male", ""},
      // Expired: accepted, valid_to tells the caller to warn.
      {with_fields("GD4797915023456", kAnName, "15/03/1990", "1",
                   "|" + kAddress + "|79-024|01/01/2019|31/12/2019|$"),
       "Nguyễn Văn An", "1990-03-15", "male", "2019-12-31"},
      {with_fields("DN4797915023456", hex("Nguyễn Văn An", true), "15/03/1990", "1"),
       "Nguyễn Văn An", "1990-03-15", "male", ""},
      {with_fields("dn4797915023456", kAnName, "15/03/1990", "1"), "Nguyễn Văn An", "1990-03-15",
       "male", ""},
      {kAn + "\r\n", "Nguyễn Văn An", "1990-03-15", "male", "2026-12-31"},
      {"\xEF\xBB\xBF " + kAn, "Nguyễn Văn An", "1990-03-15", "male", "2026-12-31"},
      {kAn + "|x|y|z|1|2|3|4|5|6|7|8|9|$", "Nguyễn Văn An", "1990-03-15", "male", "2026-12-31"},
      {with_fields("TE1797915023456", hex("Bé Na"), "29/02/2024", "2"), "Bé Na", "2024-02-29",
       "female", ""},
      // A decomposed name (NFD) comes back composed; runs of spaces collapse.
      {with_fields("DN4797915023456", hex("Nguye\xCC\x82\xCC\x83n  Va\xCC\x86n An "), "15/03/1990",
                   "1"),
       "Nguyễn Văn An", "1990-03-15", "male", ""},
      {with_fields("DN4797915023456", kAnName, "15/03/1990", "1", "||79-024|-|31/12/2026"),
       "Nguyễn Văn An", "1990-03-15", "male", "2026-12-31"},
      {with_fields("DN4797915023456", kAnName, "15/01/2026", "1"), "Nguyễn Văn An", "2026-01-15",
       "male", ""},
      {with_fields("BT2797915023456", hex("H'Hen Niê"), "05/05/1959", "2",
                   "|" + hex("Buôn Ma Thuột") + "|66-001"),
       "H'Hen Niê", "1959-05-05", "female", ""},
  };
  for (const auto& c : cases) {
    auto r = parse_bhyt(c.payload, kNow);
    ASSERT_TRUE(r.ok()) << c.payload << ": " << r.error().code << " " << r.error().message;
    EXPECT_EQ(r->full_name, c.full_name) << c.payload;
    EXPECT_EQ(r->birth_date, c.birth_date) << c.payload;
    EXPECT_EQ(r->sex, c.sex) << c.payload;
    EXPECT_EQ(r->valid_to, c.valid_to) << c.payload;
    EXPECT_EQ(r->card_number.substr(0, 2).find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
              std::string::npos);
  }
}

TEST(BhytQr, RefusesWithASpecificReason) {
  const std::string card = "DN4797915023456";
  struct Case {
    std::string payload;
    std::string code;
    std::string message_part;
  } cases[] = {
      {"", "invalid_bhyt_qr", "has 1 field"},
      {card + "|" + kAnName + "|15/03/1990", "invalid_bhyt_qr", "has 3 field"},
      {"https://example.com/v/K7QF2M9XWD", "invalid_bhyt_qr", "card number"},
      {kAn + std::string(5000, '|'), "invalid_bhyt_qr", "at most"},
      {with_fields("DN479791502345", kAnName, "15/03/1990", "1"), "invalid_card_number",
       "2 letters and 13 digits"},
      {with_fields("D14797915023456", kAnName, "15/03/1990", "1"), "invalid_card_number",
       "2 letters and 13 digits"},
      {with_fields("DN47979150234X6", kAnName, "15/03/1990", "1"), "invalid_card_number",
       "2 letters and 13 digits"},
      {with_fields("ĐN479791502345", kAnName, "15/03/1990", "1"), "invalid_card_number",
       "2 letters and 13 digits"},
      {with_fields(card, kAnName + "0", "15/03/1990", "1"), "invalid_name", "hex"},
      {with_fields(card, "Nguyen Van An", "15/03/1990", "1"), "invalid_name", "hex"},
      {with_fields(card, "4e67c3", "15/03/1990", "1"), "invalid_name", "UTF-8"},
      {with_fields(card, hex("An 123"), "15/03/1990", "1"), "invalid_name", "letters"},
      {with_fields(card, "", "15/03/1990", "1"), "invalid_name", "empty"},
      {with_fields(card, kAnName, "15-03-1990", "1"), "invalid_birth_date", "DD/MM/YYYY"},
      {with_fields(card, kAnName, "31/04/1990", "1"), "invalid_birth_date", "DD/MM/YYYY"},
      {with_fields(card, kAnName, "1990", "1"), "invalid_birth_date", "DD/MM/YYYY"},
      {with_fields(card, kAnName, "16/01/2026", "1"), "birth_date_in_future", "future"},
      {with_fields(card, kAnName, "15/03/1990", "3"), "invalid_sex", "1 (male) or 2 (female)"},
      {with_fields(card, kAnName, "15/03/1990", "Nam"), "invalid_sex", "1 (male) or 2 (female)"},
      {with_fields(card, kAnName, "15/03/1990", ""), "invalid_sex", "1 (male) or 2 (female)"},
      {with_fields(card, kAnName, "15/03/1990", "1", "|Hà Nội"), "invalid_address", "hex"},
      {with_fields(card, kAnName, "15/03/1990", "1", "|" + hex("Hà\x07Nội")), "invalid_address",
       "UTF-8 text"},
      {with_fields(card, kAnName, "15/03/1990", "1", "|" + kAddress + "|79 024; DROP"),
       "invalid_hospital_code", "hospital"},
      {with_fields(card, kAnName, "15/03/1990", "1", "|" + kAddress + "|79-024|2025-01-01"),
       "invalid_validity_date", "valid-from"},
      {with_fields(card, kAnName, "15/03/1990", "1",
                   "|" + kAddress + "|79-024|01/01/2025|31/13/2025"),
       "invalid_validity_date", "valid-to"},
      {with_fields(card, kAnName, "15/03/1990", "1",
                   "|" + kAddress + "|79-024|01/01/2025|31/12/2024"),
       "invalid_validity_date", "before the valid-from"},
  };
  for (const auto& c : cases) {
    auto r = parse_bhyt(c.payload, kNow);
    ASSERT_FALSE(r.ok()) << c.payload << " was accepted";
    EXPECT_EQ(r.error().kind, ErrorKind::kInvalidArgument) << c.payload;
    EXPECT_EQ(r.error().field, "payload") << c.payload;
    EXPECT_EQ(r.error().code, c.code) << c.payload << ": " << r.error().message;
    EXPECT_NE(r.error().message.find(c.message_part), std::string::npos)
        << c.payload << ": \"" << r.error().message << "\" does not say \"" << c.message_part
        << "\"";
  }
}

TEST(BhytQr, LooksLikeRoutesOnlyCardShapedText) {
  EXPECT_TRUE(looks_like_bhyt(kAn));
  EXPECT_TRUE(looks_like_bhyt("hs4010120878811|"));
  EXPECT_FALSE(looks_like_bhyt("DN4797915023456"));
  EXPECT_FALSE(looks_like_bhyt("DN479791502345|"));
  EXPECT_FALSE(
      looks_like_bhyt("079090001234|025123456|Nguyễn Văn An|15031990|Nam|Hà Nội|20042021"));
  EXPECT_FALSE(looks_like_bhyt(""));
}

TEST(BhytQr, FuzzNeverCrashesAndAcceptsOnlyWellFormedCards) {
  static const std::set<std::string> kCodes = {
      "invalid_bhyt_qr",    "invalid_card_number",   "invalid_name",
      "invalid_birth_date", "birth_date_in_future",  "invalid_sex",
      "invalid_address",    "invalid_hospital_code", "invalid_validity_date"};
  testing::PayloadFuzzer fuzzer(
      19900315, {kAn, with_fields("HS4010120878811", hex("Lê Thị Hồng"), "05/05/2011", "2"),
                 with_fields("CC1797915023456", kAnName, "15/03/1950", "1",
                             "|" + kAddress + "|79-024|01/01/2020|-|$"),
                 kAn + "\r\n"});
  const std::string today = "2026-01-15";
  auto started = std::chrono::steady_clock::now();
  int accepted = 0;
  constexpr int kInputs = 150'000;
  for (int i = 0; i < kInputs; ++i) {
    std::string payload = fuzzer.next();
    auto r = parse_bhyt(payload, kNow);
    if (!r.ok()) {
      ASSERT_EQ(r.error().field, "payload") << payload;
      ASSERT_EQ(r.error().kind, ErrorKind::kInvalidArgument) << payload;
      ASSERT_TRUE(kCodes.count(r.error().code)) << r.error().code;
      ASSERT_FALSE(r.error().message.empty());
      continue;
    }
    ++accepted;
    const BhytCard& card = *r;
    ASSERT_EQ(card.card_number.size(), 15u) << payload;
    ASSERT_EQ(card.card_number.substr(0, 2).find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
              std::string::npos);
    ASSERT_EQ(card.card_number.substr(2).find_first_not_of("0123456789"), std::string::npos)
        << payload;
    ASSERT_EQ(card.social_insurance_number, card.card_number.substr(5)) << payload;
    ASSERT_TRUE(testing::is_calendar_date(card.birth_date)) << payload;
    ASSERT_LE(card.birth_date, today) << payload;
    ASSERT_TRUE(card.valid_from.empty() || testing::is_calendar_date(card.valid_from)) << payload;
    ASSERT_TRUE(card.valid_to.empty() || testing::is_calendar_date(card.valid_to)) << payload;
    ASSERT_TRUE(card.sex == "male" || card.sex == "female") << payload;
    ASSERT_TRUE(testing::is_utf8(card.full_name)) << payload;
    ASSERT_TRUE(testing::is_utf8(card.address)) << payload;
    auto renormalised = people::normalize_name(card.full_name);
    ASSERT_TRUE(renormalised.ok() && *renormalised == card.full_name) << payload;
  }
  EXPECT_GT(accepted, kInputs / 50);
  EXPECT_LT(std::chrono::steady_clock::now() - started,
            std::chrono::seconds(5) * kb::testing::kSanitizerSlowdown);
}

}  // namespace
}  // namespace kb::scan
