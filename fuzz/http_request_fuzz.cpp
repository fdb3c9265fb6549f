// HTTP/1.1 request framing as the server reads it (http/request_reader.h): Beast's parser
// under the server's limits, fed the bytes in chunks as a socket would, requests read one
// after another while the client keeps the connection alive. Every request read is within
// the limits and turns into a Request; every refusal is a 400 or a 413.
#include <algorithm>
#include <boost/asio/buffer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/url/parse_query.hpp>
#include <string>

#include "check.h"
#include "http/message.h"
#include "http/request_reader.h"

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;

constexpr size_t kMaxBody = 4096;  // small, so that inputs reach the limit

// A connection's bytes, handed out `chunk` at a time, then end of stream.
class ChunkedStream {
 public:
  ChunkedStream(std::string_view bytes, size_t chunk) : bytes_(bytes), chunk_(chunk) {}

  template <class MutableBuffers>
  size_t read_some(const MutableBuffers& buffers, beast::error_code& ec) {
    if (bytes_.empty()) {
      ec = asio::error::eof;
      return 0;
    }
    ec = {};
    size_t n =
        asio::buffer_copy(buffers, asio::buffer(bytes_.data(), std::min(chunk_, bytes_.size())));
    bytes_.remove_prefix(n);
    return n;
  }
  template <class MutableBuffers>
  size_t read_some(const MutableBuffers& buffers) {
    beast::error_code ec;
    size_t n = read_some(buffers, ec);
    if (ec) throw beast::system_error(ec);
    return n;
  }

 private:
  std::string_view bytes_;
  size_t chunk_;
};

bool is_text(std::string_view s) {
  return kb::fuzz::is_utf8(s) && s.find('\0') == std::string_view::npos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace kb::http;
  if (size == 0) return 0;
  // The first byte sets how the bytes arrive: 1 to 127 at a time, or all at once.
  size_t chunk = data[0] & 0x7F;
  if (chunk == 0) chunk = size;
  ChunkedStream stream(std::string_view(reinterpret_cast<const char*>(data + 1), size - 1), chunk);
  beast::flat_buffer buffer;
  for (int requests = 0; requests < 16; ++requests) {
    RequestParser parser;
    limit_request(parser, kMaxBody);
    beast::error_code ec;
    bhttp::read(stream, buffer, parser, ec);
    if (ec) {
      if (is_client_fault(ec)) {
        kb::Error e = read_error(ec);
        int status = status_of(e.kind);
        KB_FUZZ_CHECK(status == 400 || status == 413, ec.message());
        KB_FUZZ_CHECK(
            (status == 413) == (ec == bhttp::error::body_limit || ec == bhttp::error::header_limit),
            ec.message());
      }
      return 0;
    }
    auto& msg = parser.get();
    bool keep_alive = msg.keep_alive();
    std::string target(msg.target());
    auto request = to_request(parser.release(), "192.0.2.1");
    if (!request.ok()) {
      // Refused as a whole, with a 400 naming what is wrong; the connection goes on.
      const kb::Error& e = request.error();
      KB_FUZZ_CHECK(status_of(e.kind) == 400 &&
                        (e.code == "invalid_path" || e.code == "invalid_query") && !e.field.empty(),
                    e.code);
      if (!keep_alive) return 0;
      continue;
    }
    Request& req = *request;
    KB_FUZZ_CHECK(req.body.size() <= kMaxBody, "the body is within the limit");
    size_t q = target.find('?');
    KB_FUZZ_CHECK(req.query == (q == std::string::npos ? "" : target.substr(q + 1)),
                  "the query is the target's");
    if (target.starts_with('/')) {
      KB_FUZZ_CHECK(req.path.starts_with('/'), "an origin-form path: " + req.path);
    }
    KB_FUZZ_CHECK(req.authorization.find(req.bearer_token()) != std::string::npos, "bearer token");
    // Handlers and the databases get text: the decoded path and query are UTF-8 without NUL.
    KB_FUZZ_CHECK(is_text(req.path), "the path is text: " + req.path);
    if (auto params = boost::urls::parse_query(req.query)) {
      for (auto p : *params) {
        KB_FUZZ_CHECK(is_text(p.key.decode()) && is_text(p.value.decode()),
                      "query parameters are text: " + req.query);
      }
    }
    if (!keep_alive) return 0;
  }
  return 0;
}
