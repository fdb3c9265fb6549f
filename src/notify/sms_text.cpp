#include "notify/sms_text.h"

#include <array>

#include "vaccination/text.h"

namespace kb::notify {

std::string fold_for_sms(std::string_view utf8) {
  namespace t = vaccination::text;
  std::u32string decoded;
  // Decode leniently: drop invalid bytes rather than the whole text.
  if (auto whole = t::decode_utf8(utf8)) {
    decoded = *whole;
  } else {
    for (size_t i = 0; i < utf8.size();) {
      size_t len = 1;
      auto lead = static_cast<unsigned char>(utf8[i]);
      if (lead >= 0xF0)
        len = 4;
      else if (lead >= 0xE0)
        len = 3;
      else if (lead >= 0xC0)
        len = 2;
      if (auto part = t::decode_utf8(utf8.substr(i, len))) {
        decoded += *part;
        i += len;
      } else {
        ++i;
      }
    }
  }
  std::string out;
  out.reserve(decoded.size());
  for (char32_t c : decoded) {
    switch (c) {
      case U'\u2018':
      case U'\u2019':
        out += '\'';
        continue;
      case U'\u201C':
      case U'\u201D':
        out += '"';
        continue;
      case U'\u2013':
      case U'\u2014':
        out += '-';
        continue;
      case U'\u2026':
        out += "...";
        continue;
      case U'\n':
      case U'\r':
      case U'\t':
      case U'\u00A0':
        if (!out.empty() && out.back() != ' ') out += ' ';
        continue;
      default:
        break;
    }
    if (c < 0x80) {
      if (c >= 0x20 && c < 0x7F) out += static_cast<char>(c);
      continue;
    }
    if (t::is_mark(c)) continue;  // a combining accent typed apart from its letter
    char32_t base = t::strip_diacritics(c);
    if (base < 0x80 && base >= 0x20 && base < 0x7F) out += static_cast<char>(base);
  }
  return out;
}

std::string sms_part(std::string_view text, std::string_view link, size_t limit) {
  std::string folded = fold_for_sms(text);
  std::string tail = link.empty() ? "" : " " + fold_for_sms(link);
  if (folded.size() + tail.size() <= limit) return folded + tail;
  size_t room = limit > tail.size() + 3 ? limit - tail.size() - 3 : 0;
  size_t cut = room;
  // Cut at the last space within room, unless that throws away more than a third.
  size_t space = folded.rfind(' ', room);
  if (space != std::string::npos && space >= room * 2 / 3) cut = space;
  std::string part = folded.substr(0, cut);
  while (!part.empty() && part.back() == ' ') part.pop_back();
  return part + "..." + tail;
}

std::string_view carrier_of(std::string_view e164) {
  if (e164.starts_with("+84")) e164.remove_prefix(3);
  if (e164.size() < 2) return "other";
  // Prefixes after the 2018 conversion (the Ministry's numbering plan).
  struct Prefix {
    std::string_view digits, carrier;
  };
  static constexpr std::array kPrefixes = {
      Prefix{"86", "viettel"},      Prefix{"96", "viettel"},      Prefix{"97", "viettel"},
      Prefix{"98", "viettel"},      Prefix{"32", "viettel"},      Prefix{"33", "viettel"},
      Prefix{"34", "viettel"},      Prefix{"35", "viettel"},      Prefix{"36", "viettel"},
      Prefix{"37", "viettel"},      Prefix{"38", "viettel"},      Prefix{"39", "viettel"},
      Prefix{"88", "vinaphone"},    Prefix{"91", "vinaphone"},    Prefix{"94", "vinaphone"},
      Prefix{"81", "vinaphone"},    Prefix{"82", "vinaphone"},    Prefix{"83", "vinaphone"},
      Prefix{"84", "vinaphone"},    Prefix{"85", "vinaphone"},    Prefix{"89", "mobifone"},
      Prefix{"90", "mobifone"},     Prefix{"93", "mobifone"},     Prefix{"70", "mobifone"},
      Prefix{"76", "mobifone"},     Prefix{"77", "mobifone"},     Prefix{"78", "mobifone"},
      Prefix{"79", "mobifone"},     Prefix{"92", "vietnamobile"}, Prefix{"56", "vietnamobile"},
      Prefix{"58", "vietnamobile"}, Prefix{"99", "gmobile"},      Prefix{"59", "gmobile"},
      Prefix{"87", "itel"},         Prefix{"55", "reddi"},
  };
  for (const Prefix& p : kPrefixes)
    if (e164.starts_with(p.digits)) return p.carrier;
  return "other";
}

}  // namespace kb::notify
