// The matching rules of identity/matching.h without a database: how names, birth dates, sexes,
// wards and phones compare, and which verdict each situation gets. A sure match links two
// records without an official, so the cases that must never be sure (twins, common names, a
// name and a birth date alone) are here one by one.
#include <gtest/gtest.h>

#include "identity/identifiers.h"
#include "identity/matching.h"
#include "identity/name_index.h"
#include "identity/names.h"

namespace kb::identity {
namespace {

TEST(IdentityNames, FoldingDropsAccentsCaseSpacingAndDStroke) {
  EXPECT_EQ(folded_words("  Nguyễn  Văn-An "), (std::vector<std::string>{"nguyen", "van", "an"}));
  EXPECT_EQ(folded_words("ĐẶNG THỊ ĐÀO"), (std::vector<std::string>{"dang", "thi", "dao"}));
  EXPECT_EQ(name_key("Văn An Nguyễn"), "an nguyen van");
  EXPECT_EQ(name_key("NGUYEN VAN AN"), name_key("Nguyễn Văn An"));
  EXPECT_EQ(name_key(""), "");
}

TEST(IdentityNames, AListsIndexerGivesEachNameTheIndexesItWouldHaveAlone) {
  NameIndexer indexer;
  for (const char* name : {"Nguyễn Văn An", "NGUYEN VAN AN", "Trần Thị An", "An Nguyễn Văn",
                           "Lò Thị Vân", "", "Nguyễn  Văn-An"}) {
    NameIndexes alone = name_indexes(name);
    EXPECT_EQ(alone.key, name_key_index(name)) << name;
    std::string words;
    for (const auto& w : folded_words(name))
      words += (words.empty() ? " " : "") + name_word_index(w) + " ";
    EXPECT_EQ(alone.words, words) << name;
    NameIndexes listed = indexer(name);
    EXPECT_EQ(listed.key, alone.key) << name;
    EXPECT_EQ(listed.words, alone.words) << name;
  }
  EXPECT_NE(name_indexes("Nguyễn Văn An").words, name_indexes("Nguyễn Văn Bình").words);
}

TEST(IdentityNames, CompareSaysSameSimilarOrDifferent) {
  struct Row {
    const char* a;
    const char* b;
    NameMatch want;
  } rows[] = {
      {"Nguyễn Văn An", "nguyễn  văn an", NameMatch::kSame},
      {"Nguyễn Văn An", "NGUYEN VAN AN", NameMatch::kSame},  // written without accents
      {"Nguyễn Văn An", "Văn An Nguyễn", NameMatch::kSame},  // the family name last
      {"Nguyễn Văn An", "VAN AN NGUYEN", NameMatch::kSame},
      {"Nguyễn Văn An", "Nguyễn Văn Ân",
       NameMatch::kSimilar},  // other accents: another name, maybe a slip
      {"Nguyễn Văn An", "An Văn Nguyễn", NameMatch::kSimilar},   // words in another order
      {"Nguyễn Văn An", "Nguyễn Văn Anh", NameMatch::kSimilar},  // one letter
      {"Nguyễn Văn An", "Nguyễn An", NameMatch::kSimilar},       // a middle name left out
      {"Nguyễn Thị Hoa", "Nguyễn Thị Hòa", NameMatch::kSimilar},
      {"Nguyễn Văn An", "Nguyễn Văn Bình", NameMatch::kDifferent},
      {"Nguyễn Văn An", "Trần Văn An", NameMatch::kDifferent},
      {"Nguyễn Minh Anh", "Nguyễn Minh Khoa", NameMatch::kDifferent},
      {"An", "Anh", NameMatch::kDifferent},  // one word says too little
      {"Nguyễn Văn An", "", NameMatch::kDifferent},
  };
  for (const auto& r : rows) {
    EXPECT_EQ(compare_names(r.a, r.b), r.want) << r.a << " / " << r.b;
    EXPECT_EQ(compare_names(r.b, r.a), r.want) << r.b << " / " << r.a << " (either order)";
  }
}

TEST(IdentityMatching, BirthDatesAreSameNearOrDifferent) {
  EXPECT_EQ(compare_birth_dates("1990-03-04", "1990-03-04"), Agreement::kSame);
  EXPECT_EQ(compare_birth_dates("1990-03-04", "1990-04-03"),
            Agreement::kNear);  // day and month swapped
  EXPECT_EQ(compare_birth_dates("1990-03-04", "1990-03-05"), Agreement::kNear);  // one digit
  EXPECT_EQ(compare_birth_dates("1990-03-04", "1991-03-04"), Agreement::kNear);
  EXPECT_EQ(compare_birth_dates("1990-03-04", "1992-07-04"), Agreement::kDifferent);
  EXPECT_EQ(compare_birth_dates("1990-03-04", ""), Agreement::kUnknown);
}

TEST(IdentityMatching, APrintedAddressNamesAWardOnlyAsAWholePart) {
  EXPECT_TRUE(address_names_ward("12 Lê Lợi, Phường Sài Gòn, TP Hồ Chí Minh", "Phường Sài Gòn"));
  EXPECT_TRUE(address_names_ward("12 Le Loi, P. Sai Gon, TP HCM", "Phường Sài Gòn"));
  EXPECT_TRUE(address_names_ward("Thôn 3, X.Tân Phú, Đồng Nai", "Xã Tân Phú"));
  EXPECT_FALSE(address_names_ward("Phường Tân Phú Trung, TP HCM", "Phường Tân Phú"));
  EXPECT_FALSE(address_names_ward("Đường Sài Gòn, Phường Bến Thành", "Phường Sài Gòn"));
  EXPECT_FALSE(address_names_ward("TP HCM", "Phường Sài Gòn"));
  EXPECT_FALSE(address_names_ward("", "Phường Sài Gòn"));
}

Details person(std::string name, std::string birth, std::string sex) {
  Details d;
  d.full_name = std::move(name);
  d.birth_date = std::move(birth);
  d.sex = std::move(sex);
  return d;
}

Details with_ward(Details d, std::string code = "26743", std::string name = "Phường Sài Gòn") {
  d.province_code = "79";
  d.ward_code = std::move(code);
  d.ward_name = std::move(name);
  return d;
}

Details with_phone(Details d, std::string phone = "+84912000001") {
  d.phones.push_back(std::move(phone));
  return d;
}

Details with_id(Details d, IdKind kind, std::string value) {
  d.identifiers.push_back({kind, std::move(value), {}});
  return d;
}

// Each situation: someone arriving, someone recorded, the verdict and the rule that gave it.
struct Situation {
  const char* what;
  Details arriving, recorded;
  bool phone_proven;
  Verdict verdict;
  const char* rule;
};

TEST(IdentityMatching, TheRulesGiveEachSituationItsVerdict) {
  const Details an = person("Nguyễn Văn An", "1990-01-02", "male");
  Details bhyt_card = an;
  bhyt_card.address_text = "12 Lê Lợi, P. Sài Gòn, TP Hồ Chí Minh";
  Details bhyt_card_no_ward = an;
  bhyt_card_no_ward.address_text = "TP HCM";
  const Situation rows[] = {
      {"a BHYT card whose address names the declared person's ward", bhyt_card, with_ward(an),
       false, Verdict::kSure, "name_birth_sex_place"},
      {"a BHYT card that names no ward: name, birth date and sex alone", bhyt_card_no_ward,
       with_ward(an), false, Verdict::kLikely, "name_birth"},
      {"a list row with the same phone as the record", with_phone(an), with_phone(an), false,
       Verdict::kSure, "name_birth_sex_place"},
      {"a list row without sex, with ward and phone",
       with_phone(with_ward(person("NGUYEN VAN AN", "1990-01-02", ""))), with_phone(with_ward(an)),
       false, Verdict::kSure, "name_birth_ward_phone"},
      {"Nguyễn Văn An born the same day, nothing else: thousands of people", an, an, false,
       Verdict::kLikely, "name_birth"},
      {"twins: same birth date, ward and phone, names a letter apart",
       with_phone(with_ward(person("Nguyễn Văn Anh", "2015-06-01", "male"))),
       with_phone(with_ward(person("Nguyễn Văn An", "2015-06-01", "male"))), false,
       Verdict::kLikely, "name_birth"},
      {"twins of both sexes",
       with_phone(with_ward(person("Nguyễn Thị An", "2015-06-01", "female"))),
       with_phone(with_ward(person("Nguyễn Văn An", "2015-06-01", "male"))), false,
       Verdict::kNoMatch, "different_sex"},
      {"siblings sharing a parent's phone",
       with_phone(person("Nguyễn Văn Bình", "2017-02-03", "male")),
       with_phone(person("Nguyễn Thị Cúc", "2015-06-01", "female")), false, Verdict::kNoMatch,
       "different_sex"},
      {"brothers sharing a parent's phone",
       with_phone(person("Nguyễn Văn Bình", "2017-02-03", "male")),
       with_phone(person("Nguyễn Văn Cường", "2015-06-01", "male")), false, Verdict::kNoMatch,
       "different_birth_date"},
      {"a father and his son of the same name", with_phone(with_ward(an)),
       with_phone(with_ward(person("Nguyễn Văn An", "1962-05-07", "male"))), false,
       Verdict::kNoMatch, "different_birth_date"},
      {"a birth date typed with day and month swapped",
       with_ward(person("Nguyễn Văn An", "1990-02-01", "male")), with_ward(an), false,
       Verdict::kLikely, "name_birth"},
      {"two different CCCD numbers", with_id(with_ward(an), IdKind::kCccd, "079090000001"),
       with_id(with_ward(an), IdKind::kCccd, "079090000002"), false, Verdict::kNoMatch,
       "different_identifier"},
      {"two different CMND numbers (reissued on moving): no proof of two people",
       with_id(with_ward(an), IdKind::kCmnd, "123456789"),
       with_id(with_ward(an), IdKind::kCmnd, "987654321"), false, Verdict::kSure,
       "name_birth_sex_place"},
      {"a typed-in name and phone, nothing proven", with_phone(person("Nguyễn Văn An", "", "")),
       with_phone(an), false, Verdict::kLikely, "name_phone"},
      {"a name and a phone proven by a code at the door",
       with_phone(person("Nguyễn Văn An", "", "")), with_phone(an), true, Verdict::kSure,
       "name_proven_phone"},
      {"a proven phone that is someone else's",
       with_phone(person("Nguyễn Văn An", "", ""), "+84912000002"), with_phone(an), true,
       Verdict::kNoMatch, "too_little"},
      {"a name alone", person("Nguyễn Văn An", "", ""), an, false, Verdict::kNoMatch, "too_little"},
      {"another name", with_phone(with_ward(person("Trần Văn Bảo", "1990-01-02", "male"))),
       with_phone(with_ward(an)), false, Verdict::kNoMatch, "different_name"},
  };
  for (const auto& s : rows) {
    Comparison c = compare(s.arriving, s.recorded, s.phone_proven);
    EXPECT_EQ(c.verdict, s.verdict) << s.what << " (rule " << c.rule << ")";
    EXPECT_EQ(c.rule, s.rule) << s.what;
  }
}

TEST(IdentityMatching, NameAndBirthDateAloneAreNeverSure) {
  // Whatever the spelling, without a place or a phone the pair goes to an official.
  for (const char* spelling : {"Nguyễn Văn An", "NGUYEN VAN AN", "Văn An Nguyễn"}) {
    Comparison c = compare(person(spelling, "1990-01-02", "male"),
                           person("Nguyễn Văn An", "1990-01-02", "male"));
    EXPECT_NE(c.verdict, Verdict::kSure) << spelling;
  }
  // A similar name is never sure, even with everything else the same.
  Details twin = with_phone(with_ward(person("Nguyễn Văn Ân", "2015-06-01", "male")));
  Comparison c =
      compare(twin, with_phone(with_ward(person("Nguyễn Văn An", "2015-06-01", "male"))), true);
  EXPECT_EQ(c.verdict, Verdict::kLikely);
}

TEST(IdentityIdentifiers, ShapesAreCheckedAndNormalised) {
  EXPECT_EQ(parse_identifier(IdKind::kCccd, "079 090 000 001")->value, "079090000001");
  EXPECT_FALSE(parse_identifier(IdKind::kCccd, "979090000001").ok());  // no province 979
  EXPECT_FALSE(parse_identifier(IdKind::kCccd, "07909000000").ok());
  EXPECT_EQ(parse_identifier(IdKind::kCmnd, "123.456.789")->value, "123456789");
  EXPECT_FALSE(parse_identifier(IdKind::kCmnd, "12345678").ok());
  EXPECT_EQ(parse_identifier(IdKind::kBhxh, "dn4797915023456")->value,
            "7915023456");  // the card's last 10
  EXPECT_EQ(parse_identifier(IdKind::kBhxh, "7915023456")->value, "7915023456");
  EXPECT_FALSE(parse_identifier(IdKind::kBhxh, "791502345").ok());
  auto passport = parse_identifier(IdKind::kPassport, "c1234567", "kr");
  ASSERT_TRUE(passport.ok());
  EXPECT_EQ(passport->value, "C1234567");
  EXPECT_EQ(passport->country, "KR");
  EXPECT_EQ(parse_identifier(IdKind::kPassport, "C1234567", "KOR").error().field, "country");
  EXPECT_EQ(parse_identifier(IdKind::kCccd, "079090000001", "VN").error().field, "country");
  EXPECT_EQ(parse_identifier(IdKind::kPhone, "0912.345.678")->value, "+84912345678");
  auto bad = parse_identifier(IdKind::kCccd, "12", {}, "identifiers[0].number");
  EXPECT_EQ(bad.error().code, "invalid_identifier");
  EXPECT_EQ(bad.error().field, "identifiers[0].number");
  EXPECT_EQ(parse_kind("visa").error().code, "invalid_identifier_kind");
}

}  // namespace
}  // namespace kb::identity
