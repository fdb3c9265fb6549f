// Phone numbers as people type them (core/phone.h). Whatever is accepted comes out as E.164
// +84 followed by a 9-digit mobile number, normalising it again changes nothing, and it was
// typed with only digits, separators and one leading plus.
#include <string>

#include "check.h"
#include "core/phone.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace kb;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto phone = normalize_mobile(input, "contact_phone");
  if (!phone.ok()) {
    KB_FUZZ_CHECK(phone.error().field == "contact_phone" && phone.error().code == "invalid_phone",
                  phone.error().code);
    return 0;
  }
  const std::string& e164 = *phone;
  KB_FUZZ_CHECK(e164.size() == 12 && e164.starts_with("+84") &&
                    fuzz::all_digits(std::string_view(e164).substr(3)),
                e164);
  KB_FUZZ_CHECK(std::string_view("35789").find(e164[3]) != std::string_view::npos,
                "a mobile prefix: " + e164);
  auto again = normalize_mobile(e164);
  KB_FUZZ_CHECK(again.ok() && *again == e164, "normalising is idempotent: " + e164);
  KB_FUZZ_CHECK(input.find_first_not_of("0123456789 .-()\t+") == std::string_view::npos,
                "only digits, separators and a plus were typed");
  // The last seven digits are typed ones: a conversion changes the prefix only.
  std::string typed;
  for (char c : input) {
    if (c >= '0' && c <= '9') typed.push_back(c);
  }
  KB_FUZZ_CHECK(typed.ends_with(e164.substr(5)), "the subscriber digits are the typed ones");
  std::string masked = mask_phone(e164);
  KB_FUZZ_CHECK(masked.ends_with(e164.substr(9)), masked);
  return 0;
}
