// Content codings: reading Accept-Encoding (q-values, "*", case), gzip that zlib reads back,
// and which answers get encoded on the fly (large text yes; small, binary, streamed, or
// already encoded no).
#include "http/content_coding.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <string>

namespace kb::http {
namespace {

std::string gunzip(const std::string& packed) {
  z_stream z{};
  EXPECT_EQ(inflateInit2(&z, 15 + 16), Z_OK);
  std::string out(1 << 20, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(packed.data()));
  z.avail_in = static_cast<uInt>(packed.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(inflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  inflateEnd(&z);
  return out;
}

std::string json_of_size(size_t n) {
  std::string s = "[";
  while (s.size() < n) s += R"({"full_name":"Nguyễn Văn An","phone":"+84912345678"},)";
  s.back() = ']';
  return s;
}

std::string header(const Response& r, std::string_view name) {
  for (const auto& [n, v] : r.headers) {
    if (n == name) return v;
  }
  return "";
}

TEST(AcceptEncoding, ReadsCodingsWeightsAndWildcard) {
  struct Case {
    std::string_view header;
    bool br, gzip;
  };
  for (const Case& c : {
           Case{"", false, false},
           Case{"gzip, deflate, br, zstd", true, true},
           Case{"gzip", false, true},
           Case{"x-gzip", false, true},
           Case{"BR , GZip", true, true},
           Case{"br;q=0, gzip;q=0.8", false, true},
           Case{"br; q=0.000, gzip ; q=1.0", false, true},
           Case{"br;q=0.001", true, false},
           Case{"*", true, true},
           Case{"*;q=0", false, false},
           Case{"br;q=0, *", false, true},
           Case{"gzip;q=1, *;q=0", false, true},
           Case{"identity", false, false},
           Case{"deflate;q=0.5, compress", false, false},
           // Malformed weights do not count: a q above 1, too many digits, not a number.
           Case{"br;q=2, gzip;q=0.12345", false, false},
           Case{"br;q=high", false, false},
           Case{",,;q=1, gzip", false, true},
       }) {
    AcceptEncoding a = parse_accept_encoding(c.header);
    EXPECT_EQ(a.br, c.br) << c.header;
    EXPECT_EQ(a.gzip, c.gzip) << c.header;
  }
}

TEST(Gzip, RoundTripsAndShrinksJson) {
  std::string body = json_of_size(50000);
  std::string packed = gzip(body);
  EXPECT_LT(packed.size(), body.size() / 10);
  EXPECT_EQ(gunzip(packed), body);
  EXPECT_EQ(gunzip(gzip("")), "");
}

TEST(EncodeFor, GzipsLargeTextWhenAcceptedAndVariesEitherWay) {
  Response r = Response::json(200, boost::json::value(nullptr));
  r.body = json_of_size(4000);
  std::string plain = r.body;
  Response refused = r;
  encode_for(r, {.br = true, .gzip = true});
  EXPECT_EQ(header(r, "Content-Encoding"), "gzip");
  EXPECT_EQ(header(r, "Vary"), "Accept-Encoding");
  EXPECT_EQ(gunzip(r.body), plain);
  encode_for(r, {.gzip = true});  // encoded already: untouched
  EXPECT_EQ(gunzip(r.body), plain);

  encode_for(refused, {.br = true});
  EXPECT_EQ(refused.body, plain);
  EXPECT_EQ(header(refused, "Content-Encoding"), "");
  EXPECT_EQ(header(refused, "Vary"), "Accept-Encoding");

  Response csv;
  csv.content_type = "text/csv; charset=utf-8";
  csv.body = std::string(3000, 'a');
  csv.headers.emplace_back("Vary", "Authorization");
  encode_for(csv, {.gzip = true});
  EXPECT_EQ(header(csv, "Content-Encoding"), "gzip");
  EXPECT_EQ(header(csv, "Vary"), "Authorization, Accept-Encoding");
}

TEST(EncodeFor, LeavesSmallBinaryAndStreamedAnswersAlone) {
  const AcceptEncoding both{.br = true, .gzip = true};
  Response small = Response::json(201, boost::json::object{{"id", 1}});
  std::string body = small.body;
  encode_for(small, both);
  EXPECT_EQ(small.body, body);
  EXPECT_TRUE(small.headers.empty());

  Response png;
  png.content_type = "image/png";
  png.body = std::string(5000, 'x');
  encode_for(png, both);
  EXPECT_TRUE(png.headers.empty());

  Response events;
  events.content_type = "text/event-stream";
  events.body = std::string(5000, 'x');
  encode_for(events, both);
  EXPECT_TRUE(events.headers.empty());

  struct Silence final : StreamBody {
    boost::asio::awaitable<void> run(EventSink&) override { co_return; }
  };
  Response stream;
  stream.content_type = "application/json";
  stream.body = std::string(5000, 'x');
  stream.stream = std::make_shared<Silence>();
  encode_for(stream, both);
  EXPECT_TRUE(stream.headers.empty());
}

}  // namespace
}  // namespace kb::http
