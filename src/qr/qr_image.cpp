#include "qr/qr_image.h"

#include <fmt/format.h>
#include <qrencode.h>

#include <memory>

namespace kb::qr {
namespace {

struct QrDeleter {
  void operator()(QRcode* q) const { QRcode_free(q); }
};

std::unique_ptr<QRcode, QrDeleter> encode(std::string_view text) {
  std::string s(text);
  return std::unique_ptr<QRcode, QrDeleter>(
      QRcode_encodeString(s.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1));
}

}  // namespace

Result<std::string> qr_svg(std::string_view text) {
  auto q = encode(text);
  if (!q) return internal("the text does not fit a QR code");
  const int n = q->width;
  const int quiet = 4;
  std::string path;
  for (int y = 0; y < n; ++y) {
    for (int x = 0; x < n;) {
      if (!(q->data[y * n + x] & 1)) {
        ++x;
        continue;
      }
      int run = 0;
      while (x + run < n && (q->data[y * n + x + run] & 1)) ++run;
      path += fmt::format("M{} {}h{}v1h-{}z", x + quiet, y + quiet, run, run);
      x += run;
    }
  }
  int size = n + 2 * quiet;
  return fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {0} {0}\" "
      "shape-rendering=\"crispEdges\">"
      "<rect width=\"{0}\" height=\"{0}\" fill=\"#fff\"/><path fill=\"#000\" d=\"{1}\"/></svg>",
      size, path);
}

int qr_version(std::string_view text) {
  auto q = encode(text);
  return q ? q->version : 0;
}

}  // namespace kb::qr
