#include "core/phone.h"

#include <gtest/gtest.h>

namespace kb {
namespace {

TEST(NormalizeMobile, AcceptsEveryCommonForm) {
  for (const char* input :
       {"0912345678", "84912345678", "+84912345678", "+84 91 234 5678", "0912.345.678",
        "091-234-5678", "(091) 234 5678", " 0912345678 ", "+84 0912345678"}) {
    auto r = normalize_mobile(input);
    ASSERT_TRUE(r.ok()) << input << ": " << r.error().message;
    EXPECT_EQ(*r, "+84912345678") << input;
  }
}

TEST(NormalizeMobile, ConvertsPre2018ElevenDigitNumbers) {
  struct Case {
    const char* old_number;
    const char* expected;
  } cases[] = {
      {"01681234567", "+84381234567"},  {"01621234567", "+84321234567"},
      {"01231234567", "+84831234567"},  {"01201234567", "+84701234567"},
      {"01211234567", "+84791234567"},  {"01221234567", "+84771234567"},
      {"01261234567", "+84761234567"},  {"01281234567", "+84781234567"},
      {"01241234567", "+84841234567"},  {"01251234567", "+84851234567"},
      {"01271234567", "+84811234567"},  {"01291234567", "+84821234567"},
      {"01861234567", "+84561234567"},  {"01881234567", "+84581234567"},
      {"01991234567", "+84591234567"},  {"+84 168 123 4567", "+84381234567"},
      {"841691234567", "+84391234567"},
  };
  for (const auto& c : cases) {
    auto r = normalize_mobile(c.old_number);
    ASSERT_TRUE(r.ok()) << c.old_number << ": " << r.error().message;
    EXPECT_EQ(*r, c.expected) << c.old_number;
  }
}

TEST(NormalizeMobile, RefusesWithTheFieldNamed) {
  for (const char* input :
       {"", "abc", "091234567", "09123456789", "+1 415 555 0100", "0212345678", "0112345678",
        "01301234567", "12345", "0912345678x", "++84912345678", "0412345678", "0612345678"}) {
    auto r = normalize_mobile(input, "contact_phone");
    ASSERT_FALSE(r.ok()) << input << " was accepted as " << *r;
    EXPECT_EQ(r.error().field, "contact_phone") << input;
    EXPECT_EQ(r.error().code, "invalid_phone") << input;
    EXPECT_EQ(r.error().kind, ErrorKind::kInvalidArgument);
  }
}

TEST(MaskPhone, KeepsOnlyTheLastThreeDigits) {
  EXPECT_EQ(mask_phone("+84912345678"), "+84 ••• ••• 678");
}

}  // namespace
}  // namespace kb
