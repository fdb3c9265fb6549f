// Reading a request off the wire (http/request_reader.h): the limits, which failures are the
// client's and what they answer, and the Request handlers get — text only in path and query.
#include "http/request_reader.h"

#include <gtest/gtest.h>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <string>

namespace kb::http {
namespace {

namespace bhttp = boost::beast::http;

struct Read {
  boost::beast::error_code ec;
  std::optional<Result<Request>> request;
};

// Feeds `bytes` to a parser under the server's limits, as the server's read loop does.
Read read(std::string_view bytes, size_t max_body = 1024) {
  RequestParser parser;
  limit_request(parser, max_body);
  Read r;
  while (!parser.is_done()) {
    size_t used =
        bytes.empty() ? 0 : parser.put(boost::asio::buffer(bytes.data(), bytes.size()), r.ec);
    bytes.remove_prefix(used);
    if (r.ec && r.ec != bhttp::error::need_more) return r;
    r.ec = {};
    if (used == 0) {  // all there is has been offered: the connection ends here
      parser.put_eof(r.ec);
      if (r.ec || !parser.is_done()) return r;
    }
  }
  r.request = to_request(parser.release(), "127.0.0.1");
  return r;
}

TEST(RequestReader, ReadsPathQueryBodyAndTheHeadersHandlersUse) {
  auto r = read(
      "POST /api/v1/cases/7?reason=tra%20c%E1%BB%A9u HTTP/1.1\r\nHost: x\r\n"
      "Authorization: Bearer t0k\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");
  ASSERT_FALSE(r.ec) << r.ec.message();
  ASSERT_TRUE(r.request->ok()) << r.request->error().message;
  const Request& req = **r.request;
  EXPECT_EQ(req.method, Method::kPost);
  EXPECT_EQ(req.path, "/api/v1/cases/7");
  EXPECT_EQ(req.query_param("reason"), "tra c\u1ee9u");
  EXPECT_EQ(req.body, "{}");
  EXPECT_EQ(req.bearer_token(), "t0k");
  EXPECT_EQ(req.content_type, "application/json");
}

// Found by fuzz/http_request_fuzz.cpp: a percent-encoded path or query that decodes to bytes
// that are not UTF-8, or to a NUL, reached handlers; PostgreSQL refused it (a 500) where
// SQLite stored it, and a NUL cut the text short on PostgreSQL only.
TEST(RequestReader, RefusesPathsAndQueriesThatAreNotText) {
  struct Case {
    const char* target;
    const char* code;
    const char* field;
  } cases[] = {
      {"/api/v1/venues/by-code/%FF", "invalid_path", "path"},
      {"/api/v1/venues/by-code/ab%00cd", "invalid_path", "path"},
      {"/api/v1/venues/%C3", "invalid_path", "path"},
      {"/api/v1/venues/%ED%A0%80", "invalid_path", "path"},  // a UTF-16 surrogate
      {"/a\x9b\x87", "invalid_path", "path"},
      {"/api/v1/cases/1?reason=%FF%FE%FD", "invalid_query", "reason"},
      {"/api/v1/cases/1?date=2026-01-15&reason=abc%00def", "invalid_query", "reason"},
      {"/api/v1/cases/1?%FF=1", "invalid_query", "query"},
      {"/api/v1/cases/1?=%FF", "invalid_query", "query"},
  };
  for (const auto& c : cases) {
    auto r = read(std::string("GET ") + c.target + " HTTP/1.1\r\nHost: x\r\n\r\n");
    ASSERT_FALSE(r.ec) << c.target << ": " << r.ec.message();
    ASSERT_FALSE(r.request->ok()) << c.target;
    EXPECT_EQ(r.request->error().code, c.code) << c.target;
    EXPECT_EQ(r.request->error().field, c.field) << c.target;
    EXPECT_EQ(status_of(r.request->error().kind), 400) << c.target;
  }
}

TEST(RequestReader, OversizedRequestsAre413AndMalformedOnes400) {
  auto body = read("POST / HTTP/1.1\r\nContent-Length: 2000\r\n\r\n" + std::string(2000, 'x'));
  ASSERT_TRUE(is_client_fault(body.ec));
  EXPECT_EQ(read_error(body.ec).code, "payload_too_large");
  EXPECT_EQ(status_of(read_error(body.ec).kind), 413);

  auto headers = read("GET / HTTP/1.1\r\nX-Big: " + std::string(kMaxHeaderBytes, 'h') + "\r\n\r\n");
  ASSERT_TRUE(is_client_fault(headers.ec));
  EXPECT_EQ(read_error(headers.ec).code, "headers_too_large");

  auto garbage = read("GET / HTTP/1.1\r\nContent-Length: nope\r\n\r\n");
  ASSERT_TRUE(is_client_fault(garbage.ec));
  EXPECT_EQ(read_error(garbage.ec).code, "bad_request");
  EXPECT_EQ(status_of(read_error(garbage.ec).kind), 400);

  // A connection closed mid-request is not answered.
  auto cut = read("POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc");
  ASSERT_TRUE(cut.ec);
  EXPECT_FALSE(is_client_fault(cut.ec));
}

}  // namespace
}  // namespace kb::http
