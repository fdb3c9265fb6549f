// The QR symbol of a DCC, as the format prescribes: the whole "HC1:" text in one alphanumeric
// segment (base45 and ':' are all QR alphanumeric characters) at error correction Q.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace kb::certificates {

// SVG markup: black modules on white with a 4-module quiet zone, viewBox in modules.
Result<std::string> dcc_qr_svg(std::string_view text);
// A PNG image, `module_pixels` pixels a module, with a 4-module quiet zone.
Result<std::string> dcc_qr_png(std::string_view text, int module_pixels = 4);

// The QR version (1–40) and width of the symbol; version 0 when the text does not fit.
struct DccQrInfo {
  int version = 0;
  int width = 0;  // modules, without the quiet zone
};
DccQrInfo dcc_qr_info(std::string_view text);

}  // namespace kb::certificates
