#include "scan/card_fields.h"

#include <fmt/format.h>
#include <utf8proc.h>

#include <cstdlib>
#include <ctime>

#include "core/text.h"

namespace kb::scan {
namespace {

bool read_digits(std::string_view s, size_t pos, size_t len, int& out) {
  out = 0;
  for (size_t i = pos; i < pos + len; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

}  // namespace

std::optional<std::string> parse_card_date(std::string_view text, char separator) {
  int day = 0, month = 0, year = 0;
  if (separator == '\0') {
    if (text.size() != 8 || !read_digits(text, 0, 2, day) || !read_digits(text, 2, 2, month) ||
        !read_digits(text, 4, 4, year)) {
      return std::nullopt;
    }
  } else {
    if (text.size() != 10 || text[2] != separator || text[5] != separator ||
        !read_digits(text, 0, 2, day) || !read_digits(text, 3, 2, month) ||
        !read_digits(text, 6, 4, year)) {
      return std::nullopt;
    }
  }
  static constexpr int kDaysInMonth[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (year < 1800 || month < 1 || month > 12 || day < 1 || day > kDaysInMonth[month - 1])
    return std::nullopt;
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (month == 2 && day == 29 && !leap) return std::nullopt;
  return fmt::format("{:04}-{:02}-{:02}", year, month, day);
}

std::string vietnam_today(int64_t now) {
  time_t local = static_cast<time_t>(now + 7 * 3600);
  std::tm tm{};
  gmtime_r(&local, &tm);
  return fmt::format("{:04}-{:02}-{:02}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

std::optional<std::string> fold_card_word(std::string_view text) {
  return map_utf8(text, UTF8PROC_COMPOSE | UTF8PROC_STABLE | UTF8PROC_CASEFOLD);
}

std::vector<std::string_view> split_fields(std::string_view text) {
  std::vector<std::string_view> fields;
  size_t start = 0;
  while (true) {
    size_t bar = text.find('|', start);
    if (bar == std::string_view::npos) {
      fields.push_back(text.substr(start));
      return fields;
    }
    fields.push_back(text.substr(start, bar - start));
    start = bar + 1;
  }
}

std::string_view trim_scanned(std::string_view text) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

}  // namespace kb::scan
