// Unicode helpers for cleaning Vietnamese text (utf8proc underneath).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kb::vaccination::text {

// Code points of UTF-8 text; std::nullopt when it is not valid UTF-8.
std::optional<std::u32string> decode_utf8(std::string_view utf8);
std::string encode_utf8(std::u32string_view text);
bool is_valid_utf8(std::string_view utf8);
bool is_ascii(std::string_view bytes);

// Canonical composition (NFC): "Hội" typed as ô + U+0323 becomes one code point per letter.
std::string nfc(std::string_view utf8);

char32_t to_lower(char32_t c);
char32_t to_upper(char32_t c);
bool is_letter(char32_t c);
bool is_mark(char32_t c);

// The letter without its diacritics: ễ → e, Đ → D.
char32_t strip_diacritics(char32_t c);
// The canonical decomposition of one code point: ễ → e, U+0302, U+0303.
std::u32string decompose(char32_t c);

// A comparison key: diacritics stripped, lower case, only letters and digits kept, everything
// else a single space, trimmed ("  Hồ Chí-Minh " → "ho chi minh").
std::string fold(std::string_view utf8);

}  // namespace kb::vaccination::text
