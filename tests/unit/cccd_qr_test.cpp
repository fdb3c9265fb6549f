#include "scan/cccd_qr.h"

#include <gtest/gtest.h>

#include <chrono>
#include <set>

#include "people/cccd.h"
#include "people/person.h"
#include "sanitizer_slowdown.h"
#include "scan_fuzz.h"

namespace kb::scan {
namespace {

constexpr int64_t kNow = 1768453200;  // 2026-01-15 12:00 in Vietnam

// Male, born 1990 (digit 4 = 0, digits 5–6 = 90), registered in province 079.
const std::string kAn =
    "079090001234|025123456|Nguyễn Văn An|15031990|Nam|"
    "123 Lê Lợi, Phường Bến Thành, Thành phố Hồ Chí Minh|20042021";
// Female, born 2005 (digit 4 = 3), no old ID.
const std::string kBinh =
    "001305012345||Trần Thị Bình|01012005|Nữ|Phường Ba Đình, Thành phố Hà Nội|10082022";

TEST(CccdQr, ReadsEveryField) {
  auto r = parse_cccd(kAn, kNow);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->id_number, "079090001234");
  EXPECT_EQ(r->old_id, "025123456");
  EXPECT_EQ(r->full_name, "Nguyễn Văn An");
  EXPECT_EQ(r->birth_date, "1990-03-15");
  EXPECT_EQ(r->sex, "male");
  EXPECT_EQ(r->address, "123 Lê Lợi, Phường Bến Thành, Thành phố Hồ Chí Minh");
  EXPECT_EQ(r->issue_date, "2021-04-20");
}

TEST(CccdQr, AcceptsWhatRealScannersAndCardsProduce) {
  struct Case {
    std::string payload;
    std::string sex, birth_date, full_name, address;
  } cases[] = {
      {kBinh, "female", "2005-01-01", "Trần Thị Bình", "Phường Ba Đình, Thành phố Hà Nội"},
      {kAn + "|", "male", "1990-03-15", "Nguyễn Văn An", ""},
      {kAn + "\r\n", "male", "1990-03-15", "Nguyễn Văn An", ""},
      {kAn + "|\r\n", "male", "1990-03-15", "Nguyễn Văn An", ""},
      {"  " + kAn + "\n", "male", "1990-03-15", "Nguyễn Văn An", ""},
      {"\xEF\xBB\xBF" + kAn, "male", "1990-03-15", "Nguyễn Văn An", ""},
      // "Nữ" decomposed (n, u, combining horn, combining tilde), as some phones send it.
      {"001305012345||Trần Thị Bình|01012005|Nu\xCC\x9B\xCC\x83|Hà Nội|10082022", "female",
       "2005-01-01", "Trần Thị Bình", "Hà Nội"},
      {"001305012345||Trần Thị Bình|01012005|NỮ|Hà Nội|10082022", "female", "2005-01-01",
       "Trần Thị Bình", "Hà Nội"},
      {"001305012345||Trần Thị Bình|01012005|nữ|Hà Nội|10082022", "female", "2005-01-01",
       "Trần Thị Bình", "Hà Nội"},
      {"079090001234||Nguyễn Văn An|15031990|NAM|Hà Nội|20042021", "male", "1990-03-15",
       "Nguyễn Văn An", "Hà Nội"},
      {"079090001234||  Nguyễn   Văn  An |15031990|Nam|  Hà   Nội |20042021", "male", "1990-03-15",
       "Nguyễn Văn An", "Hà Nội"},
      // Decomposed name and address come back composed (NFC).
      {"079090001234||Nguye\xCC\x82\xCC\x83n Va\xCC\x86n An|15031990|Nam|Hà Nội|20042021", "male",
       "1990-03-15", "Nguyễn Văn An", "Hà Nội"},
      {"001200012345||Lê Minh Khôi|29022000|Nam|Đà Nẵng|01032021", "male", "2000-02-29",
       "Lê Minh Khôi", "Đà Nẵng"},
      {"001200012345||Lê Minh Khôi|29022000|Nam||01032021", "male", "2000-02-29", "Lê Minh Khôi",
       ""},
      // Issued today to someone born today (newborns get cards since 2024).
      {"001226012345||Bé Na|15012026|Nam|Huế|15012026", "male", "2026-01-15", "Bé Na", "Huế"},
      {"048159012345|201234567|H'Hen Niê|05051959|Nữ|Buôn Ma Thuột|01092021", "female",
       "1959-05-05", "H'Hen Niê", "Buôn Ma Thuột"},
  };
  for (const auto& c : cases) {
    auto r = parse_cccd(c.payload, kNow);
    ASSERT_TRUE(r.ok()) << c.payload << ": " << r.error().code << " " << r.error().message;
    EXPECT_EQ(r->sex, c.sex) << c.payload;
    EXPECT_EQ(r->birth_date, c.birth_date) << c.payload;
    EXPECT_EQ(r->full_name, c.full_name) << c.payload;
    if (!c.address.empty()) {
      EXPECT_EQ(r->address, c.address) << c.payload;
    }
  }
}

TEST(CccdQr, DecomposedAddressComesBackComposed) {
  auto r =
      parse_cccd("079090001234||An|15031990|Nam|Ha\xCC\x80 No\xCC\xA3\xCC\x82i|20042021", kNow);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->address, "Hà Nội");
}

