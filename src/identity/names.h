// People's names as the matcher compares them. A Vietnamese name reaches khaibao in many
// spellings of the same letters: with or without accents ("Nguyễn Văn An", "NGUYEN VAN AN" on a
// passport or a spreadsheet), in any case, with stray spaces, and in the Western order on
// foreign documents ("Van An Nguyen"). compare_names() says how close two spellings are; what a
// closeness is worth is decided by the matching rules (identity/matching.h), never here.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kb::identity {

// The name folded for comparison: NFC, case-folded, diacritics removed (đ → d), words split
// at spaces and punctuation. "  Nguyễn  Văn-An " → {"nguyen", "van", "an"}.
std::vector<std::string> folded_words(std::string_view name);
// The same, keeping the diacritics: {"nguyễn", "văn", "an"}.
std::vector<std::string> cased_words(std::string_view name);
// Whether the name carries any diacritic (then it was written in full Vietnamese).
bool has_diacritics(std::string_view name);

// The key people are found by: the folded words, sorted, joined by one space, so that accents,
// case, spacing and word order do not hide a person ("an nguyen van"). Empty for an empty name.
std::string name_key(std::string_view name);
// name_key of a name already folded (its folded_words).
std::string name_key_of(std::vector<std::string> folded);

// How close two spellings of a name are.
enum class NameMatch {
  kDifferent,  // another name
  kSimilar,    // could be a slip: the same letters with other accents, words in another order, one
               // word one letter apart ("An"/"Anh"), or a middle name left out
  kSame,       // the same name: equal but for case and spacing; or equal without accents when one
               // of the two was written without any; or with the family name moved last
};
std::string_view name_match_name(NameMatch m);  // "different" | "similar" | "same"
NameMatch compare_names(std::string_view a, std::string_view b);

}  // namespace kb::identity
