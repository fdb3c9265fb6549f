// Organisations: a manager registers one, imports its roster (text/csv), sets the daily check
// and sees today's coverage, the missing list and an export (done or not, never answers);
// officials see the organisations of their jurisdiction; members see their organisations. The
// rules are organisations/'; this file parses and answers.
#include <fmt/format.h>

#include <boost/json.hpp>

#include "access/policy.h"
#include "cases/case.h"
#include "core/csv.h"
#include "core/text.h"
#include "http/app.h"
#include "http/handler_util.h"
#include "monitoring/rules.h"
#include "organisations/organisation.h"

namespace kb::http {
namespace {

using boost::asio::awaitable;
namespace json = boost::json;
namespace org = organisations;

// ---- answers ----

json::object org_json(App& app, const org::Organisation& o) {
  const auto* w = app.areas().ward(o.ward_code);
  const auto* p = app.areas().province(o.province_code);
  std::string area = fmt::format("{}, {}", w ? w->name : "", p ? p->name : "");
  return json::object{{"id", o.id},
                      {"name", o.name},
                      {"kind", o.kind},
                      {"province_code", o.province_code},
                      {"ward_code", o.ward_code},
                      {"area_name", area},
                      {"street", o.street},
                      {"check", org::check_name(o.check)},
                      {"check_hour", o.check_hour},
                      {"created_at", format_rfc3339(o.created_at)}};
}

json::object figures_json(int64_t members, int64_t joined, int64_t done) {
  return json::object{{"members", members},
                      {"joined", joined},
                      {"done", done},
                      {"percent", members > 0 ? (done * 100) / members : 0}};
}

json::object coverage_json(const org::Coverage& c) {
  json::array missing, done;
  for (const auto& m : c.list) {
    json::object o{{"member_id", m.member_id},
                   {"full_name", m.full_name},
                   {"phone", m.phone},
                   {"joined", m.person_id.has_value()}};
    (m.done ? done : missing).push_back(std::move(o));
  }
  json::object o = figures_json(c.members, c.joined, c.done);
  o["date"] = format_rfc3339(monitoring::day_start(c.day)).substr(0, 10);
  o["check"] = org::check_name(c.check);
  o["missing"] = std::move(missing);
  o["done_list"] = std::move(done);
  return o;
}

json::object roster_json(const org::RosterReport& r) {
  json::array refused;
  for (const auto& row : r.refused) {
    refused.push_back(json::object{
        {"row", row.row}, {"field", row.field}, {"code", row.code}, {"message", row.message}});
  }
  return json::object{{"rows", r.rows},
                      {"added", r.added},
                      {"updated", r.updated},
                      {"unchanged", r.unchanged},
                      {"refused", static_cast<int64_t>(r.refused.size())},
                      {"refused_rows", std::move(refused)},
                      {"written", r.written}};
}

// Whether each member did it, never their answers: UTF-8 with a BOM, formula-safe cells.
std::string coverage_csv(const org::Coverage& c) {
  std::string out(csv::kBom);
  csv::append_row(out, {"full_name", "phone", "id_number", "joined", "done"});
  for (const auto& m : c.list) {
    csv::append_row(out, {m.full_name, m.phone, m.id_number, m.person_id ? "yes" : "no",
                          m.done ? "yes" : "no"});
  }
  return out;
}

// ---- requests ----

// An organisation's name and street show on its members' pages and coverage CSVs: clean text
// (core/text.h), so no control character (a terminal escape, a bell) is stored.
Result<std::string> clean_field(std::string_view text, std::string_view field) {
  auto clean = clean_text(text);
  if (!clean) {
    return invalid(std::string(field), "invalid_text",
                   fmt::format("the {} has a control or unassigned character", field));
  }
  return std::move(*clean);
}

Result<org::NewOrganisation> parse_new(const Request& req) {
  KB_ASSIGN(JsonBody body, json_body(req));
  org::NewOrganisation n;
  KB_ASSIGN(n.name, body.required_string("name", 200));
  KB_ASSIGN(n.name, clean_field(n.name, "name"));
  KB_ASSIGN(n.kind, body.required_string("kind", 20));
  KB_ASSIGN(n.province_code, body.required_string("province_code", 10));
  KB_ASSIGN(n.ward_code, body.required_string("ward_code", 10));
  KB_ASSIGN(auto street, body.optional_string("street", 300));
  KB_ASSIGN(n.street, clean_field(street.value_or(""), "street"));
  KB_TRY(body.no_unknown_fields());
  return n;
}

struct CheckSetting {
  org::CheckKind check = org::CheckKind::kNone;
  int hour = 9;
};
Result<CheckSetting> parse_check(const Request& req) {
  KB_ASSIGN(JsonBody body, json_body(req));
  CheckSetting s;
  KB_ASSIGN(auto check, body.required_string("check", 20));
  KB_ASSIGN(s.check, org::parse_check(check));
  KB_ASSIGN(auto hour, body.optional_int("hour", 0, 23));
  s.hour = static_cast<int>(hour.value_or(9));
  KB_TRY(body.no_unknown_fields());
  return s;
}

// A roster: text/csv, at most the server's body limit.
Result<std::string> csv_body(const Request& req) {
  std::string_view type = req.content_type;
  if (!type.starts_with("text/csv") && !type.starts_with("text/plain")) {
    return Error{ErrorKind::kUnsupportedMediaType, "unsupported_media_type",
                 "send the roster as text/csv", "content-type"};
  }
  return req.body;
}

Result<int64_t> day_param(const Request& req, int64_t now) {
  auto d = req.query_param("date");
  if (!d || d->empty()) return monitoring::local_day(now);
  KB_ASSIGN(int64_t t, cases::parse_date(*d, "date"));
  return monitoring::local_day(t);
}

// ---- handlers ----

awaitable<Result<Response>> create_org(App& app, Request& req) {
  KB_CO_ASSIGN(auto user, signed_in(app, req, access::registers_organisations));
  KB_CO_ASSIGN(auto n, parse_new(req));
  auto job = [&app, user, n, now = app.now()](store::Connection& c) {
    return org::register_organisation(c, app.areas(), user, n, now);
  };
  KB_CO_ASSIGN(auto created, co_await app.write(job));
  co_return Response::json(201, org_json(app, created));
}

// Managers: theirs, with today's figures; officials: those of their jurisdiction.
awaitable<Result<Response>> list_orgs(App& app, Request& req) {
  KB_CO_ASSIGN(auto user, signed_in(app, req));
  KB_CO_ASSIGN(auto rows, app.db().read([&](store::Connection& c) {
    return org::listed_for(c, user, app.now());
  }));
  json::array a;
  for (const auto& r : rows) {
    json::object o = org_json(app, r.organisation);
    o["today"] = figures_json(r.members, r.joined, r.done);
    a.push_back(std::move(o));
  }
  co_return Response::json(200, json::object{{"organisations", std::move(a)}});
}

awaitable<Result<Response>> get_org(App& app, Request& req) {
  KB_CO_ASSIGN(auto user, signed_in(app, req));
  KB_CO_ASSIGN(int64_t id, path_id(req));
  KB_CO_ASSIGN(auto o,
               app.db().read([&](store::Connection& c) { return org::visible(c, user, id); }));
  KB_CO_ASSIGN(auto cov, app.db().read([&](store::Connection& c) {
    return org::coverage(c, o, monitoring::local_day(app.now()));
  }));
  json::object out = org_json(app, o);
  out["today"] = figures_json(cov.members, cov.joined, cov.done);
  out["manager"] = access::runs_organisation(user, o.manager_id);
  co_return Response::json(200, out);
}

awaitable<Result<Response>> set_org_check(App& app, Request& req) {
  KB_CO_ASSIGN(auto user, signed_in(app, req));
  KB_CO_ASSIGN(int64_t id, path_id(req));
  KB_CO_ASSIGN(auto s, parse_check(req));
  auto job = [user, id, s, now = app.now()](store::Connection& c) {
    return org::set_check(c, user, id, s.check, s.hour, now);
  };
  KB_CO_ASSIGN(auto o, co_await app.write(job));
  co_return Response::json(200, org_json(app, o));
}

awaitable<Result<Response>> import_roster(App& app, Request& req) {
  KB_CO_ASSIGN(auto user, signed_in(app, req));
  KB_CO_ASSIGN(int64_t id, path_id(req));
  KB_CO_ASSIGN(std::string csv, csv_body(req));
  bool accept_valid = req.query_param("accept_valid").value_or("") == "1";
  auto job = [user, id, csv = std::move(csv), accept_valid, now = app.now()](store::Connection& c) {
    return org::import_roster(c, user, id, csv, accept_valid, now);
  };
  KB_CO_ASSIGN(auto report, co_await app.write(job));
  if (!report.written) {
    // Nothing was written: the rows refused, each with its field and why.
    const auto& first = report.refused.front();
    std::string message = fmt::format("{} rows refused; nothing was imported (row {}: {})",
                                      report.refused.size(), first.row, first.message);
    json::object body = roster_json(report);
    body["error"] = json::object{{"code", "roster_rows_refused"},
                                 {"message", message},
                                 {"field", fmt::format("rows[{}].{}", first.row, first.field)}};
    co_return Response::json(422, body);
  }
  co_return Response::json(200, roster_json(report));
}

awaitable<Result<Response>> remove_member(App& app, Request& req) {
  KB_CO_ASSIGN(auto user, signed_in(app, req));
  KB_CO_ASSIGN(int64_t id, path_id(req));
  KB_CO_ASSIGN(int64_t member, path_id(req, "member_id", "member_not_found"));
  auto job = [user, id, member, now = app.now()](store::Connection& c) {
    return org::remove_member(c, user, id, member, now);
  };
  KB_CO_TRY(co_await app.write(job));
  co_return Response::no_content();
}

// Today's (or ?date=) coverage, for the manager only: the missing list names people.
awaitable<Result<Response>> get_coverage_as(App& app, Request& req, bool csv) {
  KB_CO_ASSIGN(auto user, signed_in(app, req));
  KB_CO_ASSIGN(int64_t id, path_id(req));
  KB_CO_ASSIGN(int64_t day, day_param(req, app.now()));
  KB_CO_ASSIGN(auto o,
               app.db().read([&](store::Connection& c) { return org::managed(c, user, id); }));
  KB_CO_ASSIGN(auto cov,
               app.db().read([&](store::Connection& c) { return org::coverage(c, o, day); }));
  if (!csv) co_return Response::json(200, coverage_json(cov));
  Response res;
  res.content_type = "text/csv; charset=utf-8";
  res.body = coverage_csv(cov);
  std::string date = format_rfc3339(monitoring::day_start(day)).substr(0, 10);
  res.headers.emplace_back(
      "content-disposition",
      fmt::format("attachment; filename=\"organisation-{}-{}.csv\"", o.id, date));
  co_return res;
}
awaitable<Result<Response>> get_coverage(App& app, Request& req) {
  return get_coverage_as(app, req, false);
}
awaitable<Result<Response>> get_coverage_csv(App& app, Request& req) {
  return get_coverage_as(app, req, true);
}

awaitable<Result<Response>> my_organisations(App& app, Request& req) {
  KB_CO_ASSIGN(auto user, signed_in(app, req, access::citizen));
  KB_CO_ASSIGN(auto list, app.db().read([&](store::Connection& c) {
    return org::memberships(c, user, app.now());
  }));
  json::array a;
  for (const auto& m : list) {
    json::object o = org_json(app, m.organisation);
    o["done_today"] = m.done;
    a.push_back(std::move(o));
  }
  co_return Response::json(200, json::object{{"organisations", std::move(a)}});
}

}  // namespace

void register_organisation_routes(App& app) {
  auto& r = app.router();
  r.add(
      Method::kPost, "/api/v1/organisations", [&app](Request& req) { return create_org(app, req); },
      "register an organisation (a citizen or venue-staff account becomes its manager)");
  r.add(
      Method::kGet, "/api/v1/organisations", [&app](Request& req) { return list_orgs(app, req); },
      "the manager's organisations, or an official's in their jurisdiction, with today's coverage");
  r.add(
      Method::kGet, "/api/v1/organisations/{id}",
      [&app](Request& req) { return get_org(app, req); },
      "one organisation with today's coverage figures (its manager, or an official in charge)");
  r.add(
      Method::kPut, "/api/v1/organisations/{id}/check",
      [&app](Request& req) { return set_org_check(app, req); },
      "set the daily check (none, declaration or daily_report) and the hour of its reminder");
  r.add(
      Method::kPost, "/api/v1/organisations/{id}/roster",
      [&app](Request& req) { return import_roster(app, req); },
      "import the roster (text/csv: name, phone, optional ID) with a per-row report; a refused row "
      "writes nothing unless ?accept_valid=1");
  // A roster of 20,000 rows (its limit, organisation.cpp) is about 1.5 MB of CSV.
  r.allow_body(Method::kPost, "/api/v1/organisations/{id}/roster", 4 << 20);
  r.add(
      Method::kDelete, "/api/v1/organisations/{id}/members/{member_id}",
      [&app](Request& req) { return remove_member(app, req); }, "remove a member from the roster");
  r.add(
      Method::kGet, "/api/v1/organisations/{id}/coverage",
      [&app](Request& req) { return get_coverage(app, req); },
      "who did the daily check today (or ?date=), the missing list first; never their answers");
  r.add(
      Method::kGet, "/api/v1/organisations/{id}/coverage.csv",
      [&app](Request& req) { return get_coverage_csv(app, req); },
      "the coverage as CSV (UTF-8 with BOM): each member, joined or not, done or not");
  r.add(
      Method::kGet, "/api/v1/me/organisations",
      [&app](Request& req) { return my_organisations(app, req); },
      "the organisations whose roster holds the citizen's phone, and whether today's check is "
      "done");
}

}  // namespace kb::http
