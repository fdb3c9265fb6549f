// Cases (F0), contacts (F1/F2), tracing notices and clusters, for health officials. Every read
// of personal data (a case's details, its contacts, the CSV export) needs a `reason`, which is
// written to the audit log before the data leaves the server. Who may see and do what is the
// cases domain's (cases/case.h); this file parses requests and shapes answers.
#include <fmt/format.h>

#include <map>
#include <set>

#include "access/policy.h"
#include "audit/audit_log.h"
#include "cases/case.h"
#include "cases/clusters.h"
#include "cases/notices.h"
#include "core/csv.h"
#include "core/phone.h"
#include "http/app.h"
#include "http/handler_util.h"

namespace kb::http {
namespace {

using boost::asio::awaitable;
namespace json = boost::json;

int64_t minutes(int64_t seconds) { return (seconds + 59) / 60; }

std::string area_name(const areas::AreaDirectory& areas, std::string_view province,
                      std::string_view ward) {
  std::string out;
  if (const auto* w = areas.ward(ward)) out = w->name;
  if (const auto* p = areas.province(province)) out += (out.empty() ? "" : ", ") + p->name;
  return out.empty() ? "Việt Nam" : out;
}

json::value opt_id(const std::optional<int64_t>& id) {
  return id ? json::value(*id) : json::value(nullptr);
}

json::object window_json(const trace::ExposureWindow& w) {
  return {{"from", format_rfc3339(w.from)}, {"to", format_rfc3339(w.to)}};
}

// ---- answers ----

json::object case_json(App& app, const cases::Case& k) {
  return json::object{{"id", k.id},
                      {"person_id", k.person_id},
                      {"status", cases::status_name(k.status)},
                      {"province_code", k.province_code},
                      {"ward_code", k.ward_code},
                      {"area_name", area_name(app.areas(), k.province_code, k.ward_code)},
                      {"test_date", format_rfc3339(k.test_date)},
                      {"onset_date", json_time(k.onset_date)},
                      {"isolation_date", json_time(k.isolation_date)},
                      {"notes", k.notes},
                      {"found_in", cases::found_in_name(k.found_in)},
                      {"close_note", k.close_note},
                      {"from_contact_id", opt_id(k.from_contact_id)},
                      {"recorded_by", k.recorded_by},
                      {"created_at", format_rfc3339(k.created_at)},
                      {"closed_at", json_time(k.closed_at)},
                      {"window", window_json(k.window(app.config().tracing.exposure, app.now()))}};
}

// A case just recorded (or converted from a contact), with what its first trace found.
json::object recorded_json(App& app, const cases::Recorded& rec) {
  json::object o = case_json(app, rec.kase);
  o["trace"] = json::object{{"f1", rec.trace.f1}, {"f1_new", rec.trace.f1_new}};
  return o;
}

json::object rule_json(const trace::ExposureRule& r) {
  return json::object{{"margin_minutes", r.margin_seconds / 60},
                      {"min_overlap_minutes", r.min_overlap_seconds / 60},
                      {"max_stay_hours", r.max_stay_seconds / 3600},
                      {"household_contacts", r.household_contacts}};
}

json::object person_json(const people::Person& p, const std::string& colour) {
  return json::object{{"id", p.id},
                      {"full_name", p.full_name},
                      {"id_number", p.id_number},
                      {"phone", p.phone},
                      {"birth_date", p.birth_date},
                      {"sex", p.sex},
                      {"province_code", p.province_code},
                      {"ward_code", p.ward_code},
                      {"street", p.street},
                      {"status_colour", json_text(colour)}};
}

json::object timeline_json(App& app, const cases::TimelineStay& t) {
  const auto& s = t.stay;
  const cases::VenueLabel v = t.venue.value_or(cases::VenueLabel{});
  return json::object{
      {"visit_id", s.visit_id},
      {"venue_id", s.venue_id},
      {"venue_name", v.name},
      {"venue_code", v.code},
      {"venue_area", t.venue ? area_name(app.areas(), v.province_code, v.ward_code) : ""},
      {"t_in", format_rfc3339(s.recorded.in)},
      {"t_out", format_rfc3339(s.recorded.out)},
      {"checked_out", s.checked_out},
      {"counted_from", format_rfc3339(s.stay.in)},
      {"counted_to", format_rfc3339(s.stay.out)}};
}

// Contacts by status, with a total that leaves out void ones.
json::object counts_json(const std::map<std::string, int64_t>& by_status) {
  json::object o;
  int64_t total = 0;
  for (const auto& [status, n] : by_status) {
    o[status] = n;
    if (status != "void") total += n;
  }
  o["total"] = total;
  return o;
}

json::object case_file_json(App& app, const cases::CaseFile& f) {
  json::object o = case_json(app, f.kase);
  o["person"] =
      f.person ? json::value(person_json(*f.person, f.status_colour)) : json::value(nullptr);
  json::array timeline;
  for (const auto& t : f.timeline) timeline.push_back(timeline_json(app, t));
  o["timeline"] = std::move(timeline);
  o["contact_counts"] =
      json::object{{"f1", counts_json(f.f1_by_status)}, {"f2", counts_json(f.f2_by_status)}};
  o["notices"] = json::object{
      {"to_send", f.notices.to_send}, {"sent", f.notices.sent}, {"case_sent", f.notices.case_sent}};
  o["rule"] = rule_json(app.config().tracing.exposure);
  return o;
}

json::object contact_record_json(const cases::StoredContact& k) {
  return json::object{{"id", k.id},
                      {"case_id", k.case_id},
                      {"person_id", k.person_id},
                      {"degree", k.degree},
                      {"status", cases::contact_status_name(k.status)},
                      {"basis", k.basis},
                      {"quarantine_until", json_time(k.quarantine_until)},
                      {"found_at", format_rfc3339(k.found_at)},
                      {"notified", k.notice_id.has_value()},
                      {"converted_case_id", opt_id(k.converted_case_id)}};
}

json::object exposure_json(const trace::Exposure& e, const cases::VenueLabel& venue) {
  return json::object{{"venue_id", e.venue_id},
                      {"venue_name", venue.name},
                      {"venue_code", venue.code},
                      {"visit_id", e.visit_id},
                      {"source_visit_id", e.source_visit_id},
                      {"contact_in", format_rfc3339(e.contact_stay.in)},
                      {"contact_out", format_rfc3339(e.contact_stay.out)},
                      {"case_in", format_rfc3339(e.source_stay.in)},
                      {"case_out", format_rfc3339(e.source_stay.out)},
                      {"overlap_minutes", minutes(e.overlap_seconds)}};
}

json::object contact_json(const cases::ContactSheet& sheet, const cases::ListedContact& lc) {
  const auto& f = lc.found;
  json::object o{{"person_id", f.person_id},
                 {"degree", lc.degree},
                 {"basis", lc.basis},
                 {"total_overlap_minutes", minutes(f.total_overlap_seconds)},
                 {"first_exposure", format_rfc3339(f.first_exposure)},
                 {"last_exposure", format_rfc3339(f.last_exposure)}};
  if (auto it = sheet.people.find(f.person_id); it != sheet.people.end()) {
    const auto& p = it->second;
    o["full_name"] = p.full_name;
    o["phone"] = p.phone;
    o["id_number"] = p.id_number;
    o["province_code"] = p.province_code;
    o["ward_code"] = p.ward_code;
  }
  o["via"] = json::value_from(lc.via);
  o["contact"] = lc.stored ? json::value(contact_record_json(*lc.stored)) : json::value(nullptr);
  o["status"] = lc.stored ? cases::contact_status_name(lc.stored->status) : "new";
  json::array exposures;
  for (const auto& e : f.exposures)
    exposures.push_back(exposure_json(e, sheet.venues.at(e.venue_id)));
  o["exposures"] = std::move(exposures);
  return o;
}

// How many listed people stayed at each venue.
json::array venues_json(App& app, const cases::ContactSheet& sheet) {
  std::map<int64_t, std::set<int64_t>> per_venue;
  for (const auto& lc : sheet.list) {
    for (const auto& e : lc.found.exposures) per_venue[e.venue_id].insert(lc.found.person_id);
  }
  json::array venues;
  for (const auto& [venue_id, persons] : per_venue) {
    const auto& label = sheet.venues.at(venue_id);
    venues.push_back(
        json::object{{"venue_id", venue_id},
                     {"venue_name", label.name},
                     {"venue_code", label.code},
                     {"area_name", area_name(app.areas(), label.province_code, label.ward_code)},
                     {"contacts", static_cast<int64_t>(persons.size())}});
  }
  return venues;
}

json::object contacts_json(App& app, const cases::ContactSheet& sheet) {
  json::array list;
  for (const auto& lc : sheet.list) list.push_back(contact_json(sheet, lc));
  const auto& rule = app.config().tracing.exposure;
  return json::object{{"case_id", sheet.kase.id},
                      {"degree", sheet.degree},
                      {"window", window_json(sheet.kase.window(rule, app.now()))},
                      {"rule", rule_json(rule)},
                      {"count", static_cast<int64_t>(sheet.list.size())},
                      {"contacts", std::move(list)},
                      {"venues", venues_json(app, sheet)}};
}

std::string contacts_csv(const cases::ContactSheet& sheet) {
  std::string out(csv::kBom);  // spreadsheet programs then read UTF-8
  out +=
      "degree,status,basis,person_id,full_name,id_number,phone,province_code,ward_code,street,"
      "total_overlap_minutes,venue_name,venue_code,contact_in,contact_out,case_in,case_out,overlap_"
      "minutes\r\n";
  for (const auto& lc : sheet.list) {
    const auto& f = lc.found;
    people::Person p;
    if (auto it = sheet.people.find(f.person_id); it != sheet.people.end()) p = it->second;
    std::string head =
        fmt::format("F{},{},{},{},{},{},{},{},{},{},{}", lc.degree,
                    lc.stored ? cases::contact_status_name(lc.stored->status) : "new", lc.basis,
                    f.person_id, csv::cell(p.full_name), csv::cell(p.id_number), csv::cell(p.phone),
                    csv::cell(p.province_code), csv::cell(p.ward_code), csv::cell(p.street),
                    minutes(f.total_overlap_seconds));
    if (f.exposures.empty()) out += head + ",,,,,,,\r\n";
    for (const auto& e : f.exposures) {
      const auto& label = sheet.venues.at(e.venue_id);
      out += fmt::format("{},{},{},{},{},{},{},{}\r\n", head, csv::cell(label.name),
                         csv::cell(label.code), format_rfc3339(e.contact_stay.in),
                         format_rfc3339(e.contact_stay.out), format_rfc3339(e.source_stay.in),
                         format_rfc3339(e.source_stay.out), minutes(e.overlap_seconds));
    }
  }
  return out;
}

Response csv_response(const cases::ContactSheet& sheet) {
  return csv_attachment(contacts_csv(sheet),
                        fmt::format("case-{}-f{}.csv", sheet.kase.id, sheet.degree));
}

json::object cluster_json(App& app, const cases::Cluster& cl) {
  return json::object{{"venue_id", cl.venue_id},
                      {"venue_name", cl.venue_name},
                      {"venue_code", cl.venue_code},
                      {"province_code", cl.province_code},
                      {"ward_code", cl.ward_code},
                      {"street", cl.street},
                      {"area_name", area_name(app.areas(), cl.province_code, cl.ward_code)},
                      {"case_count", cl.case_count},
                      {"peak_cases", cl.peak_cases},
                      {"exposed_count", cl.exposed_count},
                      {"first_visit", format_rfc3339(cl.first_visit)},
                      {"last_visit", format_rfc3339(cl.last_visit)},
                      {"case_ids", json::value_from(cl.case_ids)}};
}

// ---- requests ----

Result<cases::PersonKey> parse_person_key(JsonBody& body) {
  cases::PersonKey key;
  KB_ASSIGN(key.person_id, body.optional_int("person_id", 1, INT64_MAX));
  KB_ASSIGN(auto id_number, body.optional_string("id_number", 40));
  KB_ASSIGN(auto phone, body.optional_string("phone", 40));
  int given = key.person_id.has_value() + id_number.has_value() + phone.has_value();
  if (given == 0)
    return invalid("person_id", "missing_field", "give person_id, id_number or phone");
  if (given > 1) {
    return invalid(key.person_id ? "id_number" : "phone", "one_key_only",
                   "give only one of person_id, id_number and phone");
  }
  if (id_number) key.id_number = *id_number;
  if (phone) {
    KB_ASSIGN(key.phone, normalize_mobile(*phone, "phone"));
  }
  return key;
}

Result<std::optional<int64_t>> optional_date(JsonBody& body, std::string_view field) {
  KB_ASSIGN(auto text, body.optional_string(field, 40));
  if (!text || text->empty()) return std::optional<int64_t>();
  KB_ASSIGN(int64_t t, cases::parse_date(*text, field));
  return std::optional<int64_t>(t);
}

// The dates and notes of a case; with `with_person`, whom it is about as well.
Result<cases::NewCase> parse_new_case(const Request& req, bool with_person, int64_t now) {
  KB_ASSIGN(JsonBody body, json_body(req));
  cases::NewCase n;
  if (with_person) {
    KB_ASSIGN(n.person, parse_person_key(body));
  }
  KB_ASSIGN(auto test, body.required_string("test_date", 40));
  KB_ASSIGN(n.test_date, cases::parse_date(test, "test_date"));
  KB_ASSIGN(n.onset_date, optional_date(body, "onset_date"));
  KB_ASSIGN(n.isolation_date, optional_date(body, "isolation_date"));
  KB_ASSIGN(auto notes, body.optional_string("notes", 2000));
  n.notes = notes.value_or("");
  KB_ASSIGN(auto found_in, body.optional_string("found_in", 20));
  if (found_in) {
    KB_ASSIGN(n.found_in, cases::parse_found_in(*found_in));
  }
  KB_TRY(body.no_unknown_fields());
  KB_TRY(cases::check_dates(n, now));
  return n;
}

Result<cases::CaseFilter> parse_case_filter(App& app, const Request& req) {
  cases::CaseFilter f;
  if (auto s = req.query_param("status"); s && !s->empty() && *s != "all") {
    KB_ASSIGN(f.status, cases::parse_status(*s));
  }
  if (auto w = req.query_param("ward"); w && !w->empty()) {
    if (!app.areas().ward(*w)) return invalid("ward", "invalid_ward", "no such ward code");
    f.ward_code = *w;
  }
  for (auto [name, into] :
       {std::pair{"tested_from", &f.tested_from}, std::pair{"tested_to", &f.tested_to}}) {
    if (auto d = req.query_param(name); d && !d->empty()) {
      KB_ASSIGN(*into, cases::parse_date(*d, name));
    }
  }
  KB_ASSIGN(f.limit, int_param(req, "limit", 1, 200, 50));
  KB_ASSIGN(int64_t before, int_param(req, "before", 1, INT64_MAX, 0));
  if (before > 0) f.before_id = before;
  return f;
}

// A body that may be absent; when present, a JSON object with none but the `known` fields.
Result<std::optional<JsonBody>> optional_body(const Request& req) {
  if (req.body.empty()) return std::optional<JsonBody>();
  KB_ASSIGN(JsonBody body, json_body(req));
  return std::optional<JsonBody>(std::move(body));
}
Status no_body(const Request& req) {
  KB_ASSIGN(auto body, optional_body(req));
  if (body) KB_TRY(body->no_unknown_fields());
  return {};
}

Result<int> parse_degree(const Request& req) {
  KB_ASSIGN(auto body, optional_body(req));
  if (!body) return 1;
  KB_ASSIGN(auto degree, body->optional_int("degree", 1, 2));
  KB_TRY(body->no_unknown_fields());
  return static_cast<int>(degree.value_or(1));
}

struct Closing {
  cases::CaseStatus outcome;
  std::string note;
};
Result<Closing> parse_closing(const Request& req) {
  KB_ASSIGN(JsonBody body, json_body(req));
  KB_ASSIGN(auto outcome_text, body.required_string("outcome", 20));
  KB_ASSIGN(auto note, body.optional_string("note", 2000));
  KB_TRY(body.no_unknown_fields());
  auto outcome = cases::parse_status(outcome_text, "outcome");
  if (!outcome.ok() ||
      (*outcome != cases::CaseStatus::kRecovered && *outcome != cases::CaseStatus::kDied)) {
    return invalid("outcome", "invalid_outcome", "outcome must be recovered or died");
  }
  return Closing{*outcome, note.value_or("")};
}

Result<std::string> parse_error_reason(const Request& req) {
  KB_ASSIGN(JsonBody body, json_body(req));
  KB_ASSIGN(std::string reason, body.required_string("reason", 500));
  KB_TRY(body.no_unknown_fields());
  return reason;
}

// Writes the audit entry of a read, after the read and before the answer.
awaitable<Status> audit_read(App& app, const accounts::User& official, std::string action,
                             int64_t case_id, std::string reason, std::string detail) {
  auto job = [actor = official.id, action = std::move(action),
              subject = fmt::format("case:{}", case_id), reason = std::move(reason),
              detail = std::move(detail), now = app.now()](store::Connection& c) {
    return audit::record(c, {now, actor, action, subject, reason, detail});
  };
  co_return co_await app.write(job);
}

// Wakes the live inbox streams of people whose inbox changed (notify/messages.h).
void wake_inboxes(App& app, const std::vector<int64_t>& people) {
  if (!people.empty()) app.inbox_hub().notify_people(people);
}

// ---- handlers ----

awaitable<Result<Response>> create_case(App& app, Request& req) {
  KB_CO_ASSIGN(auto official, signed_in(app, req, access::official));
  KB_CO_ASSIGN(cases::NewCase n, parse_new_case(req, true, app.now()));
  auto job = [&app, official, n, now = app.now()](store::Connection& c) {
    return cases::record_case(c, app.config().tracing.exposure, app.areas(), official, n, now);
  };
  KB_CO_ASSIGN(auto rec, co_await app.write(job));
  co_return Response::json(201, recorded_json(app, rec));
}

awaitable<Result<Response>> list_cases(App& app, Request& req) {
  KB_CO_ASSIGN(auto official, signed_in(app, req, access::official));
  KB_CO_ASSIGN(cases::CaseFilter f, parse_case_filter(app, req));
  KB_CO_ASSIGN(auto rows, app.db().read([&](store::Connection& c) {
    return cases::list_cases(c, official, f);
  }));
  // Masked names only: the list is not a read of personal data; the details are.
  json::array a;
  for (const auto& r : rows) {
    json::object o = case_json(app, r.kase);
    o["masked_name"] = people::mask_name(r.full_name);
    o["f1_count"] = r.f1;
    a.push_back(std::move(o));
  }
  bool more = rows.size() == static_cast<size_t>(f.limit);
  co_return Response::json(200, json::object{{"cases", std::move(a)},
                                             {"next_before", more ? json::value(rows.back().kase.id)
                                                                  : json::value(nullptr)}});
}

awaitable<Result<Response>> get_case(App& app, Request& req) {
  KB_CO_ASSIGN(auto official, signed_in(app, req, access::official));
  KB_CO_ASSIGN(int64_t id, path_id(req));
  KB_CO_ASSIGN(std::string reason, reason_param(req));
  KB_CO_ASSIGN(auto file, app.db().read([&](store::Connection& c) {
    return cases::case_file(c, app.config().tracing.exposure, official, id, app.now());
  }));
  KB_CO_TRY(co_await audit_read(app, official, "case.read", id, reason, ""));
  co_return Response::json(200, case_file_json(app, file));
}

awaitable<Result<Response>> get_contacts_as(App& app, Request& req, bool csv) {
  KB_CO_ASSIGN(auto official, signed_in(app, req, access::official));
  KB_CO_ASSIGN(int64_t id, path_id(req));
  KB_CO_ASSIGN(int64_t degree, int_param(req, "degree", 1, 2, 1));
  KB_CO_ASSIGN(std::string reason, reason_param(req));
  KB_CO_ASSIGN(auto sheet, app.db().read([&](store::Connection& c) {
    return cases::contact_sheet(c, app.config().tracing.exposure, official, id,
                                static_cast<int>(degree), app.now());
  }));
  std::string detail = fmt::format("degree {}, {} contacts", degree, sheet.list.size());
  KB_CO_TRY(co_await audit_read(app, official, csv ? "case.contacts.export" : "case.contacts.read",
                                id, reason, detail));
  if (csv) co_return csv_response(sheet);
  co_return Response::json(200, contacts_json(app, sheet));
}

awaitable<Result<Response>> get_contacts(App& app, Request& req) {
  return get_contacts_as(app, req, false);
}
awaitable<Result<Response>> get_contacts_csv(App& app, Request& req) {
  return get_contacts_as(app, req, true);
}

awaitable<Result<Response>> close_case(App& app, Request& req) {
  KB_CO_ASSIGN(auto official, signed_in(app, req, access::official));
  KB_CO_ASSIGN(int64_t id, path_id(req));
  KB_CO_ASSIGN(Closing closing, parse_closing(req));
  auto job = [official, id, closing, now = app.now()](store::Connection& c) {
    return cases::close_case(c, official, id, closing.outcome, closing.note, now);
  };
  KB_CO_ASSIGN(auto kase, co_await app.write(job));
  co_return Response::json(200, case_json(app, kase));
}

awaitable<Result<Response>> mark_case_error(App& app, Request& req) {
  KB_CO_ASSIGN(auto official, signed_in(app, req, access::official));
  KB_CO_ASSIGN(int64_t id, path_id(req));
  KB_CO_ASSIGN(std::string reason, parse_error_reason(req));
  auto job = [&app, official, id, reason, now = app.now()](store::Connection& c) {
    return cases::mark_error(c, app.config().tracing.exposure, official, id, reason, now);
  };
  KB_CO_ASSIGN(auto marked, co_await app.write(job));
  wake_inboxes(app, marked.recalled_people);  // their open inbox pages drop the notice
  co_return Response::json(200, case_json(app, marked.kase));
}

awaitable<Result<Response>> retrace_case(App& app, Request& req) {
  KB_CO_ASSIGN(auto official, signed_in(app, req, access::official));
  KB_CO_ASSIGN(int64_t id, path_id(req));
  KB_CO_ASSIGN(int degree, parse_degree(req));
  auto job = [&app, official, id, degree, now = app.now()](store::Connection& c) {
    return cases::trace_case(c, app.config().tracing.exposure, official, id, degree, now);
  };
  KB_CO_ASSIGN(auto sum, co_await app.write(job));
  co_return Response::json(200, json::object{{"case_id", id},
                                             {"f1", sum.f1},
                                             {"f1_new", sum.f1_new},
                                             {"f2", sum.f2},
                                             {"f2_new", sum.f2_new}});
}

awaitable<Result<Response>> send_notices(App& app, Request& req) {
  KB_CO_ASSIGN(auto official, signed_in(app, req, access::official));
  KB_CO_ASSIGN(int64_t id, path_id(req));
  KB_CO_TRY(no_body(req));
  auto job = [&app, official, id, link = inbox_link(app), now = app.now()](store::Connection& c) {
    return cases::send_tracing_notices(c, app.areas(), official, id, link, now);
  };
  KB_CO_ASSIGN(auto sent, co_await app.write(job));
  wake_inboxes(app, sent.notified_people);
  co_return Response::json(200, json::object{{"case_id", id},
                                             {"sent", sent.sent},
                                             {"already", sent.already},
                                             {"case_sent", sent.case_sent}});
}

awaitable<Result<Response>> decide(App& app, Request& req, cases::ContactStatus decision) {
  KB_CO_ASSIGN(auto official, signed_in(app, req, access::official));
  KB_CO_ASSIGN(int64_t id, path_id(req));
  KB_CO_TRY(no_body(req));
  auto job = [official, id, decision, now = app.now()](store::Connection& c) {
    return cases::decide_contact(c, official, id, decision, now);
  };
  KB_CO_ASSIGN(auto contact, co_await app.write(job));
  co_return Response::json(200, contact_record_json(contact));
}

awaitable<Result<Response>> confirm_contact(App& app, Request& req) {
  return decide(app, req, cases::ContactStatus::kConfirmed);
}
awaitable<Result<Response>> dismiss_contact(App& app, Request& req) {
  return decide(app, req, cases::ContactStatus::kDismissed);
}

awaitable<Result<Response>> convert_contact(App& app, Request& req) {
  KB_CO_ASSIGN(auto official, signed_in(app, req, access::official));
  KB_CO_ASSIGN(int64_t id, path_id(req));
  KB_CO_ASSIGN(cases::NewCase n, parse_new_case(req, false, app.now()));
  auto job = [&app, official, id, n, now = app.now()](store::Connection& c) {
    return cases::convert_contact(c, app.config().tracing.exposure, app.areas(), official, id, n,
                                  now);
  };
  KB_CO_ASSIGN(auto rec, co_await app.write(job));
  co_return Response::json(201, recorded_json(app, rec));
}

awaitable<Result<Response>> list_clusters(App& app, Request& req) {
  KB_CO_ASSIGN(auto official, signed_in(app, req, access::official));
  cases::ClusterRule rule = app.config().tracing.clusters;
  KB_CO_ASSIGN(int64_t days, int_param(req, "days", 1, 365, rule.lookback_seconds / 86400));
  rule.lookback_seconds = days * 86400;
  KB_CO_ASSIGN(auto found, app.db().read([&](store::Connection& c) {
    return cases::find_clusters(c, app.config().tracing.exposure, rule, official, app.now());
  }));
  json::array a;
  for (const auto& cl : found) a.push_back(cluster_json(app, cl));
  co_return Response::json(200, json::object{{"clusters", std::move(a)},
                                             {"window_days", rule.window_seconds / 86400},
                                             {"min_cases", rule.min_cases},
                                             {"lookback_days", days}});
}

}  // namespace

void register_case_routes(App& app) {
  auto& r = app.router();
  r.add(
      Method::kPost, "/api/v1/cases", [&app](Request& req) { return create_case(app, req); },
      "record a confirmed case (F0) and trace its F1 (officials)");
  r.add(
      Method::kGet, "/api/v1/cases", [&app](Request& req) { return list_cases(app, req); },
      "cases in the official's jurisdiction, newest first, with masked names");
  r.add(
      Method::kGet, "/api/v1/cases/{id}", [&app](Request& req) { return get_case(app, req); },
      "one case with the person and a timeline of visits (audited, needs ?reason=)");
  r.add(
      Method::kGet, "/api/v1/cases/{id}/contacts",
      [&app](Request& req) { return get_contacts(app, req); },
      "F1 (degree=1) or F2 (degree=2) contacts with venues, times and overlap (audited, needs "
      "?reason=)");
  r.add(
      Method::kGet, "/api/v1/cases/{id}/contacts.csv",
      [&app](Request& req) { return get_contacts_csv(app, req); },
      "the contact list as CSV, UTF-8 with BOM (audited, needs ?reason=)");
  r.add(
      Method::kPost, "/api/v1/cases/{id}/trace",
      [&app](Request& req) { return retrace_case(app, req); },
      "trace again and record the contacts found (degree 1 or 2)");
  r.add(
      Method::kPost, "/api/v1/cases/{id}/notices",
      [&app](Request& req) { return send_notices(app, req); },
      "tell the case what to do, and send each open F1 a tracing notice (idempotent)");
  r.add(
      Method::kPost, "/api/v1/cases/{id}/close",
      [&app](Request& req) { return close_case(app, req); },
      "close an active case as recovered or died");
  r.add(
      Method::kPost, "/api/v1/cases/{id}/error",
      [&app](Request& req) { return mark_case_error(app, req); },
      "mark a case recorded by mistake; voids its contacts and recalls its notices");
  r.add(
      Method::kPost, "/api/v1/contacts/{id}/confirm",
      [&app](Request& req) { return confirm_contact(app, req); },
      "confirm a contact (quarantine stands)");
  r.add(
      Method::kPost, "/api/v1/contacts/{id}/dismiss",
      [&app](Request& req) { return dismiss_contact(app, req); },
      "dismiss a contact (quarantine lifted)");
  r.add(
      Method::kPost, "/api/v1/contacts/{id}/convert",
      [&app](Request& req) { return convert_contact(app, req); },
      "record a contact who tested positive as a case, and trace them");
  r.add(
      Method::kGet, "/api/v1/clusters", [&app](Request& req) { return list_clusters(app, req); },
      "venues with two or more cases within the cluster window, in the official's jurisdiction");
}

}  // namespace kb::http
