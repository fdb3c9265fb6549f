// People's names and chip-ID (CCCD) numbers, as typed or scanned.
#include <gtest/gtest.h>

#include <string>

#include "people/cccd.h"
#include "people/person.h"

namespace kb::people {
namespace {

TEST(NormalizeName, ComposesToNfcAndCollapsesSpaces) {
  struct Case {
    const char* input;
    const char* expected;
  } cases[] = {
      {"Nguyễn Văn An", "Nguyễn Văn An"},
      // Decomposed: e + combining circumflex + combining tilde, as some keyboards and macOS send.
      {"Nguye\xCC\x82\xCC\x83n Va\xCC\x86n An", "Nguyễn Văn An"},
      {"  Nguyễn   Văn\tAn  ", "Nguyễn Văn An"},
      {"Trần\xC2\xA0Thị\n Bích", "Trần Thị Bích"},  // no-break space and a newline
      {"nguyễn văn an", "nguyễn văn an"},           // case is the person's own
      {"Đặng Thị Ánh-Ngọc", "Đặng Thị Ánh-Ngọc"},
      {"O'Brien J. Smith", "O'Brien J. Smith"},
      {"Lê Thị H\xE2\x80\x99Hen", "Lê Thị H\xE2\x80\x99Hen"},  // typographic apostrophe
      {"Ksor H'Bia", "Ksor H'Bia"},
  };
  for (const auto& c : cases) {
    auto r = normalize_name(c.input);
    ASSERT_TRUE(r.ok()) << c.input << ": " << r.error().message;
    EXPECT_EQ(*r, c.expected) << c.input;
  }
}

TEST(NormalizeName, RefusesWhatIsNotAName) {
  struct Case {
    std::string input;
    const char* code;
  } cases[] = {
      {"", "empty"},
      {"   \t ", "empty"},
      {"Nguyễn Văn 2", "invalid_name"},
      {"Nguyen Van An 😀", "invalid_name"},
      {"An@home", "invalid_name"},
      {"Nguyễn, Văn An", "invalid_name"},
      {"<script>", "invalid_name"},
      {"An\x01", "invalid_name"},
      {"An \xFF\xFE", "invalid_name"},  // not UTF-8
      {"An \xC3", "invalid_name"},      // truncated UTF-8
      {std::string(101, 'a'), "too_long"},
  };
  for (const auto& c : cases) {
    auto r = normalize_name(c.input, "guardian_name");
    ASSERT_FALSE(r.ok()) << c.input << " was accepted as " << *r;
    EXPECT_EQ(r.error().kind, ErrorKind::kInvalidArgument) << c.input;
    EXPECT_EQ(r.error().code, c.code) << c.input;
    EXPECT_EQ(r.error().field, "guardian_name") << c.input;
  }
  EXPECT_EQ(normalize_name("9").error().field, "full_name");
}

TEST(NormalizeName, CountsLengthInCharactersAfterNormalising) {
  std::string hundred;
  for (int i = 0; i < 100; ++i) hundred += "ễ";  // 3 bytes each
  EXPECT_TRUE(normalize_name(hundred).ok());
  EXPECT_EQ(normalize_name(hundred + "ễ").error().code, "too_long");
  // 100 characters once spaces are collapsed, though the input is longer.
  std::string spaced = "   " + std::string(49, 'a') + "      " + std::string(50, 'b') + "   ";
  auto r = normalize_name(spaced);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->size(), 100u);
  // Decomposed letters count once they are composed.
  std::string decomposed;
  for (int i = 0; i < 100; ++i) decomposed += "e\xCC\x82\xCC\x83";
  EXPECT_TRUE(normalize_name(decomposed).ok());
}

TEST(MaskName, KeepsTheGivenNameAndInitials) {
  EXPECT_EQ(mask_name("Nguyễn Văn An"), "N*** V*** An");
  EXPECT_EQ(mask_name("Đỗ Thị Hồng Nhung"), "Đ*** T*** H*** Nhung");
  EXPECT_EQ(mask_name("Ánh"), "Ánh");
  EXPECT_EQ(mask_name(""), "");
}

TEST(DecodeCccd, ReadsProvinceSexAndBirthYear) {
  struct Case {
    const char* id;
    int province;
    const char* sex;
    int year;
  } cases[] = {
      {"001090001234", 1, "male", 1990},  {"001190001234", 1, "female", 1990},
      {"079203001234", 79, "male", 2003}, {"079305001234", 79, "female", 2005},
      {"096400000001", 96, "male", 2100}, {"048599000001", 48, "female", 2199},
      {"031601000001", 31, "male", 2201}, {"031701000001", 31, "female", 2201},
      {"030899000001", 30, "male", 1899}, {"030999000001", 30, "female", 1899},
      {"001000000000", 1, "male", 1900},
  };
  for (const auto& c : cases) {
    auto r = decode_cccd(c.id);
    ASSERT_TRUE(r.ok()) << c.id << ": " << r.error().message;
    EXPECT_EQ(r->province_code, c.province) << c.id;
    EXPECT_EQ(r->sex, c.sex) << c.id;
    EXPECT_EQ(r->birth_year, c.year) << c.id;
  }
}

TEST(DecodeCccd, RefusesWhatIsNotAChipIdNumber) {
  for (const char* id :
       {"", "07920300123", "0792030012345", "07920300123a", "079 03001234", "+79203001234",
        "000203001234", "097203001234", "999203001234", "123456789"}) {
    auto r = decode_cccd(id, "id");
    ASSERT_FALSE(r.ok()) << id;
    EXPECT_EQ(r.error().code, "invalid_id_number") << id;
    EXPECT_EQ(r.error().field, "id") << id;
  }
  EXPECT_EQ(decode_cccd("1").error().field, "id_number");
}

TEST(CheckCccd, MatchesTheNumberAgainstBirthDateAndSex) {
  EXPECT_TRUE(check_cccd("079203001234", "2003-05-01", "male").ok());
  EXPECT_TRUE(check_cccd("001190001234", "1990-12-31", "female").ok());
  EXPECT_TRUE(check_cccd("079203001234", "", "").ok()) << "nothing to compare";
  EXPECT_TRUE(check_cccd("079203001234", "2003-05-01", "").ok());
  EXPECT_TRUE(check_cccd("079203001234", "", "male").ok());
  struct Case {
    const char* id;
    const char* birth_date;
    const char* sex;
  } mismatches[] = {
      {"079203001234", "2004-05-01", "male"},    // year
      {"079203001234", "1903-05-01", "male"},    // century
      {"079203001234", "2003-05-01", "female"},  // sex
      {"001190001234", "1990-01-01", "male"},   {"001090001234", "2090-01-01", "male"},
  };
  for (const auto& m : mismatches) {
    auto st = check_cccd(m.id, m.birth_date, m.sex, "cccd");
    ASSERT_FALSE(st.ok()) << m.id << " " << m.birth_date << " " << m.sex;
    EXPECT_EQ(st.error().code, "id_number_mismatch");
    EXPECT_EQ(st.error().field, "cccd");
    EXPECT_EQ(st.error().kind, ErrorKind::kInvalidArgument);
  }
  // A malformed number is reported as such, not as a mismatch.
  EXPECT_EQ(check_cccd("12345", "2003-05-01", "male").error().code, "invalid_id_number");
}

}  // namespace
}  // namespace kb::people
