#include "vaccination/legacy_text.h"

#include <array>
#include <vector>

#include "vaccination/text.h"

namespace kb::vaccination {
namespace {

// TCVN 5712:1993 bytes 0x80–0xFF. VN3 (the "ABC" fonts) uses the lowercase letters and Ă Â Ê Ô
// Ơ Ư Đ at 0xA1–0xAE; capitals with tone marks (VN1) sit at 0x80–0x9F and between the
// lowercase ones. The capitals fonts (.VnTimeH) show the lowercase codes as capitals: such text
// decodes to lowercase letters, and the name rule then capitalises it.
constexpr std::array<char32_t, 128> kTcvn3 = {
    0x00C0, 0x1EA2, 0x00C3, 0x00C1, 0x1EA0, 0x1EB6, 0x1EAC, 0x00C8,  // 0x80
    0x1EBA, 0x1EBC, 0x00C9, 0x1EB8, 0x1EC6, 0x00CC, 0x1EC8, 0x0128,  // 0x88
    0x00CD, 0x1ECA, 0x00D2, 0x1ECE, 0x00D5, 0x00D3, 0x1ECC, 0x1ED8,  // 0x90
    0x1EDC, 0x1EDE, 0x1EE0, 0x1EDA, 0x1EE2, 0x00D9, 0x1EE6, 0x0168,  // 0x98
    0x00A0, 0x0102, 0x00C2, 0x00CA, 0x00D4, 0x01A0, 0x01AF, 0x0110,  // 0xA0
    0x0103, 0x00E2, 0x00EA, 0x00F4, 0x01A1, 0x01B0, 0x0111, 0x1EB0,  // 0xA8
    0x0300, 0x0309, 0x0303, 0x0301, 0x0323, 0x00E0, 0x1EA3, 0x00E3,  // 0xB0
    0x00E1, 0x1EA1, 0x1EB2, 0x1EB1, 0x1EB3, 0x1EB5, 0x1EAF, 0x1EB4,  // 0xB8
    0x1EAE, 0x1EA6, 0x1EA8, 0x1EAA, 0x1EA4, 0x1EC0, 0x1EB7, 0x1EA7,  // 0xC0
    0x1EA9, 0x1EAB, 0x1EA5, 0x1EAD, 0x00E8, 0x1EC2, 0x1EBB, 0x1EBD,  // 0xC8
    0x00E9, 0x1EB9, 0x1EC1, 0x1EC3, 0x1EC5, 0x1EBF, 0x1EC7, 0x00EC,  // 0xD0
    0x1EC9, 0x1EC4, 0x1EBE, 0x1ED2, 0x0129, 0x00ED, 0x1ECB, 0x00F2,  // 0xD8
    0x1ED4, 0x1ECF, 0x00F5, 0x00F3, 0x1ECD, 0x1ED3, 0x1ED5, 0x1ED7,  // 0xE0
    0x1ED1, 0x1ED9, 0x1EDD, 0x1EDF, 0x1EE1, 0x1EDB, 0x1EE3, 0x00F9,  // 0xE8
    0x1ED6, 0x1EE7, 0x0169, 0x00FA, 0x1EE5, 0x1EEB, 0x1EED, 0x1EEF,  // 0xF0
    0x1EE9, 0x1EF1, 0x1EF3, 0x1EF7, 0x1EF9, 0x00FD, 0x1EF5, 0x1ED0,  // 0xF8
};

// Windows-1252 bytes 0x80–0x9F (0 where the code page leaves a byte undefined: such bytes pass
// through as the C1 control of the same number, as Latin-1 readers show them).
constexpr std::array<char32_t, 32> kWindows1252 = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,  // 0x80
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,       // 0x88
    0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,  // 0x90
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178,  // 0x98
};

char32_t from_windows1252(unsigned char b) {
  if (b >= 0x80 && b < 0xA0 && kWindows1252[b - 0x80]) return kWindows1252[b - 0x80];
  return b;
}

// The byte a Windows-1252 (or Latin-1) reader showed as `c`, or -1.
int to_windows1252(char32_t c) {
  if (c < 0x80 || (c >= 0xA0 && c <= 0xFF)) return static_cast<int>(c);
  if (c >= 0x80 && c < 0xA0) return static_cast<int>(c);  // undefined bytes shown as C1 controls
  for (size_t i = 0; i < kWindows1252.size(); ++i) {
    if (kWindows1252[i] == c) return static_cast<int>(0x80 + i);
  }
  return -1;
}

constexpr char32_t kGrave = 0x0300, kAcute = 0x0301, kCircumflex = 0x0302, kTilde = 0x0303,
                   kBreve = 0x0306, kHook = 0x0309, kHorn = 0x031B, kDotBelow = 0x0323;

// VNI-Windows mark bytes: what follows a base letter.
struct VniMark {
  char32_t quality = 0;  // circumflex or breve, or 0
  char32_t tone = 0;     // a tone mark, or 0
};

std::optional<VniMark> vni_mark(unsigned char b) {
  switch (b) {
    case 0xF9:
    case 0xD9:
      return VniMark{0, kAcute};  // ù Ù
    case 0xF8:
    case 0xD8:
      return VniMark{0, kGrave};  // ø Ø
    case 0xFB:
    case 0xDB:
      return VniMark{0, kHook};  // û Û
    case 0xF5:
    case 0xD5:
      return VniMark{0, kTilde};  // õ Õ
    case 0xEF:
    case 0xCF:
      return VniMark{0, kDotBelow};  // ï Ï
    case 0xE2:
    case 0xC2:
      return VniMark{kCircumflex, 0};  // â Â
    case 0xE1:
    case 0xC1:
      return VniMark{kCircumflex, kAcute};  // á Á
    case 0xE0:
    case 0xC0:
      return VniMark{kCircumflex, kGrave};  // à À
    case 0xE5:
    case 0xC5:
      return VniMark{kCircumflex, kHook};  // å Å
    case 0xE3:
    case 0xC3:
      return VniMark{kCircumflex, kTilde};  // ã Ã
    case 0xE4:
    case 0xC4:
      return VniMark{kCircumflex, kDotBelow};  // ä Ä
    case 0xEA:
    case 0xCA:
      return VniMark{kBreve, 0};  // ê Ê
    case 0xE9:
    case 0xC9:
      return VniMark{kBreve, kAcute};  // é É
    case 0xE8:
    case 0xC8:
      return VniMark{kBreve, kGrave};  // è È
    case 0xFA:
    case 0xDA:
      return VniMark{kBreve, kHook};  // ú Ú
    case 0xFC:
    case 0xDC:
      return VniMark{kBreve, kTilde};  // ü Ü
    case 0xEB:
    case 0xCB:
      return VniMark{kBreve, kDotBelow};  // ë Ë
    default:
      return std::nullopt;
  }
}

// VNI bytes that stand for a letter alone: ơ ư đ and the i/ỵ forms.
char32_t vni_letter(unsigned char b) {
  switch (b) {
    case 0xF4:
      return U'ơ';
    case 0xD4:
      return U'Ơ';
    case 0xF6:
      return U'ư';
    case 0xD6:
      return U'Ư';
    case 0xF1:
      return U'đ';
    case 0xD1:
      return U'Đ';
    case 0xED:
      return U'í';
    case 0xCD:
      return U'Í';
    case 0xEC:
      return U'ì';
    case 0xCC:
      return U'Ì';
    case 0xE6:
      return U'ỉ';
    case 0xC6:
      return U'Ỉ';
    case 0xF3:
      return U'ĩ';
    case 0xD3:
      return U'Ĩ';
    case 0xF2:
      return U'ị';
    case 0xD2:
      return U'Ị';
    case 0xEE:
      return U'ỵ';
    case 0xCE:
      return U'Ỵ';
    default:
      return 0;
  }
}

std::u32string decode_tcvn3(std::string_view bytes) {
  std::u32string out;
  out.reserve(bytes.size());
  for (char ch : bytes) {
    auto b = static_cast<unsigned char>(ch);
    out.push_back(b < 0x80 ? b : kTcvn3[b - 0x80]);
  }
  return out;
}

// Decomposed (base + marks) text, or std::nullopt when the bytes are not valid VNI: a mark byte
// after a letter that cannot carry it, or a byte VNI does not use.
std::optional<std::u32string> decode_vni(std::string_view bytes) {
  std::u32string out;
  out.reserve(bytes.size() * 2);
  for (size_t i = 0; i < bytes.size(); ++i) {
    auto b = static_cast<unsigned char>(bytes[i]);
    char32_t base = 0;
    if (b < 0x80) {
      base = b;
    } else if (char32_t letter = vni_letter(b)) {
      base = letter;
    } else {
      return std::nullopt;  // a mark byte with no letter before it, or a byte VNI lacks
    }
    out.push_back(base);
    char32_t lower = text::to_lower(base);
    bool takes_tone = lower == U'a' || lower == U'e' || lower == U'o' || lower == U'u' ||
                      lower == U'y' || lower == U'ơ' || lower == U'ư';
    if (!takes_tone || i + 1 >= bytes.size()) continue;
    auto mark = vni_mark(static_cast<unsigned char>(bytes[i + 1]));
    if (!mark) continue;
    if (mark->quality == kCircumflex && lower != U'a' && lower != U'e' && lower != U'o')
      return std::nullopt;
    if (mark->quality == kBreve && lower != U'a') return std::nullopt;
    if (mark->quality) out.push_back(mark->quality);
    if (mark->tone) out.push_back(mark->tone);
    ++i;
  }
  return out;
}

// ---- judging a reading ----

bool is_tone(char32_t c) {
  return c == kGrave || c == kAcute || c == kTilde || c == kHook || c == kDotBelow;
}

// A lowercase letter split into its Vietnamese letter without tone (ă â ê ô ơ ư đ kept) and
// whether it carried a tone mark.
struct Toneless {
  char32_t letter;
  bool toned;
};

Toneless split_tone_slow(char32_t c) {
  if (c < 0x80 || c == U'đ') return {c, false};
  std::u32string parts = text::decompose(c);
  char32_t base = parts[0];
  bool toned = false;
  char32_t quality = 0;
  for (size_t i = 1; i < parts.size(); ++i) {
    if (is_tone(parts[i])) {
      toned = true;
    } else {
      quality = parts[i];
    }
  }
  if (quality == 0) return {base, toned};
  if (quality == kBreve && base == U'a') return {U'ă', toned};
  if (quality == kCircumflex && base == U'a') return {U'â', toned};
  if (quality == kCircumflex && base == U'e') return {U'ê', toned};
  if (quality == kCircumflex && base == U'o') return {U'ô', toned};
  if (quality == kHorn && base == U'o') return {U'ơ', toned};
  if (quality == kHorn && base == U'u') return {U'ư', toned};
  return {c, toned};  // some other accent: not a Vietnamese letter, no syllable matches it
}

// Vietnamese letters lie below U+2000: those are split by a table made once.
Toneless split_tone(char32_t c) {
  constexpr char32_t kEnd = 0x2000;
  static const auto table = [] {
    std::vector<Toneless> t(kEnd);
    for (char32_t x = 0; x < kEnd; ++x) t[x] = split_tone_slow(x);
    return t;
  }();
  return c < kEnd ? table[c] : split_tone_slow(c);
}

bool starts_with(std::u32string_view s, std::u32string_view p) {
  return s.substr(0, p.size()) == p;
}

constexpr std::u32string_view kInitials[] = {
    U"ngh", U"ng", U"gh", U"gi", U"kh", U"nh", U"ph", U"th", U"tr", U"ch", U"qu", U"b", U"c", U"d",
    U"đ",   U"g",  U"h",  U"k",  U"l",  U"m",  U"n",  U"p",  U"r",  U"s",  U"t",  U"v", U"x", U""};
constexpr std::u32string_view kNuclei[] = {
    U"uyê", U"uya", U"uyu", U"iêu", U"yêu", U"oai", U"oay", U"oao", U"oeo", U"uây", U"uôi",
    U"ươi", U"ươu", U"ai",  U"ao",  U"au",  U"ay",  U"âu",  U"ây",  U"eo",  U"êu",  U"ia",
    U"iê",  U"iu",  U"oa",  U"oă",  U"oe",  U"oi",  U"ôi",  U"ơi",  U"oo",  U"ua",  U"uâ",
    U"uê",  U"ui",  U"uô",  U"uơ",  U"uy",  U"ưa",  U"ưi",  U"ươ",  U"ưu",  U"yê",  U"a",
    U"ă",   U"â",   U"e",   U"ê",   U"i",   U"o",   U"ô",   U"ơ",   U"u",   U"ư",   U"y"};
constexpr std::u32string_view kFinals[] = {U"ch", U"ng", U"nh", U"c", U"m", U"n", U"p", U"t", U""};

}  // namespace

