// The router's path matching (http/router.h), against a plain reference matcher written here.
// Input: lines. The first is the request, a method letter then a path ("G/api/v1/venues/42").
// Any others are the routes to match it against, in the same form ("P/api/v1/venues/{id}");
// without them, the request is matched against the server's own routes.
#include <stdexcept>
#include <string>
#include <vector>

#include "check.h"
#include "http/router.h"

namespace {

using kb::http::Method;

std::vector<std::string> segments_of(std::string_view path) {
  std::vector<std::string> out;
  std::string current;
  for (char c : path) {
    if (c == '/') {
      if (!current.empty()) out.push_back(current);
      current.clear();
    } else {
      current.push_back(c);
    }
  }
  if (!current.empty()) out.push_back(current);
  return out;
}

// A method from its letter (G GET, H HEAD, P POST, U PUT, A PATCH, D DELETE, O OPTIONS), or
// from the byte's value for any other byte. Routes have no HEAD, OPTIONS or other.
Method method_of(char c, bool route) {
  switch (c) {
    case 'G':
      return Method::kGet;
    case 'P':
      return Method::kPost;
    case 'U':
      return Method::kPut;
    case 'A':
      return Method::kPatch;
    case 'D':
      return Method::kDelete;
    case 'H':
      return route ? Method::kGet : Method::kHead;
    case 'O':
      return route ? Method::kGet : Method::kOptions;
  }
  static constexpr Method kAll[] = {Method::kGet,     Method::kPost,   Method::kPut,
                                    Method::kPatch,   Method::kDelete, Method::kHead,
                                    Method::kOptions, Method::kOther};
  return kAll[static_cast<unsigned char>(c) % (route ? 5 : 8)];
}

bool is_param(const std::string& s) { return s.size() > 2 && s.front() == '{' && s.back() == '}'; }

struct Pattern {
  Method method;
  std::vector<std::string> segments;
};

// The routes `khaibao routes` lists, as the shapes real requests meet (a snapshot: what
// matters is their shape, not that the list stays complete).
constexpr const char* kServerRoutes[] = {
    "G/healthz",
    "G/metrics",
    "G/api/v1/openapi.json",
    "P/api/v1/auth/otp",
    "P/api/v1/auth/otp/verify",
    "P/api/v1/auth/login",
    "P/api/v1/auth/logout",
    "G/api/v1/me",
    "P/api/v1/me/password",
    "G/api/v1/areas/provinces",
    "G/api/v1/areas/provinces/{code}/wards",
    "G/api/v1/areas/wards/{code}",
    "G/api/v1/areas/old-wards/{code}",
    "P/api/v1/admin/users",
    "P/api/v1/venues",
    "G/api/v1/venues",
    "G/api/v1/venues/by-code/{code}",
    "G/api/v1/venues/{id}",
    "A/api/v1/venues/{id}",
    "G/api/v1/venues/{id}/poster.svg",
    "G/api/v1/venues/{id}/poster.png",
    "G/api/v1/venues/{id}/poster.pdf",
    "G/api/v1/venues/{id}/staff",
    "P/api/v1/venues/{id}/staff",
    "D/api/v1/venues/{id}/staff/{user_id}",
    "G/api/v1/venues/{id}/kiosk-code",
    "G/api/v1/venues/{id}/visits",
    "P/api/v1/venues/{id}/visits",
    "P/api/v1/checkins",
    "P/api/v1/checkouts",
    "P/api/v1/scans",
    "G/api/v1/me/visits",
    "G/api/v1/me/people",
    "P/api/v1/me/people",
    "G/api/v1/me/people/{id}",
    "U/api/v1/me/people/{id}",
    "G/api/v1/people/{id}/qr",
    "P/api/v1/people/{id}/qr/revoke",
    "P/api/v1/declarations",
    "G/api/v1/me/people/{id}/declarations",
    "P/api/v1/qr/verify",
    "G/api/v1/keys",
    "P/api/v1/cases",
    "G/api/v1/cases",
    "G/api/v1/cases/{id}",
    "G/api/v1/cases/{id}/contacts",
    "G/api/v1/cases/{id}/contacts.csv",
    "P/api/v1/cases/{id}/trace",
    "P/api/v1/cases/{id}/notices",
    "P/api/v1/cases/{id}/close",
    "P/api/v1/cases/{id}/error",
    "P/api/v1/contacts/{id}/confirm",
    "P/api/v1/contacts/{id}/dismiss",
    "P/api/v1/contacts/{id}/convert",
    "G/api/v1/clusters",
    "G/api/v1/me/inbox",
    "G/api/v1/me/inbox/stream",
    "P/api/v1/me/inbox/read-all",
    "P/api/v1/me/inbox/{id}/read",
    "P/api/v1/broadcasts/preview",
    "P/api/v1/broadcasts",
    "G/api/v1/broadcasts",
    "G/api/v1/broadcasts/{id}",
    "P/api/v1/broadcasts/{id}/approve",
    "P/api/v1/broadcasts/{id}/recall",
    "P/api/v1/messages",
};

struct RouteTable {
  kb::http::Router router;
  std::vector<Pattern> patterns;
};

void add_route(RouteTable& table, std::string_view line);

// Built once: Router::match reads the routes and changes nothing in them.
RouteTable& server_routes() {
  static RouteTable table = [] {
    RouteTable t;
    for (const char* line : kServerRoutes) add_route(t, line);
    return t;
  }();
  return table;
}

void add_route(RouteTable& table, std::string_view line) {
  Method method = method_of(line[0], true);
  std::string pattern(line.substr(1));
  auto segments = segments_of(pattern);
  try {
    table.router.add(method, pattern, {});
  } catch (const std::logic_error&) {
    KB_FUZZ_CHECK(segments.size() > 16, "only patterns of more than 16 segments are refused");
    return;
  }
  KB_FUZZ_CHECK(segments.size() <= 16, "a pattern of more than 16 segments is refused");
  table.patterns.push_back({method, std::move(segments)});
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace kb::http;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string_view> lines;
  for (size_t start = 0; start <= input.size();) {
    size_t end = input.find('\n', start);
    if (end == std::string_view::npos) end = input.size();
    lines.push_back(input.substr(start, end - start));
    start = end + 1;
  }
  if (lines.empty() || lines[0].empty() || lines.size() > 200) return 0;

  RouteTable own;
  for (size_t i = 1; i < lines.size(); ++i) {
    if (!lines[i].empty()) add_route(own, lines[i]);
  }
  bool has_own = false;
  for (size_t i = 1; i < lines.size(); ++i) has_own = has_own || !lines[i].empty();
  RouteTable& table = has_own ? own : server_routes();
  Router& router = table.router;
  const std::vector<Pattern>& patterns = table.patterns;

  Request req;
  req.method = method_of(lines[0][0], false);
  req.path = std::string(lines[0].substr(1));
  Router::Match m = router.match(req);

  // The reference: the first route, in order, whose segments match and whose method is the
  // request's (HEAD served by GET); the methods of the others that match the path.
  auto parts = segments_of(req.path);
  Method want = req.method == Method::kHead ? Method::kGet : req.method;
  const Pattern* expected = nullptr;
  size_t expected_index = 0;
  std::string allow;
  for (size_t i = 0; i < patterns.size() && !expected; ++i) {
    const Pattern& p = patterns[i];
    if (p.segments.size() != parts.size()) continue;
    bool ok = true;
    for (size_t k = 0; k < parts.size(); ++k) {
      ok = ok && (is_param(p.segments[k]) || p.segments[k] == parts[k]);
    }
    if (!ok) continue;
    if (p.method == want) {
      expected = &p;
      expected_index = i;
    } else {
      if (!allow.empty()) allow += ", ";
      allow += method_name(p.method);
      if (p.method == Method::kGet) allow += ", HEAD";
    }
  }
  KB_FUZZ_CHECK((m.route != nullptr) == (expected != nullptr),
                "matches as the reference: " + req.path);
  if (expected) {
    KB_FUZZ_CHECK(m.route == &router.routes()[expected_index], "the first matching route wins");
    for (size_t k = 0; k < parts.size(); ++k) {
      const std::string& seg = expected->segments[k];
      if (!is_param(seg)) continue;
      std::string name = seg.substr(1, seg.size() - 2);
      KB_FUZZ_CHECK(req.params.contains(name), "every parameter is filled: " + name);
      // A later parameter of the same name overwrites an earlier one.
      size_t last = k;
      for (size_t j = k + 1; j < parts.size(); ++j) {
        if (expected->segments[j] == seg) last = j;
      }
      KB_FUZZ_CHECK(req.params.at(name) == parts[last], "a parameter is its path segment");
    }
    KB_FUZZ_CHECK(req.params.size() <= parts.size(), "no parameter comes from nowhere");
  } else {
    KB_FUZZ_CHECK(req.params.empty(), "no parameters without a match");
    KB_FUZZ_CHECK(m.path_known == !allow.empty() && m.allow == allow,
                  "the 405's Allow lists the path's methods: " + m.allow + " / " + allow);
  }
  return 0;
}
