// Text from outside as both databases keep it alike: valid UTF-8 (PostgreSQL refuses anything
// else, SQLite stores it and hands it back as broken JSON) without NUL (PostgreSQL's text ends
// at a NUL, SQLite's does not, so the two would store different values).
#pragma once

#include <string_view>

namespace kb {

// Whether `s` is such text: strict UTF-8 (no overlong forms, no surrogates, nothing above
// U+10FFFF) with no U+0000.
bool is_storable_text(std::string_view s);

}  // namespace kb
