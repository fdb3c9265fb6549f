#include "http/router.h"

#include <algorithm>
#include <array>
#include <stdexcept>

namespace kb::http {
namespace {

// A path's segments as views into it, so matching a request allocates nothing. A path of more
// segments than any route may have (kMax) matches none.
struct PathParts {
  static constexpr size_t kMax = 16;
  std::array<std::string_view, kMax> part;
  size_t size = 0;
};

PathParts split(std::string_view path) {
  PathParts out;
  size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    if (out.size == PathParts::kMax) {
      out.size = PathParts::kMax + 1;  // too long for any route
      return out;
    }
    out.part[out.size++] = path.substr(i, j - i);
    i = j;
  }
  return out;
}

bool is_param(const std::string& segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

void Router::add(Method method, std::string pattern, Handler handler, std::string summary) {
  const PathParts parts = split(pattern);
  if (parts.size > PathParts::kMax)
    throw std::logic_error("route pattern has too many segments: " + pattern);
  std::vector<std::string> segments(parts.part.begin(), parts.part.begin() + parts.size);
  routes_.push_back({method,
                     std::move(pattern),
                     std::move(segments),
                     std::move(handler),
                     {},
                     std::move(summary)});
}

Router::Match Router::match(Request& req) {
  Match m;
  const PathParts parts = split(req.path);
  for (Route& r : routes_) {
    if (r.segments.size() != parts.size) continue;
    bool ok = true;
    for (size_t i = 0; i < parts.size && ok; ++i) {
      ok = is_param(r.segments[i]) || r.segments[i] == parts.part[i];
    }
    if (!ok) continue;
    Method want = req.method == Method::kHead ? Method::kGet : req.method;
    if (r.method != want) {
      m.path_known = true;
      if (!m.allow.empty()) m.allow += ", ";
      m.allow += method_name(r.method);
      if (r.method == Method::kGet) m.allow += ", HEAD";
      continue;
    }
    for (size_t i = 0; i < parts.size; ++i) {
      if (is_param(r.segments[i]))
        req.params[r.segments[i].substr(1, r.segments[i].size() - 2)] = parts.part[i];
    }
    m.route = &r;
    return m;
  }
  return m;
}

void Router::allow_body(Method method, std::string_view pattern, size_t max_bytes) {
  for (size_t i = 0; i < routes_.size(); ++i) {
    if (routes_[i].method == method && routes_[i].pattern == pattern) {
      routes_[i].max_body = max_bytes;
      if (std::find(own_limits_.begin(), own_limits_.end(), i) == own_limits_.end())
        own_limits_.push_back(i);
      return;
    }
  }
  throw std::logic_error("allow_body: no route " + std::string(pattern));
}

size_t Router::body_limit(Method method, std::string_view path, size_t fallback) const {
  if (own_limits_.empty()) return fallback;
  const PathParts parts = split(path);
  for (size_t i : own_limits_) {
    const Route& r = routes_[i];
    if (r.method != method || r.segments.size() != parts.size) continue;
    bool ok = true;
    for (size_t k = 0; k < parts.size && ok; ++k)
      ok = is_param(r.segments[k]) || r.segments[k] == parts.part[k];
    if (ok) return r.max_body;
  }
  return fallback;
}

}  // namespace kb::http
