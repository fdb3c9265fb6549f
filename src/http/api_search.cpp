// Officials' search and export: find a person of the jurisdiction and read their record, and
// export an area's declarations (CSV or JSON). Every route takes ?reason=, written to the audit
// log in the same transaction as the read (search/person_search.h).
#include <fmt/format.h>

#include "access/policy.h"
#include "cases/case.h"
#include "core/phone.h"
#include "http/app.h"
#include "http/handler_util.h"
#include "http/people_json.h"
#include "http/venue_json.h"
#include "search/person_search.h"

namespace kb::http {
namespace {

using boost::asio::awaitable;
namespace json = boost::json;

Result<search::PersonQuery> parse_query(const Request& req) {
  search::PersonQuery q;
  if (auto phone = req.query_param("phone"); phone && !phone->empty()) {
    KB_ASSIGN(q.phone, normalize_mobile(*phone, "phone"));
  }
  q.id_number = req.query_param("id_number").value_or("");
  if (auto name = req.query_param("name"); name && !name->empty()) {
    KB_ASSIGN(q.full_name, people::normalize_name(*name, "name"));
  }
  KB_ASSIGN(q.birth_year, int_param(req, "birth_year", 1900, 2100, 0));
  KB_TRY(search::check_query(q));
  return q;
}

Result<search::ExportQuery> parse_export(const Request& req, int64_t now) {
  search::ExportQuery q;
  q.area = req.query_param("area").value_or("");
  auto from = req.query_param("from"), to = req.query_param("to");
  if (!from || from->empty()) return invalid("from", "missing_field", "give from=YYYY-MM-DD");
  KB_ASSIGN(q.from, cases::parse_date(*from, "from"));
  q.to = now + 1;
  if (to && !to->empty()) {
    KB_ASSIGN(int64_t t, cases::parse_date(*to, "to"));
    q.to = t + 86400;  // the whole last day
  }
  return q;
}

json::object record_json(const search::PersonRecord& r, int64_t now) {
  const auto& p = r.person;
  json::array decls, visits, cases;
  for (const auto& d : r.declarations) decls.push_back(declaration_json(d));
  for (const auto& v : r.visits) {
    json::object o = visit_json(v.visit);
    o["venue_name"] = v.venue_name;
    o["venue_code"] = v.venue_code;
    o["open"] = !v.visit.t_out && v.visit.assumed_out > now;
    visits.push_back(std::move(o));
  }
  for (const auto& c : r.cases) {
    cases.push_back(json::object{{"id", c.id},
                                 {"test_date", format_rfc3339(c.test_date)},
                                 {"status", c.status},
                                 {"found_in", c.found_in}});
  }
  json::object person{{"id", p.id},
                      {"full_name", p.full_name},
                      {"id_kind", p.id_kind},
                      {"id_number", p.id_number},
                      {"birth_date", p.birth_date},
                      {"sex", p.sex},
                      {"phone", p.phone},
                      {"province_code", p.province_code},
                      {"ward_code", p.ward_code},
                      {"street", p.street},
                      {"has_account", p.account_id.has_value()}};
  return json::object{{"person", std::move(person)},
                      {"status", json::object{{"colour", r.colour}, {"reason", r.colour_reason}}},
                      {"declarations", std::move(decls)},
                      {"visits", std::move(visits)},
                      {"visit_days", search::kRecordVisitDays},
                      {"cases", std::move(cases)}};
}

json::object declaration_row_json(const search::DeclarationRow& d) {
  return json::object{{"declaration_id", d.id},
                      {"declared_at", format_rfc3339(d.created_at)},
                      {"current", !d.superseded},
                      {"kind", d.kind},
                      {"person_id", d.person_id},
                      {"full_name", d.full_name},
                      {"id_number", d.id_number},
                      {"birth_date", d.birth_date},
                      {"sex", d.sex},
                      {"phone", d.phone},
                      {"province_code", d.province_code},
                      {"ward_code", d.ward_code},
                      {"street", d.street},
                      {"travel_provinces", d.travel_provinces},
                      {"travel_countries", d.travel_countries},
                      {"symptoms", d.symptoms},
                      {"exposures", d.exposures},
                      {"vaccine_doses", d.vaccine_doses}};
}

// ---- handlers ----

awaitable<Result<Response>> find_people(App& app, Request& req) {
  KB_CO_ASSIGN(auto official, signed_in(app, req, access::official));
  KB_CO_ASSIGN(search::PersonQuery q, parse_query(req));
  KB_CO_ASSIGN(std::string reason, reason_param(req));
  auto job = [official, q, reason, now = app.now()](store::Connection& c) -> Result<json::array> {
    KB_ASSIGN(auto found, search::find_people(c, official, q, reason, now));
    return people_json(c, found);
  };
  KB_CO_ASSIGN(json::array found, co_await app.write(job));
  co_return Response::json(200, json::object{{"people", std::move(found)}});
}

awaitable<Result<Response>> person_record(App& app, Request& req) {
  KB_CO_ASSIGN(auto official, signed_in(app, req, access::official));
  KB_CO_ASSIGN(int64_t id, path_id(req, "id", "person_not_found"));
  KB_CO_ASSIGN(std::string reason, reason_param(req));
  auto job = [official, id, reason, now = app.now()](store::Connection& c) {
    return search::person_record(c, official, id, reason, now);
  };
  KB_CO_ASSIGN(search::PersonRecord rec, co_await app.write(job));
  co_return Response::json(200, record_json(rec, app.now()));
}

// Both formats read the same rows; `format` is what the audit log says was taken away.
awaitable<Result<std::vector<search::DeclarationRow>>> exported(App& app, const Request& req,
                                                                std::string format) {
  KB_CO_ASSIGN(auto official, signed_in(app, req, access::official));
  KB_CO_ASSIGN(search::ExportQuery q, parse_export(req, app.now()));
  KB_CO_ASSIGN(std::string reason, reason_param(req));
  auto job = [&app, official, q, reason, format, now = app.now()](store::Connection& c) {
    return search::export_declarations(c, app.areas(), official, q, reason, format, now);
  };
  co_return co_await app.write(job);
}

awaitable<Result<Response>> export_csv(App& app, Request& req) {
  KB_CO_ASSIGN(auto rows, co_await exported(app, req, "csv"));
  std::string area = req.query_param("area").value_or("");
  co_return csv_attachment(
      search::declarations_csv(rows),
      fmt::format("declarations-{}.csv", area.empty() || area == "*" ? "area" : area));
}

awaitable<Result<Response>> export_json(App& app, Request& req) {
  KB_CO_ASSIGN(auto rows, co_await exported(app, req, "json"));
  json::array out;
  for (const auto& d : rows) out.push_back(declaration_row_json(d));
  co_return Response::json(200, json::object{{"declarations", std::move(out)}});
}

}  // namespace

void register_search_routes(App& app) {
  auto& r = app.router();
  r.add(
      Method::kGet, "/api/v1/people/search", [&app](Request& req) { return find_people(app, req); },
      "find people of the jurisdiction by phone, ID number, or name and birth year (officials; "
      "?reason=, audited)");
  r.add(
      Method::kGet, "/api/v1/people/{id}/record",
      [&app](Request& req) { return person_record(app, req); },
      "a person's declarations, visits and cases (officials of their area; ?reason=, audited)");
  r.add(
      Method::kGet, "/api/v1/declarations/export",
      [&app](Request& req) { return export_json(app, req); },
      "an area's declarations for a range of days as JSON (officials; ?reason=, audited)");
  r.add(
      Method::kGet, "/api/v1/declarations/export.csv",
      [&app](Request& req) { return export_csv(app, req); },
      "an area's declarations for a range of days as CSV (officials; ?reason=, audited)");
}

}  // namespace kb::http
