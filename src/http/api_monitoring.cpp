// Quarantine and home care: officials place orders, read the board (live over Server-Sent
// Events) and act on it; citizens see their monitoring and send daily reports. Who may do what,
// and every rule, is the monitoring domain's (monitoring/); this file parses and answers. Every
// read of the board or of an order needs a `reason` and is audited before the data leaves.
#include <fmt/format.h>

#include <atomic>
#include <boost/json.hpp>

#include "access/policy.h"
#include "audit/audit_log.h"
#include "cases/case.h"
#include "core/phone.h"
#include "http/app.h"
#include "http/handler_util.h"
#include "monitoring/board.h"
#include "monitoring/orders.h"
#include "monitoring/reports.h"

namespace kb::http {
namespace {

using boost::asio::awaitable;
namespace json = boost::json;
namespace mon = monitoring;

constexpr int64_t kDay = 86400;

json::value opt_time(int64_t t) {
  return json_time(t > 0 ? std::optional<int64_t>(t) : std::nullopt);
}
json::value opt_int(const std::optional<int>& v) {
  return v ? json::value(*v) : json::value(nullptr);
}
json::value opt_id(const std::optional<int64_t>& v) {
  return v ? json::value(*v) : json::value(nullptr);
}
json::array strings(const std::vector<std::string>& list) {
  json::array a;
  for (const auto& s : list) a.emplace_back(s);
  return a;
}

std::string ward_name(App& app, const std::string& code) {
  const auto* w = app.areas().ward(code);
  return w ? w->name : "";
}

// ---- answers ----

json::object order_json(App& app, const mon::Order& o) {
  int64_t now = app.now();
  int64_t left = o.status == mon::OrderStatus::kOpen && o.ends_at > now
                     ? (o.ends_at - now + kDay - 1) / kDay
                     : 0;
  return json::object{{"id", o.id},
                      {"kind", mon::kind_name(o.kind)},
                      {"status", mon::status_name(o.status)},
                      {"person_id", o.person_id},
                      {"area_id", opt_id(o.area_id)},
                      {"contact_id", opt_id(o.contact_id)},
                      {"case_id", opt_id(o.case_id)},
                      {"province_code", o.province_code},
                      {"ward_code", o.ward_code},
                      {"ward_name", ward_name(app, o.ward_code)},
                      {"place", mon::place_name(o.place)},
                      {"facility_name", o.facility_name},
                      {"facility_address", o.facility_address},
                      {"fully_vaccinated", o.fully_vaccinated},
                      {"reports_per_day", o.reports_per_day},
                      {"starts_at", format_rfc3339(o.starts_at)},
                      {"quarantine_until", format_rfc3339(o.quarantine_until)},
                      {"ends_at", format_rfc3339(o.ends_at)},
                      {"days_left", left},
                      {"negative_test_at", json_time(o.negative_test_at)},
                      {"last_report_at", opt_time(o.last_report_at)},
                      {"last_report_red", o.last_report_red},
                      {"open_alerts", o.open_alerts},
                      {"note", o.note},
                      {"created_at", format_rfc3339(o.created_at)},
                      {"closed_at", json_time(o.closed_at)},
                      {"close_reason", o.close_reason}};
}

json::object area_json(App& app, const mon::AreaOrder& a) {
  json::array wards;
  for (const auto& w : a.wards)
    wards.push_back(json::object{{"code", w}, {"name", ward_name(app, w)}});
  return json::object{{"id", a.id},
                      {"kind", "area"},
                      {"status", mon::status_name(a.status)},
                      {"province_code", a.province_code},
                      {"wards", std::move(wards)},
                      {"starts_at", format_rfc3339(a.starts_at)},
                      {"ends_at", format_rfc3339(a.ends_at)},
                      {"note", a.note},
                      {"created_at", format_rfc3339(a.created_at)},
                      {"closed_at", json_time(a.closed_at)}};
}

json::object report_json(const mon::Report& r) {
  const auto& t = r.readings.temperature_tenths;
  return json::object{{"id", r.id},
                      {"person_id", r.person_id},
                      {"order_id", opt_id(r.order_id)},
                      {"slot", r.slot},
                      {"measured_at", format_rfc3339(r.measured_at)},
                      {"temperature", t ? json::value(*t / 10.0) : json::value(nullptr)},
                      {"spo2", opt_int(r.readings.spo2)},
                      {"breathing_rate", opt_int(r.readings.breathing_rate)},
                      {"pulse", opt_int(r.readings.pulse)},
                      {"symptoms", strings(r.readings.symptoms)},
                      {"note", r.note},
                      {"red_flags", strings(r.red_flags)}};
}

json::object alert_json(const mon::Alert& a) {
  return json::object{{"id", a.id},
                      {"order_id", a.order_id},
                      {"person_id", a.person_id},
                      {"report_id", a.report_id},
                      {"red_flags", strings(a.red_flags)},
                      {"raised_at", format_rfc3339(a.raised_at)},
                      {"acknowledged_at", json_time(a.acknowledged_at)},
                      {"acknowledged_by", opt_id(a.acknowledged_by)},
                      {"note", a.note}};
}

json::object row_json(App& app, const mon::BoardRow& r) {
  json::object o = order_json(app, r.order);
  o["person"] = json::object{{"id", r.order.person_id},
                             {"full_name", r.full_name},
                             {"phone", r.phone},
                             {"id_number", r.id_number},
                             {"birth_date", r.birth_date}};
  o["alert_id"] = opt_id(r.alert_id);
  o["red_flags"] = strings(r.latest_flags);
  return o;
}

json::object counts_json(const mon::BoardCounts& c) {
  return json::object{{"red_flag", c.red_flag},
                      {"due_for_release", c.due_for_release},
                      {"non_reporting", c.non_reporting},
                      {"reporting", c.reporting},
                      {"closed", c.closed}};
}

json::object person_json(const people::Person& p) {
  return json::object{{"id", p.id},
                      {"full_name", p.full_name},
                      {"phone", p.phone},
                      {"id_number", p.id_number},
                      {"birth_date", p.birth_date},
                      {"province_code", p.province_code},
                      {"ward_code", p.ward_code},
                      {"street", p.street}};
}

json::object rules_json(const mon::Rules& r) {
  const auto& t = r.thresholds;
  return json::object{
      {"f1_days", r.f1_days},
      {"f1_vaccinated_quarantine_days", r.f1_vaccinated_quarantine_days},
      {"f1_vaccinated_self_monitoring_days", r.f1_vaccinated_self_monitoring_days},
      {"f0_home_care_days", r.f0_home_care_days},
      {"entry_days", r.entry_days},
      {"reminder_hour", r.reminder_hour},
      {"afternoon_reminder_hour", r.afternoon_reminder_hour},
      {"afternoon_from_hour", r.afternoon_from_hour},
      {"non_reporting_hours", r.non_reporting_seconds / 3600},
      {"symptoms",
       [] {
         json::array a;
         for (auto s : mon::kReportSymptoms) a.emplace_back(s);
         return a;
       }()},
      {"thresholds",
       json::object{{"spo2_at_most", t.spo2_at_most},
                    {"temperature_at_least", t.temperature_tenths_at_least / 10.0},
                    {"breathing_at_least", json::object{{"adult", t.breathing_adult_at_least},
                                                        {"5_12", t.breathing_5_12_at_least},
                                                        {"1_5", t.breathing_1_5_at_least},
                                                        {"infant", t.breathing_infant_at_least}}},
                    {"pulse_above", t.pulse_above},
                    {"pulse_below", t.pulse_below},
                    {"red_symptoms", strings(t.red_symptoms)}}}};
}

json::object my_json(App& app, const mon::PersonMonitoring& m) {
  json::array areas, today, history;
  for (const auto& a : m.area_orders) areas.push_back(area_json(app, a));
  for (const auto& s : m.today) today.push_back(json::object{{"slot", s.slot}, {"done", s.done}});
  for (const auto& r : m.history) history.push_back(report_json(r));
  return json::object{
      {"person",
       json::object{
           {"id", m.person.id}, {"full_name", m.person.full_name}, {"is_self", m.person.is_self}}},
      {"order", m.order ? json::value(order_json(app, *m.order)) : json::value(nullptr)},
      {"area_orders", std::move(areas)},
      {"organisation_check", m.organisation_check},
      {"today", std::move(today)},
      {"history", std::move(history)}};
}

// ---- requests ----

Result<std::vector<std::string>> string_list(JsonBody& body, std::string_view key, size_t max) {
  std::vector<std::string> out;
  const json::value* v = body.raw(key);
  if (!v || v->is_null()) return out;
  std::string field(key);
  if (!v->is_array()) return invalid(field, "wrong_type", field + " must be a list");
  if (v->as_array().size() > max)
    return invalid(field, "too_long", fmt::format("at most {} items", max));
  for (size_t i = 0; i < v->as_array().size(); ++i) {
    const auto& s = v->as_array()[i];
    std::string f = fmt::format("{}[{}]", key, i);
    if (!s.is_string() || s.as_string().size() > 40)
      return invalid(f, "wrong_type", f + " must be a short text");
    out.emplace_back(s.as_string());
  }
  return out;
}

Result<std::optional<int64_t>> optional_date(JsonBody& body, std::string_view field) {
  KB_ASSIGN(auto text, body.optional_string(field, 40));
  if (!text || text->empty()) return std::optional<int64_t>();
  KB_ASSIGN(int64_t t, cases::parse_date(*text, field));
  return std::optional<int64_t>(t);
}

Result<cases::PersonKey> parse_person_key(JsonBody& body) {
  cases::PersonKey key;
  KB_ASSIGN(key.person_id, body.optional_int("person_id", 1, INT64_MAX));
  KB_ASSIGN(auto id_number, body.optional_string("id_number", 40));
  KB_ASSIGN(auto phone, body.optional_string("phone", 40));
  int given = key.person_id.has_value() + id_number.has_value() + phone.has_value();
  if (given != 1)
    return invalid("person_id", "one_key_only", "give one of person_id, id_number and phone");
  if (id_number) key.id_number = *id_number;
  if (phone) {
    KB_ASSIGN(key.phone, normalize_mobile(*phone, "phone"));
  }
  return key;
}

// What to place under monitoring, and how.
struct OrderRequest {
  mon::Kind kind = mon::Kind::kF1Quarantine;
  std::optional<int64_t> contact_id, case_id;
  cases::PersonKey person;
  std::vector<std::string> wards;
  int64_t area_until = 0;
  mon::Placement placement;
};

Result<mon::Placement> parse_placement(JsonBody& body) {
  mon::Placement p;
  KB_ASSIGN(auto place, body.optional_string("place", 20));
  if (place) {
    KB_ASSIGN(p.place, mon::parse_place(*place));
  }
  KB_ASSIGN(auto facility, body.optional_string("facility_name", 200));
  KB_ASSIGN(auto address, body.optional_string("facility_address", 300));
  p.facility_name = facility.value_or("");
  p.facility_address = address.value_or("");
  KB_ASSIGN(p.starts_at, optional_date(body, "starts_at"));
  KB_ASSIGN(auto vaccinated, body.optional_bool("fully_vaccinated"));
  p.fully_vaccinated = vaccinated.value_or(false);
  KB_ASSIGN(auto ward, body.optional_string("ward_code", 10));
  p.ward_code = ward.value_or("");
  KB_ASSIGN(auto note, body.optional_string("note", 1000));
  p.note = note.value_or("");
  return p;
}

Result<OrderRequest> parse_order(const Request& req) {
  KB_ASSIGN(JsonBody body, json_body(req));
  OrderRequest o;
  KB_ASSIGN(auto kind, body.required_string("kind", 20));
  KB_ASSIGN(o.kind, mon::parse_kind(kind));
  KB_ASSIGN(o.placement, parse_placement(body));
  switch (o.kind) {
    case mon::Kind::kF1Quarantine: {
      KB_ASSIGN(o.contact_id, body.optional_int("contact_id", 1, INT64_MAX));
      KB_ASSIGN(o.case_id, body.optional_int("case_id", 1, INT64_MAX));
      if (o.contact_id.has_value() == o.case_id.has_value()) {
        return invalid("contact_id", "one_source",
                       "give contact_id (one contact) or case_id (all open contacts of a case)");
      }
      break;
    }
    case mon::Kind::kF0HomeCare: {
      KB_ASSIGN(int64_t id, body.required_int("case_id", 1, INT64_MAX));
      o.case_id = id;
      break;
    }
    case mon::Kind::kEntry: {
      KB_ASSIGN(o.person, parse_person_key(body));
      break;
    }
    case mon::Kind::kArea: {
      KB_ASSIGN(o.wards, string_list(body, "wards", 200));
      KB_ASSIGN(auto until, optional_date(body, "ends_at"));
      o.area_until = until.value_or(0);
      break;
    }
  }
  KB_TRY(body.no_unknown_fields());
  return o;
}

// A temperature in °C as a number (37.2), stored in tenths.
Result<std::optional<int>> parse_temperature(JsonBody& body) {
  const json::value* v = body.raw("temperature");
  if (!v || v->is_null()) return std::optional<int>();
  if (!v->is_number())
    return invalid("temperature", "wrong_type", "temperature is a number of °C, e.g. 37.2");
  double c = v->to_number<double>();
  if (!(c > -1000 && c < 1000))
    return invalid("temperature", "impossible_reading", "no body has this temperature");
  return std::optional<int>(static_cast<int>(std::lround(c * 10)));
}

Result<std::optional<int>> reading(JsonBody& body, std::string_view key) {
  KB_ASSIGN(auto v, body.optional_int(key, -100000, 100000));
  if (!v) return std::optional<int>();
  return std::optional<int>(static_cast<int>(*v));
}

Result<mon::ReportInput> parse_report(const Request& req) {
  KB_ASSIGN(JsonBody body, json_body(req));
  mon::ReportInput in;
  KB_ASSIGN(in.person_id, body.required_int("person_id", 1, INT64_MAX));
  KB_ASSIGN(in.readings.temperature_tenths, parse_temperature(body));
  KB_ASSIGN(in.readings.spo2, reading(body, "spo2"));
  KB_ASSIGN(in.readings.breathing_rate, reading(body, "breathing_rate"));
  KB_ASSIGN(in.readings.pulse, reading(body, "pulse"));
  KB_ASSIGN(in.readings.symptoms, string_list(body, "symptoms", 20));
  KB_ASSIGN(auto note, body.optional_string("note", 500));
  in.note = note.value_or("");
  KB_ASSIGN(auto measured, body.optional_string("measured_at", 40));
  if (measured) {
    auto t = parse_rfc3339(*measured);
    if (!t) return invalid("measured_at", "invalid_time", "measured_at must be an RFC 3339 time");
    in.measured_at = *t;
  }
  KB_ASSIGN(auto client_id, client_id_field(body));
  in.client_id = client_id.value_or("");
  KB_TRY(body.no_unknown_fields());
  return in;
}

Result<mon::BoardFilter> parse_filter(const Request& req) {
  mon::BoardFilter f;
  if (auto l = req.query_param("list"); l && !l->empty()) {
    KB_ASSIGN(f.list, mon::parse_list(*l));
  }
  f.province_code = req.query_param("province").value_or("");
  f.ward_code = req.query_param("ward").value_or("");
  if (auto k = req.query_param("kind"); k && !k->empty()) {
    KB_ASSIGN(f.kind, mon::parse_kind(*k));
  }
  f.search = req.query_param("q").value_or("");
  if (f.search.size() > 100) return invalid("q", "too_long", "a search is at most 100 bytes");
  KB_ASSIGN(f.limit, int_param(req, "limit", 1, 200, 50));
  KB_ASSIGN(f.offset, int_param(req, "offset", 0, 1'000'000, 0));
  return f;
}

// A small body of named texts, each optional unless `required`.
struct Texts {
  std::string note, reason, hospital;
  std::optional<int64_t> days, tested_at;
};
Result<Texts> parse_texts(const Request& req, std::initializer_list<std::string_view> required,
                          std::initializer_list<std::string_view> allowed) {
  Texts t;
  JsonBody body = JsonBody::parse("{}").value();
  if (!req.body.empty()) {
    KB_ASSIGN(body, json_body(req));
  }
  auto wants = [&](std::string_view k) {
    return std::find(allowed.begin(), allowed.end(), k) != allowed.end() ||
           std::find(required.begin(), required.end(), k) != required.end();
  };
  auto needs = [&](std::string_view k) {
    return std::find(required.begin(), required.end(), k) != required.end();
  };
  for (auto [key, into] : {std::pair{"note", &t.note}, std::pair{"reason", &t.reason},
                           std::pair{"hospital", &t.hospital}}) {
    if (!wants(key)) continue;
    if (needs(key)) {
      KB_ASSIGN(*into, body.required_string(key, 500));
    } else {
      KB_ASSIGN(auto v, body.optional_string(key, 500));
      *into = v.value_or("");
    }
  }
  if (wants("days")) {
    KB_ASSIGN(int64_t days, body.required_int("days", 1, 30));
    t.days = days;
  }
  if (wants("tested_at")) {
    KB_ASSIGN(auto text, body.required_string("tested_at", 40));
    KB_ASSIGN(int64_t at, cases::parse_date(text, "tested_at"));
    t.tested_at = at;
  }
  KB_TRY(body.no_unknown_fields());
  return t;
}

// Writes the audit entry of a read, after the read and before the answer.
awaitable<Status> audit_read(App& app, const accounts::User& official, std::string action,
                             std::string subject, std::string reason, std::string detail) {
  auto job = [actor = official.id, action = std::move(action), subject = std::move(subject),
              reason = std::move(reason), detail = std::move(detail),
              now = app.now()](store::Connection& c) {
    return audit::record(c, {now, actor, action, subject, reason, detail});
  };
  co_return co_await app.write(job);
}

// After a write that changed orders or alerts: the boards that show them, on this process
// (PostgreSQL's other processes hear of it from the write's notification).
void wake_boards(App& app, const std::vector<std::string>& keys) {
  if (!keys.empty()) app.board_hub().notify(notify::Wake{{}, keys, false});
}
void wake_people(App& app, const std::vector<int64_t>& people) {
  if (people.empty()) return;
  app.inbox_hub().notify_people(people);
  app.poke_deliveries();
}

// ---- officials: orders ----

// What a placement answers: the orders placed (or the area order), and the contacts left out.
struct Placed {
  std::vector<mon::Order> orders;
  std::vector<mon::Skipped> skipped;
  std::optional<mon::AreaOrder> area;
};

Result<Placed> place(store::Connection& c, App& app, const accounts::User& official,
                     const OrderRequest& r, int64_t now) {
  const auto& rules = app.config().monitoring;
  Placed out;
  switch (r.kind) {
    case mon::Kind::kF1Quarantine: {
      if (r.contact_id) {
        KB_ASSIGN(auto o, mon::place_for_contact(c, rules, app.areas(), official, *r.contact_id,
                                                 r.placement, now));
        out.orders.push_back(std::move(o));
      } else {
        KB_ASSIGN(auto all, mon::place_for_case_contacts(c, rules, app.areas(), official,
                                                         *r.case_id, r.placement, now));
        out.orders = std::move(all.placed);
        out.skipped = std::move(all.skipped);
      }
      break;
    }
    case mon::Kind::kF0HomeCare: {
      KB_ASSIGN(auto o, mon::place_home_care(c, rules, app.areas(), official, *r.case_id,
                                             r.placement, now));
      out.orders.push_back(std::move(o));
      break;
    }
    case mon::Kind::kEntry: {
      KB_ASSIGN(auto o,
                mon::place_entry(c, rules, app.areas(), official, r.person, r.placement, now));
      out.orders.push_back(std::move(o));
      break;
    }
    case mon::Kind::kArea: {
      KB_ASSIGN(auto a, mon::place_area(c, rules, app.areas(), official, r.wards, r.area_until,
                                        r.placement, now));
      out.area = std::move(a);
      break;
    }
  }
  return out;
}

awaitable<Result<Response>> place_order(App& app, Request& req) {
  KB_CO_ASSIGN(auto official, signed_in(app, req, access::official));
  KB_CO_ASSIGN(OrderRequest r, parse_order(req));
  auto job = [&app, official, r, now = app.now()](store::Connection& c) {
    return place(c, app, official, r, now);
  };
  KB_CO_ASSIGN(Placed placed, co_await app.write(job));
  json::array orders, skipped;
  std::vector<int64_t> people;
  for (const auto& o : placed.orders) {
    orders.push_back(order_json(app, o));
    people.push_back(o.person_id);
    wake_boards(app, mon::board_keys(o));
  }
  for (const auto& s : placed.skipped) {
    skipped.push_back(json::object{
        {"contact_id", s.contact_id}, {"person_id", s.person_id}, {"reason", s.reason}});
  }
  if (placed.area) wake_boards(app, mon::board_keys(*placed.area));
  wake_people(app, people);
  co_return Response::json(
      201, json::object{{"orders", std::move(orders)},
                        {"skipped", std::move(skipped)},
                        {"area", placed.area ? json::value(area_json(app, *placed.area))
                                             : json::value(nullptr)}});
}

// What the board was searched by, for the audit log: the way, never the value (a phone, an ID
// number or a name is personal data, and the audit log is not sealed).
std::string_view search_way(std::string_view q) {
  if (q.empty()) return "";
  if (normalize_mobile(q, "q").ok()) return "phone";
  return q.find_first_not_of("0123456789") == std::string_view::npos ? "id_number" : "name";
}

awaitable<Result<Response>> get_board(App& app, Request& req) {
  KB_CO_ASSIGN(auto official, signed_in(app, req, access::official));
  KB_CO_ASSIGN(mon::BoardFilter f, parse_filter(req));
  KB_CO_ASSIGN(std::string reason, reason_param(req));
  KB_CO_ASSIGN(auto board, app.db().read([&](store::Connection& c) {
    return mon::read_board(c, app.config().monitoring, app.areas(), official, f, app.now());
  }));
  KB_CO_TRY(co_await audit_read(
      app, official, "monitoring.board.read", mon::board_key(*official.jurisdiction), reason,
      fmt::format("{} ward={} kind={} search={} rows={}", mon::list_name(f.list), f.ward_code,
                  f.kind ? mon::kind_name(*f.kind) : "", search_way(f.search), board.rows.size())));
  json::array rows;
  for (const auto& r : board.rows) rows.push_back(row_json(app, r));
  co_return Response::json(200, json::object{{"list", mon::list_name(f.list)},
                                             {"counts", counts_json(board.counts)},
                                             {"items", std::move(rows)},
                                             {"offset", f.offset}});
}

awaitable<Result<Response>> get_order(App& app, Request& req) {
  KB_CO_ASSIGN(auto official, signed_in(app, req, access::official));
  KB_CO_ASSIGN(int64_t id, path_id(req));
  KB_CO_ASSIGN(std::string reason, reason_param(req));
  KB_CO_ASSIGN(auto file, app.db().read([&](store::Connection& c) {
    return mon::order_file(c, official, id, app.now());
  }));
  KB_CO_TRY(co_await audit_read(app, official, "monitoring.order.read",
                                fmt::format("monitoring_order:{}", id), reason,
                                fmt::format("{} reports", file.reports.size())));
  json::object o = order_json(app, file.order);
  o["person"] = file.person ? json::value(person_json(*file.person)) : json::value(nullptr);
  json::array reports, alerts;
  for (const auto& r : file.reports) reports.push_back(report_json(r));
  for (const auto& a : file.alerts) alerts.push_back(alert_json(a));
  o["reports"] = std::move(reports);
  o["alerts"] = std::move(alerts);
  o["release_blockers"] = strings(file.release_blockers);
  co_return Response::json(200, o);
}

// One action on an order: parse its body, run it, wake the boards, answer the order.
enum class Action { kRelease, kExtend, kTransfer, kNegativeTest };

Result<mon::Order> act(store::Connection& c, const accounts::User& official, Action a, int64_t id,
                       const Texts& t, int64_t now) {
  switch (a) {
    case Action::kRelease:
      return mon::release(c, official, id, t.note, now);
    case Action::kExtend:
      return mon::extend(c, official, id, *t.days, t.reason, now);
    case Action::kTransfer:
      return mon::transfer_to_hospital(c, official, id, t.hospital, t.reason, now);
    case Action::kNegativeTest:
      return mon::confirm_negative_test(c, official, id, *t.tested_at, t.note, now);
  }
  return internal("unknown action");
}

Result<Texts> parse_action(const Request& req, Action a) {
  switch (a) {
    case Action::kRelease:
      return parse_texts(req, {}, {"note"});
    case Action::kExtend:
      return parse_texts(req, {"reason"}, {"days"});
    case Action::kTransfer:
      return parse_texts(req, {"hospital"}, {"reason"});
    case Action::kNegativeTest:
      return parse_texts(req, {}, {"tested_at", "note"});
  }
  return internal("unknown action");
}

awaitable<Result<Response>> order_action(App& app, Request& req, Action a) {
  KB_CO_ASSIGN(auto official, signed_in(app, req, access::official));
  KB_CO_ASSIGN(int64_t id, path_id(req));
  KB_CO_ASSIGN(Texts t, parse_action(req, a));
  auto job = [official, a, id, t, now = app.now()](store::Connection& c) {
    return act(c, official, a, id, t, now);
  };
  KB_CO_ASSIGN(auto order, co_await app.write(job));
  wake_boards(app, mon::board_keys(order));
  co_return Response::json(200, order_json(app, order));
}

awaitable<Result<Response>> release_order(App& app, Request& req) {
  return order_action(app, req, Action::kRelease);
}
awaitable<Result<Response>> extend_order(App& app, Request& req) {
  return order_action(app, req, Action::kExtend);
}
awaitable<Result<Response>> transfer_order(App& app, Request& req) {
  return order_action(app, req, Action::kTransfer);
}
awaitable<Result<Response>> negative_test(App& app, Request& req) {
  return order_action(app, req, Action::kNegativeTest);
}

struct ReleaseAll {
  mon::BoardFilter filter;
  std::string note;
};
Result<ReleaseAll> parse_release_all(const Request& req) {
  ReleaseAll r;
  if (req.body.empty()) return r;
  KB_ASSIGN(JsonBody body, json_body(req));
  KB_ASSIGN(auto province, body.optional_string("province", 10));
  KB_ASSIGN(auto ward, body.optional_string("ward", 10));
  KB_ASSIGN(auto kind, body.optional_string("kind", 20));
  KB_ASSIGN(auto note, body.optional_string("note", 500));
  KB_TRY(body.no_unknown_fields());
  r.filter.province_code = province.value_or("");
  r.filter.ward_code = ward.value_or("");
  if (kind && !kind->empty()) {
    KB_ASSIGN(r.filter.kind, mon::parse_kind(*kind));
  }
  r.note = note.value_or("");
  return r;
}

awaitable<Result<Response>> release_eligible(App& app, Request& req) {
  KB_CO_ASSIGN(auto official, signed_in(app, req, access::official));
  KB_CO_ASSIGN(ReleaseAll r, parse_release_all(req));
  auto job = [&app, official, r, now = app.now()](store::Connection& c) {
    return mon::release_all_eligible(c, app.config().monitoring, app.areas(), official, r.filter,
                                     r.note, now);
  };
  KB_CO_ASSIGN(auto released, co_await app.write(job));
  json::array ids;
  for (const auto& o : released) ids.push_back(o.id);
  wake_boards(app, {mon::board_key(*official.jurisdiction)});
  co_return Response::json(200, json::object{{"released", static_cast<int64_t>(released.size())},
                                             {"order_ids", std::move(ids)}});
}

awaitable<Result<Response>> acknowledge(App& app, Request& req) {
  KB_CO_ASSIGN(auto official, signed_in(app, req, access::official));
  KB_CO_ASSIGN(int64_t id, path_id(req));
  KB_CO_ASSIGN(Texts t, parse_texts(req, {"note"}, {}));
  auto job = [official, id, note = t.note, now = app.now()](store::Connection& c) {
    return mon::acknowledge_alert(c, official, id, note, now);
  };
  KB_CO_ASSIGN(auto alert, co_await app.write(job));
  wake_boards(app, {"national", alert.province_code, alert.ward_code});
  co_return Response::json(200, alert_json(alert));
}

// ---- officials: area orders ----

awaitable<Result<Response>> list_areas(App& app, Request& req) {
  KB_CO_ASSIGN(auto official, signed_in(app, req, access::official));
  KB_CO_ASSIGN(auto rows, app.db().read([&](store::Connection& c) {
    return mon::area_order_rows(c, official, app.now());
  }));
  json::array a;
  for (const auto& r : rows) {
    json::object o = area_json(app, r.area);
    o["joined"] = r.joined;
    o["reported_today"] = r.reported_today;
    a.push_back(std::move(o));
  }
  co_return Response::json(200, json::object{{"areas", std::move(a)}});
}

awaitable<Result<Response>> area_action(App& app, Request& req, bool lift) {
  KB_CO_ASSIGN(auto official, signed_in(app, req, access::official));
  KB_CO_ASSIGN(int64_t id, path_id(req));
  KB_CO_ASSIGN(Texts t,
               lift ? parse_texts(req, {}, {"note"}) : parse_texts(req, {"reason"}, {"days"}));
  auto job = [official, id, t, lift, now = app.now()](store::Connection& c) {
    return lift ? mon::lift_area(c, official, id, t.note, now)
                : mon::extend_area(c, official, id, *t.days, t.reason, now);
  };
  KB_CO_ASSIGN(auto area, co_await app.write(job));
  wake_boards(app, mon::board_keys(area));
  co_return Response::json(200, area_json(app, area));
}
awaitable<Result<Response>> lift_area(App& app, Request& req) {
  return area_action(app, req, true);
}
awaitable<Result<Response>> extend_area(App& app, Request& req) {
  return area_action(app, req, false);
}

// ---- the live board ----

// `alert` events (id = the alert's id; data = the alert with the person's name) for alerts raised
// in the jurisdiction, `update` events (data {}) when anything on the board changed, heartbeat
// comments. Resumes after Last-Event-ID (an alert id); without one, from now on. The first event,
// `cursor`, carries the alert id it starts after (and `update` the newest sent), so a client that
// drops before any alert still resumes where it was.
class BoardStream final : public StreamBody {
 public:
  BoardStream(App& app, accounts::User official, int64_t after)
      : app_(app), official_(std::move(official)), after_(after) {}

