// The keyed forms of a name that are stored to find people by (crypto/sealing.h): the name
// itself is sealed, so equality on the whole name goes through a blind index of identity's name
// key, and a search by some of its words through a blind index per folded word. Nothing of the
// name is stored in clear.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>

namespace kb::identity {

// The blind index of name_key(name); empty for an empty name.
std::string name_key_index(std::string_view name);
// The blind index of one folded word (a word of folded_words()).
std::string name_word_index(std::string_view folded_word);

// Both stored forms of a name at once (folding the name once).
struct NameIndexes {
  std::string key;    // name_key_index(name)
  std::string words;  // each folded word's name_word_index, each surrounded by spaces
                      // (" a b c "), so that a word is found with `LIKE '% <index> %'`; empty
                      // for an empty name
};
NameIndexes name_indexes(std::string_view name);

// name_indexes for the many names of one list, remembering each word's index: a list of a
// million names holds a few thousand distinct words, so most words cost a lookup instead of a
// keyed hash. Lives for one list (the indexes are those of the keys current when it made them);
// not shared between threads.
class NameIndexer {
 public:
  NameIndexes operator()(std::string_view name);

 private:
  static constexpr size_t kWordsKept = 200'000;
  std::unordered_map<std::string, std::string> words_;
};

}  // namespace kb::identity
