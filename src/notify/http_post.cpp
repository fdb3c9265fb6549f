#include "notify/http_post.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>

namespace kb::notify {

Result<HttpEndpoint> parse_http_url(std::string_view url, std::string_view field) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed || parsed->scheme() != "http" || parsed->host().empty()) {
    return invalid(std::string(field), "invalid_" + std::string(field),
                   "--" + std::string(field) + " must be http://HOST[:PORT][/PATH]");
  }
  HttpEndpoint e;
  e.host = std::string(parsed->host());
  e.port = parsed->has_port() ? std::string(parsed->port()) : "80";
  e.target = std::string(parsed->encoded_path());
  if (parsed->has_query()) e.target += "?" + std::string(parsed->encoded_query());
  return e;
}

Result<HttpReply> http_post(const HttpEndpoint& to, std::string_view path, const HttpPost& post) {
  namespace asio = boost::asio;
  namespace beast = boost::beast;
  namespace bhttp = beast::http;
  std::string target = to.target;
  if (!path.empty()) {
    while (!target.empty() && target.back() == '/') target.pop_back();
    target += path;
  }
  if (target.empty()) target = "/";
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  beast::error_code error;
  bhttp::request<bhttp::string_body> req{bhttp::verb::post, target, 11};
  req.set(bhttp::field::host, to.host);
  req.set(bhttp::field::content_type, post.content_type);
  req.set(bhttp::field::user_agent, "khaibao");
  for (const auto& [name, value] : post.headers) req.set(name, value);
  req.body() = std::string(post.body);
  req.prepare_payload();
  bhttp::response<bhttp::string_body> res;
  beast::flat_buffer buffer;
  asio::ip::tcp::resolver resolver(ioc);
  stream.expires_after(std::chrono::seconds(post.timeout_seconds));
  // Callbacks in a chain (the stream's expiry bounds the whole exchange).
  auto on_read = [&](beast::error_code ec, size_t) { error = ec; };
  auto on_write = [&](beast::error_code ec, size_t) {
    if (ec) {
      error = ec;
      return;
    }
    bhttp::async_read(stream, buffer, res, on_read);
  };
  auto on_connect = [&](beast::error_code ec, const auto&) {
    if (ec) {
      error = ec;
      return;
    }
    bhttp::async_write(stream, req, on_write);
  };
  auto on_resolve = [&](beast::error_code ec, asio::ip::tcp::resolver::results_type results) {
    if (ec) {
      error = ec;
      return;
    }
    stream.async_connect(results, on_connect);
  };
  resolver.async_resolve(to.host, to.port, on_resolve);
  ioc.run();
  beast::error_code ignored;
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  if (error) return make_error(ErrorKind::kUnavailable, "http_unreachable", error.message());
  return HttpReply{static_cast<int>(res.result_int()), std::move(res.body())};
}

}  // namespace kb::notify
