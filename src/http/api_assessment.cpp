// Venue safety self-assessment: the checklist, a manager's answers, the venue's current class,
// and the officials' list of their area's venues by class and the overdue ones. The rule is the
// assessment domain's (assessment/safety.h).
#include "access/policy.h"
#include "assessment/safety.h"
#include "http/app.h"
#include "http/handler_util.h"
#include "http/venue_json.h"

namespace kb::http {
namespace {

using boost::asio::awaitable;
namespace json = boost::json;

json::array checklist_json() {
  json::array items;
  for (const auto& item : assessment::kChecklist) {
    items.push_back(json::object{{"key", item.key},
                                 {"weight", item.weight},
                                 {"critical", item.critical},
                                 {"text_vi", item.text_vi},
                                 {"text_en", item.text_en}});
  }
  return items;
}

// {"answers": {"distancing": true, …}}: every item of the checklist, true or false, and no other.
Result<assessment::Answers> parse_answers(const Request& req) {
  KB_ASSIGN(JsonBody body, json_body(req));
  const json::value* raw = body.raw("answers");
  KB_TRY(body.no_unknown_fields());
  if (!raw) return invalid("answers", "missing_field", "answers is required");
  if (!raw->is_object()) return invalid("answers", "wrong_type", "answers must be an object");
  const json::object& given = raw->get_object();
  assessment::Answers answers{};
  for (size_t i = 0; i < assessment::kChecklist.size(); ++i) {
    std::string field = "answers." + std::string(assessment::kChecklist[i].key);
    const json::value* v = given.if_contains(assessment::kChecklist[i].key);
    if (!v) return invalid(field, "missing_field", "every item of the checklist needs an answer");
    if (!v->is_bool()) return invalid(field, "wrong_type", "an answer is true or false");
    answers[i] = v->get_bool();
  }
  for (const auto& [key, value] : given) {
    bool known = false;
    for (const auto& item : assessment::kChecklist) known = known || item.key == key;
    if (!known) {
      return invalid("answers." + std::string(key), "unknown_field", "no such checklist item");
    }
  }
  return answers;
}

Result<assessment::SafetyFilter> parse_filter(const Request& req) {
  assessment::SafetyFilter f;
  if (auto c = req.query_param("class"); c && !c->empty()) {
    KB_ASSIGN(f.risk_class, assessment::parse_class(*c));
  }
  auto overdue = req.query_param("overdue");
  f.overdue_only = overdue == "1" || overdue == "true";
  KB_ASSIGN(f.limit, int_param(req, "limit", 1, 500, 100));
  return f;
}

json::object area_json(const assessment::AreaSafety& s, const areas::AreaDirectory& areas,
                       int64_t now) {
  json::array list;
  for (const auto& v : s.venues) {
    const auto* ward = areas.ward(v.ward_code);
    list.push_back(json::object{{"venue_id", v.venue_id},
                                {"name", v.venue_name},
                                {"code", v.venue_code},
                                {"province_code", v.province_code},
                                {"ward_code", v.ward_code},
                                {"ward_name", ward ? ward->name : v.ward_code},
                                {"street", v.street},
                                {"safety", safety_json(v.assessment, now, true)}});
  }
  json::object counts{{"low", s.low},         {"medium", s.medium},
                      {"high", s.high},       {"very_high", s.very_high},
                      {"overdue", s.overdue}, {"not_assessed", s.not_assessed}};
  return json::object{{"counts", std::move(counts)}, {"venues", std::move(list)}};
}

// ---- handlers ----

// The checklist, and the venue's current assessment (its managers, staff, officials of the area).
awaitable<Result<Response>> read_assessment(App& app, Request& req) {
  KB_CO_ASSIGN(accounts::User user, signed_in(app, req));
  KB_CO_ASSIGN(int64_t id, path_id(req, "id", "venue_not_found"));
  KB_CO_ASSIGN(
      auto found,
      app.db().read([&](store::Connection& c) -> Result<std::optional<assessment::Assessment>> {
        KB_ASSIGN(auto at, access::venue_for(c, user, id));
        return assessment::current(c, at.venue.id);
      }));
  co_return Response::json(200, json::object{{"checklist", checklist_json()},
                                             {"valid_days", assessment::kValidDays},
                                             {"current", safety_json(found, app.now(), true)}});
}

awaitable<Result<Response>> assess_venue(App& app, Request& req) {
  KB_CO_ASSIGN(accounts::User user, signed_in(app, req));
  KB_CO_ASSIGN(int64_t id, path_id(req, "id", "venue_not_found"));
  KB_CO_ASSIGN(auto at,
               app.db().read([&](store::Connection& c) { return access::venue_for(c, user, id); }));
  KB_CO_TRY(access::runs_venue(at.role));
  KB_CO_ASSIGN(assessment::Answers answers, parse_answers(req));
  int64_t now = app.now();
  auto job = [id, answers, by = user.id, now](store::Connection& c) {
    return assessment::assess(c, id, answers, by, now);
  };
  KB_CO_ASSIGN(assessment::Assessment done, co_await app.write(job));
  co_return Response::json(201, safety_json(done, now, true).as_object());
}

awaitable<Result<Response>> area_safety(App& app, Request& req) {
  KB_CO_ASSIGN(auto official, signed_in(app, req, access::official));
  KB_CO_ASSIGN(assessment::SafetyFilter f, parse_filter(req));
  int64_t now = app.now();
  KB_CO_ASSIGN(auto found, app.db().read([&](store::Connection& c) {
    return assessment::area_safety(c, official, f, now);
  }));
  co_return Response::json(200, area_json(found, app.areas(), now));
}

}  // namespace

void register_assessment_routes(App& app) {
  auto& r = app.router();
  r.add(
      Method::kGet, "/api/v1/venues/{id}/safety-assessment",
      [&app](Request& req) { return read_assessment(app, req); },
      "the safety checklist and the venue's current self-assessment (its managers and staff, "
      "officials of its area)");
  r.add(
      Method::kPost, "/api/v1/venues/{id}/safety-assessment",
      [&app](Request& req) { return assess_venue(app, req); },
      "a manager answers the safety checklist: score, risk class, due again in 7 days");
  r.add(
      Method::kGet, "/api/v1/venue-safety", [&app](Request& req) { return area_safety(app, req); },
      "the official's area's open venues by safety class, and the overdue or never assessed "
      "(?class=low|medium|high|very_high, ?overdue=1)");
}

}  // namespace kb::http
