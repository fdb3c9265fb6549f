#include "venues/poster.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <cairo.h>
#include <qrencode.h>
#include <utf8proc.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <optional>
#include <vector>

#include "core/text.h"

namespace kb::venues {
namespace {

// A4 in PostScript points, the unit of the whole drawing.
constexpr double kPageWidth = 595.2756;
constexpr double kPageHeight = 841.8898;
constexpr int kPngWidth = 1240;
constexpr int kPngHeight = 1754;
constexpr double kMargin = 40;
constexpr int kQuietZoneModules = 4;
constexpr size_t kMaxUrlBytes = 1000;

constexpr const char* kFont = "DejaVu Sans";
constexpr const char* kMonoFont = "DejaVu Sans Mono";
constexpr const char* kTitle = "KHAI BÁO Y TẾ – QUÉT MÃ QR KHI VÀO";
constexpr const char* kSteps[] = {"1. Mở camera điện thoại", "2. Quét mã QR",
                                  "3. Bấm “Khai báo vào”"};
constexpr const char* kEnglish =
    "Scan the QR code with your phone camera, then tap “Check in”. No app needed.";

struct Rgb {
  double r, g, b;
};
constexpr Rgb kBlue{0.05, 0.28, 0.63};
constexpr Rgb kInk{0.1, 0.1, 0.1};
constexpr Rgb kGrey{0.35, 0.35, 0.35};
constexpr Rgb kPaleBlue{0.91, 0.94, 0.99};
constexpr Rgb kWhite{1, 1, 1};

std::string xml_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

struct QrCodeDeleter {
  void operator()(QRcode* qr) const { QRcode_free(qr); }
};
using QrCodePtr = std::unique_ptr<QRcode, QrCodeDeleter>;

// Drawing helpers over a cairo context whose unit is the point.
class Page {
 public:
  Page(cairo_t* cr, double device_scale) : cr_(cr), device_scale_(device_scale) {}

  void font(const char* family, bool bold, double size, bool italic = false) {
    cairo_select_font_face(cr_, family, italic ? CAIRO_FONT_SLANT_ITALIC : CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr_, size);
  }
  void color(Rgb c) { cairo_set_source_rgb(cr_, c.r, c.g, c.b); }
  double width_of(const std::string& text) {
    cairo_text_extents_t e;
    cairo_text_extents(cr_, text.c_str(), &e);
    return e.x_advance;
  }
  // Draws `text` centred on the page with its baseline at `baseline`.
  void centred(const std::string& text, double baseline) {
    cairo_move_to(cr_, (kPageWidth - width_of(text)) / 2, baseline);
    cairo_show_text(cr_, text.c_str());
  }
  void left(const std::string& text, double x, double baseline) {
    cairo_move_to(cr_, x, baseline);
    cairo_show_text(cr_, text.c_str());
  }
  void fill_rect(double x, double y, double w, double h, Rgb c) {
    color(c);
    cairo_rectangle(cr_, x, y, w, h);
    cairo_fill(cr_);
  }

  // The largest size in [min_size, max_size] at which `text` fits `max_width` in one line.
  double fitting_size(const char* family, bool bold, const std::string& text, double max_width,
                      double max_size, double min_size, bool italic = false) {
    double size = max_size;
    for (; size > min_size; size -= 0.5) {
      font(family, bold, size, italic);
      if (width_of(text) <= max_width) break;
    }
    font(family, bold, size, italic);
    return size;
  }

  // `text` broken at spaces into lines no wider than `max_width` at the current font; a word
  // wider than the line stays whole on its own line.
  std::vector<std::string> wrap(const std::string& text, double max_width) {
    std::vector<std::string> lines;
    std::string line;
    size_t start = 0;
    while (start <= text.size()) {
      size_t end = std::min(text.find(' ', start), text.size());
      std::string word = text.substr(start, end - start);
      std::string candidate = line.empty() ? word : line + " " + word;
      if (!line.empty() && width_of(candidate) > max_width) {
        lines.push_back(line);
        line = word;
      } else {
        line = candidate;
      }
      start = end + 1;
    }
    if (!line.empty()) lines.push_back(line);
    return lines;
  }

  // Sets `text` centred in at most `max_lines` lines, shrinking the font from `max_size` down
  // to `min_size` until it fits; returns the baseline of the last line.
  double paragraph(const char* family, bool bold, const std::string& text, double top,
                   double max_size, double min_size, size_t max_lines) {
    double width = kPageWidth - 2 * kMargin;
    double size = max_size;
    std::vector<std::string> lines;
    auto fits = [&] {
      return lines.size() <= max_lines &&
             std::all_of(lines.begin(), lines.end(),
                         [&](const std::string& l) { return width_of(l) <= width; });
    };
    for (;; size -= 1) {
      font(family, bold, size);
      lines = wrap(text, width);
      if (size <= min_size || fits()) break;
    }
    // What still does not fit at the smallest size goes on the last line, squeezed
    // horizontally: a name is never cut off.
    while (lines.size() > max_lines) {
      lines[lines.size() - 2] += " " + lines.back();
      lines.pop_back();
    }
    double baseline = top;
    for (const auto& line : lines) {
      baseline += size * 1.2;
      double w = width_of(line);
      if (w > width) {
        cairo_save(cr_);
        cairo_translate(cr_, kMargin, baseline);
        cairo_scale(cr_, width / w, 1);
        cairo_move_to(cr_, 0, 0);
        cairo_show_text(cr_, line.c_str());
        cairo_restore(cr_);
      } else {
        centred(line, baseline);
      }
    }
    return baseline;
  }

