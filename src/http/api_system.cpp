// Operational endpoints: health, metrics, the API description.
#include <fmt/format.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include "http/app.h"

namespace kb::http {

extern const char* const kOpenApiDocument;  // api/openapi.json, embedded at build time

namespace {

using boost::asio::awaitable;

constexpr store::Sql kPing{"ping", "SELECT 1"};

awaitable<Result<Response>> healthz(App& app) {
  if (app.draining()) co_return Response::json(503, boost::json::object{{"status", "draining"}});
  auto st = app.db().read([](store::Connection& c) { return c.query(kPing); });
  if (!st.ok())
    co_return Response::json(503,
                             boost::json::object{{"status", "unavailable"}, {"database", "down"}});
  co_return Response::json(200, boost::json::object{{"status", "ok"}});
}

awaitable<Result<Response>> metrics(App& app) {
  Response r;
  r.content_type = "text/plain; version=0.0.4";
  r.body = prometheus::TextSerializer().Serialize(app.metrics().Collect());
  // Live inbox streams: how many are open, and how many events reached them from memory (a
  // broadcast or recall handed over as it is) rather than by reading the database.
  r.body += fmt::format(
      "# HELP khaibao_inbox_streams_open Live inbox streams open on this process.\n"
      "# TYPE khaibao_inbox_streams_open gauge\nkhaibao_inbox_streams_open {}\n"
      "# HELP khaibao_inbox_events_delivered_total Events handed to inbox streams from memory.\n"
      "# TYPE khaibao_inbox_events_delivered_total counter\n"
      "khaibao_inbox_events_delivered_total {}\n",
      app.inbox_hub().open_streams(), app.inbox_hub().delivered());
  co_return r;
}

awaitable<Result<Response>> openapi() {
  Response r;
  r.body = kOpenApiDocument;
  co_return r;
}

}  // namespace

void register_system_routes(App& app) {
  auto& r = app.router();
  r.add(
      Method::kGet, "/healthz", [&app](Request&) { return healthz(app); },
      "200 when the database answers; 503 while the server drains");
  r.add(
      Method::kGet, "/metrics", [&app](Request&) { return metrics(app); }, "Prometheus metrics");
  r.add(
      Method::kGet, "/api/v1/openapi.json", [](Request&) { return openapi(); },
      "this API's OpenAPI 3 description");
}

}  // namespace kb::http
