#include "identity/names.h"

#include <utf8proc.h>

#include <algorithm>
#include <cstdlib>

namespace kb::identity {
namespace {

// `name` through utf8proc with `options`; empty when it is not valid UTF-8.
std::string mapped(std::string_view name, int options) {
  utf8proc_uint8_t* out = nullptr;
  utf8proc_ssize_t n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(name.data()),
                                    static_cast<utf8proc_ssize_t>(name.size()), &out,
                                    static_cast<utf8proc_option_t>(options));
  if (n < 0) return {};
  std::string s(reinterpret_cast<char*>(out), static_cast<size_t>(n));
  std::free(out);
  return s;
}

// Words of an already mapped text: runs of letters and digits; everything else separates.
std::vector<std::string> words_of(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  utf8proc_ssize_t left = static_cast<utf8proc_ssize_t>(text.size());
  while (left > 0) {
    utf8proc_int32_t cp;
    utf8proc_ssize_t len = utf8proc_iterate(p, left, &cp);
    if (len <= 0) break;
    auto category = utf8proc_category(cp);
    bool letter = (category >= UTF8PROC_CATEGORY_LU && category <= UTF8PROC_CATEGORY_ME) ||
                  category == UTF8PROC_CATEGORY_ND;
    if (letter) {
      word.append(reinterpret_cast<const char*>(p), static_cast<size_t>(len));
    } else if (!word.empty()) {
      words.push_back(std::move(word));
      word.clear();
    }
    p += len;
    left -= len;
  }
  if (!word.empty()) words.push_back(std::move(word));
  return words;
}

// đ and Đ have no decomposition: they fold to d by hand.
std::string without_d_stroke(std::string s) {
  static constexpr std::string_view kD = "\xC4\x91";  // đ (Đ is case-folded to it first)
  for (size_t pos; (pos = s.find(kD)) != std::string::npos;) s.replace(pos, kD.size(), "d");
  return s;
}

// Levenshtein distance of two short ASCII words, stopping early past 1.
bool within_one_edit(std::string_view a, std::string_view b) {
  if (a.size() > b.size()) std::swap(a, b);
  if (b.size() - a.size() > 1) return false;
  size_t i = 0;
  while (i < a.size() && a[i] == b[i]) ++i;
  if (a.size() == b.size()) return a.substr(i + 1) == b.substr(i + 1);  // one substitution
  return a.substr(i) == b.substr(i + 1);                                // one insertion
}

// `words` with the first moved last: the Western order of a Vietnamese name.
std::vector<std::string> family_last(std::vector<std::string> words) {
  if (words.size() > 1) std::rotate(words.begin(), words.begin() + 1, words.end());
  return words;
}

bool same_words(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  return a == b || family_last(a) == b || family_last(b) == a;
}

}  // namespace

std::vector<std::string> folded_words(std::string_view name) {
  std::string folded = mapped(name, UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD);
  folded =
      mapped(without_d_stroke(folded), UTF8PROC_STABLE | UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK);
  return words_of(folded);
}

std::vector<std::string> cased_words(std::string_view name) {
  return words_of(mapped(name, UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD));
}

bool has_diacritics(std::string_view name) {
  for (char ch : name) {
    if (static_cast<unsigned char>(ch) >= 0x80) return true;
  }
  return false;
}

std::string name_key(std::string_view name) { return name_key_of(folded_words(name)); }

std::string name_key_of(std::vector<std::string> words) {
  std::sort(words.begin(), words.end());
  std::string key;
  for (const auto& w : words) {
    if (!key.empty()) key.push_back(' ');
    key += w;
  }
  return key;
}

std::string_view name_match_name(NameMatch m) {
  switch (m) {
    case NameMatch::kDifferent:
      return "different";
    case NameMatch::kSimilar:
      return "similar";
    case NameMatch::kSame:
      return "same";
  }
  return "different";
}

NameMatch compare_names(std::string_view a, std::string_view b) {
  auto fa = folded_words(a);
  auto fb = folded_words(b);
  if (fa.empty() || fb.empty()) return NameMatch::kDifferent;
  if (same_words(cased_words(a), cased_words(b))) return NameMatch::kSame;
  // "NGUYEN VAN AN" is "Nguyễn Văn An" written without accents, but "Nguyễn Văn Ân" is not.
  bool one_plain = !has_diacritics(a) || !has_diacritics(b);
  if (one_plain && same_words(fa, fb)) return NameMatch::kSame;
  auto sa = fa, sb = fb;
  std::sort(sa.begin(), sa.end());
  std::sort(sb.begin(), sb.end());
  if (sa == sb) return NameMatch::kSimilar;
  if (fa.size() == fb.size()) {
    size_t differing = 0;
    bool close = true;
    for (size_t i = 0; i < fa.size(); ++i) {
      if (fa[i] == fb[i]) continue;
      ++differing;
      close = close && within_one_edit(fa[i], fb[i]);
    }
    // Only a name of at least two words: "An" and "Anh" alone say nothing.
    if (differing == 1 && close && fa.size() >= 2) return NameMatch::kSimilar;
    return NameMatch::kDifferent;
  }
  // A middle name left out: the same family and given names, one word more in the other.
  const auto& shorter = fa.size() < fb.size() ? fa : fb;
  const auto& longer = fa.size() < fb.size() ? fb : fa;
  if (longer.size() == shorter.size() + 1 && shorter.size() >= 2 &&
      shorter.front() == longer.front() && shorter.back() == longer.back()) {
    size_t j = 0;  // the shorter name's words appear in the longer one, in order
    for (const auto& w : longer) {
      if (j < shorter.size() && w == shorter[j]) ++j;
    }
    if (j == shorter.size()) return NameMatch::kSimilar;
  }
  return NameMatch::kDifferent;
}

}  // namespace kb::identity