TEST(CccdQr, RefusesWithASpecificReason) {
  struct Case {
    std::string payload;
    std::string code;
    std::string message_part;  // the reason a person reads
  } cases[] = {
      {"", "invalid_cccd_qr", "7 fields"},
      {"079090001234|025123456|Nguyễn Văn An|15031990|Nam|Hà Nội", "invalid_cccd_qr",
       "this one has 6"},
      {kAn + "|extra", "invalid_cccd_qr", "this one has 8"},
      {kAn + "||", "invalid_cccd_qr", "this one has 8"},
      {"https://example.com/v/K7QF2M9XWD", "invalid_cccd_qr", "this one has 1"},
      {kAn + std::string(2000, 'x'), "invalid_cccd_qr", "at most"},
      {"07909000123|025123456|Nguyễn Văn An|15031990|Nam|Hà Nội|20042021", "invalid_id_number",
       "12 digits"},
      {"07909000123A|025123456|Nguyễn Văn An|15031990|Nam|Hà Nội|20042021", "invalid_id_number",
       "12 digits"},
      {"000090001234|025123456|Nguyễn Văn An|15031990|Nam|Hà Nội|20042021", "invalid_id_number",
       "province"},
      {"079090001234|02512345|Nguyễn Văn An|15031990|Nam|Hà Nội|20042021", "invalid_old_id_number",
       "9 digits"},
      {"079090001234||   |15031990|Nam|Hà Nội|20042021", "invalid_name", "empty"},
      {"079090001234||Nguyen Van 4n|15031990|Nam|Hà Nội|20042021", "invalid_name", "letters"},
      {"079090001234||Nguy\xC3n|15031990|Nam|Hà Nội|20042021", "invalid_name", "UTF-8"},
      {"079090001234||Nguyễn Văn An|31021990|Nam|Hà Nội|20042021", "invalid_birth_date",
       "DDMMYYYY"},
      {"079090001234||Nguyễn Văn An|29021990|Nam|Hà Nội|20042021", "invalid_birth_date",
       "DDMMYYYY"},
      {"079090001234||Nguyễn Văn An|15/03/1990|Nam|Hà Nội|20042021", "invalid_birth_date",
       "DDMMYYYY"},
      {"001226012345||Bé Na|16012026|Nam|Huế|16012026", "birth_date_in_future", "future"},
      {"079090001234||Nguyễn Văn An|15031990|Male|Hà Nội|20042021", "invalid_sex", "Nam"},
      {"079090001234||Nguyễn Văn An|15031990||Hà Nội|20042021", "invalid_sex", "Nam"},
      {"079090001234||Nguyễn Văn An|15031990|Nam|Hà\x01Nội|20042021", "invalid_address", "address"},
      {"079090001234||Nguyễn Văn An|15031990|Nam|Hà \xFF|20042021", "invalid_address", "address"},
      {"079090001234||Nguyễn Văn An|15031990|Nam|Hà Nội|32042021", "invalid_issue_date",
       "DDMMYYYY"},
      {"079090001234||Nguyễn Văn An|15031990|Nam|Hà Nội|01011989", "invalid_issue_date",
       "before the birth"},
      {"079090001234||Nguyễn Văn An|15031990|Nam|Hà Nội|01022026", "invalid_issue_date", "future"},
      {"079090001234||Nguyễn Văn An|15031991|Nam|Hà Nội|20042021", "id_number_mismatch",
       "born in 1990, not 1991"},
      {"079090001234||Nguyễn Văn An|15031990|Nữ|Hà Nội|20042021", "id_number_mismatch",
       "male person"},
      {"079290001234||Nguyễn Văn An|15031990|Nam|Hà Nội|20042021", "id_number_mismatch",
       "born in 2090"},
  };
  for (const auto& c : cases) {
    auto r = parse_cccd(c.payload, kNow);
    ASSERT_FALSE(r.ok()) << c.payload << " was accepted";
    EXPECT_EQ(r.error().kind, ErrorKind::kInvalidArgument) << c.payload;
    EXPECT_EQ(r.error().field, "payload") << c.payload;
    EXPECT_EQ(r.error().code, c.code) << c.payload << ": " << r.error().message;
    EXPECT_NE(r.error().message.find(c.message_part), std::string::npos)
        << c.payload << ": \"" << r.error().message << "\" does not say \"" << c.message_part
        << "\"";
  }
}

