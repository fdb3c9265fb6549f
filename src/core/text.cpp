#include "core/text.h"

#include <utf8proc.h>

#include <cstdlib>

namespace kb {

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
