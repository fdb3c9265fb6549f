// Locations of interest: officials publish a case's stays, anyone reads them by area and date,
// and a citizen says "I was there". The rules are the locations domain's
// (locations/locations_of_interest.h).
#include "access/policy.h"
#include "cases/case.h"
#include "core/clock.h"
#include "http/app.h"
#include "http/handler_util.h"
#include "locations/locations_of_interest.h"
#include "notify/inbox_hub.h"

namespace kb::http {
namespace {

using boost::asio::awaitable;
namespace json = boost::json;

constexpr int64_t kDay = 86400;
constexpr int64_t kDefaultDays = 14;

// The public shape names no case: the venue, the area and the window.
json::object location_json(const areas::AreaDirectory& areas, const locations::Location& l) {
  const auto* province = areas.province(l.province_code);
  const auto* ward = areas.ward(l.ward_code);
  return json::object{{"id", l.id},
                      {"venue_name", l.venue_name},
                      {"venue_code", l.venue_code},
                      {"street", l.street},
                      {"province_code", l.province_code},
                      {"province_name", province ? province->name : l.province_code},
                      {"ward_code", l.ward_code},
                      {"ward_name", ward ? ward->name : l.ward_code},
                      {"starts_at", format_rfc3339(l.starts_at)},
                      {"ends_at", format_rfc3339(l.ends_at)},
                      {"note", l.note},
                      {"published_at", format_rfc3339(l.published_at)}};
}

json::object official_json(const areas::AreaDirectory& areas, const locations::Location& l) {
  json::object o = location_json(areas, l);
  o["case_id"] = l.case_id;
  o["visit_id"] = l.visit_id;
  o["venue_id"] = l.venue_id;
  o["withdrawn_at"] = json_time(l.withdrawn_at);
  o["reports"] = l.reports;
  return o;
}

json::object list_json(const areas::AreaDirectory& areas,
                       const std::vector<locations::Location>& list, bool for_official) {
  json::array a;
  for (const auto& l : list) {
    a.push_back(for_official ? official_json(areas, l) : location_json(areas, l));
  }
  return json::object{{"locations", std::move(a)}};
}

Result<locations::PublicFilter> parse_public_filter(const Request& req,
                                                    const areas::AreaDirectory& areas,
                                                    int64_t now) {
  locations::PublicFilter f;
  f.province_code = req.query_param("province_code").value_or("");
  f.ward_code = req.query_param("ward_code").value_or("");
  if (!f.province_code.empty() && !areas.province(f.province_code))
    return invalid("province_code", "unknown_province", "no such province");
  if (!f.ward_code.empty() && !areas.ward(f.ward_code))
    return invalid("ward_code", "unknown_ward", "no such ward");
  f.from = now - kDefaultDays * kDay;
  f.to = now + kDay;
  if (auto from = req.query_param("from"); from && !from->empty()) {
    KB_ASSIGN(f.from, cases::parse_date(*from, "from"));
  }
  if (auto to = req.query_param("to"); to && !to->empty()) {
    KB_ASSIGN(int64_t day, cases::parse_date(*to, "to"));
    f.to = day + kDay;  // the whole day
  }
  if (f.to <= f.from) return invalid("to", "invalid_range", "to is before from");
  KB_ASSIGN(f.limit, int_param(req, "limit", 1, 500, 200));
  return f;
}

struct Publication {
  int64_t visit_id = 0;
  std::string note;
};
Result<Publication> parse_publication(const Request& req) {
  KB_ASSIGN(JsonBody body, json_body(req));
  Publication p;
  KB_ASSIGN(p.visit_id, body.required_int("visit_id", 1, INT64_MAX));
  KB_ASSIGN(auto note, body.optional_string("note", locations::kMaxNoteChars * 4));
  p.note = note.value_or("");
  KB_TRY(body.no_unknown_fields());
  return p;
}

Result<std::optional<int64_t>> parse_presence(const Request& req) {
  if (req.body.empty()) return std::optional<int64_t>{};
  KB_ASSIGN(JsonBody body, json_body(req));
  KB_ASSIGN(auto person, body.optional_int("person_id", 1, INT64_MAX));
  KB_TRY(body.no_unknown_fields());
  return person;
}

// ---- handlers ----

awaitable<Result<Response>> public_list(App& app, Request& req) {
  KB_CO_ASSIGN(auto f, parse_public_filter(req, app.areas(), app.now()));
  KB_CO_ASSIGN(auto list,
               app.db().read([&](store::Connection& c) { return locations::published(c, f); }));
  co_return Response::json(200, list_json(app.areas(), list, false));
}

awaitable<Result<Response>> publish(App& app, Request& req) {
  KB_CO_ASSIGN(auto official, signed_in(app, req, access::official));
  KB_CO_ASSIGN(int64_t case_id, path_id(req, "id", "case_not_found"));
  KB_CO_ASSIGN(Publication p, parse_publication(req));
  auto job = [&app, official, case_id, p, now = app.now()](store::Connection& c) {
    return locations::publish(c, app.config().tracing.exposure, official, case_id, p.visit_id,
                              p.note, now);
  };
  KB_CO_ASSIGN(locations::Location l, co_await app.write(job));
  co_return Response::json(201, official_json(app.areas(), l));
}

awaitable<Result<Response>> case_locations(App& app, Request& req) {
  KB_CO_ASSIGN(auto official, signed_in(app, req, access::official));
  KB_CO_ASSIGN(int64_t case_id, path_id(req, "id", "case_not_found"));
  KB_CO_ASSIGN(auto list, app.db().read([&](store::Connection& c) {
    return locations::of_case(c, official, case_id);
  }));
  co_return Response::json(200, list_json(app.areas(), list, true));
}

awaitable<Result<Response>> withdraw(App& app, Request& req) {
  KB_CO_ASSIGN(auto official, signed_in(app, req, access::official));
  KB_CO_ASSIGN(int64_t id, path_id(req, "id", "location_not_found"));
  auto job = [official, id, now = app.now()](store::Connection& c) {
    return locations::withdraw(c, official, id, now);
  };
  KB_CO_ASSIGN(locations::Location l, co_await app.write(job));
  co_return Response::json(200, official_json(app.areas(), l));
}

awaitable<Result<Response>> i_was_there(App& app, Request& req) {
  KB_CO_ASSIGN(auto citizen, signed_in(app, req, access::citizen));
  KB_CO_ASSIGN(int64_t id, path_id(req, "id", "location_not_found"));
  KB_CO_ASSIGN(auto person, parse_presence(req));
  auto job = [&app, citizen, id, person, now = app.now()](store::Connection& c) {
    return locations::report_presence(c, app.config().tracing.exposure, citizen, id, person, now);
  };
  KB_CO_ASSIGN(locations::Presence done, co_await app.write(job));
  const cases::StoredContact& k = done.contact.contact;
  json::object out{{"location", location_json(app.areas(), done.location)},
                   {"person_id", k.person_id},
                   {"recorded", done.contact.created},
                   {"contact_status", cases::contact_status_name(k.status)},
                   {"quarantine_until", json_time(k.quarantine_until)}};
  co_return Response::json(done.contact.created ? 201 : 200, out);
}

}  // namespace

void register_location_routes(App& app) {
  auto& r = app.router();
  r.add(
      Method::kGet, "/api/v1/locations-of-interest",
      [&app](Request& req) { return public_list(app, req); },
      "published locations of interest (public; ?province_code=, ?ward_code=, ?from=, ?to= "
      "YYYY-MM-DD, by default the last 14 days)");
  r.add(
      Method::kPost, "/api/v1/cases/{id}/locations-of-interest",
      [&app](Request& req) { return publish(app, req); },
      "publish one of the case's stays (visit_id from its timeline) as a location of interest "
      "(officials)");
  r.add(
      Method::kGet, "/api/v1/cases/{id}/locations-of-interest",
      [&app](Request& req) { return case_locations(app, req); },
      "the case's locations of interest, withdrawn ones too, with how many said they were there "
      "(officials)");
  r.add(
      Method::kPost, "/api/v1/locations-of-interest/{id}/withdraw",
      [&app](Request& req) { return withdraw(app, req); },
      "take a location of interest off the public list (officials who see its case)");
  r.add(
      Method::kPost, "/api/v1/locations-of-interest/{id}/i-was-there",
      [&app](Request& req) { return i_was_there(app, req); },
      "a citizen was there without checking in: they (or person_id, someone they manage) become "
      "a contact of the case for tracing");
}

}  // namespace kb::http
