// Maps (method, path pattern) to a handler. Patterns are literal segments and `{name}`
// parameters: `/api/v1/areas/provinces/{code}/wards`. Routes are fixed at start-up, so
// matching takes no lock.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "http/message.h"

namespace prometheus {
class Counter;
class Histogram;
}  // namespace prometheus

namespace kb::http {

// A handler parses the request, calls the domain and answers; a failure is an Error value that
// App::handle turns into an HTTP answer (http/message.cpp, status_of), so handlers use
// KB_CO_TRY / KB_CO_ASSIGN instead of building error responses themselves.
using Handler = std::function<boost::asio::awaitable<Result<Response>>(Request&)>;

struct RouteMetrics {
  prometheus::Counter* by_class[6] = {};  // index = status / 100
  prometheus::Histogram* latency = nullptr;
};

struct Route {
  Method method;
  std::string pattern;
  std::vector<std::string> segments;
  Handler handler;
  RouteMetrics metrics;
  std::string summary;  // one line for the route listing
  size_t max_body = 0;  // its own request-body limit (allow_body), or 0 for the server's
};

class Router {
 public:
  void add(Method method, std::string pattern, Handler handler, std::string summary = {});

  struct Match {
    Route* route = nullptr;
    bool path_known = false;  // some route has this path, with another method (→ 405)
    std::string allow;        // then the methods it has, for the 405's Allow header
  };
  // Fills req.params on a match.
  Match match(Request& req);

  std::vector<Route>& routes() { return routes_; }

  // Lets one route take larger request bodies than the server's limit (a file upload) without
  // raising the limit of any other route. The route must be added first.
  void allow_body(Method method, std::string_view pattern, size_t max_bytes);
  // The body limit of a request: its route's own when it has one, `fallback` otherwise. Looks
  // only at the routes that have one, so the server can ask before reading every body.
  size_t body_limit(Method method, std::string_view path, size_t fallback) const;

 private:
  std::vector<Route> routes_;
  std::vector<size_t> own_limits_;  // indexes of the routes with a body limit of their own
};

}  // namespace kb::http
