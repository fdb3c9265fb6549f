// Maps (method, path pattern) to a handler. Patterns are literal segments and `{name}`
// parameters: `/api/v1/areas/provinces/{code}/wards`. Routes are fixed at start-up, so
// matching takes no lock.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.h"

namespace prometheus {
class Counter;
class Histogram;
}  // namespace prometheus

namespace kb::http {

using Handler = std::function<boost::asio::awaitable<Response>(Request&)>;

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

 private:
  std::vector<Route> routes_;
};

}  // namespace kb::http
