// Reads the QR symbol of a PNG image with zbar, as a phone's scanner would.
#pragma once

#include <png.h>
#include <zbar.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

namespace kb::test_support {

// The text zbar reads from a PNG, as a phone's scanner would; std::nullopt when it finds none.
inline std::optional<std::string> read_qr_png(const std::string& png) {
  using namespace zbar;  // zbar.h puts its C API in a namespace when read as C++
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_memory(&image, png.data(), png.size())) return std::nullopt;
  image.format = PNG_FORMAT_GRAY;
  std::vector<unsigned char> pixels(PNG_IMAGE_SIZE(image));
  png_color white{255, 255, 255};
  if (!png_image_finish_read(&image, &white, pixels.data(), 0, nullptr)) {
    png_image_free(&image);
    return std::nullopt;
  }
  // A white quiet zone around the symbol: some vectors' images have none.
  const unsigned margin = 16;
  unsigned w = image.width + 2 * margin;
  unsigned h = image.height + 2 * margin;
  std::vector<unsigned char> framed(static_cast<size_t>(w) * h, 255);
  for (unsigned y = 0; y < image.height; ++y) {
    std::copy_n(pixels.begin() + static_cast<ptrdiff_t>(y) * image.width, image.width,
                framed.begin() + static_cast<ptrdiff_t>(y + margin) * w + margin);
  }
  zbar_image_scanner_t* scanner = zbar_image_scanner_create();
  zbar_image_scanner_set_config(scanner, ZBAR_NONE, ZBAR_CFG_ENABLE, 0);
  zbar_image_scanner_set_config(scanner, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
  zbar_image_t* z = zbar_image_create();
  zbar_image_set_format(z, zbar_fourcc('Y', '8', '0', '0'));
  zbar_image_set_size(z, w, h);
  zbar_image_set_data(z, framed.data(), framed.size(), nullptr);
  std::optional<std::string> text;
  if (zbar_scan_image(scanner, z) > 0) {
    const zbar_symbol_t* symbol = zbar_image_first_symbol(z);
    text = std::string(zbar_symbol_get_data(symbol), zbar_symbol_get_data_length(symbol));
  }
  zbar_image_destroy(z);
  zbar_image_scanner_destroy(scanner);
  return text;
}

}  // namespace kb::test_support
