// People's names (people/person.h: normalize_name, mask_name). A name that is accepted is
// valid UTF-8, trimmed and single-spaced, at most 100 code points, made of letters, marks,
// spaces and the allowed punctuation, and normalising it again changes nothing. Its masked
// form is valid UTF-8 and keeps the given name.
#include <string>

#include "check.h"
#include "people/person.h"

namespace {

size_t code_points(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace kb;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto name = people::normalize_name(input, "full_name");
  if (!name.ok()) {
    KB_FUZZ_CHECK(
        name.error().field == "full_name" && name.error().kind == ErrorKind::kInvalidArgument,
        name.error().code);
    return 0;
  }
  const std::string& n = *name;
  KB_FUZZ_CHECK(!n.empty() && fuzz::is_utf8(n) && fuzz::is_single_spaced(n), n);
  KB_FUZZ_CHECK(code_points(n) <= 100, n);
  KB_FUZZ_CHECK(n.find_first_of("0123456789|,;:!?\"<>&/\\@#$%^*()[]{}=+_~`") == std::string::npos,
                "no digits or symbols: " + n);
  auto again = people::normalize_name(n);
  KB_FUZZ_CHECK(again.ok() && *again == n, "normalising is idempotent: " + n);
  std::string masked = people::mask_name(n);
  KB_FUZZ_CHECK(fuzz::is_utf8(masked), "the masked name is UTF-8: " + masked);
  size_t last_space = n.rfind(' ');
  std::string given = last_space == std::string::npos ? n : n.substr(last_space + 1);
  KB_FUZZ_CHECK(masked.ends_with(given), "the given name is kept: " + masked);
  return 0;
}
