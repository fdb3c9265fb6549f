// Check-in and check-out: citizens and guests on the venue page, staff scanners at the door.
// Every way in goes through checkin::Door (checkin/door.h): these handlers only read the
// request into a checkin::Entry and write the answer.
#include <fmt/format.h>

#include <algorithm>

#include "checkin/checkout.h"
#include "checkin/door.h"
#include "checkin/offline_scans.h"
#include "checkin/visit.h"
#include "core/clock.h"
#include "core/crypto.h"
#include "core/json_writer.h"
#include "core/phone.h"
#include "http/app.h"
#include "http/handler_util.h"
#include "http/venue_json.h"
#include "people/person.h"
#include "qr/personal_qr.h"
#include "scan/bhyt_qr.h"
#include "scan/cccd_qr.h"
#include "store/client_writes.h"

namespace kb::http {
namespace {

using boost::asio::awaitable;
namespace json = boost::json;

// --- Reading requests -----------------------------------------------------------------------

Result<std::vector<int64_t>> parse_ids(const json::value* v, std::string_view field) {
  std::vector<int64_t> ids;
  if (!v) return ids;
  Error bad = invalid(std::string(field), "wrong_type",
                      fmt::format("{} must be a list of person ids", field));
  if (!v->is_array()) return bad;
  const auto& a = v->as_array();
  if (a.empty()) return invalid(std::string(field), "empty", "choose at least one person");
  if (a.size() > 20) return invalid(std::string(field), "too_many", "at most 20 people at once");
  for (const auto& e : a) {
    if (!e.is_int64() && !e.is_uint64()) return bad;
    int64_t id = e.is_int64() ? e.as_int64() : static_cast<int64_t>(e.as_uint64());
    if (id <= 0) return bad;
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
  }
  return ids;
}

Error prefixed(Error e, std::string_view prefix) {
  e.field = std::string(prefix) + e.field;
  return e;
}

Result<checkin::Guest> parse_guest(const json::value& guest) {
  if (!guest.is_object())
    return invalid("guest", "wrong_type", "guest must be an object {full_name, phone}");
  KB_ASSIGN(JsonBody g, JsonBody::parse(json::serialize(guest)));
  auto name = g.required_string("full_name", 400);
  if (!name.ok()) return prefixed(std::move(name).error(), "guest.");
  auto phone = g.required_string("phone", 40);
  if (!phone.ok()) return prefixed(std::move(phone).error(), "guest.");
  if (auto st = g.no_unknown_fields(); !st.ok()) return prefixed(std::move(st).error(), "guest.");
  checkin::Guest out;
  KB_ASSIGN(out.full_name, people::normalize_name(*name, "guest.full_name"));
  KB_ASSIGN(out.phone, normalize_mobile(*phone, "guest.phone"));
  return out;
}

// A citizen or guest at the venue page: {venue_code, person_ids?, kiosk?, guest?}.
Result<checkin::Entry> parse_checkin(const Request& req, std::optional<accounts::User> caller) {
  KB_ASSIGN(JsonBody body, json_body(req));
  checkin::Entry e;
  KB_ASSIGN(std::string code, body.required_string("venue_code", 40));
  KB_ASSIGN(e.venue_code, venues::VenueCode::parse(code));
  KB_ASSIGN(auto ids, parse_ids(body.raw("person_ids"), "person_ids"));
  KB_ASSIGN(auto kiosk, body.optional_string("kiosk", 80));
  KB_ASSIGN(e.client_id, client_id_field(body));
  const json::value* guest = body.raw("guest");
  KB_TRY(body.no_unknown_fields());
  e.kiosk_token = kiosk.value_or("");
  if (!caller && !ids.empty())
    return invalid("person_ids", "not_applicable", "guests check in only themselves");
  if (guest) {
    if (caller)
      return invalid("guest", "guest_signed_in", "signed-in citizens check in as themselves");
    KB_ASSIGN(e.visitor, parse_guest(*guest));
  } else if (!caller) {
    return make_error(ErrorKind::kUnauthenticated, "unauthenticated",
                      "sign in, or check in as a guest");
  } else {
    e.visitor = checkin::AccountHolder{std::move(ids)};
  }
  e.caller = std::move(caller);
  return e;
}

// A phone number as a scanner or a keyboard gives it: digits with + . - ( ) and spaces only.
bool looks_like_phone(std::string_view payload) {
  if (payload.empty() || payload.size() > 24) return false;
  return payload.find_first_not_of("0123456789+.-() ") == std::string_view::npos;
}

// What a staff scanner read: a personal QR, a chip-ID or health-insurance card, or a phone
// number (with the code texted to it, or not yet: then the code is to be sent).
struct ScanRequest {
  checkin::Entry entry;
  std::optional<std::string> phone_without_code;
};

Result<checkin::Visitor> parse_payload(const std::string& payload,
                                       const std::optional<std::string>& code,
                                       const std::string& full_name, int64_t now) {
  using Visitor = checkin::Visitor;
  if (qr::looks_like_personal_qr(payload)) return Visitor(checkin::ScannedQr{payload});
  if (scan::looks_like_cccd(payload)) {
    KB_ASSIGN(scan::CccdCard card, scan::parse_cccd(payload, now));
    return Visitor(std::move(card));
  }
  if (scan::looks_like_bhyt(payload)) {
    KB_ASSIGN(scan::BhytCard card, scan::parse_bhyt(payload, now));
    return Visitor(std::move(card));
  }
  if (looks_like_phone(payload)) {
    KB_ASSIGN(std::string phone, normalize_mobile(payload, "payload"));
    return Visitor(checkin::VerifiedPhone{std::move(phone), code.value_or(""), full_name});
  }
  if (payload.find("/v/") != std::string::npos) {
    return invalid("payload", "venue_qr", "this is a venue's QR code, not a visitor's");
  }
  return invalid("payload", "unrecognised_payload",
                 "not a personal QR, chip ID card, health-insurance card or phone number");
}

Result<ScanRequest> parse_scan(const Request& req, accounts::User staff, int64_t now) {
  KB_ASSIGN(JsonBody body, json_body(req));
  ScanRequest r;
  KB_ASSIGN(r.entry.venue_id, body.required_int("venue_id", 1, INT64_MAX));
  KB_ASSIGN(std::string payload, body.required_string("payload", 4000));
  KB_ASSIGN(auto code, body.optional_string("code", 20));
  KB_ASSIGN(auto raw_name, body.optional_string("full_name", 400));
  KB_ASSIGN(r.entry.client_id, client_id_field(body));
  KB_TRY(body.no_unknown_fields());
  if (code && (code->size() != 6 || code->find_first_not_of("0123456789") != std::string::npos)) {
    return invalid("code", "invalid_code", "the code has 6 digits");
  }
  std::string name;
  if (raw_name && !raw_name->empty()) {
    KB_ASSIGN(name, people::normalize_name(*raw_name, "full_name"));
  }
  KB_ASSIGN(r.entry.visitor, parse_payload(payload, code, name, now));
  if (auto* phone = std::get_if<checkin::VerifiedPhone>(&r.entry.visitor);
      phone && phone->code.empty()) {
    r.phone_without_code = phone->phone;
  }
  r.entry.caller = std::move(staff);
  return r;
}

// A payload an offline scanner queued: what parse_payload reads, but a phone number (its code
// is texted while the visitor waits, which needs the network).
Result<checkin::Visitor> offline_visitor(const std::string& payload, int64_t scanned_at) {
  KB_ASSIGN(checkin::Visitor visitor, parse_payload(payload, std::nullopt, "", scanned_at));
  if (std::holds_alternative<checkin::VerifiedPhone>(visitor)) {
    return invalid("payload", "phone_needs_network",
                   "a phone number is checked by a texted code, which needs the network");
  }
  return visitor;
}

// One queued scan: {client_id, venue_id, scanned_at (RFC 3339), payload}. A malformed scan fails
// the request (a scanner's defect); a payload that cannot be read is that scan's refusal.
Result<checkin::OfflineScan> parse_offline_scan(const json::value& v, const std::string& prefix) {
  if (!v.is_object()) return invalid(prefix, "wrong_type", "each scan must be an object");
  auto fields = [&v]() -> Result<checkin::OfflineScan> {
    KB_ASSIGN(JsonBody s, JsonBody::parse(json::serialize(v)));
    checkin::OfflineScan o;
    KB_ASSIGN(std::string id, s.required_string("client_id", 80));
    KB_ASSIGN(o.client_id, store::parse_client_id(id));
    KB_ASSIGN(o.venue_id, s.required_int("venue_id", 1, INT64_MAX));
    KB_ASSIGN(std::string at, s.required_string("scanned_at", 40));
    KB_ASSIGN(std::string payload, s.required_string("payload", 4000));
    KB_TRY(s.no_unknown_fields());
    std::optional<int64_t> t = parse_rfc3339(at);
    if (!t) return invalid("scanned_at", "invalid_time", "an RFC 3339 time with its offset");
    o.scanned_at = *t;
    o.visitor = offline_visitor(payload, *t);
    return o;
  }();
  if (!fields.ok()) return prefixed(std::move(fields).error(), prefix);
  return fields;
}

// An offline scanner's queue: {scans: [scan, …]}, at most checkin::kMaxOfflineScans.
Result<std::vector<checkin::OfflineScan>> parse_offline_scans(const Request& req) {
  KB_ASSIGN(JsonBody body, json_body(req));
  const json::value* list = body.raw("scans");
  KB_TRY(body.no_unknown_fields());
  if (!list || !list->is_array()) return invalid("scans", "wrong_type", "scans must be a list");
  const auto& a = list->as_array();
  if (a.empty()) return invalid("scans", "empty", "send at least one scan");
  if (a.size() > checkin::kMaxOfflineScans)
    return invalid("scans", "too_many", "at most 200 scans at once");
  std::vector<checkin::OfflineScan> scans;
  for (size_t i = 0; i < a.size(); ++i) {
    KB_ASSIGN(auto scan, parse_offline_scan(a[i], fmt::format("scans[{}].", i)));
    scans.push_back(std::move(scan));
  }
  return scans;
}

// Staff type a visitor in by hand: {full_name, phone?}.
Result<checkin::Entry> parse_manual(const Request& req, accounts::User staff, int64_t venue_id) {
  KB_ASSIGN(JsonBody body, json_body(req));
  KB_ASSIGN(std::string raw_name, body.required_string("full_name", 400));
  KB_ASSIGN(auto raw_phone, body.optional_string("phone", 40));
  KB_TRY(body.no_unknown_fields());
  checkin::TypedIn typed;
  KB_ASSIGN(typed.full_name, people::normalize_name(raw_name));
  if (raw_phone && !raw_phone->empty()) {
    KB_ASSIGN(typed.phone, normalize_mobile(*raw_phone));
  }
  checkin::Entry e;
  e.caller = std::move(staff);
  e.venue_id = venue_id;
  e.visitor = std::move(typed);
  return e;
}

// --- Answers --------------------------------------------------------------------------------

json::object status_json(const health::HealthStatus& s) {
  return {{"colour", health::colour_name(s.colour)},
          {"reason", s.reason},
          {"instruction", s.instruction}};
}

void write_status(JsonWriter& out, const health::HealthStatus& s) {
  out.begin_object()
      .member("colour", health::colour_name(s.colour))
      .member("reason", s.reason)
      .member("instruction", s.instruction)
      .end_object();
}

// The visitor's own answer: the venue and, per person, the visit and what to do. Written
// straight into the body (the hottest answer): the members and their order are those of the
// json::object it was built as before.
Response written(int status, std::string body) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

Response checkin_answer(App& app, const checkin::DoorAnswer& a, bool guest) {
  bool all_duplicate = true;
  std::string body;
  body.reserve(600 * a.people.size() + 200);
  JsonWriter out(body);
  const venues::Venue& v = a.venue;
  const std::string& secret = app.door().config().secret;
  out.begin_object().key("venue").begin_object();
  out.member("id", v.id).member("code", v.code).member("name", v.name);
  out.member("address_line", venues::address_line(v, app.areas()));
  out.end_object().key("visits").begin_array();
  for (const auto& p : a.people) {
    all_duplicate = all_duplicate && p.duplicate;
    out.begin_object();
    write_visit_members(out, p.visit);
    out.member("duplicate", p.duplicate).key("status");
    write_status(out, p.status);
    out.member("flagged", p.flagged);
    if (guest) out.member("checkout_token", checkin::checkout_token(secret, p.visit));
    out.end_object();
  }
  out.end_array().end_object();
  return written(all_duplicate ? 200 : 201, std::move(body));
}

// A scanner's answer: one person, their colour, why, and what the staff should do.
Response scan_answer(const checkin::DoorAnswer& a) {
  const checkin::PersonAtDoor& p = a.people.front();
  std::string body;
  body.reserve(800);
  JsonWriter out(body);
  out.begin_object()
      .member("result", "checked_in")
      .member("duplicate", p.duplicate)
      .member("colour", health::colour_name(p.status.colour))
      .member("reason", p.status.reason)
      .member("instruction", p.status.instruction)
      .member("flagged", p.flagged)
      .member("masked_name", p.masked_name)
      .member("trust", checkin::trust_name(p.visit.trust))
      .member("trust_level", checkin::trust_level(p.visit.trust))
      .key("visit");
  write_visit(out, p.visit);
  if (!a.warning.empty()) out.member("warning", a.warning);
  out.end_object();
  return written(p.duplicate ? 200 : 201, std::move(body));
}

// Each offline scan's answer, in the order sent, and the counts.
Response offline_answer(const checkin::OfflineBatchAnswer& batch) {
  json::array scans;
  int64_t counts[3] = {0, 0, 0};
  for (const auto& a : batch.scans) {
    ++counts[static_cast<int>(a.result)];
    json::object o{{"client_id", a.client_id}, {"result", checkin::offline_result_name(a.result)}};
    if (a.refusal) {
      json::object err{{"code", a.refusal->code}, {"message", a.refusal->message}};
      if (!a.refusal->field.empty()) err["field"] = a.refusal->field;
      o["error"] = std::move(err);
    }
    if (const auto& p = a.person) {
      o["masked_name"] = p->masked_name;
      o["status"] = status_json(p->status);
      o["flagged"] = p->flagged;
      o["offline"] = p->offline;
      o["trust"] = checkin::trust_name(p->visit.trust);
      o["visit"] = visit_json(p->visit);
      o["traced_cases"] = a.traced_cases.size();
    }
    scans.push_back(std::move(o));
  }
  return Response::json(200, json::object{{"scans", std::move(scans)},
                                          {"recorded", counts[0]},
                                          {"duplicate", counts[1]},
                                          {"refused", counts[2]}});
}

// --- Handlers -------------------------------------------------------------------------------

awaitable<Result<Response>> create_checkin(App& app, Request& req) {
  KB_CO_ASSIGN(auto caller, maybe_signed_in(app, req));
  KB_CO_ASSIGN(checkin::Entry entry, parse_checkin(req, std::move(caller)));
  KB_CO_ASSIGN(checkin::DoorAnswer answer, co_await app.door().enter(entry, app.now()));
  co_return checkin_answer(app, answer, !entry.caller);
}

awaitable<Result<Response>> create_scan(App& app, Request& req) {
  KB_CO_ASSIGN(accounts::User staff, signed_in(app, req));
  int64_t now = app.now();
  KB_CO_ASSIGN(ScanRequest scan, parse_scan(req, std::move(staff), now));
  if (scan.phone_without_code) {
    KB_CO_ASSIGN(auto sent,
                 co_await app.door().send_phone_code(*scan.entry.caller, scan.entry.venue_id,
                                                     *scan.phone_without_code, now));
    co_return Response::json(202, json::object{{"result", "code_sent"},
                                               {"phone", sent.masked_phone},
                                               {"expires_in", sent.expires_in}});
  }
  KB_CO_ASSIGN(checkin::DoorAnswer answer, co_await app.door().enter(scan.entry, now));
  co_return scan_answer(answer);
}

awaitable<Result<Response>> create_scan_batch(App& app, Request& req) {
  KB_CO_ASSIGN(accounts::User staff, signed_in(app, req));
  KB_CO_ASSIGN(auto scans, parse_offline_scans(req));
  checkin::LateTracing tracing{app.config().tracing.exposure, &app.areas(), inbox_link(app)};
  KB_CO_ASSIGN(auto batch, co_await checkin::enter_offline_scans(
                               app.door(), app.db(), tracing, staff, std::move(scans), app.now()));
  if (!batch.notified_people.empty()) app.inbox_hub().notify_people(batch.notified_people);
  co_return offline_answer(batch);
}

awaitable<Result<Response>> create_manual_visit(App& app, Request& req) {
  KB_CO_ASSIGN(accounts::User staff, signed_in(app, req));
  KB_CO_ASSIGN(int64_t venue_id, path_id(req, "id", "venue_not_found"));
  KB_CO_ASSIGN(checkin::Entry entry, parse_manual(req, std::move(staff), venue_id));
  KB_CO_ASSIGN(checkin::DoorAnswer answer, co_await app.door().enter(entry, app.now()));
  co_return scan_answer(answer);
}

// --- Check-out ------------------------------------------------------------------------------

Result<checkin::CheckoutRequest> parse_checkout(const Request& req,
                                                std::optional<accounts::User> caller) {
  KB_ASSIGN(JsonBody body, json_body(req));
  checkin::CheckoutRequest r;
  KB_ASSIGN(r.visit_id, body.optional_int("visit_id", 1, INT64_MAX));
  KB_ASSIGN(auto code, body.optional_string("venue_code", 40));
  KB_ASSIGN(r.checkout_token, body.optional_string("checkout_token", 80));
  KB_TRY(body.no_unknown_fields());
  if (code) {
    KB_ASSIGN(r.venue_code, venues::VenueCode::parse(*code));
  }
  if (!r.visit_id && !r.venue_code) {
    return invalid("visit_id", "missing_field", "give visit_id, or venue_code to leave a venue");
  }
  r.caller = std::move(caller);
  return r;
}

awaitable<Result<Response>> create_checkout(App& app, Request& req) {
  KB_CO_ASSIGN(auto caller, maybe_signed_in(app, req));
  KB_CO_ASSIGN(checkin::CheckoutRequest r, parse_checkout(req, std::move(caller)));
  KB_CO_ASSIGN(auto closed,
               co_await checkin::check_out(app.db(), r, app.door().config().secret, app.now()));
  json::array out;
  for (const auto& v : closed) out.push_back(visit_json(v));
  co_return Response::json(200, json::object{{"visits", std::move(out)}});
}

// --- My visits ------------------------------------------------------------------------------

awaitable<Result<Response>> my_visits(App& app, Request& req) {
  KB_CO_ASSIGN(accounts::User user, signed_in(app, req));
  if (user.role != accounts::Role::kCitizen)
    co_return Response::json(200, json::object{{"visits", json::array{}}});
  int64_t now = app.now();
  KB_CO_ASSIGN(auto visits, app.db().read([&](store::Connection& c) {
    return checkin::history_of(c, user.id, now);
  }));
  json::array out;
  for (const auto& v : visits) {
    json::object o = visit_json(v.visit);
    o["venue_name"] = v.venue_name;
    o["venue_code"] = v.venue_code;
    o["person_name"] = v.person_name;
    o["open"] = !v.visit.t_out && v.visit.assumed_out > now;
    out.push_back(std::move(o));
  }
  co_return Response::json(200, json::object{{"visits", std::move(out)}});
}

}  // namespace

void register_checkin_routes(App& app) {
  auto& r = app.router();
  r.add(
      Method::kPost, "/api/v1/checkins", [&app](Request& req) { return create_checkin(app, req); },
      "check in at a venue (signed in, or as a guest)");
  r.add(
      Method::kPost, "/api/v1/checkouts",
      [&app](Request& req) { return create_checkout(app, req); },
      "check out of a visit, or of a venue");
  r.add(
      Method::kPost, "/api/v1/scans", [&app](Request& req) { return create_scan(app, req); },
      "staff scanner: record a visitor from a scanned QR or phone number");
  r.add(
      Method::kPost, "/api/v1/scans/batch",
      [&app](Request& req) { return create_scan_batch(app, req); },
      "staff scanner: scans made without network, sent later (each answered on its own)");
  r.add(
      Method::kPost, "/api/v1/venues/{id}/visits",
      [&app](Request& req) { return create_manual_visit(app, req); },
      "staff record a visitor by hand");
  r.add(
      Method::kGet, "/api/v1/me/visits", [&app](Request& req) { return my_visits(app, req); },
      "the signed-in citizen's visits (and their family's), newest first");
}

}  // namespace kb::http
