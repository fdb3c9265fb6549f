// Content codings (RFC 9110 §8.4, §12.5.3): which ones a client accepts, and gzip on the fly
// for answers large enough to gain from it. Static files come precompressed instead (see
// http/static_files.h); streams (Server-Sent Events) are never encoded, since a compressor
// holds back bytes that must reach the client at once.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "http/message.h"

namespace kb::http {

// Parses an Accept-Encoding header value: a coding counts when listed with a non-zero q, or
// covered by "*" without being listed with q=0. Unknown codings and malformed entries are
// ignored; an empty value accepts neither.
AcceptEncoding parse_accept_encoding(std::string_view header);

// The gzip member (RFC 1952) of `data`, or empty if zlib fails. Level 4: on our JSON 5-15 %
// larger than zlib's default level and up to 5 times faster (this runs on the HTTP threads).
std::string gzip(std::string_view data);

// Answers smaller than this go plain: a check-in's few hundred bytes would gain nothing.
inline constexpr size_t kMinGzipBytes = 1024;

// True for media types that compress well (JSON, CSV and other text, SVG); false for images,
// archives and event streams.
bool compressible(std::string_view content_type);

// Encodes a finished answer with gzip when the client accepts it and it is worth it: a body
// of at least kMinGzipBytes of a compressible type, not a stream, not encoded already. Such an
// answer carries `Vary: Accept-Encoding` whether this client took gzip or not, so caches keep
// the two forms apart. Anything else is left as it is.
void encode_for(Response& res, AcceptEncoding accepted);

}  // namespace kb::http