  awaitable<void> run(EventSink& sink) override {
    EventSink* target = &sink;
    std::atomic<bool>* woken = &woken_;
    auto subscription =
        app_.board_hub().subscribe({}, {mon::board_key(*official_.jurisdiction)}, [target, woken] {
          woken->store(true);
          target->wake();
        });
    std::string hello =
        fmt::format("retry: 3000\n: connected\n\nid: {}\nevent: cursor\ndata: {{}}\n\n", after_);
    if (!co_await sink.write(hello)) co_return;
    const auto heartbeat = std::chrono::seconds(std::max(1, app_.config().sse_heartbeat_seconds));
    auto last_write = std::chrono::steady_clock::now();
    while (!sink.closing()) {
      std::string out = alerts();
      if (woken_.exchange(false))
        out += fmt::format("id: {}\nevent: update\ndata: {{}}\n\n", after_);
      if (out.empty() && std::chrono::steady_clock::now() - last_write >= heartbeat)
        out = ": heartbeat\n\n";
      if (!out.empty()) {
        if (!co_await sink.write(out)) break;
        last_write = std::chrono::steady_clock::now();
      }
      co_await sink.wait(heartbeat);
    }
  }

 private:
  std::string alerts() {
    auto fresh = app_.db().read(
        [&](store::Connection& c) { return mon::alerts_after(c, official_, after_, 100); });
    if (!fresh.ok()) return {};
    std::string out;
    for (const auto& e : *fresh) {
      after_ = std::max(after_, e.alert.id);
      json::object data = alert_json(e.alert);
      data["full_name"] = e.full_name;
      out += fmt::format("id: {}\nevent: alert\ndata: {}\n\n", e.alert.id, json::serialize(data));
    }
    return out;
  }

