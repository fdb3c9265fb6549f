// Mutations for fuzzing the parsers of scanned card payloads: what a bad camera, a damaged
// card, a keyboard-wedge scanner or a hostile QR can hand the server.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "../oracles/utf8.h"

namespace kb::scan::testing {

class PayloadFuzzer {
 public:
  PayloadFuzzer(uint64_t seed, std::vector<std::string> valid)
      : rng_(seed), valid_(std::move(valid)) {}

  std::string next() {
    switch (pick(8)) {
      case 0:
        return random_bytes(pick(300));
      case 1:
        return random_fields();
      default: {
        std::string s = valid_[pick(valid_.size())];
        size_t mutations = 1 + pick(pick(4) == 0 ? 12 : 3);
        for (size_t i = 0; i < mutations; ++i) mutate(s);
        return s;
      }
    }
  }

 private:
  size_t pick(size_t n) {
    return n == 0 ? 0 : std::uniform_int_distribution<size_t>(0, n - 1)(rng_);
  }
  char byte() { return static_cast<char>(pick(256)); }
  char digit() { return static_cast<char>('0' + pick(10)); }

  std::string random_bytes(size_t n) {
    std::string s;
    for (size_t i = 0; i < n; ++i) s.push_back(pick(4) == 0 ? '|' : byte());
    return s;
  }

  // Structurally plausible: digits, dates, sex words and junk, separated by bars.
  std::string random_fields() {
    static const char* kPieces[] = {"Nam",
                                    "Nữ",
                                    "1",
                                    "2",
                                    "-",
                                    "$",
                                    "",
                                    "15/03/1990",
                                    "15031990",
                                    "29022000",
                                    "4e677579e1bb856e2056c4836e20416e",
                                    "Nguyễn Văn An",
                                    "DN4797915023456",
                                    "079090001234",
                                    "\xff\xfe",
                                    "\xc3",
                                    "\xed\xa0\x80"};
    std::string s;
    size_t fields = pick(12);
    for (size_t i = 0; i < fields; ++i) {
      if (i) s.push_back('|');
      if (pick(3) == 0) {
        for (size_t n = pick(16); n > 0; --n) s.push_back(digit());
      } else {
        s += kPieces[pick(std::size(kPieces))];
      }
    }
    return s;
  }

  void mutate(std::string& s) {
    size_t at = pick(s.size() + 1);
    switch (pick(11)) {
      case 0:  // flip a bit
        if (!s.empty()) s[pick(s.size())] ^= static_cast<char>(1 << pick(8));
        break;
      case 1:
        s.insert(s.begin() + static_cast<std::ptrdiff_t>(at), byte());
        break;
      case 2:
        if (!s.empty()) s.erase(pick(s.size()), 1 + pick(4));
        break;
      case 3:
        s.resize(pick(s.size() + 1));
        break;  // truncation
      case 4:
        s.insert(at, std::string(1 + pick(pick(2) ? 50 : 5000), static_cast<char>('A' + pick(26))));
        break;
      case 5: {  // invalid UTF-8: lone lead, stray continuation, overlong, surrogate, 0xFF
        static const char* kBad[] = {"\xc3",         "\x80", "\xc0\x80",
                                     "\xed\xa0\x80", "\xff", "\xf4\x90\x80\x80"};
        s.insert(at, kBad[pick(std::size(kBad))]);
        break;
      }
      case 6:
        s.insert(at, std::string(1 + pick(40), '|'));
        break;
      case 7:  // replace a digit with another digit: keeps the shape, breaks the meaning
        for (size_t tries = 0; tries < 8 && !s.empty(); ++tries) {
          size_t i = pick(s.size());
          if (s[i] >= '0' && s[i] <= '9') {
            s[i] = digit();
            break;
          }
        }
        break;
      case 8:
        s.insert(at, pick(2) ? "\r\n" : " ");
        break;
      case 9:
        if (!s.empty()) s.erase(pick(s.size()));  // drop the tail
        break;
      default: {  // duplicate a slice somewhere else
        if (s.empty()) break;
        size_t from = pick(s.size());
        std::string slice = s.substr(from, 1 + pick(20));
        s.insert(pick(s.size() + 1), slice);
      }
    }
  }

  std::mt19937_64 rng_;
  std::vector<std::string> valid_;
};

// An independent check that `iso` is a real YYYY-MM-DD calendar date.
inline bool is_calendar_date(const std::string& iso) {
  if (iso.size() != 10 || iso[4] != '-' || iso[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (iso[i] < '0' || iso[i] > '9') return false;
  }
  int y = std::stoi(iso.substr(0, 4)), m = std::stoi(iso.substr(5, 2)),
      d = std::stoi(iso.substr(8, 2));
  if (m < 1 || m > 12 || d < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= kDays[m - 1] + (m == 2 && leap ? 1 : 0);
}

// An independent strict UTF-8 check (tests/oracles/utf8.h).
using oracles::is_utf8;

}  // namespace kb::scan::testing