  // The QR as filled rectangles, one per horizontal run of dark modules, all in one path so
  // no renderer draws seams between neighbours. In a raster, the module size is a whole number
  // of pixels so every module has crisp edges.
  void qr(const QRcode& code, double x_centre, double top, double max_side) {
    int modules = code.width + 2 * kQuietZoneModules;
    double module = max_side / modules;
    if (device_scale_ > 0) module = std::floor(module * device_scale_) / device_scale_;
    double side = module * modules;
    double x0 = x_centre - side / 2;
    if (device_scale_ > 0) x0 = std::round(x0 * device_scale_) / device_scale_;
    double y0 = device_scale_ > 0 ? std::round(top * device_scale_) / device_scale_ : top;
    fill_rect(x0, y0, side, side, kWhite);
    color({0, 0, 0});
    for (int row = 0; row < code.width; ++row) {
      int col = 0;
      while (col < code.width) {
        if (!(code.data[row * code.width + col] & 1)) {
          ++col;
          continue;
        }
        int run = col;
        while (run < code.width && (code.data[row * code.width + run] & 1)) ++run;
        cairo_rectangle(cr_, x0 + (col + kQuietZoneModules) * module,
                        y0 + (row + kQuietZoneModules) * module, (run - col) * module, module);
        col = run;
      }
    }
    cairo_fill(cr_);
    // A thin frame outside the quiet zone tells people where to aim.
    cairo_set_line_width(cr_, 1.5);
    color(kGrey);
    cairo_rectangle(cr_, x0 - 6, y0 - 6, side + 12, side + 12);
    cairo_stroke(cr_);
  }

