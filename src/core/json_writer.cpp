#include "core/json_writer.h"

#include <fmt/format.h>

#include <charconv>
#include <ctime>
#include <iterator>

#include "core/clock.h"

namespace kb {

void JsonWriter::separate() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  uint64_t bit = uint64_t{1} << (depth_ & 63);
  if (has_value_ & bit) out_.push_back(',');
  has_value_ |= bit;
}

JsonWriter& JsonWriter::begin_object() {
  separate();
  out_.push_back('{');
  ++depth_;
  has_value_ &= ~(uint64_t{1} << (depth_ & 63));
  return *this;
}

JsonWriter& JsonWriter::end_object() {
  --depth_;
  out_.push_back('}');
  return *this;
}

JsonWriter& JsonWriter::begin_array() {
  separate();
  out_.push_back('[');
  ++depth_;
  has_value_ &= ~(uint64_t{1} << (depth_ & 63));
  return *this;
}

JsonWriter& JsonWriter::end_array() {
  --depth_;
  out_.push_back(']');
  return *this;
}

JsonWriter& JsonWriter::key(std::string_view name) {
  separate();
  out_.push_back('"');
  escaped(name);
  out_.append("\":");
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::value(std::string_view text) {
  separate();
  out_.push_back('"');
  escaped(text);
  out_.push_back('"');
  return *this;
}

JsonWriter& JsonWriter::value(int64_t number) {
  separate();
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, number);
  out_.append(buf, end);
  return *this;
}

JsonWriter& JsonWriter::value(bool flag) {
  separate();
  out_.append(flag ? "true" : "false");
  return *this;
}

JsonWriter& JsonWriter::null() {
  separate();
  out_.append("null");
  return *this;
}

JsonWriter& JsonWriter::time(int64_t unix_seconds) {
  separate();
  // format_rfc3339's text (a unit test holds them equal), without a string of its own.
  time_t local = static_cast<time_t>(unix_seconds + kVietnamOffsetSeconds);
  std::tm tm{};
  gmtime_r(&local, &tm);
  fmt::format_to(std::back_inserter(out_), "\"{:04}-{:02}-{:02}T{:02}:{:02}:{:02}+07:00\"",
                 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return *this;
}

// As boost::json::serialize: '"' and '\\' escaped, the control characters below 0x20 as \b \t
// \n \f \r or \u00xx (lower-case hex); every other byte, UTF-8 included, as it is.
void JsonWriter::escaped(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  size_t plain = 0;  // start of the run of bytes not yet copied
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char ch = static_cast<unsigned char>(text[i]);
    if (ch >= 0x20 && ch != '"' && ch != '\\') continue;
    out_.append(text.data() + plain, i - plain);
    plain = i + 1;
    out_.push_back('\\');
    switch (ch) {
      case '"':
        out_.push_back('"');
        break;
      case '\\':
        out_.push_back('\\');
        break;
      case '\b':
        out_.push_back('b');
        break;
      case '\t':
        out_.push_back('t');
        break;
      case '\n':
        out_.push_back('n');
        break;
      case '\f':
        out_.push_back('f');
        break;
      case '\r':
        out_.push_back('r');
        break;
      default:
        out_.append("u00");
        out_.push_back(kHex[ch >> 4]);
        out_.push_back(kHex[ch & 15]);
    }
  }
  out_.append(text.data() + plain, text.size() - plain);
}

}  // namespace kb
