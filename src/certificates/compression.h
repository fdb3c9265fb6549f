// zlib (RFC 1950) compression of the signed certificate, as the DCC format prescribes between
// COSE and base45.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace kb::certificates {

// The most a certificate may inflate to. Real certificates are under 2 KiB; the bound keeps a
// crafted QR (a "zip bomb") from making the server allocate without limit.
inline constexpr size_t kMaxInflatedBytes = 64 * 1024;

// `bytes` as a zlib stream at the best compression.
std::string zlib_deflate(std::string_view bytes);

// The bytes of the zlib stream `compressed`; std::nullopt when it is not a complete, valid zlib
// stream, has bytes after its end, or would inflate past `max_bytes`.
std::optional<std::string> zlib_inflate(std::string_view compressed,
                                        size_t max_bytes = kMaxInflatedBytes);

}  // namespace kb::certificates
