// Administrative units: provinces, their wards, and old (pre-2025) ward codes.
#include "http/app.h"

namespace kb::http {
namespace {

boost::json::object ward_json(const areas::Ward& w) {
  return {{"code", w.code}, {"name", w.name}, {"province_code", w.province_code}};
}

}  // namespace

void register_area_routes(App& app) {
  // The lists never change while the server runs: serialise them once.
  auto provinces = std::make_shared<std::string>([&app] {
    boost::json::array a;
    for (const auto& p : app.areas().provinces()) a.push_back(boost::json::object{{"code", p.code}, {"name", p.name}});
    return boost::json::serialize(a);
  }());

  app.router().add(Method::kGet, "/api/v1/areas/provinces", [provinces](Request&) -> boost::asio::awaitable<Response> {
    Response r;
    r.body = *provinces;
    r.headers.emplace_back("Cache-Control", "public, max-age=3600");
    co_return r;
  }, "the 34 provinces");

  app.router().add(Method::kGet, "/api/v1/areas/provinces/{code}/wards", [&app](Request& req) -> boost::asio::awaitable<Response> {
    std::string_view code = req.param("code");
    if (!app.areas().province(code)) {
      co_return Response::error(Error{ErrorKind::kNotFound, "unknown_province", "no province with this code", "code"});
    }
    boost::json::array a;
    for (const auto* w : app.areas().wards_of(code)) a.push_back(boost::json::object{{"code", w->code}, {"name", w->name}});
    Response r = Response::json(200, a);
    r.headers.emplace_back("Cache-Control", "public, max-age=3600");
    co_return r;
  }, "the wards of a province");

  app.router().add(Method::kGet, "/api/v1/areas/wards/{code}", [&app](Request& req) -> boost::asio::awaitable<Response> {
    const auto* w = app.areas().ward(req.param("code"));
    if (!w) co_return Response::error(Error{ErrorKind::kNotFound, "unknown_ward", "no ward with this code", "code"});
    boost::json::object o = ward_json(*w);
    o["province_name"] = app.areas().province(w->province_code)->name;
    co_return Response::json(200, o);
  }, "one ward");

  app.router().add(Method::kGet, "/api/v1/areas/old-wards/{code}", [&app](Request& req) -> boost::asio::awaitable<Response> {
    auto found = app.areas().find_old_ward(req.param("code"));
    if (found.empty()) {
      co_return Response::error(Error{ErrorKind::kNotFound, "unknown_old_ward", "no pre-2025 ward with this code", "code"});
    }
    boost::json::array matches;
    for (const auto* old : found) {
      const auto* w = app.areas().ward(old->new_ward_code);
      if (!w) continue;
      boost::json::object m{{"old_name", old->old_name}, {"old_district", old->old_district},
                            {"old_province", old->old_province}, {"ward", ward_json(*w)}};
      matches.push_back(std::move(m));
    }
    co_return Response::json(200, boost::json::object{{"old_code", req.param("code")}, {"matches", std::move(matches)}});
  }, "the new ward(s) an old (pre-2025) ward code became");
}

}  // namespace kb::http
