// The one outgoing HTTP client of outside delivery: a blocking POST over plain http:// (a
// gateway on the private network, or a TLS-terminating egress proxy in front of a platform's
// https:// API). Used by the webhook channel and the chat channel (chat/zalo_oa.h).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace kb::notify {

struct HttpEndpoint {
  std::string host, port, target;  // target: the path and query
};
// http://host[:port][/path][?query]; errors name `field`.
Result<HttpEndpoint> parse_http_url(std::string_view url, std::string_view field);

struct HttpPost {
  std::string_view content_type = "application/json";
  std::string_view body;
  std::vector<std::pair<std::string, std::string>> headers;
  int timeout_seconds = 10;
};
struct HttpReply {
  int status = 0;
  std::string body;
};
// POSTs to `to` with `path` appended to its target; kUnavailable when unreachable. Any status
// is a reply: the caller decides what it means.
Result<HttpReply> http_post(const HttpEndpoint& to, std::string_view path, const HttpPost& post);

}  // namespace kb::notify