  App& app_;
  accounts::User official_;
  int64_t after_;
  std::atomic<bool> woken_{false};
};

awaitable<Result<Response>> board_stream(App& app, Request& req) {
  KB_CO_ASSIGN(auto official, signed_in(app, req, access::official));
  KB_CO_ASSIGN(std::string reason, reason_param(req));
  int64_t after = 0;
  if (!req.last_event_id.empty()) {
    try {
      after = std::stoll(req.last_event_id);
    } catch (...) {
      co_return invalid("Last-Event-ID", "invalid_cursor", "Last-Event-ID is an alert id");
    }
  } else {
    KB_CO_ASSIGN(after, app.db().read([&](store::Connection& c) {
      return mon::newest_alert_id(c, official);
    }));
  }
  KB_CO_TRY(co_await audit_read(app, official, "monitoring.board.stream",
                                mon::board_key(*official.jurisdiction), reason,
                                fmt::format("after alert {}", after)));
  Response res;
  res.content_type = "text/event-stream";
  res.headers.emplace_back("Cache-Control", "no-cache");
  res.headers.emplace_back("X-Accel-Buffering", "no");
  res.stream = std::make_shared<BoardStream>(app, official, after);
  co_return res;
}

// ---- citizens ----

awaitable<Result<Response>> my_monitoring(App& app, Request& req) {
  KB_CO_ASSIGN(auto user, signed_in(app, req, access::citizen));
  KB_CO_ASSIGN(auto list, app.db().read([&](store::Connection& c) {
    return mon::my_monitoring(c, user.id, app.now());
  }));
  json::array people;
  for (const auto& m : list) people.push_back(my_json(app, m));
  co_return Response::json(200, json::object{{"people", std::move(people)},
                                             {"rules", rules_json(app.config().monitoring)}});
}

awaitable<Result<Response>> send_report(App& app, Request& req) {
  KB_CO_ASSIGN(auto user, signed_in(app, req, access::citizen));
  KB_CO_ASSIGN(mon::ReportInput in, parse_report(req));
  auto job = [&app, user, in, now = app.now()](store::Connection& c) {
    return mon::record_report(c, app.config().monitoring, app.areas(), user, in, now);
  };
  KB_CO_ASSIGN(auto recorded, co_await app.write(job));
  if (recorded.order) wake_boards(app, mon::board_keys(*recorded.order));
  if (!recorded.report.red_flags.empty()) wake_people(app, {in.person_id});
  json::object o = report_json(recorded.report);
  o["alert_raised"] = recorded.alert_id.has_value();
  o["order"] =
      recorded.order ? json::value(order_json(app, *recorded.order)) : json::value(nullptr);
  co_return Response::json(recorded.repeated ? 200 : 201, o);
}

awaitable<Result<Response>> get_rules(App& app, Request& req) {
  KB_CO_TRY(signed_in(app, req));
  co_return Response::json(200, rules_json(app.config().monitoring));
}

}  // namespace

void register_monitoring_routes(App& app) {
  auto& r = app.router();
  r.add(
      Method::kPost, "/api/v1/monitoring/orders",
      [&app](Request& req) { return place_order(app, req); },
      "place people under monitoring: an F1 contact (or all open F1 of a case), an F0 at home, an "
      "arrival, "
      "or the wards of an area (officials)");
  r.add(
      Method::kGet, "/api/v1/monitoring/board",
      [&app](Request& req) { return get_board(app, req); },
      "the officials' board: counts of every list and a page of one (audited, needs ?reason=)");
  r.add(
      Method::kGet, "/api/v1/monitoring/board/stream",
      [&app](Request& req) { return board_stream(app, req); },
      "red-flag alerts and board changes of the jurisdiction as Server-Sent Events (audited, needs "
      "?reason=)");
  r.add(
      Method::kGet, "/api/v1/monitoring/orders/{id}",
      [&app](Request& req) { return get_order(app, req); },
      "one order with the person, every report and alert (audited, needs ?reason=)");
  r.add(
      Method::kPost, "/api/v1/monitoring/orders/{id}/release",
      [&app](Request& req) { return release_order(app, req); },
      "release a person whose release rule holds");
  r.add(
      Method::kPost, "/api/v1/monitoring/orders/{id}/extend",
      [&app](Request& req) { return extend_order(app, req); },
      "extend an order by 1 to 30 days, with a reason");
  r.add(
      Method::kPost, "/api/v1/monitoring/orders/{id}/transfer",
      [&app](Request& req) { return transfer_order(app, req); },
      "close an order: the person went to hospital");
  r.add(
      Method::kPost, "/api/v1/monitoring/orders/{id}/negative-test",
      [&app](Request& req) { return negative_test(app, req); },
      "record that the official saw a negative test result (the F0 release rule)");
  r.add(
      Method::kPost, "/api/v1/monitoring/release-eligible",
      [&app](Request& req) { return release_eligible(app, req); },
      "release everyone due for release in the jurisdiction (optionally one ward or kind)");
  r.add(
      Method::kPost, "/api/v1/monitoring/alerts/{id}/acknowledge",
      [&app](Request& req) { return acknowledge(app, req); },
      "acknowledge a red-flag alert with a note");
  r.add(
      Method::kGet, "/api/v1/monitoring/areas",
      [&app](Request& req) { return list_areas(app, req); },
      "open area orders of the jurisdiction, with how many residents reported today");
  r.add(
      Method::kPost, "/api/v1/monitoring/areas/{id}/lift",
      [&app](Request& req) { return lift_area(app, req); },
      "lift an area order; its residents' orders are released with it");
  r.add(
      Method::kPost, "/api/v1/monitoring/areas/{id}/extend",
      [&app](Request& req) { return extend_area(app, req); },
      "extend an area order by 1 to 30 days, with a reason");
  r.add(
      Method::kGet, "/api/v1/monitoring/rules",
      [&app](Request& req) { return get_rules(app, req); },
      "periods, reminder hours and red-flag thresholds in force");
  r.add(
      Method::kGet, "/api/v1/me/monitoring",
      [&app](Request& req) { return my_monitoring(app, req); },
      "the monitoring of the people the citizen manages: order, days left, today's reports, "
      "history");
  r.add(
      Method::kPost, "/api/v1/monitoring/reports",
      [&app](Request& req) { return send_report(app, req); },
      "a daily health report for a person the citizen manages; red flags raise an alert at once");
}

}  // namespace kb::http
