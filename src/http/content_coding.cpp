#include "http/content_coding.h"

#include <zlib.h>

#include <algorithm>

namespace kb::http {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Takes the next `sep`-separated item off the front of `list`, without surrounding blanks.
std::string_view take_item(std::string_view& list, char sep) {
  size_t at = list.find(sep);
  std::string_view item = list.substr(0, at);
  list = at == std::string_view::npos ? std::string_view{} : list.substr(at + 1);
  return trim(item);
}

bool iequals(std::string_view a, std::string_view b) {
  return std::ranges::equal(a, b, [](char x, char y) {
    return (x | 0x20) == (y | 0x20);  // ASCII letters only, which is what codings are
  });
}

// The weight of one list member ("gzip;q=0.5"): -1 when malformed, else 0..1000.
int weight_of(std::string_view params) {
  int weight = 1000;
  while (!params.empty()) {
    std::string_view param = take_item(params, ';');
    if (param.size() < 2 || (param[0] | 0x20) != 'q' || param[1] != '=') continue;
    // qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
    std::string_view q = param.substr(2);
    if (q.empty() || (q[0] != '0' && q[0] != '1')) return -1;
    weight = (q[0] - '0') * 1000;
    if (q.size() == 1) continue;
    if (q[1] != '.' || q.size() > 5) return -1;
    int scale = 100;
    for (char c : q.substr(2)) {
      if (c < '0' || c > '9') return -1;
      weight += (c - '0') * scale;
      scale /= 10;
    }
    if (weight > 1000) return -1;
  }
  return weight;
}

void vary_on_accept_encoding(Response& res) {
  for (auto& [name, value] : res.headers) {
    if (iequals(name, "Vary")) {
      value += ", Accept-Encoding";
      return;
    }
  }
  res.headers.emplace_back("Vary", "Accept-Encoding");
}

}  // namespace

AcceptEncoding parse_accept_encoding(std::string_view header) {
  // Per coding: -1 not listed, else its weight.
  int br = -1, gzip = -1, any = -1;
  while (!header.empty()) {
    std::string_view member = take_item(header, ',');  // coding *( ";" param )
    std::string_view coding = take_item(member, ';');
    int weight = weight_of(member);
    if (weight < 0 || coding.empty()) continue;
    if (iequals(coding, "br")) {
      br = weight;
    } else if (iequals(coding, "gzip") || iequals(coding, "x-gzip")) {
      gzip = weight;
    } else if (coding == "*") {
      any = weight;
    }
  }
  auto accepted = [any](int listed) { return listed < 0 ? any > 0 : listed > 0; };
  return AcceptEncoding{.br = accepted(br), .gzip = accepted(gzip)};
}

std::string gzip(std::string_view data) {
  z_stream z{};
  // windowBits 15 + 16: a gzip header and trailer around the deflate stream.
  if (deflateInit2(&z, 4, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return {};
  std::string out(deflateBound(&z, data.size()), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&z, Z_FINISH);  // one call: the output buffer holds the bound
  out.resize(z.total_out);
  deflateEnd(&z);
  return rc == Z_STREAM_END ? out : std::string{};
}

bool compressible(std::string_view content_type) {
  std::string_view type = trim(content_type.substr(0, content_type.find(';')));
  if (type == "text/event-stream") return false;
  return type.starts_with("text/") || type == "application/json" || type.ends_with("+json") ||
         type == "application/javascript" || type == "image/svg+xml";
}

void encode_for(Response& res, AcceptEncoding accepted) {
  if (res.stream || res.live || res.body.size() < kMinGzipBytes || !compressible(res.content_type))
    return;
  for (const auto& [name, value] : res.headers) {
    if (iequals(name, "Content-Encoding")) return;  // the handler encoded it
  }
  vary_on_accept_encoding(res);
  if (!accepted.gzip) return;
  std::string packed = gzip(res.body);
  if (packed.empty() || packed.size() >= res.body.size()) return;
  res.body = std::move(packed);
  res.headers.emplace_back("Content-Encoding", "gzip");
}

}  // namespace kb::http
