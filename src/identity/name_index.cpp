#include "identity/name_index.h"

#include <utility>

#include "crypto/sealing.h"
#include "identity/names.h"

namespace kb::identity {

namespace {

std::string key_index(std::string_view key) { return sealing::blind("name_key", key); }

}  // namespace

std::string name_key_index(std::string_view name) { return key_index(name_key(name)); }

std::string name_word_index(std::string_view folded_word) {
  return sealing::blind("name_word", folded_word);
}

namespace {

// name_indexes, with each word's index appended by `append_word_index(word, out)`.
template <typename AppendWordIndex>
NameIndexes indexes_of(std::string_view name, AppendWordIndex&& append_word_index) {
  std::vector<std::string> words = folded_words(name);
  NameIndexes out;
  for (const auto& w : words) {
    if (out.words.empty()) out.words = " ";
    append_word_index(w, out.words);
    out.words += ' ';
  }
  out.key = key_index(name_key_of(std::move(words)));
  return out;
}

}  // namespace

NameIndexes name_indexes(std::string_view name) {
  return indexes_of(name,
                    [](const std::string& w, std::string& out) { out += name_word_index(w); });
}

NameIndexes NameIndexer::operator()(std::string_view name) {
  return indexes_of(name, [this](const std::string& w, std::string& out) {
    auto at = words_.find(w);
    if (at == words_.end()) {
      if (words_.size() >= kWordsKept) {
        out += name_word_index(w);
        return;
      }
      at = words_.emplace(w, name_word_index(w)).first;
    }
    out += at->second;
  });
}

}  // namespace kb::identity
