#include "certificates/dcc_qr.h"

#include <cairo.h>
#include <fmt/format.h>
#include <qrencode.h>

#include <memory>

namespace kb::certificates {
namespace {

constexpr int kQuietZone = 4;

struct QrDeleter {
  void operator()(QRcode* q) const { QRcode_free(q); }
};
struct InputDeleter {
  void operator()(QRinput* q) const { QRinput_free(q); }
};
using QrPtr = std::unique_ptr<QRcode, QrDeleter>;

// One alphanumeric segment, the smallest version that holds it, level Q. libqrencode refuses
// (nullptr) a character outside the alphanumeric set or a text too long for version 40.
QrPtr encode(std::string_view text) {
  std::unique_ptr<QRinput, InputDeleter> input(QRinput_new2(0, QR_ECLEVEL_Q));
  if (!input || text.empty()) return nullptr;
  if (QRinput_append(input.get(), QR_MODE_AN, static_cast<int>(text.size()),
                     reinterpret_cast<const unsigned char*>(text.data())) != 0) {
    return nullptr;
  }
  return QrPtr(QRcode_encodeInput(input.get()));
}

cairo_status_t append_to_string(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

}  // namespace

Result<std::string> dcc_qr_svg(std::string_view text) {
  QrPtr q = encode(text);
  if (!q)
    return invalid("payload", "not_encodable", "the text does not fit an alphanumeric QR code");
  const int n = q->width;
  std::string path;
  for (int y = 0; y < n; ++y) {
    for (int x = 0; x < n;) {
      if (!(q->data[y * n + x] & 1)) {
        ++x;
        continue;
      }
      int run = 0;
      while (x + run < n && (q->data[y * n + x + run] & 1)) ++run;
      path += fmt::format("M{} {}h{}v1h-{}z", x + kQuietZone, y + kQuietZone, run, run);
      x += run;
    }
  }
  int size = n + 2 * kQuietZone;
  return fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {0} {0}\" "
      "shape-rendering=\"crispEdges\">"
      "<rect width=\"{0}\" height=\"{0}\" fill=\"#fff\"/><path fill=\"#000\" d=\"{1}\"/></svg>",
      size, path);
}

Result<std::string> dcc_qr_png(std::string_view text, int module_pixels) {
  QrPtr q = encode(text);
  if (!q)
    return invalid("payload", "not_encodable", "the text does not fit an alphanumeric QR code");
  if (module_pixels < 1 || module_pixels > 32)
    return invalid("module_pixels", "out_of_range", "1 to 32 pixels a module");
  const int n = q->width;
  const int side = (n + 2 * kQuietZone) * module_pixels;
  std::unique_ptr<cairo_surface_t, decltype(&cairo_surface_destroy)> surface(
      cairo_image_surface_create(CAIRO_FORMAT_RGB24, side, side), cairo_surface_destroy);
  std::unique_ptr<cairo_t, decltype(&cairo_destroy)> cr(cairo_create(surface.get()), cairo_destroy);
  cairo_set_antialias(cr.get(), CAIRO_ANTIALIAS_NONE);
  cairo_set_source_rgb(cr.get(), 1, 1, 1);
  cairo_paint(cr.get());
  cairo_set_source_rgb(cr.get(), 0, 0, 0);
  for (int y = 0; y < n; ++y) {
    for (int x = 0; x < n; ++x) {
      if (q->data[y * n + x] & 1) {
        cairo_rectangle(cr.get(), (x + kQuietZone) * module_pixels,
                        (y + kQuietZone) * module_pixels, module_pixels, module_pixels);
      }
    }
  }
  cairo_fill(cr.get());
  cairo_surface_flush(surface.get());
  std::string png;
  if (cairo_surface_write_to_png_stream(surface.get(), append_to_string, &png) !=
      CAIRO_STATUS_SUCCESS) {
    return internal("could not write the QR PNG");
  }
  return png;
}

DccQrInfo dcc_qr_info(std::string_view text) {
  QrPtr q = encode(text);
  if (!q) return {};
  return {q->version, q->width};
}

}  // namespace kb::certificates
