#include "vaccination/addresses.h"

#include <fmt/format.h>

#include <algorithm>

#include "vaccination/text.h"

namespace kb::vaccination {
namespace {

using Kind = AreaName::Kind;

std::vector<std::string_view> split_words(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    size_t j = s.find(' ', i);
    if (j == std::string_view::npos) j = s.size();
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Spellings of a province that its name does not give (keys after parse_area_name).
std::string_view province_alias(std::string_view key) {
  static const std::pair<std::string_view, std::string_view> kAliases[] = {
      {"hcm", "hochiminh"},
      {"tphcm", "hochiminh"},
      {"hcmc", "hochiminh"},
      {"saigon", "hochiminh"},
      {"sg", "hochiminh"},
      {"tpsg", "hochiminh"},
      {"hn", "hanoi"},
      {"tphn", "hanoi"},
      {"hp", "haiphong"},
      {"brvt", "bariavungtau"},
      {"vungtau", "bariavungtau"},
      {"thuathienhue", "hue"},
      {"tthue", "hue"},
      {"tth", "hue"},
      {"dak lak", "daklak"},
  };
  for (const auto& [alias, canonical] : kAliases) {
    if (key == alias) return canonical;
  }
  return key;
}

bool is_ward_kind(Kind k) {
  return k == Kind::kWard || k == Kind::kCommune || k == Kind::kTownship || k == Kind::kSpecialZone;
}
bool is_district_kind(Kind k) {
  return k == Kind::kUrbanDistrict || k == Kind::kRuralDistrict || k == Kind::kTown;
}

std::string trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

std::string join(const std::string& a, std::string_view b, std::string_view c = {}) {
  std::string out = a;
  out += '|';
  out += b;
  if (!c.empty()) {
    out += '|';
    out += c;
  }
  return out;
}

// Before 2021 the wards of Thành phố Thủ Đức belonged to Quận 2, Quận 9 and Quận Thủ Đức; the
// mapping knows only the city.
std::string_view district_alias(std::string_view province_code, std::string_view key) {
  if (province_code == "79" && (key == "2" || key == "9")) return "thuduc";
  return key;
}

// The words of a name in lower case with their diacritics (NFC), split where fold() splits.
std::vector<std::string> exact_words(std::string_view input) {
  std::vector<std::string> out;
  auto cps = text::decode_utf8(text::nfc(input));
  if (!cps) return out;
  std::u32string word;
  auto flush = [&] {
    if (!word.empty()) out.push_back(text::encode_utf8(word));
    word.clear();
  };
  for (char32_t c : *cps) {
    char32_t base = text::to_lower(text::strip_diacritics(c));
    if ((base >= 'a' && base <= 'z') || (base >= '0' && base <= '9')) {
      word.push_back(text::to_lower(c));
    } else if (!text::is_mark(c)) {
      flush();
    }
  }
  flush();
  return out;
}

// "P12", "Q1", "F12": the abbreviation written against the number.
void split_abbreviation(std::vector<std::string>& words) {
  if (!words.empty() && words[0].size() >= 2 &&
      (words[0][0] == 'p' || words[0][0] == 'q' || words[0][0] == 'f') &&
      all_digits(std::string_view(words[0]).substr(1))) {
    std::string number = words[0].substr(1);
    words[0].resize(1);
    words.insert(words.begin() + 1, number);
  }
}

}  // namespace

AreaName parse_area_name(std::string_view input) {
  std::string folded = text::fold(input);
  std::vector<std::string> words;
  for (auto w : split_words(folded)) words.emplace_back(w);
  split_abbreviation(words);
  std::vector<std::string> exact = exact_words(input);
  split_abbreviation(exact);
  if (exact.size() != words.size()) exact = words;
  AreaName out;
  auto two = [&](std::string_view a, std::string_view b) {
    return words.size() > 2 && words[0] == a && words[1] == b;
  };
  size_t drop = 0;
  if (two("thanh", "pho") || two("t", "p")) {
    out.kind = Kind::kCity, drop = 2;
  } else if (two("thi", "xa")) {
    out.kind = Kind::kTown, drop = 2;
  } else if (two("thi", "tran")) {
    out.kind = Kind::kTownship, drop = 2;
  } else if (two("dac", "khu")) {
    out.kind = Kind::kSpecialZone, drop = 2;
  } else if (words.size() > 1) {
    static const std::pair<std::string_view, Kind> kPrefixes[] = {
        {"tp", Kind::kCity},         {"tinh", Kind::kProvince},
        {"t", Kind::kProvince},      {"quan", Kind::kUrbanDistrict},
        {"q", Kind::kUrbanDistrict}, {"huyen", Kind::kRuralDistrict},
        {"h", Kind::kRuralDistrict}, {"tx", Kind::kTown},
        {"phuong", Kind::kWard},     {"p", Kind::kWard},
        {"f", Kind::kWard},          {"ph", Kind::kWard},
        {"xa", Kind::kCommune},      {"x", Kind::kCommune},
        {"tt", Kind::kTownship},
    };
    for (const auto& [prefix, kind] : kPrefixes) {
      if (words[0] == prefix) {
        out.kind = kind;
        drop = 1;
        break;
      }
    }
  }
  for (size_t i = drop; i < words.size(); ++i) {
    std::string_view w = words[i], x = exact[i];
    if (all_digits(w)) {
      while (w.size() > 1 && w[0] == '0') w.remove_prefix(1);
      x = w;
    }
    out.key += w;
    out.exact += x;
  }
  return out;
}

AddressBook::AddressBook(std::span<const areas::Province> provinces,
                         std::span<const areas::Ward> wards,
                         std::span<const areas::OldWard> old_wards) {
  for (const auto& p : provinces) new_provinces_.emplace(parse_area_name(p.name).key, p.code);
  for (const auto& w : wards) {
    ward_province_.emplace(w.code, w.province_code);
    AreaName n = parse_area_name(w.name);
    new_wards_[join(w.province_code, n.key)].push_back(
        {{}, Kind::kNone, n.kind, w.code, {}, n.exact});
  }
  for (const auto& o : old_wards) {
    if (o.old_province.empty() || o.old_name.empty()) continue;
    auto province = ward_province_.find(o.new_ward_code);
    if (province == ward_province_.end()) continue;
    const std::string& code = province->second;
    std::string op = parse_area_name(o.old_province).key;
    old_provinces_.try_emplace(op, OldProvince{o.old_province, code});
    AreaName d = parse_area_name(o.old_district);
    AreaName w = parse_area_name(o.old_name);
    Candidate c{op, d.kind, w.kind, o.new_ward_code, d.exact, w.exact};
    old_wards_[join(code, d.key, w.key)].push_back(c);
    old_wards_nodist_[join(code, w.key)].push_back(c);
    old_wards_anywhere_[d.key + "|" + w.key].push_back(c);
    auto& districts = old_districts_[join(code, d.key)];
    if (std::none_of(districts.begin(), districts.end(), [&](const Candidate& x) {
          return x.old_province_key == op && x.district_kind == d.kind;
        })) {
      districts.push_back({op, d.kind, Kind::kNone, {}, d.exact, {}});
    }
  }
}

AddressBook AddressBook::from(const areas::AreaDirectory& areas) {
  std::vector<areas::Ward> wards;
  wards.reserve(3400);
  for (const auto& p : areas.provinces()) {
    for (const auto* w : areas.wards_of(p.code)) wards.push_back(*w);
  }
  return AddressBook(areas.provinces(), wards, areas.old_wards());
}

const AddressBook::OldProvince* AddressBook::old_province(const std::string& key) const {
  auto it = old_provinces_.find(std::string(province_alias(key)));
  return it == old_provinces_.end() ? nullptr : &it->second;
}

std::string AddressBook::new_province(const std::string& key) const {
  auto it = new_provinces_.find(std::string(province_alias(key)));
  return it == new_provinces_.end() ? std::string() : it->second;
}

std::string AddressBook::province_code(std::string_view name) const {
  AreaName n = parse_area_name(name);
  std::string code = new_province(n.key);
  if (!code.empty()) return code;
  const OldProvince* old = old_province(n.key);
  return old ? old->new_code : std::string();
}

std::string AddressBook::province_of_ward(std::string_view ward_code) const {
  auto it = ward_province_.find(std::string(ward_code));
  return it == ward_province_.end() ? std::string() : it->second;
}

bool AddressBook::is_province(const AreaName& n) const {
  if (n.kind != Kind::kNone && n.kind != Kind::kProvince && n.kind != Kind::kCity) return false;
  return !new_province(n.key).empty() || old_province(n.key) != nullptr;
}

bool AddressBook::is_old_district(const std::string& province_code, const AreaName& n) const {
  if (province_code.empty()) {
    return std::any_of(old_districts_.begin(), old_districts_.end(), [&](const auto& e) {
      return e.first.size() > n.key.size() && e.first.ends_with("|" + n.key);
    });
  }
  return old_districts_.contains(join(province_code, district_alias(province_code, n.key)));
}

bool AddressBook::is_ward_name(const std::string& province_code, const AreaName* district,
                               const AreaName& n) const {
  if (province_code.empty()) {
    return district && old_wards_anywhere_.contains(district->key + "|" + n.key);
  }
  if (district) {
    return old_wards_.contains(
        join(province_code, district_alias(province_code, district->key), n.key));
  }
  return new_wards_.contains(join(province_code, n.key)) ||
         old_wards_nodist_.contains(join(province_code, n.key));
}

namespace {

// The distinct new wards among candidates, after keeping those that fit what the row said
// (old province, kinds of unit) whenever that leaves any.
template <class Candidate>
std::vector<std::string> fitting(const std::vector<Candidate>& all,
                                 const std::string& old_province_key, const AreaName* district,
                                 const AreaName& ward) {
  std::vector<const Candidate*> cands;
  cands.reserve(all.size());
  for (const auto& c : all) cands.push_back(&c);
  auto keep = [&](auto pred) {
    if (cands.size() < 2 && !cands.empty()) return;
    std::vector<const Candidate*> kept;
    for (const Candidate* c : cands) {
      if (pred(*c)) kept.push_back(c);
    }
    if (!kept.empty()) cands = std::move(kept);
  };
  if (!old_province_key.empty())
    keep([&](const Candidate& c) { return c.old_province_key == old_province_key; });
  if (district && district->kind != Kind::kNone) {
    keep([&](const Candidate& c) { return c.district_kind == district->kind; });
  }
  if (ward.kind != Kind::kNone) keep([&](const Candidate& c) { return c.ward_kind == ward.kind; });
  // Names that differ only by their accents (Bình Thanh, Bình Thạnh) are told apart when the
  // row writes them.
  if (district) keep([&](const Candidate& c) { return c.district_exact == district->exact; });
  keep([&](const Candidate& c) { return c.ward_exact == ward.exact; });
  std::vector<std::string> codes;
  for (const Candidate* c : cands) {
    if (std::find(codes.begin(), codes.end(), c->ward_code) == codes.end())
      codes.push_back(c->ward_code);
  }
  return codes;
}

}  // namespace

Result<ResolvedAddress> AddressBook::resolve_ward(const std::string& province_code,
                                                  const std::string& old_province_key,
                                                  const AreaName* district,
                                                  const AreaName& ward) const {
  auto found = [&](const std::string& code, bool old_form) -> Result<ResolvedAddress> {
    ResolvedAddress r;
    r.ward_code = code;
    auto p = ward_province_.find(code);
    if (p != ward_province_.end()) r.province_code = p->second;
    r.old_form = old_form;
    return r;
  };
  auto ambiguous = [&](const std::vector<std::string>& codes) {
    return invalid(
        "ward", "ambiguous_ward",
        fmt::format("the old ward was split between {} new wards ({}): give the new ward",
                    codes.size(), fmt::join(codes, ", ")));
  };
  const std::vector<Candidate> none;
  auto lookup = [&](const Index& index, const std::string& key) -> const std::vector<Candidate>& {
    auto it = index.find(key);
    return it == index.end() ? none : it->second;
  };
  if (district) {
    std::string dk(province_code.empty() ? district->key
                                         : district_alias(province_code, district->key));
    const auto& cands = province_code.empty()
                            ? lookup(old_wards_anywhere_, dk + "|" + ward.key)
                            : lookup(old_wards_, join(province_code, dk, ward.key));
    auto codes = fitting(cands, old_province_key, district, ward);
    if (codes.size() == 1) return found(codes[0], true);
    if (codes.size() > 1) return ambiguous(codes);
  }
  if (!province_code.empty()) {
    // A new ward, written with or without the old district.
    auto codes = fitting(lookup(new_wards_, join(province_code, ward.key)), {}, nullptr, ward);
    if (codes.size() == 1) return found(codes[0], false);
    if (!district) {
      codes = fitting(lookup(old_wards_nodist_, join(province_code, ward.key)), old_province_key,
                      nullptr, ward);
      if (codes.size() == 1) return found(codes[0], true);
      if (codes.size() > 1) return ambiguous(codes);
    }
  }
  if (district && !is_old_district(province_code, *district)) {
    return invalid("district", "unknown_district",
                   "no such district in the province (nor an old one)");
  }
  if (province_code.empty() && !district) {
    return invalid("province", "missing_province", "the address names a ward but no province");
  }
  return invalid("ward", "unknown_ward", "no such ward in the province, old or new");
}

const AreaName& AreaNames::of(std::string_view text) {
  if (names_.size() >= capacity_) names_.clear();
  auto it = names_.find(std::string(text));
  if (it == names_.end()) it = names_.emplace(std::string(text), parse_area_name(text)).first;
  return it->second;
}

Result<ResolvedAddress> AddressBook::resolve(const AddressInput& input,
                                             std::string_view context_province,
                                             AreaNames& names) const {
  enum class Slot { kAny, kWard, kDistrict, kProvince };
  struct Part {
    std::string text;
    Slot hint;
  };
  std::vector<Part> parts;
  std::string_view address = input.address;
  char separator = address.find(',') != std::string_view::npos ? ',' : ';';
  bool dashes = address.find(separator) == std::string_view::npos &&
                address.find(" - ") != std::string_view::npos;
  size_t i = 0;
  while (i <= address.size() && !address.empty()) {
    size_t j = dashes ? address.find(" - ", i) : address.find(separator, i);
    if (j == std::string_view::npos) j = address.size();
    std::string part = trim(address.substr(i, j - i));
    if (!part.empty()) parts.push_back({std::move(part), Slot::kAny});
    i = j + (dashes ? 3 : 1);
  }
  if (auto w = trim(input.ward); !w.empty()) parts.push_back({w, Slot::kWard});
  if (auto d = trim(input.district); !d.empty()) parts.push_back({d, Slot::kDistrict});
  if (auto p = trim(input.province); !p.empty()) parts.push_back({p, Slot::kProvince});

  // From the end: province, district, ward; what is left is the street.
  auto n = static_cast<std::ptrdiff_t>(parts.size()) - 1;
  std::string province_code, old_province_key;
  if (n >= 0) {
    const AreaName& name = names.of(parts[n].text);
    if (parts[n].hint == Slot::kProvince || (parts[n].hint == Slot::kAny && is_province(name))) {
      province_code = new_province(name.key);
      if (const OldProvince* old = old_province(name.key)) {
        old_province_key = province_alias(name.key);
        if (province_code.empty()) province_code = old->new_code;
      }
      if (province_code.empty()) {
        return invalid("province", "unknown_province",
                       fmt::format("\"{}\" is not a province", parts[n].text));
      }
      --n;
    }
  }
  const bool named_province = !province_code.empty();
  std::string context = named_province ? province_code : std::string(context_province);
  std::optional<AreaName> district, ward;
  if (n >= 0) {
    const AreaName& name = names.of(parts[n].text);
    bool looks = is_district_kind(name.kind) || name.kind == Kind::kCity ||
                 (name.kind == Kind::kNone && !context.empty() && is_old_district(context, name) &&
                  !is_ward_name(context, nullptr, name));
    if (parts[n].hint == Slot::kDistrict || (parts[n].hint == Slot::kAny && looks)) {
      district = name;
      --n;
    }
  }
  if (n >= 0) {
    const AreaName& name = names.of(parts[n].text);
    bool looks =
        is_ward_kind(name.kind) ||
        (name.kind == Kind::kNone && is_ward_name(context, district ? &*district : nullptr, name));
    if (parts[n].hint == Slot::kWard || (parts[n].hint == Slot::kAny && looks)) {
      ward = name;
      --n;
    }
  }
  std::string street;
  for (std::ptrdiff_t k = 0; k <= n; ++k) {
    if (!street.empty()) street += ", ";
    street += parts[k].text;
  }

  ResolvedAddress out;
  if (!ward && !district) {
    out.province_code = province_code;
    out.street = std::move(street);
    return out;
  }
  if (!ward) {
    // A district alone: a new ward written without its prefix ("Thủ Đức"), or nothing to go on.
    if (!context.empty()) {
      auto r = resolve_ward(context, {}, nullptr, *district);
      if (r.ok() && !r->old_form) {
        r->street = std::move(street);
        return r;
      }
    }
    return invalid("ward", "missing_ward",
                   "the address names a district but no ward: give the ward");
  }
  auto r = resolve_ward(context, old_province_key, district ? &*district : nullptr, *ward);
  if (!r.ok() && !named_province && !context.empty()) {
    // The importer's province was only a guess: the row may lie elsewhere.
    auto anywhere = resolve_ward({}, {}, district ? &*district : nullptr, *ward);
    if (anywhere.ok()) r = std::move(anywhere);
  }
  if (!r.ok()) return r;
  r->street = std::move(street);
  return r;
}

}  // namespace kb::vaccination
