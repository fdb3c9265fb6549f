// The printable A4 poster a venue hangs at its door: a big QR whose text is the venue's
// check-in URL (so any phone camera opens it, no app needed), the venue's name and address,
// its code for typing by hand, and how-to steps in Vietnamese and English.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace kb::venues {

enum class PosterFormat { kSvg, kPng, kPdf };

struct PosterContent {
  std::string venue_name;  // UTF-8, e.g. "Chợ Bến Thành"
  std::string address_line;  // e.g. "Phường Bến Thành, Thành phố Hồ Chí Minh"; may be empty
  std::string url;           // the QR's text, e.g. "http://127.0.0.1:8080/v/K7QF2M9XWD"
  std::string code;          // the venue code, printed under the QR for manual entry
};

// The bytes of an A4 portrait poster file: SVG and PDF are vector (210 × 297 mm), PNG is
// 1240 × 1754 pixels (A4 at 150 dpi). The QR uses error correction level Q and a quiet zone
// of 4 modules. One drawing serves all three formats, so they look the same. Text is set in
// DejaVu Sans (Vietnamese glyphs); the SVG's glyphs are outlines, so its <title> and <desc>
// carry the venue's name, address, code and URL as text.
// Errors (kInvalidArgument) name the field: venue_name (empty, not UTF-8), address_line
// (not UTF-8), url (empty, longer than 1000 bytes), code (empty, not UTF-8); kInternal if
// cairo fails.
Result<std::string> render_poster(const PosterContent& content, PosterFormat format);

// image/svg+xml, image/png, application/pdf.
std::string_view content_type(PosterFormat format);
std::string_view file_extension(PosterFormat format);  // "svg" | "png" | "pdf"

}  // namespace kb::venues
