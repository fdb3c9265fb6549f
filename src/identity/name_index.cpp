#include "identity/name_index.h"

#include "crypto/sealing.h"
#include "identity/names.h"

namespace kb::identity {

std::string name_key_index(std::string_view name) {
  return sealing::blind("name_key", name_key(name));
}

std::string name_word_index(std::string_view folded_word) {
  return sealing::blind("name_word", folded_word);
}

std::string name_word_indexes(std::string_view name) {
  std::string out;
  for (const auto& w : folded_words(name)) {
    if (out.empty()) out = " ";
    out += name_word_index(w) + " ";
  }
  return out;
}

}  // namespace kb::identity
