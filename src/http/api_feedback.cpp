// Citizen feedback: a signed-in citizen sends a report, a health official records a hotline
// caller's; both get a tracking number. The area's officials list and triage reports, and the
// sender reads their own with every change. The rules are the feedback domain's
// (feedback/feedback.h).
#include <fmt/format.h>

#include "access/policy.h"
#include "core/phone.h"
#include "feedback/feedback.h"
#include "http/app.h"
#include "http/handler_util.h"
#include "notify/inbox_hub.h"

namespace kb::http {
namespace {

using boost::asio::awaitable;
namespace json = boost::json;

// The citizen's feedback page, which every message about a report links to.
std::string feedback_page(App& app) {
  std::string link = app.config().public_base_url;
  while (!link.empty() && link.back() == '/') link.pop_back();
  return link + "/feedback";
}

// "Phường Bến Thành, Thành phố Hồ Chí Minh", or the province alone.
std::string area_name(const areas::AreaDirectory& areas, const feedback::Report& p) {
  const auto* province = areas.province(p.province_code);
  std::string name = province ? province->name : p.province_code;
  if (const auto* ward = areas.ward(p.ward_code)) name = fmt::format("{}, {}", ward->name, name);
  return name;
}

json::object report_json(const areas::AreaDirectory& areas, const feedback::Report& p,
                         bool for_official) {
  json::array events;
  for (const auto& e : p.events) {
    events.push_back(json::object{{"at", format_rfc3339(e.at)},
                                  {"status", feedback::status_name(e.status)},
                                  {"note", e.note},
                                  {"by_official", e.actor_id.has_value()}});
  }
  json::object o{{"id", p.id},
                 {"tracking_number", p.tracking_number},
                 {"kind", feedback::kind_name(p.kind)},
                 {"text", p.text},
                 {"venue_id", p.venue_id ? json::value(*p.venue_id) : nullptr},
                 {"venue_name", json_text(p.venue_name)},
                 {"province_code", p.province_code},
                 {"ward_code", json_text(p.ward_code)},
                 {"area_name", area_name(areas, p)},
                 {"status", feedback::status_name(p.status)},
                 {"channel", p.channel},
                 {"created_at", format_rfc3339(p.created_at)},
                 {"updated_at", format_rfc3339(p.updated_at)},
                 {"events", std::move(events)}};
  // Officials follow a report up through its notes, which reach the sender: they see the
  // sender's phone masked, as venues see their guests'.
  if (for_official) o["sender_phone"] = mask_phone(p.sender_phone);
  return o;
}

json::object reports_json(const areas::AreaDirectory& areas,
                          const std::vector<feedback::Report>& list, bool for_official) {
  json::array a;
  for (const auto& p : list) a.push_back(report_json(areas, p, for_official));
  return json::object{{"reports", std::move(a)}};
}

Result<feedback::NewReport> parse_report(const Request& req, bool hotline) {
  KB_ASSIGN(JsonBody body, json_body(req));
  feedback::NewReport r;
  if (hotline) {
    KB_ASSIGN(auto phone, body.required_string("caller_phone", 40));
    KB_ASSIGN(r.caller_phone, normalize_mobile(phone, "caller_phone"));
  }
  KB_ASSIGN(auto kind, body.required_string("kind", 40));
  KB_ASSIGN(r.kind, feedback::parse_kind(kind));
  // Bytes: four per character at most; the domain counts characters.
  KB_ASSIGN(r.text, body.required_string("text", feedback::kMaxTextChars * 4));
  KB_ASSIGN(r.venue_code, body.optional_string("venue_code", 64));
  KB_ASSIGN(auto province, body.optional_string("province_code", 10));
  KB_ASSIGN(auto ward, body.optional_string("ward_code", 10));
  r.province_code = province.value_or("");
  r.ward_code = ward.value_or("");
  KB_TRY(body.no_unknown_fields());
  return r;
}

struct Move {
  feedback::ReportStatus to = feedback::ReportStatus::kInProgress;
  std::string note;
};
Result<Move> parse_move(const Request& req) {
  KB_ASSIGN(JsonBody body, json_body(req));
  Move m;
  KB_ASSIGN(auto status, body.required_string("status", 40));
  KB_ASSIGN(m.to, feedback::parse_status(status));
  KB_ASSIGN(auto note, body.optional_string("note", feedback::kMaxNoteChars * 4));
  m.note = note.value_or("");
  KB_TRY(body.no_unknown_fields());
  return m;
}

Result<feedback::ReportFilter> parse_filter(const Request& req) {
  feedback::ReportFilter f;
  auto s = req.query_param("status");
  if (s == "open") {
    f.open_only = true;
  } else if (s && !s->empty()) {
    KB_ASSIGN(f.status, feedback::parse_status(*s));
  }
  f.tracking_number = req.query_param("tracking_number").value_or("");
  KB_ASSIGN(f.limit, int_param(req, "limit", 1, 200, 50));
  return f;
}

// ---- handlers ----

awaitable<Result<Response>> send_report(App& app, Request& req) {
  KB_CO_ASSIGN(auto citizen, signed_in(app, req, access::citizen));
  KB_CO_ASSIGN(feedback::NewReport r, parse_report(req, false));
  auto job = [&app, citizen, r, page = feedback_page(app), now = app.now()](store::Connection& c) {
    return feedback::send(c, app.areas(), citizen, r, page, now);
  };
  KB_CO_ASSIGN(feedback::Report p, co_await app.write(job));
  app.inbox_hub().notify_people({p.sender_person_id});
  co_return Response::json(201, report_json(app.areas(), p, false));
}

awaitable<Result<Response>> record_call(App& app, Request& req) {
  KB_CO_ASSIGN(auto official, signed_in(app, req, access::official));
  KB_CO_ASSIGN(feedback::NewReport r, parse_report(req, true));
  auto job = [&app, official, r, page = feedback_page(app), now = app.now()](store::Connection& c) {
    return feedback::record_call(c, app.areas(), official, r, page, now);
  };
  KB_CO_ASSIGN(feedback::Report p, co_await app.write(job));
  app.inbox_hub().notify_people({p.sender_person_id});
  co_return Response::json(201, report_json(app.areas(), p, true));
}

awaitable<Result<Response>> my_reports(App& app, Request& req) {
  KB_CO_ASSIGN(auto citizen, signed_in(app, req, access::citizen));
  KB_CO_ASSIGN(int64_t limit, int_param(req, "limit", 1, 200, 50));
  KB_CO_ASSIGN(auto list, app.db().read([&](store::Connection& c) {
    return feedback::reports_of(c, citizen, limit);
  }));
  co_return Response::json(200, reports_json(app.areas(), list, false));
}

awaitable<Result<Response>> area_reports(App& app, Request& req) {
  KB_CO_ASSIGN(auto official, signed_in(app, req, access::official));
  KB_CO_ASSIGN(feedback::ReportFilter f, parse_filter(req));
  KB_CO_ASSIGN(auto list,
               app.db().read([&](store::Connection& c) { return feedback::list(c, official, f); }));
  co_return Response::json(200, reports_json(app.areas(), list, true));
}

awaitable<Result<Response>> one_report(App& app, Request& req) {
  KB_CO_ASSIGN(auto user, signed_in(app, req));
  KB_CO_ASSIGN(int64_t id, path_id(req, "id", "feedback_not_found"));
  KB_CO_ASSIGN(auto p,
               app.db().read([&](store::Connection& c) { return feedback::read(c, user, id); }));
  co_return Response::json(200, report_json(app.areas(), p, access::official(user).ok()));
}

awaitable<Result<Response>> triage(App& app, Request& req) {
  KB_CO_ASSIGN(auto official, signed_in(app, req, access::official));
  KB_CO_ASSIGN(int64_t id, path_id(req, "id", "feedback_not_found"));
  KB_CO_ASSIGN(Move m, parse_move(req));
  auto job = [official, id, m, page = feedback_page(app), now = app.now()](store::Connection& c) {
    return feedback::triage(c, official, id, m.to, m.note, page, now);
  };
  KB_CO_ASSIGN(feedback::Triaged done, co_await app.write(job));
  app.inbox_hub().notify_people({done.notified_person});
  co_return Response::json(200, report_json(app.areas(), done.report, true));
}

}  // namespace

void register_feedback_routes(App& app) {
  auto& r = app.router();
  r.add(
      Method::kPost, "/api/v1/feedback", [&app](Request& req) { return send_report(app, req); },
      "send a report (citizens; at most 5 a day from one phone): kind, text, optional venue or "
      "area");
  r.add(
      Method::kPost, "/api/v1/feedback/hotline",
      [&app](Request& req) { return record_call(app, req); },
      "record a hotline caller's report on their behalf (officials; the caller's phone gets the "
      "updates)");
  r.add(
      Method::kGet, "/api/v1/me/feedback", [&app](Request& req) { return my_reports(app, req); },
      "the citizen's own reports, with each change of status and its note");
  r.add(
      Method::kGet, "/api/v1/feedback", [&app](Request& req) { return area_reports(app, req); },
      "the reports of the official's area, newest first (?status=open|new|in_progress|closed, "
      "?tracking_number=)");
  r.add(
      Method::kGet, "/api/v1/feedback/{id}", [&app](Request& req) { return one_report(app, req); },
      "one report with its history (its sender, or an official of its area)");
  r.add(
      Method::kPost, "/api/v1/feedback/{id}/status",
      [&app](Request& req) { return triage(app, req); },
      "move a report on (new → in_progress → closed) or add a note; the sender is told "
      "(officials)");
}

}  // namespace kb::http
