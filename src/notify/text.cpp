#include "notify/text.h"

#include <utf8proc.h>

#include "notify/messages.h"

namespace kb::notify {
namespace {

std::string_view trim(std::string_view s) {
  auto space = [](char ch) { return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

// Valid UTF-8 without control characters (newlines allowed when `multiline`), NFC-normalised.
Result<std::string> plain(std::string_view raw, std::string_view field, size_t max_bytes,
                          bool multiline) {
  std::string_view s = trim(raw);
  if (s.empty())
    return invalid(std::string(field), "empty", std::string(field) + " must not be empty");
  if (s.size() > max_bytes) {
    return invalid(std::string(field), "too_long",
                   std::string(field) + " is at most " + std::to_string(max_bytes) + " bytes");
  }
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(s.data());
  utf8proc_ssize_t left = static_cast<utf8proc_ssize_t>(s.size());
  while (left > 0) {
    utf8proc_int32_t cp = 0;
    utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);
    if (n <= 0)
      return invalid(std::string(field), "invalid_text",
                     std::string(field) + " is not valid UTF-8");
    bool newline = cp == '\n' || cp == '\r';
    auto cat = utf8proc_category(cp);
    if ((cat == UTF8PROC_CATEGORY_CC && !(multiline && newline)) || cp == 0x2028 || cp == 0x2029) {
      return invalid(std::string(field), "invalid_text",
                     std::string(field) + " must be plain text");
    }
    p += n;
    left -= n;
  }
  utf8proc_uint8_t* nfc =
      utf8proc_NFC(reinterpret_cast<const utf8proc_uint8_t*>(std::string(s).c_str()));
  if (!nfc)
    return invalid(std::string(field), "invalid_text", std::string(field) + " is not valid UTF-8");
  std::string out(reinterpret_cast<char*>(nfc));
  free(nfc);
  return out;
}

}  // namespace

Result<MessageText> check_text(std::string_view title, std::string_view body, std::string_view link,
                               int64_t expires_at, int64_t now) {
  MessageText t;
  KB_ASSIGN(t.title, plain(title, "title", kMaxTitleBytes, false));
  KB_ASSIGN(t.body, plain(body, "body", kMaxBodyBytes, true));
  std::string_view l = trim(link);
  if (!l.empty()) {
    if (l.size() > kMaxLinkBytes) return invalid("link", "too_long", "link is at most 500 bytes");
    if (!(l.starts_with("https://") || l.starts_with("http://")) ||
        l.find_first_of(" \t\r\n\"<>") != std::string_view::npos) {
      return invalid("link", "invalid_link", "link must be an http(s) URL");
    }
    t.link = std::string(l);
  }
  if (expires_at != 0 && expires_at <= now)
    return invalid("expires_at", "expired", "expires_at is in the past");
  return t;
}

}  // namespace kb::notify
