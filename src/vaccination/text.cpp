#include "vaccination/text.h"

#include <utf8proc.h>

#include <array>
#include <cstdlib>

namespace kb::vaccination::text {

std::optional<std::u32string> decode_utf8(std::string_view utf8) {
  std::u32string out;
  out.reserve(utf8.size());
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(utf8.data());
  auto left = static_cast<utf8proc_ssize_t>(utf8.size());
  while (left > 0) {
    if (*p < 0x80) {
      out.push_back(*p);
      ++p;
      --left;
      continue;
    }
    utf8proc_int32_t cp;
    utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);
    if (n <= 0) return std::nullopt;
    out.push_back(static_cast<char32_t>(cp));
    p += n;
    left -= n;
  }
  return out;
}

std::string encode_utf8(std::u32string_view text) {
  std::string out;
  out.reserve(text.size() * 2);
  utf8proc_uint8_t buf[4];
  for (char32_t c : text) {
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
      continue;
    }
    auto n = utf8proc_encode_char(static_cast<utf8proc_int32_t>(c), buf);
    out.append(reinterpret_cast<const char*>(buf), static_cast<size_t>(n));
  }
  return out;
}

bool is_ascii(std::string_view bytes) {
  for (char ch : bytes) {
    if (static_cast<unsigned char>(ch) >= 0x80) return false;
  }
  return true;
}

bool is_valid_utf8(std::string_view utf8) {
  if (is_ascii(utf8)) return true;
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(utf8.data());
  auto left = static_cast<utf8proc_ssize_t>(utf8.size());
  while (left > 0) {
    utf8proc_int32_t cp;
    utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);
    if (n <= 0) return false;
    p += n;
    left -= n;
  }
  return true;
}

std::string nfc(std::string_view utf8) {
  // Text without combining marks (U+0300–U+036F: lead bytes CC, CD) is composed already, as far
  // as Latin letters go: nearly every cell of a list, spared the full normalisation.
  if (utf8.find_first_of("\xCC\xCD") == std::string_view::npos) return std::string(utf8);
  utf8proc_uint8_t* out = nullptr;
  utf8proc_ssize_t n =
      utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(utf8.data()),
                   static_cast<utf8proc_ssize_t>(utf8.size()), &out,
                   static_cast<utf8proc_option_t>(UTF8PROC_COMPOSE | UTF8PROC_STABLE));
  if (n < 0) return std::string(utf8);
  std::string composed(reinterpret_cast<char*>(out), static_cast<size_t>(n));
  std::free(out);
  return composed;
}

char32_t to_lower(char32_t c) {
  if (c < 0x80) return (c >= 'A' && c <= 'Z') ? c + 32 : c;
  return static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(c)));
}

char32_t to_upper(char32_t c) {
  if (c < 0x80) return (c >= 'a' && c <= 'z') ? c - 32 : c;
  return static_cast<char32_t>(utf8proc_toupper(static_cast<utf8proc_int32_t>(c)));
}

bool is_letter(char32_t c) {
  if (c < 0x80) return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  auto cat = utf8proc_category(static_cast<utf8proc_int32_t>(c));
  return cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO;
}

bool is_mark(char32_t c) {
  if (c < 0x80) return false;
  auto cat = utf8proc_category(static_cast<utf8proc_int32_t>(c));
  return cat >= UTF8PROC_CATEGORY_MN && cat <= UTF8PROC_CATEGORY_ME;
}

namespace {

char32_t first_of_decomposition(char32_t c) {
  utf8proc_int32_t parts[8];
  int last_boundclass = 0;
  utf8proc_ssize_t n = utf8proc_decompose_char(static_cast<utf8proc_int32_t>(c), parts, 8,
                                               UTF8PROC_DECOMPOSE, &last_boundclass);
  return n <= 0 ? c : static_cast<char32_t>(parts[0]);
}

// Every Latin letter with diacritics, Vietnamese's included, lies below U+2000: those are
// looked up in a table made once.
constexpr char32_t kTableEnd = 0x2000;
const std::array<char32_t, kTableEnd>& base_letters() {
  static const auto table = [] {
    std::array<char32_t, kTableEnd> t{};
    for (char32_t c = 0; c < kTableEnd; ++c) t[c] = c < 0x80 ? c : first_of_decomposition(c);
    t[U'đ'] = U'd';
    t[U'Đ'] = U'D';
    t[U'ð'] = U'd';  // often typed for đ
    t[U'Ð'] = U'D';
    return t;
  }();
  return table;
}

}  // namespace

char32_t strip_diacritics(char32_t c) {
  if (c < 0x80) return c;
  if (c < kTableEnd) return base_letters()[c];
  return first_of_decomposition(c);
}

std::u32string decompose(char32_t c) {
  utf8proc_int32_t parts[8];
  int last_boundclass = 0;
  utf8proc_ssize_t n = utf8proc_decompose_char(static_cast<utf8proc_int32_t>(c), parts, 8,
                                               UTF8PROC_DECOMPOSE, &last_boundclass);
  if (n <= 0) return std::u32string(1, c);
  return std::u32string(parts, parts + n);
}

std::string fold(std::string_view utf8) {
  std::string out;
  out.reserve(utf8.size());
  bool space = false;
  auto emit = [&](char ch) {
    if (space && !out.empty()) out.push_back(' ');
    space = false;
    out.push_back(ch);
  };
  if (is_ascii(utf8)) {
    for (char ch : utf8) {
      if (ch >= 'A' && ch <= 'Z') {
        emit(static_cast<char>(ch + 32));
      } else if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) {
        emit(ch);
      } else {
        space = true;
      }
    }
    return out;
  }
  auto cps = decode_utf8(utf8);
  if (!cps) return out;
  for (char32_t c : *cps) {
    if (is_mark(c)) continue;  // a combining accent of the letter before
    char32_t b = to_lower(strip_diacritics(c));
    if ((b >= 'a' && b <= 'z') || (b >= '0' && b <= '9')) {
      emit(static_cast<char>(b));
    } else {
      space = true;
    }
  }
  return out;
}

}  // namespace kb::vaccination::text
