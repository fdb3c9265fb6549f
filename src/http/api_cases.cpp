// Cases (F0), contacts (F1/F2), tracing notices and clusters, for health officials. Every read
// of personal data (a case's details, its contacts, the CSV export) needs a `reason`, which is
// written to the audit log before the data leaves the server.
#include <fmt/format.h>

#include <map>
#include <set>

#include "audit/audit_log.h"
#include "cases/case.h"
#include "cases/clusters.h"
#include "cases/notices.h"
#include "core/phone.h"
#include "health/health_status.h"
#include "http/api_people.h"
#include "http/app.h"
#include "http/handler_util.h"

namespace kb::http {
namespace {

using boost::asio::awaitable;
namespace json = boost::json;

json::value opt_time(const std::optional<int64_t>& t) {
  return t ? json::value(format_rfc3339(*t)) : json::value(nullptr);
}

Result<accounts::User> official_of(App& app, const Request& req) {
  KB_ASSIGN(accounts::User user, app.authenticate(req));
  if ((user.role != accounts::Role::kOfficial && user.role != accounts::Role::kAdmin) || !user.jurisdiction) {
    return make_error(ErrorKind::kForbidden, "officials_only", "only health officials see cases and contacts");
  }
  return user;
}

Result<int> degree_of(const Request& req) {
  KB_ASSIGN(int64_t d, int_param(req, "degree", 1, 2, 1));
  return static_cast<int>(d);
}

// Writes the audit entry of a read, after the read and before the answer.
awaitable<Status> audit_read(App& app, int64_t actor, std::string action, std::string subject, std::string reason,
                             std::string detail) {
  auto job = [actor, action = std::move(action), subject = std::move(subject), reason = std::move(reason),
              detail = std::move(detail), now = app.now()](store::Connection& c) {
    return audit::record(c, {now, actor, action, subject, reason, detail});
  };
  auto r = co_await app.write(job);
  co_return r;
}

// Wakes the live inbox streams of people who just got a message (notify/messages.h).
void wake_inboxes(App& app, const std::vector<int64_t>& people) {
  if (!people.empty()) app.inbox_hub().notify_people(people);
}

std::string area_name(const areas::AreaDirectory& areas, std::string_view province, std::string_view ward) {
  std::string out;
  if (const auto* w = areas.ward(ward)) out = w->name;
  if (const auto* p = areas.province(province)) out += (out.empty() ? "" : ", ") + p->name;
  return out.empty() ? "Việt Nam" : out;
}

json::object case_json(App& app, const cases::Case& k) {
  const auto& rule = app.config().tracing.exposure;
  auto w = k.window(rule, app.now());
  return json::object{{"id", k.id},
                      {"person_id", k.person_id},
                      {"status", cases::status_name(k.status)},
                      {"province_code", k.province_code},
                      {"ward_code", k.ward_code},
                      {"area_name", area_name(app.areas(), k.province_code, k.ward_code)},
                      {"test_date", format_rfc3339(k.test_date)},
                      {"onset_date", opt_time(k.onset_date)},
                      {"isolation_date", opt_time(k.isolation_date)},
                      {"notes", k.notes},
                      {"close_note", k.close_note},
                      {"from_contact_id", k.from_contact_id ? json::value(*k.from_contact_id) : json::value(nullptr)},
                      {"recorded_by", k.recorded_by},
                      {"created_at", format_rfc3339(k.created_at)},
                      {"closed_at", opt_time(k.closed_at)},
                      {"window", json::object{{"from", format_rfc3339(w.from)}, {"to", format_rfc3339(w.to)}}}};
}

json::object rule_json(const trace::ExposureRule& r) {
  return json::object{{"margin_minutes", r.margin_seconds / 60},
                      {"min_overlap_minutes", r.min_overlap_seconds / 60},
                      {"max_stay_hours", r.max_stay_seconds / 3600},
                      {"household_contacts", r.household_contacts}};
}

json::object person_for_official(store::Connection& c, const people::Person& p) {
  json::object o{{"id", p.id},           {"full_name", p.full_name},         {"id_number", p.id_number},
                 {"phone", p.phone},     {"birth_date", p.birth_date},       {"sex", p.sex},
                 {"province_code", p.province_code}, {"ward_code", p.ward_code}, {"street", p.street}};
  auto s = health::stored_status(c, p.id);
  o["status_colour"] = s.ok() ? json::value(s->colour) : json::value(nullptr);
  return o;
}

json::object contact_record_json(const cases::StoredContact& k) {
  return json::object{{"id", k.id},
                      {"case_id", k.case_id},
                      {"person_id", k.person_id},
                      {"degree", k.degree},
                      {"status", cases::contact_status_name(k.status)},
                      {"basis", k.basis},
                      {"quarantine_until", opt_time(k.quarantine_until)},
                      {"found_at", format_rfc3339(k.found_at)},
                      {"notified", k.notice_id.has_value()},
                      {"converted_case_id",
                       k.converted_case_id ? json::value(*k.converted_case_id) : json::value(nullptr)}};
}

// ---- handlers ----

Result<cases::PersonKey> parse_person_key(JsonBody& body) {
  cases::PersonKey key;
  KB_ASSIGN(key.person_id, body.optional_int("person_id", 1, INT64_MAX));
  KB_ASSIGN(auto id_number, body.optional_string("id_number", 40));
  KB_ASSIGN(auto phone, body.optional_string("phone", 40));
  int given = key.person_id.has_value() + id_number.has_value() + phone.has_value();
  if (given == 0) return invalid("person_id", "missing_field", "give person_id, id_number or phone");
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

Result<cases::NewCase> parse_case_dates(JsonBody& body, cases::NewCase n) {
  KB_ASSIGN(auto test, body.required_string("test_date", 40));
  KB_ASSIGN(n.test_date, cases::parse_date(test, "test_date"));
  KB_ASSIGN(auto onset, body.optional_string("onset_date", 40));
  if (onset && !onset->empty()) {
    KB_ASSIGN(n.onset_date, cases::parse_date(*onset, "onset_date"));
  }
  KB_ASSIGN(auto isolation, body.optional_string("isolation_date", 40));
  if (isolation && !isolation->empty()) {
    KB_ASSIGN(n.isolation_date, cases::parse_date(*isolation, "isolation_date"));
  }
  KB_ASSIGN(auto notes, body.optional_string("notes", 2000));
  n.notes = notes.value_or("");
  return n;
}

// A case just recorded (or converted from a contact), with what its first trace found.
template <class Recorded>
Response recorded_case_response(App& app, const Result<Recorded>& rec) {
  if (!rec.ok()) return Response::error(rec.error());
  json::object o = case_json(app, rec->kase);
  o["trace"] = json::object{{"f1", rec->trace.f1}, {"f1_new", rec->trace.f1_new}};
  return Response::json(201, o);
}

awaitable<Response> create_case(App& app, Request& req) {
  auto official = official_of(app, req);
  if (!official.ok()) co_return Response::error(official.error());
  auto body = json_body(req);
  if (!body.ok()) co_return Response::error(body.error());
  auto key = parse_person_key(*body);
  if (!key.ok()) co_return Response::error(key.error());
  cases::NewCase n;
  n.person = *key;
  auto parsed = parse_case_dates(*body, std::move(n));
  if (!parsed.ok()) co_return Response::error(parsed.error());
  if (auto st = body->no_unknown_fields(); !st.ok()) co_return Response::error(st.error());
  if (auto st = cases::check_dates(*parsed, app.now()); !st.ok()) co_return Response::error(st.error());
  auto job = [&app, user = *official, n = *parsed, now = app.now()](store::Connection& c) {
    return cases::record_case(c, app.config().tracing.exposure, app.areas(), user, n, now);
  };
  auto rec = co_await app.write(job);
  co_return recorded_case_response(app, rec);
}

awaitable<Response> list_cases(App& app, Request& req) {
  auto official = official_of(app, req);
  if (!official.ok()) co_return Response::error(official.error());
  cases::CaseFilter f;
  if (auto s = req.query_param("status"); s && !s->empty() && *s != "all") {
    auto st = cases::parse_status(*s);
    if (!st.ok()) co_return Response::error(st.error());
    f.status = *st;
  }
  if (auto w = req.query_param("ward"); w && !w->empty()) {
    if (!app.areas().ward(*w)) co_return Response::error(invalid("ward", "invalid_ward", "no such ward code"));
    f.ward_code = *w;
  }
  for (auto [name, into] : {std::pair{"tested_from", &f.tested_from}, std::pair{"tested_to", &f.tested_to}}) {
    if (auto d = req.query_param(name); d && !d->empty()) {
      auto t = cases::parse_date(*d, name);
      if (!t.ok()) co_return Response::error(t.error());
      *into = *t;
    }
  }
  auto limit = int_param(req, "limit", 1, 200, 50);
  if (!limit.ok()) co_return Response::error(limit.error());
  f.limit = *limit;
  auto before = int_param(req, "before", 1, INT64_MAX, 0);
  if (!before.ok()) co_return Response::error(before.error());
  if (*before > 0) f.before_id = *before;
  auto rows = app.db().read([&](store::Connection& c) { return cases::list_cases(c, *official->jurisdiction, f); });
  if (!rows.ok()) co_return Response::error(rows.error());
  json::array a;
  for (const auto& r : *rows) {
    json::object o = case_json(app, r.kase);
    o["masked_name"] = people::mask_name(r.full_name);
    o["f1_count"] = r.f1;
    a.push_back(std::move(o));
  }
  // Masked names only: the list is not a read of personal data; the details are.
  json::object out{{"cases", std::move(a)}};
  out["next_before"] = rows->size() == static_cast<size_t>(f.limit) ? json::value(rows->back().kase.id)
                                                                      : json::value(nullptr);
  co_return Response::json(200, out);
}

awaitable<Response> get_case(App& app, Request& req) {
  auto official = official_of(app, req);
  if (!official.ok()) co_return Response::error(official.error());
  auto id = path_id(req);
  if (!id.ok()) co_return Response::error(id.error());
  auto reason = reason_param(req);
  if (!reason.ok()) co_return Response::error(reason.error());
  const auto& rule = app.config().tracing.exposure;
  auto out = app.db().read([&](store::Connection& c) -> Result<json::object> {
    KB_ASSIGN(cases::Case k, cases::visible_case(c, *official->jurisdiction, *id));
    json::object o = case_json(app, k);
    KB_ASSIGN(auto person, people::find(c, k.person_id));
    o["person"] = person ? json::value(person_for_official(c, *person)) : json::value(nullptr);
    KB_ASSIGN(auto stays, trace::source_stays(c, rule, k.person_id, k.window(rule, app.now())));
    json::array timeline;
    for (const auto& s : stays) {
      KB_ASSIGN(auto v, cases::venue_label(c, s.venue_id));
      timeline.push_back(json::object{{"visit_id", s.visit_id},
                                      {"venue_id", s.venue_id},
                                      {"venue_name", v ? v->name : ""},
                                      {"venue_code", v ? v->code : ""},
                                      {"venue_area", v ? area_name(app.areas(), v->province_code, v->ward_code) : ""},
                                      {"t_in", format_rfc3339(s.recorded.in)},
                                      {"t_out", format_rfc3339(s.recorded.out)},
                                      {"checked_out", s.checked_out},
                                      {"counted_from", format_rfc3339(s.stay.in)},
                                      {"counted_to", format_rfc3339(s.stay.out)}});
    }
    o["timeline"] = std::move(timeline);
    KB_ASSIGN(auto contacts, cases::contacts_of_case(c, k.id, 0));
    std::map<std::string, int64_t> f1, f2;
    for (const auto& s : contacts) (s.degree == 1 ? f1 : f2)[std::string(cases::contact_status_name(s.status))]++;
    json::object counts;
    for (auto [name, m] : {std::pair{"f1", &f1}, std::pair{"f2", &f2}}) {
      json::object by;
      int64_t total = 0;
      for (auto& [st, n] : *m) {
        by[st] = n;
        if (st != "void") total += n;
      }
      by["total"] = total;
      counts[name] = std::move(by);
    }
    o["contact_counts"] = std::move(counts);
    o["rule"] = rule_json(rule);
    return o;
  });
  if (!out.ok()) co_return Response::error(out.error());
  auto st = co_await audit_read(app, official->id, "case.read", fmt::format("case:{}", *id), *reason, "");
  if (!st.ok()) co_return Response::error(st.error());
  co_return Response::json(200, *out);
}

struct ContactsView {
  cases::Case kase;
  std::vector<cases::ListedContact> list;
  std::map<int64_t, people::Person> people;
  std::map<int64_t, cases::VenueLabel> venues;
};

Result<ContactsView> load_contacts(App& app, store::Connection& c, const areas::Jurisdiction& j, int64_t id,
                                   int degree) {
  ContactsView v;
  KB_ASSIGN(v.kase, cases::visible_case(c, j, id));
  KB_ASSIGN(v.list, cases::list_contacts(c, app.config().tracing.exposure, v.kase, degree, app.now()));
  for (const auto& lc : v.list) {
    KB_ASSIGN(auto p, people::find(c, lc.found.person_id));
    if (p) v.people.emplace(p->id, std::move(*p));
    for (const auto& e : lc.found.exposures) {
      if (v.venues.contains(e.venue_id)) continue;
      KB_ASSIGN(auto label, cases::venue_label(c, e.venue_id));
      v.venues.emplace(e.venue_id, label.value_or(cases::VenueLabel{}));
    }
  }
  return v;
}

json::object contacts_json(App& app, const ContactsView& v, int degree) {
  json::array list;
  std::map<int64_t, std::set<int64_t>> per_venue;
  for (const auto& lc : v.list) {
    const auto& f = lc.found;
    json::object o{{"person_id", f.person_id},
                   {"degree", lc.degree},
                   {"basis", lc.basis},
                   {"total_overlap_minutes", (f.total_overlap_seconds + 59) / 60},
                   {"first_exposure", format_rfc3339(f.first_exposure)},
                   {"last_exposure", format_rfc3339(f.last_exposure)}};
    if (auto it = v.people.find(f.person_id); it != v.people.end()) {
      const auto& p = it->second;
      o["full_name"] = p.full_name;
      o["phone"] = p.phone;
      o["id_number"] = p.id_number;
      o["province_code"] = p.province_code;
      o["ward_code"] = p.ward_code;
    }
    json::array via;
    for (int64_t pid : lc.via) via.push_back(pid);
    o["via"] = std::move(via);
    o["contact"] = lc.stored ? json::value(contact_record_json(*lc.stored)) : json::value(nullptr);
    o["status"] = lc.stored ? cases::contact_status_name(lc.stored->status) : "new";
    json::array exposures;
    for (const auto& e : f.exposures) {
      per_venue[e.venue_id].insert(f.person_id);
      const auto& label = v.venues.at(e.venue_id);
      exposures.push_back(json::object{{"venue_id", e.venue_id},
                                       {"venue_name", label.name},
                                       {"venue_code", label.code},
                                       {"visit_id", e.visit_id},
                                       {"source_visit_id", e.source_visit_id},
                                       {"contact_in", format_rfc3339(e.contact_stay.in)},
                                       {"contact_out", format_rfc3339(e.contact_stay.out)},
                                       {"case_in", format_rfc3339(e.source_stay.in)},
                                       {"case_out", format_rfc3339(e.source_stay.out)},
                                       {"overlap_minutes", (e.overlap_seconds + 59) / 60}});
    }
    o["exposures"] = std::move(exposures);
    list.push_back(std::move(o));
  }
  json::array venues;
  for (const auto& [venue_id, persons] : per_venue) {
    const auto& label = v.venues.at(venue_id);
    venues.push_back(json::object{{"venue_id", venue_id},
                                  {"venue_name", label.name},
                                  {"venue_code", label.code},
                                  {"area_name", area_name(app.areas(), label.province_code, label.ward_code)},
                                  {"contacts", static_cast<int64_t>(persons.size())}});
  }
  auto w = v.kase.window(app.config().tracing.exposure, app.now());
  return json::object{{"case_id", v.kase.id},
                      {"degree", degree},
                      {"window", json::object{{"from", format_rfc3339(w.from)}, {"to", format_rfc3339(w.to)}}},
                      {"rule", rule_json(app.config().tracing.exposure)},
                      {"count", static_cast<int64_t>(v.list.size())},
                      {"contacts", std::move(list)},
                      {"venues", std::move(venues)}};
}

std::string contacts_csv(const ContactsView& v) {
  std::string out = "\xEF\xBB\xBF";  // BOM: spreadsheet programs then read UTF-8
  out += "degree,status,basis,person_id,full_name,id_number,phone,province_code,ward_code,street,"
         "total_overlap_minutes,venue_name,venue_code,contact_in,contact_out,case_in,case_out,overlap_minutes\r\n";
  for (const auto& lc : v.list) {
    const auto& f = lc.found;
    people::Person p;
    if (auto it = v.people.find(f.person_id); it != v.people.end()) p = it->second;
    std::string head = fmt::format(
        "F{},{},{},{},{},{},{},{},{},{},{}", lc.degree,
        lc.stored ? cases::contact_status_name(lc.stored->status) : "new", lc.basis, f.person_id,
        cases::csv_cell(p.full_name), cases::csv_cell(p.id_number), cases::csv_cell(p.phone),
        cases::csv_cell(p.province_code), cases::csv_cell(p.ward_code), cases::csv_cell(p.street),
        (f.total_overlap_seconds + 59) / 60);
    if (f.exposures.empty()) {
      out += head + ",,,,,,,\r\n";
      continue;
    }
    for (const auto& e : f.exposures) {
      const auto& label = v.venues.at(e.venue_id);
      out += fmt::format("{},{},{},{},{},{},{},{}\r\n", head, cases::csv_cell(label.name),
                         cases::csv_cell(label.code), format_rfc3339(e.contact_stay.in),
                         format_rfc3339(e.contact_stay.out), format_rfc3339(e.source_stay.in),
                         format_rfc3339(e.source_stay.out), (e.overlap_seconds + 59) / 60);
    }
  }
  return out;
}

awaitable<Response> get_contacts_as(App& app, Request& req, bool csv) {
  auto official = official_of(app, req);
  if (!official.ok()) co_return Response::error(official.error());
  auto id = path_id(req);
  if (!id.ok()) co_return Response::error(id.error());
  auto degree = degree_of(req);
  if (!degree.ok()) co_return Response::error(degree.error());
  auto reason = reason_param(req);
  if (!reason.ok()) co_return Response::error(reason.error());
  auto view = app.db().read(
      [&](store::Connection& c) { return load_contacts(app, c, *official->jurisdiction, *id, *degree); });
  if (!view.ok()) co_return Response::error(view.error());
  auto st = co_await audit_read(app, official->id, csv ? "case.contacts.export" : "case.contacts.read",
                                fmt::format("case:{}", *id), *reason,
                                fmt::format("degree {}, {} contacts", *degree, view->list.size()));
  if (!st.ok()) co_return Response::error(st.error());
  if (!csv) co_return Response::json(200, contacts_json(app, *view, *degree));
  Response res;
  res.content_type = "text/csv; charset=utf-8";
  res.body = contacts_csv(*view);
  res.headers.emplace_back("content-disposition",
                           fmt::format("attachment; filename=\"case-{}-f{}.csv\"", *id, *degree));
  co_return res;
}

awaitable<Response> get_contacts(App& app, Request& req) { return get_contacts_as(app, req, false); }
awaitable<Response> get_contacts_csv(App& app, Request& req) { return get_contacts_as(app, req, true); }

// The case, if the official sees it (a read before a write on it).
Result<cases::Case> case_for(App& app, const accounts::User& official, int64_t id) {
  return app.db().read([&](store::Connection& c) { return cases::visible_case(c, *official.jurisdiction, id); });
}

awaitable<Response> close_case(App& app, Request& req) {
  auto official = official_of(app, req);
  if (!official.ok()) co_return Response::error(official.error());
  auto id = path_id(req);
  if (!id.ok()) co_return Response::error(id.error());
  auto body = json_body(req);
  if (!body.ok()) co_return Response::error(body.error());
  auto outcome_text = body->required_string("outcome", 20);
  if (!outcome_text.ok()) co_return Response::error(outcome_text.error());
  auto note = body->optional_string("note", 2000);
  if (!note.ok()) co_return Response::error(note.error());
  if (auto st = body->no_unknown_fields(); !st.ok()) co_return Response::error(st.error());
  auto outcome = cases::parse_status(*outcome_text, "outcome");
  if (!outcome.ok() || (*outcome != cases::CaseStatus::kRecovered && *outcome != cases::CaseStatus::kDied)) {
    co_return Response::error(invalid("outcome", "invalid_outcome", "outcome must be recovered or died"));
  }
  if (auto k = case_for(app, *official, *id); !k.ok()) co_return Response::error(k.error());
  auto job = [id = *id, outcome = *outcome, note = note->value_or(""), actor = official->id,
              now = app.now()](store::Connection& c) { return cases::close_case(c, id, outcome, note, actor, now); };
  auto k = co_await app.write(job);
  if (!k.ok()) co_return Response::error(k.error());
  co_return Response::json(200, case_json(app, *k));
}

awaitable<Response> mark_case_error(App& app, Request& req) {
  auto official = official_of(app, req);
  if (!official.ok()) co_return Response::error(official.error());
  auto id = path_id(req);
  if (!id.ok()) co_return Response::error(id.error());
  auto body = json_body(req);
  if (!body.ok()) co_return Response::error(body.error());
  auto reason = body->required_string("reason", 500);
  if (!reason.ok()) co_return Response::error(reason.error());
  if (auto st = body->no_unknown_fields(); !st.ok()) co_return Response::error(st.error());
  if (auto k = case_for(app, *official, *id); !k.ok()) co_return Response::error(k.error());
  auto job = [id = *id, reason = *reason, actor = official->id, now = app.now()](store::Connection& c) {
    return cases::mark_error(c, id, reason, actor, now);
  };
  auto marked = co_await app.write(job);
  if (!marked.ok()) co_return Response::error(marked.error());
  wake_inboxes(app, marked->recalled_people);  // their open inbox pages drop the notice
  co_return Response::json(200, case_json(app, marked->kase));
}

awaitable<Response> retrace_case(App& app, Request& req) {
  auto official = official_of(app, req);
  if (!official.ok()) co_return Response::error(official.error());
  auto id = path_id(req);
  if (!id.ok()) co_return Response::error(id.error());
  int64_t degree = 1;
  if (!req.body.empty()) {
    auto body = json_body(req);
    if (!body.ok()) co_return Response::error(body.error());
    auto d = body->optional_int("degree", 1, 2);
    if (!d.ok()) co_return Response::error(d.error());
    if (auto st = body->no_unknown_fields(); !st.ok()) co_return Response::error(st.error());
    degree = d->value_or(1);
  }
  if (auto k = case_for(app, *official, *id); !k.ok()) co_return Response::error(k.error());
  auto job = [&app, id = *id, degree, now = app.now()](store::Connection& c) {
    return cases::trace_case(c, app.config().tracing.exposure, id, static_cast<int>(degree), now);
  };
  auto sum = co_await app.write(job);
  if (!sum.ok()) co_return Response::error(sum.error());
  co_return Response::json(200, json::object{{"case_id", *id},
                                             {"f1", sum->f1},
                                             {"f1_new", sum->f1_new},
                                             {"f2", sum->f2},
                                             {"f2_new", sum->f2_new}});
}

awaitable<Response> send_notices(App& app, Request& req) {
  auto official = official_of(app, req);
  if (!official.ok()) co_return Response::error(official.error());
  auto id = path_id(req);
  if (!id.ok()) co_return Response::error(id.error());
  if (!req.body.empty()) {
    auto body = json_body(req);
    if (!body.ok()) co_return Response::error(body.error());
    if (auto st = body->no_unknown_fields(); !st.ok()) co_return Response::error(st.error());
  }
  if (auto k = case_for(app, *official, *id); !k.ok()) co_return Response::error(k.error());
  std::string link = app.config().public_base_url;
  while (!link.empty() && link.back() == '/') link.pop_back();
  link += "/inbox";
  auto job = [&app, id = *id, link, actor = official->id, now = app.now()](store::Connection& c) {
    return cases::send_tracing_notices(c, app.areas(), id, link, actor, now);
  };
  auto sent = co_await app.write(job);
  if (!sent.ok()) co_return Response::error(sent.error());
  wake_inboxes(app, sent->notified_people);
  co_return Response::json(200, json::object{{"case_id", *id}, {"sent", sent->sent}, {"already", sent->already}});
}

// The contact and its case, if the official sees the case.
Result<cases::StoredContact> contact_for(App& app, const accounts::User& official, int64_t id) {
  return app.db().read([&](store::Connection& c) -> Result<cases::StoredContact> {
    KB_ASSIGN(auto k, cases::find_contact(c, id));
    if (!k) return make_error(ErrorKind::kNotFound, "contact_not_found", "no such contact");
    auto kase = cases::visible_case(c, *official.jurisdiction, k->case_id);
    if (!kase.ok()) return make_error(ErrorKind::kNotFound, "contact_not_found", "no such contact");
    return std::move(*k);
  });
}

awaitable<Response> decide(App& app, Request& req, cases::ContactStatus decision) {
  auto official = official_of(app, req);
  if (!official.ok()) co_return Response::error(official.error());
  auto id = path_id(req);
  if (!id.ok()) co_return Response::error(id.error());
  if (!req.body.empty()) {
    auto body = json_body(req);
    if (!body.ok()) co_return Response::error(body.error());
    if (auto st = body->no_unknown_fields(); !st.ok()) co_return Response::error(st.error());
  }
  if (auto k = contact_for(app, *official, *id); !k.ok()) co_return Response::error(k.error());
  auto job = [id = *id, decision, actor = official->id, now = app.now()](store::Connection& c) {
    return cases::decide_contact(c, id, decision, actor, now);
  };
  auto k = co_await app.write(job);
  if (!k.ok()) co_return Response::error(k.error());
  co_return Response::json(200, contact_record_json(*k));
}

awaitable<Response> confirm_contact(App& app, Request& req) { return decide(app, req, cases::ContactStatus::kConfirmed); }
awaitable<Response> dismiss_contact(App& app, Request& req) { return decide(app, req, cases::ContactStatus::kDismissed); }

awaitable<Response> convert_contact(App& app, Request& req) {
  auto official = official_of(app, req);
  if (!official.ok()) co_return Response::error(official.error());
  auto id = path_id(req);
  if (!id.ok()) co_return Response::error(id.error());
  auto body = json_body(req);
  if (!body.ok()) co_return Response::error(body.error());
  auto parsed = parse_case_dates(*body, cases::NewCase{});
  if (!parsed.ok()) co_return Response::error(parsed.error());
  if (auto st = body->no_unknown_fields(); !st.ok()) co_return Response::error(st.error());
  if (auto st = cases::check_dates(*parsed, app.now()); !st.ok()) co_return Response::error(st.error());
  if (auto k = contact_for(app, *official, *id); !k.ok()) co_return Response::error(k.error());
  auto job = [&app, user = *official, id = *id, n = *parsed, now = app.now()](store::Connection& c) {
    return cases::convert_contact(c, app.config().tracing.exposure, app.areas(), user, id, n, now);
  };
  auto rec = co_await app.write(job);
  co_return recorded_case_response(app, rec);
}

awaitable<Response> list_clusters(App& app, Request& req) {
  auto official = official_of(app, req);
  if (!official.ok()) co_return Response::error(official.error());
  cases::ClusterRule rule = app.config().tracing.clusters;
  auto days = int_param(req, "days", 1, 365, rule.lookback_seconds / 86400);
  if (!days.ok()) co_return Response::error(days.error());
  rule.lookback_seconds = *days * 86400;
  auto found = app.db().read([&](store::Connection& c) {
    return cases::find_clusters(c, app.config().tracing.exposure, rule, *official->jurisdiction, app.now());
  });
  if (!found.ok()) co_return Response::error(found.error());
  json::array a;
  for (const auto& cl : *found) {
    json::array ids;
    for (int64_t id : cl.case_ids) ids.push_back(id);
    a.push_back(json::object{{"venue_id", cl.venue_id},
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
                             {"case_ids", std::move(ids)}});
  }
  co_return Response::json(200, json::object{{"clusters", std::move(a)},
                                             {"window_days", rule.window_seconds / 86400},
                                             {"min_cases", rule.min_cases},
                                             {"lookback_days", *days}});
}

}  // namespace

void register_case_routes(App& app) {
  auto& r = app.router();
  r.add(Method::kPost, "/api/v1/cases", [&app](Request& req) { return create_case(app, req); },
        "record a confirmed case (F0) and trace its F1 (officials)");
  r.add(Method::kGet, "/api/v1/cases", [&app](Request& req) { return list_cases(app, req); },
        "cases in the official's jurisdiction, newest first, with masked names");
  r.add(Method::kGet, "/api/v1/cases/{id}", [&app](Request& req) { return get_case(app, req); },
        "one case with the person and a timeline of visits (audited, needs ?reason=)");
  r.add(Method::kGet, "/api/v1/cases/{id}/contacts", [&app](Request& req) { return get_contacts(app, req); },
        "F1 (degree=1) or F2 (degree=2) contacts with venues, times and overlap (audited, needs ?reason=)");
  r.add(Method::kGet, "/api/v1/cases/{id}/contacts.csv", [&app](Request& req) { return get_contacts_csv(app, req); },
        "the contact list as CSV, UTF-8 with BOM (audited, needs ?reason=)");
  r.add(Method::kPost, "/api/v1/cases/{id}/trace", [&app](Request& req) { return retrace_case(app, req); },
        "trace again and record the contacts found (degree 1 or 2)");
  r.add(Method::kPost, "/api/v1/cases/{id}/notices", [&app](Request& req) { return send_notices(app, req); },
        "send each open F1 a tracing notice (idempotent)");
  r.add(Method::kPost, "/api/v1/cases/{id}/close", [&app](Request& req) { return close_case(app, req); },
        "close an active case as recovered or died");
  r.add(Method::kPost, "/api/v1/cases/{id}/error", [&app](Request& req) { return mark_case_error(app, req); },
        "mark a case recorded by mistake; voids its contacts");
  r.add(Method::kPost, "/api/v1/contacts/{id}/confirm", [&app](Request& req) { return confirm_contact(app, req); },
        "confirm a contact (quarantine stands)");
  r.add(Method::kPost, "/api/v1/contacts/{id}/dismiss", [&app](Request& req) { return dismiss_contact(app, req); },
        "dismiss a contact (quarantine lifted)");
  r.add(Method::kPost, "/api/v1/contacts/{id}/convert", [&app](Request& req) { return convert_contact(app, req); },
        "record a contact who tested positive as a case, and trace them");
  r.add(Method::kGet, "/api/v1/clusters", [&app](Request& req) { return list_clusters(app, req); },
        "venues with two or more cases within the cluster window, in the official's jurisdiction");
}

}  // namespace kb::http
