// Vietnamese typed in the legacy 8-bit encodings that offices used before Unicode: TCVN3 (the
// "ABC" fonts .VnTime, .VnTimeH) and VNI-Windows (VNI-Times). Spreadsheets typed that way and
// exported to CSV show the bytes as Windows-1252 letters — "NguyÔn V¨n An" (TCVN3) or
// "Nguyeãn Vaên An" (VNI) for "Nguyễn Văn An" — or, saved in the legacy code page, arrive as
// bytes that are not UTF-8 at all. This file recognises such text and converts it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kb::vaccination {

enum class LegacyEncoding {
  kTcvn3,        // TCVN 5712 (VN3 "ABC", with the VN1 capitals)
  kVni,          // VNI-Windows: base letters followed by mark bytes
  kWindows1252,  // bytes that are not UTF-8 and read as neither of the above
};

struct LegacyDecoded {
  std::string text;  // UTF-8, NFC
  LegacyEncoding from;
};

// The text converted to Unicode when it reads as TCVN3 or VNI (shown as Windows-1252, or as raw
// bytes), or when it is not UTF-8 at all; std::nullopt when it is plain UTF-8 already. The choice
// is made by which reading gives Vietnamese syllables, so genuine text that happens to use only
// Latin-1 letters ("Lê Hà") is left alone.
std::optional<LegacyDecoded> decode_legacy_text(std::string_view cell);

// Bytes read as Windows-1252, as UTF-8: every byte becomes one character, so nothing is lost
// (for keeping a row that is not UTF-8 as text).
std::string windows1252_to_utf8(std::string_view bytes);

// The code of the fix a conversion makes, as the import report names it:
// legacy_encoding_tcvn3, legacy_encoding_vni, legacy_encoding_windows1252.
std::string_view fix_code(LegacyEncoding from);

// Whether one lowercase word (NFC) is a well-formed Vietnamese syllable: an initial consonant,
// a vowel nucleus with at most one tone mark, and a final. Used to judge readings of a text.
bool is_vietnamese_syllable(std::u32string_view word);

}  // namespace kb::vaccination
