#include "identity/matching.h"

#include <algorithm>

namespace kb::identity {
namespace {

bool same_or_near(Agreement a) { return a == Agreement::kSame || a == Agreement::kNear; }

Agreement compare_text(std::string_view a, std::string_view b) {
  if (a.empty() || b.empty()) return Agreement::kUnknown;
  return a == b ? Agreement::kSame : Agreement::kDifferent;
}

Agreement compare_wards(const Details& a, const Details& b) {
  if (!a.ward_code.empty() && !b.ward_code.empty()) {
    return a.ward_code == b.ward_code ? Agreement::kSame : Agreement::kDifferent;
  }
  if (address_names_ward(a.address_text, b.ward_name) ||
      address_names_ward(b.address_text, a.ward_name)) {
    return Agreement::kSame;
  }
  return Agreement::kUnknown;
}

Agreement compare_phones(const Details& a, const Details& b) {
  if (a.phones.empty() || b.phones.empty()) return Agreement::kUnknown;
  for (const auto& p : a.phones) {
    if (std::find(b.phones.begin(), b.phones.end(), p) != b.phones.end()) return Agreement::kSame;
  }
  return Agreement::kDifferent;
}

std::optional<IdKind> differing_lifelong(const Details& a, const Details& b) {
  for (const auto& x : a.identifiers) {
    if (!lifelong(x.kind)) continue;
    for (const auto& y : b.identifiers) {
      if (y.kind == x.kind && y.value != x.value) return x.kind;
    }
  }
  return std::nullopt;
}

// The unit kinds a ward's name starts with, and how addresses abbreviate them (folded words).
struct UnitKind {
  std::vector<std::string> full;
  std::vector<std::vector<std::string>> written;
};
const std::vector<UnitKind>& unit_kinds() {
  static const std::vector<UnitKind> kinds = {
      {{"phuong"}, {{"phuong"}, {"p"}}},
      {{"xa"}, {{"xa"}, {"x"}}},
      {{"thi", "tran"}, {{"thi", "tran"}, {"tt"}}},
      {{"dac", "khu"}, {{"dac", "khu"}}},
  };
  return kinds;
}

bool contains_at(const std::vector<std::string>& hay, size_t at,
                 const std::vector<std::string>& needle) {
  if (at + needle.size() > hay.size()) return false;
  return std::equal(needle.begin(), needle.end(), hay.begin() + static_cast<std::ptrdiff_t>(at));
}

}  // namespace

std::string_view agreement_name(Agreement a) {
  switch (a) {
    case Agreement::kUnknown:
      return "unknown";
    case Agreement::kSame:
      return "same";
    case Agreement::kNear:
      return "near";
    case Agreement::kDifferent:
      return "different";
  }
  return "unknown";
}

std::string_view verdict_name(Verdict v) {
  switch (v) {
    case Verdict::kNoMatch:
      return "no_match";
    case Verdict::kLikely:
      return "likely";
    case Verdict::kSure:
      return "sure";
  }
  return "no_match";
}

const MatchRule kMatchRules[10] = {
    {[](const Comparison& c) { return c.different_identifier.has_value(); }, Verdict::kNoMatch,
     "different_identifier"},
    {[](const Comparison& c) { return c.sex == Agreement::kDifferent; }, Verdict::kNoMatch,
     "different_sex"},
    {[](const Comparison& c) { return c.birth_date == Agreement::kDifferent; }, Verdict::kNoMatch,
     "different_birth_date"},
    {[](const Comparison& c) { return c.name == NameMatch::kDifferent; }, Verdict::kNoMatch,
     "different_name"},
    {[](const Comparison& c) {
       return c.name == NameMatch::kSame && c.birth_date == Agreement::kSame &&
              c.sex == Agreement::kSame &&
              (c.ward == Agreement::kSame || c.phone == Agreement::kSame);
     },
     Verdict::kSure, "name_birth_sex_place"},
    {[](const Comparison& c) {
       return c.name == NameMatch::kSame && c.birth_date == Agreement::kSame &&
              c.ward == Agreement::kSame && c.phone == Agreement::kSame;
     },
     Verdict::kSure, "name_birth_ward_phone"},
    {[](const Comparison& c) {
       return c.name == NameMatch::kSame && c.phone == Agreement::kSame && c.phone_proven;
     },
     Verdict::kSure, "name_proven_phone"},
    {[](const Comparison& c) { return same_or_near(c.birth_date); }, Verdict::kLikely,
     "name_birth"},
    {[](const Comparison& c) { return c.name == NameMatch::kSame && c.phone == Agreement::kSame; },
     Verdict::kLikely, "name_phone"},
    {[](const Comparison&) { return true; }, Verdict::kNoMatch, "too_little"},
};

Agreement compare_birth_dates(std::string_view a, std::string_view b) {
  if (a.size() != 10 || b.size() != 10) return Agreement::kUnknown;
  if (a == b) return Agreement::kSame;
  // Day and month swapped (a list typed as mm/dd): 1990-03-04 and 1990-04-03.
  if (a.substr(0, 4) == b.substr(0, 4) && a.substr(5, 2) == b.substr(8, 2) &&
      a.substr(8, 2) == b.substr(5, 2)) {
    return Agreement::kNear;
  }
  int differing = 0;
  for (size_t i = 0; i < a.size(); ++i) differing += a[i] != b[i];
  return differing == 1 ? Agreement::kNear : Agreement::kDifferent;
}

bool address_names_ward(std::string_view address, std::string_view ward_name) {
  if (address.empty() || ward_name.empty()) return false;
  auto ward = folded_words(ward_name);
  // An address is written in parts, narrowest first, separated by commas; the ward's part
  // ends with its name ("12 Lê Lợi, P. Sài Gòn, TP HCM"), so "Phường Tân Phú" is not read in
  // "Phường Tân Phú Trung".
  std::vector<std::vector<std::string>> parts;
  size_t from = 0;
  while (from <= address.size()) {
    size_t cut = address.find_first_of(",;", from);
    if (cut == std::string_view::npos) cut = address.size();
    parts.push_back(folded_words(address.substr(from, cut - from)));
    from = cut + 1;
  }
  for (const auto& kind : unit_kinds()) {
    if (!contains_at(ward, 0, kind.full) || ward.size() == kind.full.size()) continue;
    std::vector<std::string> bare(ward.begin() + static_cast<std::ptrdiff_t>(kind.full.size()),
                                  ward.end());
    for (const auto& written : kind.written) {
      std::vector<std::string> named = written;
      named.insert(named.end(), bare.begin(), bare.end());
      for (const auto& words : parts) {
        if (words.size() >= named.size() && contains_at(words, words.size() - named.size(), named))
          return true;
      }
    }
  }
  return false;
}

Comparison compare(const Details& a, const Details& b, bool phone_proven) {
  Comparison c;
  c.name = compare_names(a.full_name, b.full_name);
  c.birth_date = compare_birth_dates(a.birth_date, b.birth_date);
  c.sex = compare_text(a.sex, b.sex);
  c.ward = compare_wards(a, b);
  c.phone = compare_phones(a, b);
  c.phone_proven = phone_proven && c.phone == Agreement::kSame && !a.phones.empty() &&
                   std::find(b.phones.begin(), b.phones.end(), a.phones.front()) != b.phones.end();
  c.different_identifier = differing_lifelong(a, b);
  for (const MatchRule& r : kMatchRules) {
    if (r.holds(c)) {
      c.verdict = r.verdict;
      c.rule = r.rule;
      break;
    }
  }
  return c;
}

}  // namespace kb::identity
