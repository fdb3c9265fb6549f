#include "certificates/compression.h"

#include <zlib.h>

namespace kb::certificates {

std::string zlib_deflate(std::string_view bytes) {
  uLongf size = compressBound(static_cast<uLong>(bytes.size()));
  std::string out(size, '\0');
  int rc = compress2(reinterpret_cast<Bytef*>(out.data()), &size,
                     reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uLong>(bytes.size()),
                     Z_BEST_COMPRESSION);
  if (rc != Z_OK) return {};  // only on out-of-memory: the buffer is large enough by construction
  out.resize(size);
  return out;
}

std::optional<std::string> zlib_inflate(std::string_view compressed, size_t max_bytes) {
  z_stream zs{};
  if (inflateInit(&zs) != Z_OK) return std::nullopt;
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  zs.avail_in = static_cast<uInt>(compressed.size());
  std::string out;
  char chunk[4096];
  int rc = Z_OK;
  while (rc == Z_OK) {
    zs.next_out = reinterpret_cast<Bytef*>(chunk);
    zs.avail_out = sizeof chunk;
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) break;
    size_t produced = sizeof chunk - zs.avail_out;
    if (out.size() + produced > max_bytes) {
      rc = Z_MEM_ERROR;
      break;
    }
    out.append(chunk, produced);
    if (rc == Z_OK && produced == 0 && zs.avail_in == 0) rc = Z_BUF_ERROR;  // truncated stream
  }
  bool complete = rc == Z_STREAM_END && zs.avail_in == 0;
  inflateEnd(&zs);
  if (!complete) return std::nullopt;
  return out;
}

}  // namespace kb::certificates
