// Administrative units: provinces, their wards, and old (pre-2025) ward codes.
#include "http/app.h"

namespace kb::http {
namespace {

using boost::asio::awaitable;
namespace json = boost::json;

json::object ward_json(const areas::Ward& w) {
  return {{"code", w.code}, {"name", w.name}, {"province_code", w.province_code}};
}

// The lists never change while the server runs: cacheable by anyone.
Response cacheable(Response r) {
  r.headers.emplace_back("Cache-Control", "public, max-age=3600");
  return r;
}

awaitable<Result<Response>> list_provinces(const std::string& serialised) {
  Response r;
  r.body = serialised;
  co_return cacheable(std::move(r));
}

awaitable<Result<Response>> list_wards(App& app, Request& req) {
  std::string_view code = req.param("code");
  if (!app.areas().province(code)) {
    co_return Error{ErrorKind::kNotFound, "unknown_province", "no province with this code", "code"};
  }
  json::array a;
  for (const auto* w : app.areas().wards_of(code))
    a.push_back(json::object{{"code", w->code}, {"name", w->name}});
  co_return cacheable(Response::json(200, a));
}

awaitable<Result<Response>> get_ward(App& app, Request& req) {
  const auto* w = app.areas().ward(req.param("code"));
  if (!w) co_return Error{ErrorKind::kNotFound, "unknown_ward", "no ward with this code", "code"};
  json::object o = ward_json(*w);
  o["province_name"] = app.areas().province(w->province_code)->name;
  co_return Response::json(200, o);
}

awaitable<Result<Response>> get_old_ward(App& app, Request& req) {
  auto found = app.areas().find_old_ward(req.param("code"));
  if (found.empty()) {
    co_return Error{ErrorKind::kNotFound, "unknown_old_ward", "no pre-2025 ward with this code",
                    "code"};
  }
  json::array matches;
  for (const auto* old : found) {
    const auto* w = app.areas().ward(old->new_ward_code);
    if (!w) continue;
    matches.push_back(json::object{{"old_name", old->old_name},
                                   {"old_district", old->old_district},
                                   {"old_province", old->old_province},
                                   {"ward", ward_json(*w)}});
  }
  co_return Response::json(
      200, json::object{{"old_code", req.param("code")}, {"matches", std::move(matches)}});
}

}  // namespace

void register_area_routes(App& app) {
  auto provinces = std::make_shared<const std::string>([&app] {
    json::array a;
    for (const auto& p : app.areas().provinces())
      a.push_back(json::object{{"code", p.code}, {"name", p.name}});
    return json::serialize(a);
  }());
  auto& r = app.router();
  r.add(
      Method::kGet, "/api/v1/areas/provinces",
      [provinces](Request&) { return list_provinces(*provinces); }, "the 34 provinces");
  r.add(
      Method::kGet, "/api/v1/areas/provinces/{code}/wards",
      [&app](Request& req) { return list_wards(app, req); }, "the wards of a province");
  r.add(
      Method::kGet, "/api/v1/areas/wards/{code}",
      [&app](Request& req) { return get_ward(app, req); }, "one ward");
  r.add(
      Method::kGet, "/api/v1/areas/old-wards/{code}",
      [&app](Request& req) { return get_old_ward(app, req); },
      "the new ward(s) an old (pre-2025) ward code became");
}

}  // namespace kb::http
