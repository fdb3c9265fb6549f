// Text from outside, by one rule everywhere it is needed.
//
// Storable text is what both databases keep alike: valid UTF-8 (PostgreSQL refuses anything
// else, SQLite stores it and hands it back as broken JSON) without NUL (PostgreSQL's text ends
// at a NUL, SQLite's does not, so the two would store different values). Clean text is free
// text (an address on a card, a venue's name on its poster) made safe and comparable.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kb {

// Whether `s` is storable: strict UTF-8 (no overlong forms, no surrogates, nothing above
// U+10FFFF) with no U+0000.
bool is_storable_text(std::string_view s);

// NFC, every run of white space (any Unicode space separator, tab, CR, LF) collapsed to one
// space, ends trimmed. Nothing when the text is not valid UTF-8 or holds a control,
// surrogate, unassigned, line- or paragraph-separator character.
std::optional<std::string> clean_text(std::string_view text);

// utf8proc_map with `options` (UTF8PROC_* flags); nothing for invalid UTF-8.
std::optional<std::string> map_utf8(std::string_view text, int options);

}  // namespace kb
