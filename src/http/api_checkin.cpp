// Check-in and check-out: citizens and guests on the venue page, staff scanners at the door.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <map>

#include "checkin/phone_check.h"
#include "checkin/visit.h"
#include "checkin/visitors.h"
#include "core/clock.h"
#include "core/crypto.h"
#include "core/phone.h"
#include "http/app.h"
#include "http/handler_util.h"
#include "http/venue_json.h"
#include "people/person.h"
#include "qr/personal_qr.h"
#include "scan/bhyt_qr.h"
#include "scan/cccd_qr.h"
#include "venues/access.h"
#include "venues/kiosk.h"

namespace kb::http {
namespace {

using boost::asio::awaitable;
namespace json = boost::json;

Error venue_closed(const venues::Venue& v) {
  return make_error(ErrorKind::kConflict, "venue_closed",
                    v.status == venues::VenueStatus::kSuspended ? "this venue is suspended by the health authority"
                                                           : "this venue is closed for check-ins");
}

std::string lower(std::string s) {
  for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

// --- Citizen and guest check-in ---------------------------------------------------------------

struct CheckinRequest {
  std::string venue_code;
  std::vector<int64_t> person_ids;  // empty: the account holder
  std::optional<std::string> kiosk;
  std::optional<std::string> guest_name;
  std::optional<std::string> guest_phone;
};

Result<std::vector<int64_t>> parse_ids(const json::value* v, std::string_view field) {
  std::vector<int64_t> ids;
  if (!v) return ids;
  Error bad = invalid(std::string(field), "wrong_type", fmt::format("{} must be a list of person ids", field));
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

Result<CheckinRequest> parse_checkin(const Request& req, bool signed_in) {
  KB_ASSIGN(JsonBody body, json_body(req));
  CheckinRequest r;
  KB_ASSIGN(std::string code, body.required_string("venue_code", 40));
  r.venue_code = lower(code);
  KB_TRY(venues::check_code_shape(r.venue_code));
  KB_ASSIGN(r.person_ids, parse_ids(body.raw("person_ids"), "person_ids"));
  KB_ASSIGN(r.kiosk, body.optional_string("kiosk", 80));
  const json::value* guest = body.raw("guest");
  KB_TRY(body.no_unknown_fields());
  if (guest) {
    if (signed_in) return invalid("guest", "not_applicable", "signed-in citizens check in as themselves");
    if (!guest->is_object()) return invalid("guest", "wrong_type", "guest must be an object {full_name, phone}");
    KB_ASSIGN(JsonBody g, JsonBody::parse(json::serialize(*guest)));
    auto name = g.required_string("full_name", 400);
    if (!name.ok()) return invalid("guest.full_name", name.error().code, name.error().message);
    auto phone = g.required_string("phone", 40);
    if (!phone.ok()) return invalid("guest.phone", phone.error().code, phone.error().message);
    if (auto st = g.no_unknown_fields(); !st.ok()) {
      return invalid("guest." + st.error().field, st.error().code, st.error().message);
    }
    KB_ASSIGN(r.guest_name, people::normalize_name(*name, "guest.full_name"));
    KB_ASSIGN(r.guest_phone, normalize_mobile(*phone, "guest.phone"));
  } else if (!signed_in) {
    return make_error(ErrorKind::kUnauthenticated, "unauthenticated", "sign in, or check in as a guest");
  }
  if (!signed_in && !r.person_ids.empty()) {
    return invalid("person_ids", "not_applicable", "guests check in only themselves");
  }
  return r;
}

struct VenueForCheckin {
  venues::Venue venue;
  std::string kiosk_secret;
  std::vector<people::Person> managed;
};

awaitable<Response> create_checkin(App& app, Request& req) {
  std::optional<accounts::User> user;
  if (!req.bearer_token().empty()) {
    auto u = app.authenticate(req);
    if (!u.ok()) co_return Response::error(u.error());
    user = *u;
    if (user->role != accounts::Role::kCitizen) {
      co_return Response::error(make_error(ErrorKind::kForbidden, "citizens_only",
                                           "staff record visitors with the scanner, not by checking in"));
    }
  }
  auto parsed = parse_checkin(req, user.has_value());
  if (!parsed.ok()) co_return Response::error(parsed.error());
  const CheckinRequest& r = *parsed;
  int64_t now = app.now();

  auto found = [&]() -> Result<VenueForCheckin> {
    VenueForCheckin f;
    KB_ASSIGN(auto venue, app.venue_by_code(r.venue_code));
    if (!venue) return Error{ErrorKind::kNotFound, "venue_not_found", "no venue has this code", "venue_code"};
    f.venue = std::move(*venue);
    if (!r.kiosk && (!user || r.person_ids.empty())) return f;  // the common case: no more reads
    return app.db().read([&](store::Connection& c) -> Result<VenueForCheckin> {
      if (r.kiosk) {
        KB_ASSIGN(f.kiosk_secret, venues::load_kiosk_secret(c));
      }
      if (user && !r.person_ids.empty()) {
        KB_ASSIGN(f.managed, people::managed_by(c, user->id));
      }
      return std::move(f);
    });
  }();
  if (!found.ok()) co_return Response::error(found.error());
  const venues::Venue& venue = found->venue;
  if (venue.status != venues::VenueStatus::kOpen) co_return Response::error(venue_closed(venue));
  if (r.kiosk) {
    auto st = venues::check_kiosk_code(found->kiosk_secret, venue.code, *r.kiosk, now);
    if (!st.ok()) co_return Response::error(st.error());
  }
  for (int64_t id : r.person_ids) {
    bool mine = std::any_of(found->managed.begin(), found->managed.end(),
                            [id](const people::Person& p) { return p.id == id; });
    if (!mine) {
      co_return Response::error(
          Error{ErrorKind::kForbidden, "not_your_person", "you can check in only people you manage", "person_ids"});
    }
  }
  checkin::Trust trust = !user  ? checkin::Trust::kGuestForm
                         : r.kiosk ? checkin::Trust::kSelfKiosk
                                   : checkin::Trust::kSelfPoster;

  struct Checked {
    std::vector<checkin::Recorded> visits;
  };
  // The account holder's own person id never changes once made: known ids skip a query in the
  // writer, the one thread every check-in goes through.
  std::optional<int64_t> known_self = user && r.person_ids.empty() ? app.self_person_of(user->id) : std::nullopt;
  auto job = [venue_id = venue.id, ids = r.person_ids, account = user ? user->id : 0,
              phone = user ? user->phone : std::string(), guest_name = r.guest_name.value_or(""),
              guest_phone = r.guest_phone.value_or(""), trust, now](store::Connection& c) -> Result<Checked> {
    std::vector<people::Person> who;
    if (account == 0) {
      KB_ASSIGN(auto g, checkin::guest(c, guest_name, guest_phone, now));
      who.push_back(std::move(g));
    } else if (ids.empty()) {
      KB_ASSIGN(auto self, people::self_of(c, account, phone, now));
      who.push_back(std::move(self));
    } else {
      for (int64_t id : ids) {
        people::Person p;
        p.id = id;
        who.push_back(std::move(p));
      }
    }
    Checked out;
    for (const auto& p : who) {
      KB_ASSIGN(auto rec, checkin::record(c, {.venue_id = venue_id, .person_id = p.id, .at = now,
                                              .source = checkin::Source::kSelf, .trust = trust,
                                              .recorded_by = account ? std::optional<int64_t>(account) : std::nullopt}));
      out.visits.push_back(std::move(rec));
    }
    return out;
  };
  // A known self checks in with one duplicate check and at most one insert, its last statement,
  // and depends on no other write: the common case, and the hottest write there is. The writer
  // records a batch of them together (on PostgreSQL in one statement, checkin::record_all).
  std::optional<Result<Checked>> checked;
  if (known_self) {
    checkin::NewVisit visit{.venue_id = venue.id, .person_id = *known_self, .at = now, .source = checkin::Source::kSelf,
                            .trust = trust, .recorded_by = user->id};
    Result<checkin::Recorded> recorded = co_await app.ingest<checkin::CheckinGroup>(visit);
    if (recorded.ok()) {
      checked.emplace(Checked{{std::move(*recorded)}});
    } else {
      checked.emplace(recorded.error());
    }
  } else {
    checked.emplace(co_await app.write(job));
  }
  if (!checked->ok()) co_return Response::error(checked->error());
  const Checked& done = **checked;
  if (user && r.person_ids.empty() && !known_self && !done.visits.empty()) {
    app.remember_self_person(user->id, done.visits.front().visit.person_id);
  }

  bool all_duplicate = true;
  json::array visits;
  for (const auto& rec : done.visits) {
    all_duplicate = all_duplicate && rec.duplicate;
    json::object o = visit_json(rec.visit);
    o["duplicate"] = rec.duplicate;
    if (!user) o["checkout_token"] = checkin::checkout_token(app.secrets().otp_pepper, rec.visit);
    visits.push_back(std::move(o));
  }
  json::object body{{"venue", json::object{{"id", venue.id},
                                           {"code", venue.code},
                                           {"name", venue.name},
                                           {"address_line", venues::address_line(venue, app.areas())}}},
                    {"visits", std::move(visits)}};
  co_return Response::json(all_duplicate ? 200 : 201, body);
}

// --- Check-out -------------------------------------------------------------------------------

awaitable<Response> create_checkout(App& app, Request& req) {
  std::optional<accounts::User> user;
  if (!req.bearer_token().empty()) {
    auto u = app.authenticate(req);
    if (!u.ok()) co_return Response::error(u.error());
    user = *u;
  }
  auto body = json_body(req);
  if (!body.ok()) co_return Response::error(body.error());
  auto visit_id = body->optional_int("visit_id", 1, INT64_MAX);
  if (!visit_id.ok()) co_return Response::error(visit_id.error());
  auto raw_code = body->optional_string("venue_code", 40);
  if (!raw_code.ok()) co_return Response::error(raw_code.error());
  auto token = body->optional_string("checkout_token", 80);
  if (!token.ok()) co_return Response::error(token.error());
  if (auto st = body->no_unknown_fields(); !st.ok()) co_return Response::error(st.error());
  if (!*visit_id && !*raw_code) {
    co_return Response::error(invalid("visit_id", "missing_field", "give visit_id, or venue_code to leave a venue"));
  }
  int64_t now = app.now();

  // Which visits to close, checked before anything is written.
  std::vector<int64_t> to_close;
  if (*visit_id) {
    auto visit = app.db().read([&](store::Connection& c) -> Result<checkin::Visit> {
      KB_ASSIGN(auto v, checkin::find(c, **visit_id));
      Error not_found{ErrorKind::kNotFound, "visit_not_found", "no such visit", "visit_id"};
      if (!v) return not_found;
      if (user && user->role == accounts::Role::kCitizen) {
        KB_ASSIGN(auto people, people::managed_by(c, user->id));
        bool mine = std::any_of(people.begin(), people.end(), [&](const people::Person& p) { return p.id == v->person_id; });
        if (!mine) return not_found;
      } else if (user) {
        KB_ASSIGN(auto venue, venues::venue_for(c, *user, v->venue_id));
        if (venue.access != venues::Access::kManager && venue.access != venues::Access::kStaff) return not_found;
      } else {
        if (!*token) return Error{ErrorKind::kUnauthenticated, "unauthenticated", "sign in, or give the checkout_token",
                                  "checkout_token"};
        if (!constant_time_equal(**token, checkin::checkout_token(app.secrets().otp_pepper, *v))) {
          return Error{ErrorKind::kForbidden, "invalid_checkout_token", "this check-out token is not valid",
                       "checkout_token"};
        }
      }
      return std::move(*v);
    });
    if (!visit.ok()) co_return Response::error(visit.error());
    if (visit->t_out) {
      co_return Response::error(
          Error{ErrorKind::kConflict, "already_checked_out", "this visit was already checked out", "visit_id"});
    }
    to_close.push_back(visit->id);
  } else {
    if (!user || user->role != accounts::Role::kCitizen) {
      co_return Response::error(make_error(ErrorKind::kUnauthenticated, "unauthenticated",
                                           "sign in to leave a venue by its code, or give visit_id"));
    }
    std::string code = lower(**raw_code);
    if (auto st = venues::check_code_shape(code); !st.ok()) co_return Response::error(st.error());
    auto open = app.db().read([&](store::Connection& c) -> Result<std::vector<checkin::Visit>> {
      KB_ASSIGN(auto venue, venues::find_by_code(c, code));
      if (!venue) return Error{ErrorKind::kNotFound, "venue_not_found", "no venue has this code", "venue_code"};
      KB_ASSIGN(auto people, people::managed_by(c, user->id));
      std::vector<int64_t> ids;
      for (const auto& p : people) ids.push_back(p.id);
      return checkin::open_visits(c, venue->id, ids, now);
    });
    if (!open.ok()) co_return Response::error(open.error());
    if (open->empty()) {
      co_return Response::error(Error{ErrorKind::kConflict, "not_checked_in",
                                      "nobody you manage is checked in at this venue", "venue_code"});
    }
    for (const auto& v : *open) to_close.push_back(v.id);
  }
  auto job = [to_close, now](store::Connection& c) -> Result<std::vector<checkin::Visit>> {
    std::vector<checkin::Visit> closed;
    for (int64_t id : to_close) {
      KB_ASSIGN(auto v, checkin::check_out(c, id, now));
      closed.push_back(std::move(v));
    }
    return closed;
  };
  auto closed = co_await app.write(job);
  if (!closed.ok()) co_return Response::error(closed.error());
  json::array out;
  for (const auto& v : *closed) out.push_back(visit_json(v));
  co_return Response::json(200, json::object{{"visits", std::move(out)}});
}

// --- My visits -------------------------------------------------------------------------------

awaitable<Response> my_visits(App& app, Request& req) {
  auto user = app.authenticate(req);
  if (!user.ok()) co_return Response::error(user.error());
  if (user->role != accounts::Role::kCitizen) co_return Response::json(200, json::object{{"visits", json::array{}}});
  int64_t now = app.now();
  std::map<int64_t, std::string> names;
  auto visits = app.db().read([&](store::Connection& c) -> Result<std::vector<checkin::VisitAtVenue>> {
    KB_ASSIGN(auto people, people::managed_by(c, user->id));
    std::vector<int64_t> ids;
    for (const auto& p : people) {
      ids.push_back(p.id);
      names[p.id] = p.full_name;
    }
    return checkin::visits_of(c, ids, now - 28 * 86400, 200);
  });
  if (!visits.ok()) co_return Response::error(visits.error());
  json::array out;
  for (const auto& v : *visits) {
    json::object o = visit_json(v.visit);
    o["venue_name"] = v.venue_name;
    o["venue_code"] = v.venue_code;
    o["person_name"] = names[v.visit.person_id];
    o["open"] = !v.visit.t_out && v.visit.assumed_out > now;
    out.push_back(std::move(o));
  }
  co_return Response::json(200, json::object{{"visits", std::move(out)}});
}

// --- Staff scanner ---------------------------------------------------------------------------

struct ScanRequest {
  int64_t venue_id = 0;
  std::string payload;
  std::optional<std::string> code;
  std::optional<std::string> full_name;
};

Result<ScanRequest> parse_scan(const Request& req) {
  KB_ASSIGN(JsonBody body, json_body(req));
  ScanRequest r;
  KB_ASSIGN(r.venue_id, body.required_int("venue_id", 1, INT64_MAX));
  KB_ASSIGN(std::string payload, body.required_string("payload", 4000));
  r.payload = std::move(payload);
  KB_ASSIGN(r.code, body.optional_string("code", 20));
  KB_ASSIGN(auto name, body.optional_string("full_name", 400));
  KB_TRY(body.no_unknown_fields());
  if (r.code && (r.code->size() != 6 || r.code->find_first_not_of("0123456789") != std::string::npos)) {
    return invalid("code", "invalid_code", "the code has 6 digits");
  }
  if (name && !name->empty()) {
    KB_ASSIGN(r.full_name, people::normalize_name(*name, "full_name"));
  }
  return r;
}

// A phone number as a scanner or a keyboard gives it: digits with + . - ( ) and spaces only.
bool looks_like_phone(std::string_view payload) {
  if (payload.empty() || payload.size() > 24) return false;
  return payload.find_first_not_of("0123456789+.-() ") == std::string_view::npos;
}

struct ScanOutcome {
  checkin::Recorded recorded;
  std::string masked;
};

Response scan_response(const ScanOutcome& s, std::string_view colour, std::string_view warning) {
  json::object o{{"result", "checked_in"},
                 {"duplicate", s.recorded.duplicate},
                 {"colour", colour},
                 {"masked_name", s.masked},
                 {"trust", checkin::trust_name(s.recorded.visit.trust)},
                 {"trust_level", checkin::trust_level(s.recorded.visit.trust)},
                 {"visit", visit_json(s.recorded.visit)}};
  if (!warning.empty()) o["warning"] = warning;
  return Response::json(s.recorded.duplicate ? 200 : 201, o);
}

checkin::NewVisit staff_visit(int64_t venue_id, int64_t person_id, int64_t staff_id, checkin::Trust trust,
                              int64_t now) {
  return {.venue_id = venue_id, .person_id = person_id, .at = now, .source = checkin::Source::kStaffScan,
          .trust = trust, .recorded_by = staff_id};
}

Error qr_refusal(qr::Verdict v) {
  switch (v) {
    case qr::Verdict::kExpired:
      return Error{ErrorKind::kGone, "qr_expired", "this personal QR has expired; ask for a fresh one", "payload"};
    case qr::Verdict::kRevoked:
      return Error{ErrorKind::kGone, "qr_revoked", "this personal QR was revoked", "payload"};
    case qr::Verdict::kForged:
      return invalid("payload", "qr_forged", "this personal QR is not signed by us: do not trust it");
    default: break;
  }
  return invalid("payload", "qr_malformed", "this personal QR is damaged; scan it again");
}

awaitable<Response> scan_personal_qr(App& app, const ScanRequest& r, int64_t staff_id, int64_t now) {
  auto check = app.db().read([&](store::Connection& c) { return qr::check_personal_qr(c, r.payload, now); });
  if (!check.ok()) co_return Response::error(check.error());
  if (check->verdict != qr::Verdict::kValid) co_return Response::error(qr_refusal(check->verdict));
  auto job = [venue_id = r.venue_id, person_id = check->person_id, staff_id, now](
                 store::Connection& c) -> Result<ScanOutcome> {
    KB_ASSIGN(auto person, people::find(c, person_id));
    if (!person) return Error{ErrorKind::kNotFound, "person_not_found", "this QR names no recorded person", "payload"};
    KB_ASSIGN(auto rec, checkin::record(c, staff_visit(venue_id, person_id, staff_id, checkin::Trust::kPersonalQr, now)));
    return ScanOutcome{std::move(rec), checkin::masked_identity(*person)};
  };
  auto out = co_await app.write(job);
  if (!out.ok()) co_return Response::error(out.error());
  co_return scan_response(*out, check->colour.empty() ? "green" : check->colour, "");
}

awaitable<Response> scan_cccd(App& app, const ScanRequest& r, int64_t staff_id, int64_t now) {
  auto card = scan::parse_cccd(r.payload, now);
  if (!card.ok()) co_return Response::error(card.error());
  auto job = [venue_id = r.venue_id, card = *card, staff_id, now](store::Connection& c) -> Result<ScanOutcome> {
    KB_ASSIGN(auto person, checkin::person_for_cccd(c, card, now));
    KB_ASSIGN(auto rec, checkin::record(c, staff_visit(venue_id, person.id, staff_id, checkin::Trust::kCccd, now)));
    return ScanOutcome{std::move(rec), checkin::masked_identity(person)};
  };
  auto out = co_await app.write(job);
  if (!out.ok()) co_return Response::error(out.error());
  co_return scan_response(*out, "green", "");
}

awaitable<Response> scan_bhyt(App& app, const ScanRequest& r, int64_t staff_id, int64_t now) {
  auto card = scan::parse_bhyt(r.payload, now);
  if (!card.ok()) co_return Response::error(card.error());
  auto job = [venue_id = r.venue_id, card = *card, staff_id, now](store::Connection& c) -> Result<ScanOutcome> {
    KB_ASSIGN(auto person, checkin::person_for_bhyt(c, card, now));
    KB_ASSIGN(auto rec, checkin::record(c, staff_visit(venue_id, person.id, staff_id, checkin::Trust::kBhyt, now)));
    return ScanOutcome{std::move(rec), checkin::masked_identity(person)};
  };
  auto out = co_await app.write(job);
  if (!out.ok()) co_return Response::error(out.error());
  std::string warning;
  if (!card->valid_to.empty() && card->valid_to < checkin::day_of(now)) warning = "card_expired";
  co_return scan_response(*out, "green", warning);
}

awaitable<Response> scan_phone(App& app, const ScanRequest& r, const venues::Venue& venue, int64_t staff_id,
                               int64_t now) {
  auto phone = normalize_mobile(r.payload, "payload");
  if (!phone.ok()) co_return Response::error(phone.error());
  checkin::PhoneCheckConfig config;
  if (!r.code) {
    auto job = [&app, config, venue_id = r.venue_id, phone = *phone, now](store::Connection& c) {
      return checkin::issue_phone_code(c, config, app.secrets().otp_pepper, venue_id, phone, now);
    };
    auto issued = co_await app.write(job);
    if (!issued.ok()) co_return Response::error(issued.error());
    std::string text = fmt::format("Ma xac nhan khaibao: {}. Doc ma nay cho nhan vien dia diem de check-in "
                                   "(ma dia diem {}). Hieu luc {} phut.",
                                   issued->code, venue.code, issued->expires_in / 60);
    if (auto sent = app.sms().send({"sms", *phone, text, now}); !sent.ok()) {
      spdlog::error("sending a check-in code failed: {}", sent.error().message);
      co_return Response::error(sent.error());
    }
    co_return Response::json(202, json::object{{"result", "code_sent"},
                                               {"phone", mask_phone(*phone)},
                                               {"expires_in", issued->expires_in}});
  }
  struct PhoneOutcome {
    std::optional<ScanOutcome> scan;
    std::optional<Error> refusal;
  };
  auto job = [&app, config, venue_id = r.venue_id, phone = *phone, code = *r.code,
              name = r.full_name.value_or(""), staff_id, now](store::Connection& c) -> Result<PhoneOutcome> {
    KB_ASSIGN(auto check, checkin::check_phone_code(c, config, app.secrets().otp_pepper, venue_id, phone, code, now));
    if (!check.ok) return PhoneOutcome{std::nullopt, check.refusal};
    KB_ASSIGN(auto person, checkin::person_for_phone(c, phone, name, now));
    KB_ASSIGN(auto rec, checkin::record(c, staff_visit(venue_id, person.id, staff_id, checkin::Trust::kPhoneOtp, now)));
    return PhoneOutcome{ScanOutcome{std::move(rec), checkin::masked_identity(person)}, std::nullopt};
  };
  auto out = co_await app.write(job);
  if (!out.ok()) co_return Response::error(out.error());
  if (out->refusal) co_return Response::error(*out->refusal);
  co_return scan_response(*out->scan, "green", "");
}

awaitable<Response> create_scan(App& app, Request& req) {
  auto user = app.authenticate(req);
  if (!user.ok()) co_return Response::error(user.error());
  auto parsed = parse_scan(req);
  if (!parsed.ok()) co_return Response::error(parsed.error());
  const ScanRequest& r = *parsed;
  auto va = app.db().read([&](store::Connection& c) { return venues::venue_for(c, *user, r.venue_id); });
  if (!va.ok()) co_return Response::error(va.error());
  if (va->access != venues::Access::kManager && va->access != venues::Access::kStaff) {
    co_return Response::error(make_error(ErrorKind::kForbidden, "not_venue_staff", "you do not work at this venue"));
  }
  if (va->venue.status != venues::VenueStatus::kOpen) co_return Response::error(venue_closed(va->venue));
  int64_t now = app.now();
  std::string_view payload = r.payload;  // trimmed by the parser
  if (qr::looks_like_personal_qr(payload)) co_return co_await scan_personal_qr(app, r, user->id, now);
  if (scan::looks_like_cccd(payload)) co_return co_await scan_cccd(app, r, user->id, now);
  if (scan::looks_like_bhyt(payload)) co_return co_await scan_bhyt(app, r, user->id, now);
  if (looks_like_phone(payload)) co_return co_await scan_phone(app, r, va->venue, user->id, now);
  if (payload.find("/v/") != std::string_view::npos) {
    co_return Response::error(invalid("payload", "venue_qr", "this is a venue's QR code, not a visitor's"));
  }
  co_return Response::error(invalid("payload", "unrecognised_payload",
                                    "not a personal QR, chip ID card, health-insurance card or phone number"));
}

}  // namespace

void register_checkin_routes(App& app) {
  auto& r = app.router();
  r.add(Method::kPost, "/api/v1/checkins", [&app](Request& req) { return create_checkin(app, req); },
        "check in at a venue (signed in, or as a guest)");
  r.add(Method::kPost, "/api/v1/checkouts", [&app](Request& req) { return create_checkout(app, req); },
        "check out of a visit, or of a venue");
  r.add(Method::kPost, "/api/v1/scans", [&app](Request& req) { return create_scan(app, req); },
        "staff scanner: record a visitor from a scanned QR or phone number");
  r.add(Method::kGet, "/api/v1/me/visits", [&app](Request& req) { return my_visits(app, req); },
        "the signed-in citizen's visits (and their family's), newest first");
}

}  // namespace kb::http
