// A QR symbol as SVG markup, for showing a personal QR on a screen.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace kb::qr {

// `text` encoded at error correction M (libqrencode picks the smallest version and the
// alphanumeric mode for upper-case text), drawn as one black path on white with a 4-module
// quiet zone; scales to any size (viewBox in modules).
Result<std::string> qr_svg(std::string_view text);

// The QR version (1–40) libqrencode picks for `text` at error correction M; 0 on failure.
int qr_version(std::string_view text);

}  // namespace kb::qr
