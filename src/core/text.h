// Free text from outside (an address on a card, a venue's name on its poster) made safe and
// comparable, by one rule everywhere it is needed.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kb {

// NFC, every run of white space (any Unicode space separator, tab, CR, LF) collapsed to one
// space, ends trimmed. Nothing when the text is not valid UTF-8 or holds a control,
// surrogate, unassigned, line- or paragraph-separator character.
std::optional<std::string> clean_text(std::string_view text);

// utf8proc_map with `options` (UTF8PROC_* flags); nothing for invalid UTF-8.
std::optional<std::string> map_utf8(std::string_view text, int options);

}  // namespace kb
