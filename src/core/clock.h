// Time: the domain works in Unix seconds; the API speaks RFC 3339 in Vietnam's zone.
#pragma once

#include <cstdint>
#include <ctime>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace kb {

// Injected wherever "now" matters, so tests can move time.
struct Clock {
  std::function<int64_t()> now = [] { return static_cast<int64_t>(::time(nullptr)); };
};

// For tests that move time (`serve --clock-offset-file FILE`): the system clock plus a number
// of seconds read from `path` (a decimal integer; a missing or empty file is 0), re-read at
// most every 100 ms. Never for production: whoever can write the file can move the server's time.
Clock offset_clock(std::string path);

inline constexpr int64_t kVietnamOffsetSeconds = int64_t{7} * 3600;

// 2026-11-21T09:30:00+07:00
std::string format_rfc3339(int64_t unix_seconds);
// Accepts RFC 3339 with `Z` or `±hh:mm`, optional fractional seconds.
std::optional<int64_t> parse_rfc3339(std::string_view text);

}  // namespace kb
