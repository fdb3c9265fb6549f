// What the fuzz targets share: an invariant check that stops the fuzzer with a message (the
// input is then saved as a crash artifact), and independent checks of the shapes the parsers
// promise, written without the parsers' own helpers.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "../tests/oracles/utf8.h"

#define KB_FUZZ_CHECK(cond, what)                                                         \
  do {                                                                                    \
    if (!(cond)) {                                                                        \
      std::fprintf(stderr, "invariant broken at %s:%d: %s\n  (%s)\n", __FILE__, __LINE__, \
                   std::string(what).c_str(), #cond);                                     \
      std::abort();                                                                       \
    }                                                                                     \
  } while (0)

namespace kb::fuzz {

inline bool all_digits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// A real YYYY-MM-DD calendar date.
inline bool is_calendar_date(std::string_view iso) {
  if (iso.size() != 10 || iso[4] != '-' || iso[7] != '-') return false;
  if (!all_digits(iso.substr(0, 4)) || !all_digits(iso.substr(5, 2)) ||
      !all_digits(iso.substr(8, 2))) {
    return false;
  }
  int y = std::stoi(std::string(iso.substr(0, 4)));
  int m = std::stoi(std::string(iso.substr(5, 2)));
  int d = std::stoi(std::string(iso.substr(8, 2)));
  if (m < 1 || m > 12 || d < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= kDays[m - 1] + (m == 2 && leap ? 1 : 0);
}

using oracles::is_utf8;

// No white space at either end and no run of two spaces: what "collapsed and trimmed" means.
inline bool is_single_spaced(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  if (!s.empty() && (space(s.front()) || space(s.back()))) return false;
  return s.find("  ") == std::string_view::npos && s.find_first_of("\t\r\n") == s.npos;
}

}  // namespace kb::fuzz