bool is_vietnamese_syllable(std::u32string_view word) {
  if (word.empty() || word.size() > 8) return false;
  std::u32string bare;
  int tones = 0;
  for (char32_t c : word) {
    Toneless t = split_tone(c);
    tones += t.toned;
    bare.push_back(t.letter);
  }
  if (tones > 1) return false;
  for (auto initial : kInitials) {
    if (!starts_with(bare, initial)) continue;
    std::u32string_view rest = std::u32string_view(bare).substr(initial.size());
    // "gi" and "qu" before a vowel, or "gi" as the whole onset and nucleus ("gì").
    if (rest.empty() && initial == U"gi") return true;
    for (auto nucleus : kNuclei) {
      if (!starts_with(rest, nucleus)) continue;
      std::u32string_view coda = rest.substr(nucleus.size());
      for (auto final_consonant : kFinals) {
        if (coda == final_consonant) return true;
      }
    }
  }
  return false;
}

namespace {

bool is_mojibake_symbol(char32_t c) {
  if (c >= 0xA1 && c <= 0xBF) return true;  // ¡ ¢ £ … ¿: TCVN3 letters read as Latin-1
  if (c == 0xD7 || c == 0xF7) return true;  // × ÷
  if (c >= 0x80 && c < 0xA0) return true;   // C1 controls
  for (char32_t w : kWindows1252) {
    if (w && w == c) return true;
  }
  return false;
}

// How Vietnamese a reading looks: +1 for each word with a non-ASCII letter that is a syllable,
// −1 for each that is not (and for capitals inside a word: "NguyÔn"), −2 for each symbol that
// only mis-read bytes produce.
int plausibility(std::u32string_view s) {
  int score = 0;
  size_t i = 0;
  while (i < s.size()) {
    char32_t c = s[i];
    if (!text::is_letter(c)) {
      if (is_mojibake_symbol(c)) score -= 2;
      ++i;
      continue;
    }
    size_t j = i;
    bool ascii = true, camel = false, seen_lower = false;
    std::u32string word;
    while (j < s.size() && (text::is_letter(s[j]) || text::is_mark(s[j]))) {
      char32_t l = text::to_lower(s[j]);
      if (s[j] >= 0x80) ascii = false;
      if (l != s[j] && seen_lower) camel = true;
      if (l == s[j] && text::is_letter(s[j])) seen_lower = true;
      word.push_back(l);
      ++j;
    }
    if (!ascii) {
      if (camel) score -= 1;
      score += is_vietnamese_syllable(word) ? 1 : -1;
    }
    i = j;
  }
  return score;
}

}  // namespace

