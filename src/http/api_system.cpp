// Operational endpoints: health, metrics, the API description.
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include "http/app.h"

namespace kb::http {

extern const char* const kOpenApiDocument;  // api/openapi.json, embedded at build time

namespace {

constexpr store::Sql kPing{"ping", "SELECT 1"};

}  // namespace

void register_system_routes(App& app) {
  app.router().add(Method::kGet, "/healthz", [&app](Request&) -> boost::asio::awaitable<Response> {
    auto st = app.db().read([](store::Connection& c) { return c.query(kPing); });
    if (!st.ok()) {
      co_return Response::json(503, boost::json::object{{"status", "unavailable"}, {"database", "down"}});
    }
    co_return Response::json(200, boost::json::object{{"status", "ok"}});
  }, "200 when the database answers");

  app.router().add(Method::kGet, "/metrics", [&app](Request&) -> boost::asio::awaitable<Response> {
    Response r;
    r.content_type = "text/plain; version=0.0.4";
    r.body = prometheus::TextSerializer().Serialize(app.metrics().Collect());
    co_return r;
  }, "Prometheus metrics");

  app.router().add(Method::kGet, "/api/v1/openapi.json", [](Request&) -> boost::asio::awaitable<Response> {
    Response r;
    r.body = kOpenApiDocument;
    co_return r;
  }, "this API's OpenAPI 3 description");
}

}  // namespace kb::http