TEST(CccdQr, LooksLikeRoutesOnlyCardShapedText) {
  EXPECT_TRUE(looks_like_cccd(kAn));
  EXPECT_TRUE(looks_like_cccd(" " + kBinh));
  EXPECT_TRUE(looks_like_cccd("012345678901|"));
  EXPECT_FALSE(looks_like_cccd(""));
  EXPECT_FALSE(looks_like_cccd("012345678901"));
  EXPECT_FALSE(looks_like_cccd("01234567890|"));
  EXPECT_FALSE(looks_like_cccd("0123456789012|"));
  EXPECT_FALSE(looks_like_cccd("DN4797915023456|4e67|15/03/1990|1"));
  EXPECT_FALSE(looks_like_cccd("https://khaibao.example/v/K7QF2M9XWD"));
}

TEST(CccdQr, UsesTodayInVietnamForTheFuture) {
  // 2026-01-14 17:00 UTC is already 2026-01-15 00:00 in Vietnam: a birth that day is not in the
  // future.
  const std::string born_15th = "001226012345||Bé Na|15012026|Nam|Huế|15012026";
  EXPECT_TRUE(parse_cccd(born_15th, 1768410000).ok());
  EXPECT_EQ(parse_cccd(born_15th, 1768410000 - 1).error().code, "birth_date_in_future");
}

TEST(CccdQr, FuzzNeverCrashesAndAcceptsOnlyWellFormedCards) {
  static const std::set<std::string> kCodes = {
      "invalid_cccd_qr",    "invalid_id_number",    "invalid_old_id_number", "invalid_name",
      "invalid_birth_date", "birth_date_in_future", "invalid_sex",           "invalid_address",
      "invalid_issue_date", "id_number_mismatch"};
  testing::PayloadFuzzer fuzzer(
      20260115, {kAn, kBinh, kAn + "|\r\n",
                 "001305012345||Trần Thị Bình|01012005|Nu\xCC\x9B\xCC\x83|Hà Nội|10082022",
                 "001200012345||Lê Minh Khôi|29022000|NAM|Đà Nẵng|01032021"});
  const std::string today = "2026-01-15";
  auto started = std::chrono::steady_clock::now();
  int accepted = 0;
  constexpr int kInputs = 150'000;
  for (int i = 0; i < kInputs; ++i) {
    std::string payload = fuzzer.next();
    auto r = parse_cccd(payload, kNow);
    if (!r.ok()) {
      ASSERT_EQ(r.error().field, "payload") << payload;
      ASSERT_EQ(r.error().kind, ErrorKind::kInvalidArgument) << payload;
      ASSERT_TRUE(kCodes.count(r.error().code)) << r.error().code;
      ASSERT_FALSE(r.error().message.empty());
      continue;
    }
    ++accepted;
    const CccdCard& card = *r;
    ASSERT_EQ(card.id_number.size(), 12u) << payload;
    ASSERT_EQ(card.id_number.find_first_not_of("0123456789"), std::string::npos) << payload;
    ASSERT_TRUE(card.old_id.empty() ||
                (card.old_id.size() == 9 &&
                 card.old_id.find_first_not_of("0123456789") == std::string::npos))
        << payload;
    ASSERT_TRUE(testing::is_calendar_date(card.birth_date)) << payload;
    ASSERT_TRUE(testing::is_calendar_date(card.issue_date)) << payload;
    ASSERT_LE(card.birth_date, today) << payload;
    ASSERT_LE(card.issue_date, today) << payload;
    ASSERT_GE(card.issue_date, card.birth_date) << payload;
    ASSERT_TRUE(card.sex == "male" || card.sex == "female") << payload;
    ASSERT_TRUE(testing::is_utf8(card.full_name)) << payload;
    ASSERT_TRUE(testing::is_utf8(card.address)) << payload;
    auto renormalised = people::normalize_name(card.full_name);
    ASSERT_TRUE(renormalised.ok() && *renormalised == card.full_name) << payload;
    ASSERT_TRUE(people::check_cccd(card.id_number, card.birth_date, card.sex).ok()) << payload;
  }
  // Enough mutants survive for the invariants above to have been exercised.
  EXPECT_GT(accepted, kInputs / 50);
  EXPECT_LT(std::chrono::steady_clock::now() - started,
            std::chrono::seconds(5) * kb::testing::kSanitizerSlowdown);
}

}  // namespace
}  // namespace kb::scan