namespace {

// Whether UTF-8 text holds a character that no 8-bit reading produces (ă, đ, ơ, ạ …): then it
// is genuine Unicode. Stops at the first such character, which most Vietnamese text has early.
bool has_unicode_only_letter(std::string_view utf8) {
  for (size_t i = 0; i < utf8.size(); ++i) {
    auto b = static_cast<unsigned char>(utf8[i]);
    if (b < 0xC4) continue;  // ASCII, continuation bytes, and U+0080–U+00FF (C2, C3)
    // A lead byte of U+0100 and above: a Windows-1252 character only for a few of them.
    char32_t c = 0;
    size_t n = b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    if (i + n > utf8.size()) return false;
    c = b & (n == 2 ? 0x1F : n == 3 ? 0x0F : 0x07);
    for (size_t k = 1; k < n; ++k) c = (c << 6) | (static_cast<unsigned char>(utf8[i + k]) & 0x3F);
    if (to_windows1252(c) < 0) return true;
    i += n - 1;
  }
  return false;
}

}  // namespace

std::optional<LegacyDecoded> decode_legacy_text(std::string_view cell) {
  if (text::is_ascii(cell)) return std::nullopt;
  if (has_unicode_only_letter(cell) && text::is_valid_utf8(cell)) return std::nullopt;
  std::string bytes;  // the cell as 8-bit bytes
  std::optional<std::u32string> as_read;
  if (text::is_valid_utf8(cell)) {
    as_read = text::decode_utf8(cell);
    bytes.reserve(as_read->size());
    for (char32_t c : *as_read) {
      int b = to_windows1252(c);
      if (b < 0) return std::nullopt;  // a letter no 8-bit reading makes: genuine Unicode
      bytes.push_back(static_cast<char>(b));
    }
  } else {
    bytes.assign(cell);
  }
  struct Reading {
    std::u32string text;
    LegacyEncoding from;
  };
  std::vector<Reading> readings;
  readings.push_back({decode_tcvn3(bytes), LegacyEncoding::kTcvn3});
  if (auto vni = decode_vni(bytes)) readings.push_back({std::move(*vni), LegacyEncoding::kVni});
  // Judge each reading composed, as it would be stored.
  int best_score = 0;
  const Reading* best = nullptr;
  std::string best_text;
  for (const auto& r : readings) {
    std::string composed = text::nfc(text::encode_utf8(r.text));
    auto cps = text::decode_utf8(composed);
    int score = cps ? plausibility(*cps) : -1000;
    if (!best || score > best_score) {
      best = &r;
      best_score = score;
      best_text = std::move(composed);
    }
  }
  if (as_read) {
    // Text that is UTF-8 already changes only when a legacy reading is clearly better.
    if (best_score <= plausibility(*as_read)) return std::nullopt;
    return LegacyDecoded{std::move(best_text), best->from};
  }
  std::u32string windows;
  for (char ch : bytes) windows.push_back(from_windows1252(static_cast<unsigned char>(ch)));
  if (best_score <= plausibility(windows)) {
    return LegacyDecoded{text::nfc(text::encode_utf8(windows)), LegacyEncoding::kWindows1252};
  }
  return LegacyDecoded{std::move(best_text), best->from};
}

std::string windows1252_to_utf8(std::string_view bytes) {
  std::u32string out;
  out.reserve(bytes.size());
  for (char ch : bytes) out.push_back(from_windows1252(static_cast<unsigned char>(ch)));
  return text::encode_utf8(out);
}

std::string_view fix_code(LegacyEncoding from) {
  switch (from) {
    case LegacyEncoding::kTcvn3:
      return "legacy_encoding_tcvn3";
    case LegacyEncoding::kVni:
      return "legacy_encoding_vni";
    case LegacyEncoding::kWindows1252:
      return "legacy_encoding_windows1252";
  }
  return "legacy_encoding";
}

}  // namespace kb::vaccination
