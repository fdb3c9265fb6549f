// People's names: normalize_name and mask_name (declared in people/person.h). Apart from the
// person's storage so that the name fuzzer (fuzz/) compiles them alone.
#include <utf8proc.h>

#include <cstdlib>

#include "people/person.h"

namespace kb::people {

Result<std::string> normalize_name(std::string_view input, std::string_view field) {
  auto fail = [&](std::string code, std::string message) {
    return invalid(std::string(field), std::move(code), std::move(message));
  };
  utf8proc_uint8_t* nfc = nullptr;
  utf8proc_ssize_t n =
      utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(input.data()),
                   static_cast<utf8proc_ssize_t>(input.size()), &nfc,
                   static_cast<utf8proc_option_t>(UTF8PROC_COMPOSE | UTF8PROC_STABLE));
  if (n < 0) return fail("invalid_name", "the name is not valid UTF-8");
  std::string composed(reinterpret_cast<char*>(nfc), static_cast<size_t>(n));
  std::free(nfc);
  std::string out;
  size_t code_points = 0;
  bool pending_space = false;
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(composed.data());
  utf8proc_ssize_t left = static_cast<utf8proc_ssize_t>(composed.size());
  while (left > 0) {
    utf8proc_int32_t cp;
    utf8proc_ssize_t len = utf8proc_iterate(p, left, &cp);
    if (len <= 0) return fail("invalid_name", "the name is not valid UTF-8");
    auto category = utf8proc_category(cp);
    bool is_space = category == UTF8PROC_CATEGORY_ZS || cp == '\t' || cp == '\n' || cp == '\r';
    bool is_letter = category >= UTF8PROC_CATEGORY_LU && category <= UTF8PROC_CATEGORY_ME;
    bool is_punct = cp == '\'' || cp == '.' || cp == '-' || cp == 0x2019;
    if (is_space) {
      pending_space = !out.empty();
    } else if (is_letter || is_punct) {
      if (pending_space) {
        out.push_back(' ');
        ++code_points;
        pending_space = false;
      }
      out.append(reinterpret_cast<const char*>(p), static_cast<size_t>(len));
      ++code_points;
    } else {
      return fail("invalid_name",
                  "a name may contain only letters, spaces, apostrophes, dots and hyphens");
    }
    p += len;
    left -= len;
  }
  if (out.empty()) return fail("empty", "the name must not be empty");
  if (code_points > 100) return fail("too_long", "the name is longer than 100 characters");
  return out;
}

std::string mask_name(std::string_view full_name) {
  // Keep the given name (last word) and the first letter of every other word.
  std::string out;
  size_t start = 0;
  size_t last_space = full_name.rfind(' ');
  while (start < full_name.size()) {
    size_t end = full_name.find(' ', start);
    if (end == std::string_view::npos) end = full_name.size();
    std::string_view word = full_name.substr(start, end - start);
    if (!out.empty()) out.push_back(' ');
    if (last_space == std::string_view::npos || start > last_space) {
      out.append(word);
    } else {
      size_t first_len = 1;
      while (first_len < word.size() &&
             (static_cast<unsigned char>(word[first_len]) & 0xC0) == 0x80)
        ++first_len;
      out.append(word.substr(0, first_len));
      out.append("***");
    }
    start = end + 1;
  }
  return out;
}

}  // namespace kb::people
