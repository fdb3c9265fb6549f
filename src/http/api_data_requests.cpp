// Data requests from other agencies: an official files one (agency, purpose, the fields asked
// for, area, days, expiry), another official of the area approves it, and the requester
// downloads the minimised export until it expires. The rules are data_requests/.
#include <fmt/format.h>

#include "access/policy.h"
#include "cases/case.h"
#include "core/clock.h"
#include "data_requests/data_requests.h"
#include "http/app.h"
#include "http/handler_util.h"

namespace kb::http {
namespace {

using boost::asio::awaitable;
namespace json = boost::json;

json::object request_json(const data_requests::Request& r, int64_t now) {
  json::array fields;
  for (const auto& f : r.fields) fields.push_back(json::value(f));
  return json::object{{"id", r.id},
                      {"agency", r.agency},
                      {"purpose", r.purpose},
                      {"fields", std::move(fields)},
                      {"area", r.area},
                      {"from", format_rfc3339(r.from)},
                      {"to", format_rfc3339(r.to)},
                      {"expires_at", format_rfc3339(r.expires_at)},
                      {"requested_by", r.requested_by},
                      {"requested_at", format_rfc3339(r.requested_at)},
                      {"approved_by", r.approved_by ? json::value(*r.approved_by) : nullptr},
                      {"approved_at", json_time(r.approved_at)},
                      {"downloads", r.downloads},
                      {"state", data_requests::state_name(r.state_at(now))}};
}

Result<std::vector<std::string>> parse_fields(JsonBody& body) {
  const json::value* v = body.raw("fields");
  if (!v) return invalid("fields", "missing_field", "list the fields asked for");
  if (!v->is_array()) return invalid("fields", "wrong_type", "fields is a list of names");
  std::vector<std::string> out;
  for (const auto& f : v->as_array()) {
    if (!f.is_string()) return invalid("fields", "wrong_type", "fields is a list of names");
    out.emplace_back(f.as_string());
  }
  return out;
}

// {agency, purpose, fields, area, from, to, expires_on}: days as YYYY-MM-DD, `to` inclusive.
Result<data_requests::NewRequest> parse_request(const Request& req) {
  KB_ASSIGN(JsonBody body, json_body(req));
  data_requests::NewRequest r;
  KB_ASSIGN(r.agency, body.required_string("agency", 800));
  KB_ASSIGN(r.purpose, body.required_string("purpose", 4000));
  KB_ASSIGN(r.fields, parse_fields(body));
  KB_ASSIGN(r.area, body.required_string("area", 20));
  KB_ASSIGN(auto from, body.required_string("from", 20));
  KB_ASSIGN(auto to, body.required_string("to", 20));
  KB_ASSIGN(auto expires, body.required_string("expires_on", 20));
  KB_ASSIGN(r.from, cases::parse_date(from, "from"));
  KB_ASSIGN(int64_t last, cases::parse_date(to, "to"));
  r.to = last + 86400;  // the whole last day
  KB_ASSIGN(int64_t expiry_day, cases::parse_date(expires, "expires_on"));
  r.expires_at = expiry_day + 86400;  // usable through that day
  KB_TRY(body.no_unknown_fields());
  return r;
}

awaitable<Result<Response>> file_request(App& app, Request& req) {
  KB_CO_ASSIGN(auto official, signed_in(app, req, access::official));
  KB_CO_ASSIGN(auto r, parse_request(req));
  auto job = [&app, official, r, now = app.now()](store::Connection& c) {
    return data_requests::file(c, app.areas(), official, r, now);
  };
  KB_CO_ASSIGN(auto filed, co_await app.write(job));
  co_return Response::json(201, request_json(filed, app.now()));
}

awaitable<Result<Response>> list_requests(App& app, Request& req) {
  KB_CO_ASSIGN(auto official, signed_in(app, req, access::official));
  KB_CO_ASSIGN(auto list, app.db().read([&](store::Connection& c) {
    return data_requests::list(c, official);
  }));
  json::array out;
  for (const auto& r : list) out.push_back(request_json(r, app.now()));
  co_return Response::json(200, json::object{{"requests", std::move(out)}});
}

awaitable<Result<Response>> read_request(App& app, Request& req) {
  KB_CO_ASSIGN(auto official, signed_in(app, req, access::official));
  KB_CO_ASSIGN(int64_t id, path_id(req, "id", "data_request_not_found"));
  KB_CO_ASSIGN(auto r, app.db().read([&](store::Connection& c) {
    return data_requests::read(c, official, id);
  }));
  co_return Response::json(200, request_json(r, app.now()));
}

awaitable<Result<Response>> approve_request(App& app, Request& req) {
  KB_CO_ASSIGN(auto official, signed_in(app, req, access::official));
  KB_CO_ASSIGN(int64_t id, path_id(req, "id", "data_request_not_found"));
  auto job = [official, id, now = app.now()](store::Connection& c) {
    return data_requests::approve(c, official, id, now);
  };
  KB_CO_ASSIGN(auto r, co_await app.write(job));
  co_return Response::json(200, request_json(r, app.now()));
}

awaitable<Result<Response>> export_request(App& app, Request& req) {
  KB_CO_ASSIGN(auto official, signed_in(app, req, access::official));
  KB_CO_ASSIGN(int64_t id, path_id(req, "id", "data_request_not_found"));
  auto job = [official, id, now = app.now()](store::Connection& c) {
    return data_requests::export_csv(c, official, id, now);
  };
  KB_CO_ASSIGN(std::string csv, co_await app.write(job));
  co_return csv_attachment(std::move(csv), fmt::format("data-request-{}.csv", id));
}

}  // namespace

void register_data_request_routes(App& app) {
  auto& r = app.router();
  r.add(
      Method::kPost, "/api/v1/data-requests",
      [&app](Request& req) { return file_request(app, req); },
      "file an outside agency's request for declaration data: agency, purpose, fields, area, "
      "days, expiry (officials; audited)");
  r.add(
      Method::kGet, "/api/v1/data-requests",
      [&app](Request& req) { return list_requests(app, req); },
      "the data requests of my jurisdiction (officials)");
  r.add(
      Method::kGet, "/api/v1/data-requests/{id}",
      [&app](Request& req) { return read_request(app, req); }, "one data request (officials)");
  r.add(
      Method::kPost, "/api/v1/data-requests/{id}/approve",
      [&app](Request& req) { return approve_request(app, req); },
      "approve a data request (another official in charge of its area; audited)");
  r.add(
      Method::kGet, "/api/v1/data-requests/{id}/export.csv",
      [&app](Request& req) { return export_request(app, req); },
      "the minimised export an approved, unexpired request allows (its requester; audited per "
      "person)");
}

}  // namespace kb::http
