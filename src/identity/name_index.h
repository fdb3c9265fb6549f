// The keyed forms of a name that are stored to find people by (crypto/sealing.h): the name
// itself is sealed, so equality on the whole name goes through a blind index of identity's name
// key, and a search by some of its words through a blind index per folded word. Nothing of the
// name is stored in clear.
#pragma once

#include <string>
#include <string_view>

namespace kb::identity {

// The blind index of name_key(name); empty for an empty name.
std::string name_key_index(std::string_view name);
// The blind index of each folded word, each surrounded by spaces (" a b c "), so that a word
// is found with `LIKE '% <index> %'`; empty for an empty name.
std::string name_word_indexes(std::string_view name);
// The blind index of one folded word (a word of folded_words()).
std::string name_word_index(std::string_view folded_word);

}  // namespace kb::identity
