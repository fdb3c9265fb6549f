#include "testing/labels.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <fmt/format.h>
#include <qrencode.h>

#include <algorithm>
#include <array>
#include <memory>

namespace kb::testing {
namespace {

// Code 128 symbols 0–106 as bar/space module widths (ISO/IEC 15417); 106 is the stop, whose
// seventh width is the final bar.
constexpr std::array<std::string_view, 107> kCode128{
    "212222", "222122", "222221", "121223", "121322", "131222", "122213", "122312", "132212",
    "221213", "221312", "231212", "112232", "122132", "122231", "113222", "123122", "123221",
    "223211", "221132", "221231", "213212", "223112", "312131", "311222", "321122", "321221",
    "312212", "322112", "322211", "212123", "212321", "232121", "111323", "131123", "131321",
    "112313", "132113", "132311", "211313", "231113", "231311", "112133", "112331", "132131",
    "113123", "113321", "133121", "313121", "211331", "231131", "213113", "213311", "213131",
    "311123", "311321", "331121", "312113", "312311", "332111", "314111", "221411", "431111",
    "111224", "111422", "121124", "121421", "141122", "141221", "112214", "112412", "122114",
    "122411", "142112", "142211", "241211", "221114", "413111", "241112", "134111", "111242",
    "121142", "121241", "114212", "124112", "124211", "411212", "421112", "421211", "212141",
    "214121", "412121", "111143", "111341", "131141", "114113", "114311", "411113", "411311",
    "113141", "114131", "311141", "411131", "211412", "211214", "211232", "2331112"};
constexpr int kStartB = 104;
constexpr int kStop = 106;
constexpr int kQuietModules = 10;

// A4 in points; the label grid of a common 3 × 8 sheet.
constexpr double kPageWidth = 595.2756, kPageHeight = 841.8898;
constexpr int kColumns = 3, kRows = 8;
constexpr double kCellWidth = kPageWidth / kColumns, kCellHeight = kPageHeight / kRows;
constexpr double kPad = 8;
constexpr const char* kFont = "DejaVu Sans";
constexpr const char* kMonoFont = "DejaVu Sans Mono";

struct QrCodeDeleter {
  void operator()(QRcode* qr) const { QRcode_free(qr); }
};
using QrCodePtr = std::unique_ptr<QRcode, QrCodeDeleter>;

void draw_barcode(cairo_t* cr, const std::vector<int>& widths, double x, double y, double width,
                  double height) {
  int modules = 2 * kQuietModules;
  for (int w : widths) modules += w;
  const double module = width / modules;
  double at = x + kQuietModules * module;
  for (size_t i = 0; i < widths.size(); ++i) {
    if (i % 2 == 0) cairo_rectangle(cr, at, y, widths[i] * module, height);
    at += widths[i] * module;
  }
  cairo_fill(cr);
}

void draw_qr(cairo_t* cr, const QRcode& code, double x, double y, double side) {
  const int modules = code.width + 8;  // a 4-module quiet zone around
  const double module = side / modules;
  for (int row = 0; row < code.width; ++row) {
    // Runs of dark modules as one rectangle: no hairline seams between neighbours when rasterised.
    for (int col = 0; col < code.width;) {
      if (!(code.data[row * code.width + col] & 1)) {
        ++col;
        continue;
      }
      int run = col;
      while (run < code.width && (code.data[row * code.width + run] & 1)) ++run;
      cairo_rectangle(cr, x + (col + 4) * module, y + (row + 4) * module, (run - col) * module,
                      module);
      col = run;
    }
  }
  cairo_fill(cr);
}

Status draw_label(cairo_t* cr, std::string_view heading, const std::string& label, double x,
                  double y) {
  KB_ASSIGN(std::vector<int> widths, code128_widths(label));
  QrCodePtr qr(QRcode_encodeString8bit(label.c_str(), 0, QR_ECLEVEL_M));
  if (!qr) return internal("a tube label could not be encoded as a QR code");
  cairo_set_source_rgb(cr, 0, 0, 0);
  const double bar_height = 36;
  draw_barcode(cr, widths, x + kPad, y + kPad, kCellWidth - 2 * kPad, bar_height);
  const double qr_top = y + kPad + bar_height + 4;
  const double qr_side = kCellHeight - (qr_top - y) - kPad + 4;
  draw_qr(cr, *qr, x + kPad - 4, qr_top, qr_side);
  const double text_x = x + kPad + qr_side;
  cairo_select_font_face(cr, kMonoFont, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
  cairo_set_font_size(cr, 12);
  cairo_move_to(cr, text_x, qr_top + qr_side / 2);
  cairo_show_text(cr, label.c_str());
  cairo_select_font_face(cr, kFont, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, 7);
  std::string small(heading.substr(0, 40));
  cairo_move_to(cr, text_x, qr_top + qr_side / 2 + 12);
  cairo_show_text(cr, small.c_str());
  return {};
}

cairo_status_t append_to_string(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

}  // namespace

Result<std::vector<int>> code128_widths(std::string_view text) {
  if (text.empty()) return invalid("text", "empty", "a barcode needs text");
  std::vector<int> values{kStartB};
  int64_t check = kStartB;
  for (size_t i = 0; i < text.size(); ++i) {
    const auto ch = static_cast<unsigned char>(text[i]);
    if (ch < 32 || ch > 126) {
      return invalid("text", "not_code128", "Code 128 set B holds printable ASCII only");
    }
    values.push_back(ch - 32);
    check += static_cast<int64_t>(i + 1) * (ch - 32);
  }
  values.push_back(static_cast<int>(check % 103));
  values.push_back(kStop);
  std::vector<int> widths;
  for (int v : values) {
    for (char w : kCode128[v]) widths.push_back(w - '0');
  }
  return widths;
}

std::vector<std::string> round_labels(int64_t round_id, int64_t from, int64_t count) {
  std::vector<std::string> out;
  for (int64_t n = from; n < from + count; ++n)
    out.push_back(fmt::format("R{}-{:05}", round_id, n));
  return out;
}

Result<std::string> label_sheet_pdf(std::string_view heading,
                                    const std::vector<std::string>& labels) {
  std::string bytes;
  cairo_surface_t* surface =
      cairo_pdf_surface_create_for_stream(append_to_string, &bytes, kPageWidth, kPageHeight);
  cairo_t* cr = cairo_create(surface);
  Status drawn;
  for (size_t i = 0; i < labels.size() && drawn.ok(); ++i) {
    const int slot = static_cast<int>(i % kLabelsPerSheet);
    if (i > 0 && slot == 0) cairo_show_page(cr);
    drawn = draw_label(cr, heading, labels[i], (slot % kColumns) * kCellWidth,
                       (slot / kColumns) * kCellHeight);
  }
  cairo_status_t status = cairo_status(cr);
  cairo_destroy(cr);
  cairo_surface_finish(surface);
  cairo_surface_destroy(surface);
  if (!drawn.ok()) return drawn.error();
  if (status != CAIRO_STATUS_SUCCESS)
    return internal(std::string("label sheet drawing failed: ") + cairo_status_to_string(status));
  return bytes;
}

}  // namespace kb::testing