 private:
  cairo_t* cr_;
  double device_scale_;  // device pixels per point for rasters, 0 for vector output
};

struct PrintedContent {
  std::string venue_name, address_line, url, code;
};

void draw(cairo_t* cr, const PrintedContent& c, const QRcode& code, double device_scale) {
  Page page(cr, device_scale);
  page.fill_rect(0, 0, kPageWidth, kPageHeight, kWhite);

  // Title band.
  constexpr double kBand = 78;
  page.fill_rect(0, 0, kPageWidth, kBand, kBlue);
  page.color(kWhite);
  double title_size = page.fitting_size(kFont, true, kTitle, kPageWidth - 2 * kMargin + 10, 24, 12);
  page.centred(kTitle, kBand / 2 + title_size * 0.36);

  // Venue name and address.
  page.color(kInk);
  double y = page.paragraph(kFont, true, c.venue_name, kBand + 14, 34, 18, 3);
  page.color(kGrey);
  if (!c.address_line.empty()) y = page.paragraph(kFont, false, c.address_line, y + 4, 15, 10, 2);

  // Everything under the QR is laid out from the page's foot upwards; the QR takes the rest.
  double footer = kPageHeight - 24;
  double english = footer - 22;
  double steps_bottom = english - 26;
  constexpr double kStepSize = 18, kStepLead = 26, kStepCap = kStepSize * 0.73;
  double steps_top = steps_bottom - 3 * kStepLead - 20;
  double code_baseline = steps_top - 18;
  double code_label = code_baseline - 40;

  double qr_space_top = y + 22, qr_space_bottom = code_label - 34;
  double qr_side = std::min(400.0, qr_space_bottom - qr_space_top);
  page.qr(code, kPageWidth / 2, (qr_space_top + qr_space_bottom - qr_side) / 2, qr_side);

  page.color(kGrey);
  page.font(kFont, false, 13);
  page.centred("Mã địa điểm (nhập tay nếu không quét được):", code_label);
  page.color(kInk);
  page.fitting_size(kMonoFont, true, c.code, kPageWidth - 2 * kMargin, 34, 10);
  page.centred(c.code, code_baseline);

  // The steps, left-aligned as a block centred on the page, on a pale panel.
  page.fill_rect(kMargin, steps_top, kPageWidth - 2 * kMargin, steps_bottom - steps_top, kPaleBlue);
  page.font(kFont, true, kStepSize);
  double block = 0;
  for (const char* step : kSteps) block = std::max(block, page.width_of(step));
  page.color(kBlue);
  // Centre the three lines (cap height of the first to baseline of the last) in the panel.
  double baseline = steps_top + (steps_bottom - steps_top - 2 * kStepLead + kStepCap) / 2;
  for (const char* step : kSteps) {
    page.left(step, (kPageWidth - block) / 2, baseline);
    baseline += kStepLead;
  }

  page.color(kGrey);
  page.fitting_size(kFont, false, kEnglish, kPageWidth - 2 * kMargin, 12, 8, true);
  page.centred(kEnglish, english);

  page.fitting_size(kMonoFont, false, c.url, kPageWidth - 2 * kMargin, 10, 5);
  page.centred(c.url, footer);
}

cairo_status_t append_to_string(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

// Draws the poster on `surface`, then finishes it; the bytes went to the stream callback.
kb::Status draw_and_finish(cairo_surface_t* surface, const PrintedContent& c, const QRcode& code,
                           double device_scale) {
  cairo_t* cr = cairo_create(surface);
  // A raster's last row of pixels may lie a fraction past the page: paint it too.
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  if (device_scale > 0) cairo_scale(cr, device_scale, device_scale);
  draw(cr, c, code, device_scale);
  cairo_status_t status = cairo_status(cr);
  cairo_destroy(cr);
  if (status != CAIRO_STATUS_SUCCESS)
    return internal(std::string("poster drawing failed: ") + cairo_status_to_string(status));
  return {};
}

}  // namespace

Result<std::string> render_poster(const PosterContent& content, PosterFormat format) {
  PrintedContent c;
  auto name = clean_text(content.venue_name);
  if (!name || name->empty())
    return invalid("venue_name", "invalid_venue_name",
                   "the venue name must be non-empty UTF-8 text");
  c.venue_name = std::move(*name);
  auto address = clean_text(content.address_line);
  if (!address) return invalid("address_line", "invalid_address", "the address must be UTF-8 text");
  c.address_line = std::move(*address);
  auto venue_code = clean_text(content.code);
  if (!venue_code || venue_code->empty())
    return invalid("code", "invalid_code", "the venue code must be non-empty text");
  c.code = std::move(*venue_code);
  if (content.url.empty() || content.url.size() > kMaxUrlBytes ||
      content.url.find_first_of(std::string_view("\0\n\r", 3)) != std::string::npos) {
    return invalid("url", "invalid_url", "the check-in URL must be one line of at most 1000 bytes");
  }
  c.url = content.url;

  QrCodePtr code(QRcode_encodeString8bit(c.url.c_str(), 0, QR_ECLEVEL_Q));
  if (!code) return internal("the check-in URL could not be encoded as a QR code");

  std::string bytes;
  cairo_surface_t* surface = nullptr;
  double device_scale = 0;
  switch (format) {
    case PosterFormat::kSvg:
      surface =
          cairo_svg_surface_create_for_stream(append_to_string, &bytes, kPageWidth, kPageHeight);
      cairo_svg_surface_restrict_to_version(surface, CAIRO_SVG_VERSION_1_1);
      break;
    case PosterFormat::kPdf:
      surface =
          cairo_pdf_surface_create_for_stream(append_to_string, &bytes, kPageWidth, kPageHeight);
      cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE,
                                     ("Khai báo y tế – " + c.venue_name).c_str());
      cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "khaibao");
      break;
    case PosterFormat::kPng:
      surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, kPngWidth, kPngHeight);
      device_scale = kPngWidth / kPageWidth;
      break;
  }
  if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
    cairo_surface_destroy(surface);
    return internal("the poster surface could not be created");
  }
  kb::Status drawn = draw_and_finish(surface, c, *code, device_scale);
  if (drawn.ok() && format == PosterFormat::kPng) {
    if (cairo_surface_write_to_png_stream(surface, append_to_string, &bytes) !=
        CAIRO_STATUS_SUCCESS) {
      drawn = internal("the poster PNG could not be written");
    }
  }
  cairo_surface_finish(surface);
  cairo_status_t status = cairo_surface_status(surface);
  cairo_surface_destroy(surface);
  if (!drawn.ok()) return std::move(drawn).error();
  if (status != CAIRO_STATUS_SUCCESS)
    return internal(std::string("poster output failed: ") + cairo_status_to_string(status));

  if (format == PosterFormat::kSvg) {
    // The glyphs are outlines: give the text to search engines, screen readers and tests.
    size_t svg = bytes.find("<svg");
    size_t open_end = svg == std::string::npos ? svg : bytes.find('>', svg);
    if (open_end == std::string::npos)
      return internal("cairo wrote an SVG without an <svg> element");
    std::string text = "\n<title>" + xml_escape(std::string(kTitle) + " – " + c.venue_name) +
                       "</title>\n<desc>" +
                       xml_escape(c.venue_name + "\n" + c.address_line +
                                  "\nMã địa điểm: " + c.code + "\n" + c.url) +
                       "</desc>";
    bytes.insert(open_end + 1, text);
  }
  return bytes;
}

std::string_view file_extension(PosterFormat format) {
  switch (format) {
    case PosterFormat::kSvg:
      return "svg";
    case PosterFormat::kPng:
      return "png";
    case PosterFormat::kPdf:
      return "pdf";
  }
  return "svg";
}

std::string_view content_type(PosterFormat format) {
  switch (format) {
    case PosterFormat::kSvg:
      return "image/svg+xml";
    case PosterFormat::kPng:
      return "image/png";
    case PosterFormat::kPdf:
      return "application/pdf";
  }
  return "application/octet-stream";
}

}  // namespace kb::venues
