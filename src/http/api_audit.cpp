// The audit log as citizens see it: who looked at their data and their dependants' (the
// official's role and area, the reason, the time), as JSON or a CSV download.
#include <fmt/format.h>

#include "access/policy.h"
#include "audit/access_log.h"
#include "core/clock.h"
#include "http/app.h"
#include "http/handler_util.h"

namespace kb::http {
namespace {

namespace json = boost::json;
using boost::asio::awaitable;

json::object access_json(const audit::AccessLine& l) {
  return json::object{{"id", l.id},
                      {"at", format_rfc3339(l.at)},
                      {"person_id", l.person_id},
                      {"person_name", l.person_name},
                      {"action", l.action},
                      {"role", l.actor_role},
                      {"area", json_text(l.actor_area)},
                      {"reason", json_text(l.reason)},
                      {"agency", json_text(l.agency)}};
}

awaitable<Result<Response>> my_access_log(App& app, Request& req) {
  KB_CO_ASSIGN(auto user, signed_in(app, req, access::citizen));
  KB_CO_ASSIGN(int64_t before, int_param(req, "before", 1, INT64_MAX, 0));
  KB_CO_ASSIGN(int64_t limit, int_param(req, "limit", 1, audit::kAccessPage, 50));
  bool csv = req.query_param("format") == "csv";
  KB_CO_ASSIGN(auto lines, app.db().read([&](store::Connection& c) {
    return audit::access_to_my_people(c, user.id, before ? std::optional(before) : std::nullopt,
                                      csv ? audit::kAccessPage : limit);
  }));
  if (csv) co_return csv_attachment(audit::access_csv(lines), "who-looked-at-my-data.csv");
  json::array out;
  for (const auto& l : lines) out.push_back(access_json(l));
  bool more = static_cast<int64_t>(lines.size()) == limit;
  co_return Response::json(200, json::object{{"entries", std::move(out)},
                                             {"next_before", more ? json::value(lines.back().id)
                                                                  : json::value(nullptr)}});
}

}  // namespace

void register_audit_routes(App& app) {
  auto& r = app.router();
  r.add(
      Method::kGet, "/api/v1/me/access-log",
      [&app](Request& req) { return my_access_log(app, req); },
      "who read or changed the personal data of the people in my account (?format=csv)");
}

}  // namespace kb::http
