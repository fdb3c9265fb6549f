#include "core/text.h"

#include <utf8proc.h>

#include <cstdint>
#include <cstdlib>

namespace kb {

bool is_storable_text(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    auto lead = static_cast<unsigned char>(s[i]);
    if (lead == 0) return false;
    if (lead < 0x80) {
      ++i;
      continue;
    }
    size_t extra = (lead >> 5) == 0x6 ? 1 : (lead >> 4) == 0xE ? 2 : (lead >> 3) == 0x1E ? 3 : 0;
    if (extra == 0 || i + extra >= s.size()) return false;  // a stray byte, or cut short
    uint32_t cp = lead & (0x3F >> extra);
    for (size_t k = 1; k <= extra; ++k) {
      auto next = static_cast<unsigned char>(s[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (next & 0x3F);
    }
    static constexpr uint32_t kSmallest[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kSmallest[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += extra + 1;
  }
  return true;
}

std::optional<std::string> map_utf8(std::string_view text, int options) {
  utf8proc_uint8_t* mapped = nullptr;
  utf8proc_ssize_t n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
                                    static_cast<utf8proc_ssize_t>(text.size()), &mapped,
                                    static_cast<utf8proc_option_t>(options));
  if (n < 0) return std::nullopt;
  std::string out(reinterpret_cast<char*>(mapped), static_cast<size_t>(n));
  std::free(mapped);
  return out;
}

std::optional<std::string> clean_text(std::string_view text) {
  auto nfc = map_utf8(text, UTF8PROC_COMPOSE | UTF8PROC_STABLE);
  if (!nfc) return std::nullopt;
  std::string out;
  bool pending_space = false;
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(nfc->data());
  utf8proc_ssize_t left = static_cast<utf8proc_ssize_t>(nfc->size());
  while (left > 0) {
    utf8proc_int32_t cp;
    utf8proc_ssize_t len = utf8proc_iterate(p, left, &cp);
    if (len <= 0) return std::nullopt;
    auto category = utf8proc_category(cp);
    bool is_space = category == UTF8PROC_CATEGORY_ZS || cp == '\t' || cp == '\n' || cp == '\r';
    if (is_space) {
      pending_space = !out.empty();
    } else if (category == UTF8PROC_CATEGORY_CC || category == UTF8PROC_CATEGORY_CS ||
               category == UTF8PROC_CATEGORY_CN || category == UTF8PROC_CATEGORY_ZL ||
               category == UTF8PROC_CATEGORY_ZP) {
      return std::nullopt;
    } else {
      if (pending_space) out.push_back(' ');
      pending_space = false;
      out.append(reinterpret_cast<const char*>(p), static_cast<size_t>(len));
    }
    p += len;
    left -= len;
  }
  return out;
}

}  // namespace kb
