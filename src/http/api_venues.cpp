// Venues: registration, posters, staff, status, the kiosk code and the guest log.
#include <fmt/format.h>

#include <cctype>

#include "audit/audit_log.h"
#include "checkin/guest_log.h"
#include "checkin/visit.h"
#include "checkin/visitors.h"
#include "core/crypto.h"
#include "core/phone.h"
#include "http/app.h"
#include "http/handler_util.h"
#include "http/venue_json.h"
#include "people/person.h"
#include "qr/qr_image.h"
#include "venues/access.h"
#include "venues/kiosk.h"
#include "venues/poster.h"

namespace kb::http {
namespace {

using boost::asio::awaitable;
namespace json = boost::json;
using venues::Access;

Error forbidden(std::string code, std::string message) {
  return make_error(ErrorKind::kForbidden, std::move(code), std::move(message));
}

// Counts code points, for limits people understand.
size_t text_length(std::string_view s) {
  size_t n = 0;
  for (unsigned char ch : s) n += (ch & 0xC0) != 0x80;
  return n;
}

Result<venues::NewVenue> parse_new_venue(const Request& req, const areas::AreaDirectory& areas) {
  KB_ASSIGN(JsonBody body, json_body(req));
  venues::NewVenue v;
  KB_ASSIGN(v.name, body.required_string("name", 600));
  if (text_length(v.name) > 200) return invalid("name", "too_long", "the name is longer than 200 characters");
  KB_ASSIGN(std::string kind, body.required_string("kind", 20));
  KB_ASSIGN(v.kind, venues::parse_kind(kind));
  KB_ASSIGN(v.province_code, body.required_string("province_code", 10));
  KB_ASSIGN(v.ward_code, body.required_string("ward_code", 10));
  KB_ASSIGN(v.street, body.required_string("street", 600));
  if (text_length(v.street) > 200) return invalid("street", "too_long", "the street is longer than 200 characters");
  KB_ASSIGN(v.capacity, body.optional_int("capacity", 1, 1'000'000));
  KB_ASSIGN(auto phone, body.optional_string("contact_phone", 40));
  KB_TRY(body.no_unknown_fields());
  if (!areas.province(v.province_code)) return invalid("province_code", "unknown_province", "no such province");
  const auto* ward = areas.ward(v.ward_code);
  if (!ward) return invalid("ward_code", "unknown_ward", "no such ward");
  if (ward->province_code != v.province_code) {
    return invalid("ward_code", "ward_not_in_province", "this ward is not in the chosen province");
  }
  if (phone && !phone->empty()) {
    KB_ASSIGN(v.contact_phone, normalize_mobile(*phone, "contact_phone"));
  }
  return v;
}

awaitable<Response> create_venue(App& app, Request& req) {
  auto user = app.authenticate(req);
  if (!user.ok()) co_return Response::error(user.error());
  if (user->role != accounts::Role::kCitizen && user->role != accounts::Role::kVenueStaff) {
    co_return Response::error(forbidden("forbidden", "venues are registered by citizens or venue-staff accounts"));
  }
  auto parsed = parse_new_venue(req, app.areas());
  if (!parsed.ok()) co_return Response::error(parsed.error());
  auto job = [v = *parsed, by = user->id, now = app.now()](store::Connection& c) {
    return venues::create(c, v, by, now);
  };
  auto created = co_await app.write(job);
  if (!created.ok()) co_return Response::error(created.error());
  json::object o = venue_json(app, *created);
  o["role"] = "manager";
  co_return Response::json(201, o);
}

awaitable<Response> list_venues(App& app, Request& req) {
  auto user = app.authenticate(req);
  if (!user.ok()) co_return Response::error(user.error());
  json::array out;
  if (user->role == accounts::Role::kOfficial || user->role == accounts::Role::kAdmin) {
    if (!user->jurisdiction) co_return Response::json(200, json::object{{"venues", out}});
    int64_t limit = 100;
    std::optional<int64_t> before;
    if (auto b = req.query_param("before")) {
      auto id = path_id(*b, "invalid_before", "before must be a venue id");
      if (!id.ok()) co_return Response::error(invalid("before", "invalid_before", "before must be a venue id"));
      before = *id;
    }
    auto found = app.db().read([&](store::Connection& c) { return venues::venues_in(c, *user->jurisdiction, limit, before); });
    if (!found.ok()) co_return Response::error(found.error());
    for (const auto& v : *found) out.push_back(venue_json(app, v));
  } else {
    auto found = app.db().read([&](store::Connection& c) { return venues::venues_of(c, user->id); });
    if (!found.ok()) co_return Response::error(found.error());
    for (const auto& vr : *found) {
      json::object o = venue_json(app, vr.venue);
      o["role"] = venues::staff_role_name(vr.role);
      out.push_back(std::move(o));
    }
  }
  co_return Response::json(200, json::object{{"venues", std::move(out)}});
}

std::string_view access_name(Access a) {
  switch (a) {
    case Access::kManager: return "manager";
    case Access::kStaff: return "staff";
    case Access::kOfficial: return "official";
    case Access::kNone: break;
  }
  return "none";
}

// The signed-in user and their access to the venue in the path.
struct VenueRequest {
  accounts::User user;
  venues::VenueAccess va;
};
Result<VenueRequest> venue_request(App& app, const Request& req) {
  KB_ASSIGN(accounts::User user, app.authenticate(req));
  KB_ASSIGN(int64_t id, path_id(req.param("id"), "venue_not_found", "no such venue"));
  KB_ASSIGN(venues::VenueAccess va,
            app.db().read([&](store::Connection& c) { return venues::venue_for(c, user, id); }));
  return VenueRequest{std::move(user), std::move(va)};
}

awaitable<Response> get_venue(App& app, Request& req) {
  auto vr = venue_request(app, req);
  if (!vr.ok()) co_return Response::error(vr.error());
  json::object o = venue_json(app, vr->va.venue);
  o["role"] = access_name(vr->va.access);
  co_return Response::json(200, o);
}

// Public: what the check-in page shows of a venue, and for a signed-in citizen the people they
// may check in and their visits there still open.
awaitable<Response> venue_by_code(App& app, Request& req) {
  std::string code(req.param("code"));
  for (char& ch : code) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (auto st = venues::check_code_shape(code, "code"); !st.ok()) co_return Response::error(st.error());
  std::optional<accounts::User> user;
  if (!req.bearer_token().empty()) {
    auto u = app.authenticate(req);
    if (u.ok()) user = *u;
  }
  int64_t now = app.now();
  json::object out;
  auto found = app.db().read([&](store::Connection& c) -> Status {
    KB_ASSIGN(auto venue, venues::find_by_code(c, code));
    if (!venue) return make_error(ErrorKind::kNotFound, "venue_not_found", "no venue has this code");
    out = json::object{{"id", venue->id},
                       {"code", venue->code},
                       {"url", venue_url(app, *venue)},
                       {"name", venue->name},
                       {"kind", venues::kind_name(venue->kind)},
                       {"address_line", venues::address_line(*venue, app.areas())},
                       {"status", venues::status_name(venue->status)}};
    if (user && user->role == accounts::Role::kCitizen) {
      KB_ASSIGN(auto people, people::managed_by(c, user->id));
      json::array ps;
      std::vector<int64_t> ids;
      for (const auto& p : people) {
        ps.push_back(json::object{{"id", p.id}, {"full_name", p.full_name}, {"is_self", p.is_self}});
        ids.push_back(p.id);
      }
      KB_ASSIGN(auto open, checkin::open_visits(c, venue->id, ids, now));
      json::array vs;
      for (const auto& v : open) vs.push_back(visit_json(v));
      out["people"] = std::move(ps);
      out["open_visits"] = std::move(vs);
    }
    return {};
  });
  if (!found.ok()) co_return Response::error(found.error());
  co_return Response::json(200, out);
}

awaitable<Response> update_venue(App& app, Request& req) {
  auto vr = venue_request(app, req);
  if (!vr.ok()) co_return Response::error(vr.error());
  auto body = json_body(req);
  if (!body.ok()) co_return Response::error(body.error());
  auto raw = body->required_string("status", 20);
  if (!raw.ok()) co_return Response::error(raw.error());
  if (auto st = body->no_unknown_fields(); !st.ok()) co_return Response::error(st.error());
  auto status = venues::parse_status(*raw);
  if (!status.ok()) co_return Response::error(status.error());
  Access access = vr->va.access;
  if (access == Access::kStaff) co_return Response::error(forbidden("not_venue_manager", "only a manager changes this"));
  if (access == Access::kManager) {
    if (*status == venues::VenueStatus::kSuspended) {
      co_return Response::error(
          Error{ErrorKind::kForbidden, "officials_only", "only a health official suspends a venue", "status"});
    }
    if (vr->va.venue.status == venues::VenueStatus::kSuspended) {
      co_return Response::error(Error{ErrorKind::kForbidden, "venue_suspended",
                                      "this venue was suspended by a health official; only they can reopen it",
                                      "status"});
    }
  }
  auto job = [id = vr->va.venue.id, s = *status, by = vr->user.id, now = app.now()](store::Connection& c) {
    return venues::set_status(c, id, s, by, now);
  };
  auto done = co_await app.write(job);
  if (!done.ok()) co_return Response::error(done.error());
  app.forget_venue(vr->va.venue.code);  // check-ins here see the new status at once
  venues::Venue v = vr->va.venue;
  v.status = *status;
  json::object o = venue_json(app, v);
  o["role"] = access_name(access);
  co_return Response::json(200, o);
}

awaitable<Response> poster(App& app, Request& req, venues::PosterFormat format) {
  auto vr = venue_request(app, req);
  if (!vr.ok()) co_return Response::error(vr.error());
  const venues::Venue& v = vr->va.venue;
  venues::PosterContent content{v.name, venues::address_line(v, app.areas()), venue_url(app, v), v.code};
  auto bytes = venues::render_poster(content, format);
  if (!bytes.ok()) co_return Response::error(bytes.error());
  Response res;
  res.content_type = std::string(venues::content_type(format));
  res.body = std::move(*bytes);
  const char* ext = format == venues::PosterFormat::kSvg ? "svg" : format == venues::PosterFormat::kPng ? "png" : "pdf";
  res.headers.emplace_back("Content-Disposition", fmt::format("inline; filename=\"poster-{}.{}\"", v.code, ext));
  res.headers.emplace_back("Cache-Control", "private, max-age=300");
  co_return res;
}

json::object staff_json(const venues::StaffMember& s) {
  json::object o{{"user_id", s.user_id}, {"role", venues::staff_role_name(s.role)}, {"added_at", format_rfc3339(s.added_at)}};
  o["username"] = s.username.empty() ? json::value(nullptr) : json::value(s.username);
  o["phone"] = s.phone.empty() ? json::value(nullptr) : json::value(mask_phone(s.phone));
  return o;
}

awaitable<Response> list_staff(App& app, Request& req) {
  auto vr = venue_request(app, req);
  if (!vr.ok()) co_return Response::error(vr.error());
  if (vr->va.access != Access::kManager) {
    co_return Response::error(forbidden("not_venue_manager", "only a manager sees the staff list"));
  }
  auto staff = app.db().read([&](store::Connection& c) { return venues::staff_of(c, vr->va.venue.id); });
  if (!staff.ok()) co_return Response::error(staff.error());
  json::array out;
  for (const auto& s : *staff) out.push_back(staff_json(s));
  co_return Response::json(200, json::object{{"staff", std::move(out)}});
}

awaitable<Response> add_staff(App& app, Request& req) {
  auto vr = venue_request(app, req);
  if (!vr.ok()) co_return Response::error(vr.error());
  if (vr->va.access != Access::kManager) {
    co_return Response::error(forbidden("not_venue_manager", "only a manager adds staff"));
  }
  auto body = json_body(req);
  if (!body.ok()) co_return Response::error(body.error());
  auto raw_username = body->required_string("username", 64);
  if (!raw_username.ok()) co_return Response::error(raw_username.error());
  auto password = body->optional_string("password", 200);
  if (!password.ok()) co_return Response::error(password.error());
  if (auto st = body->no_unknown_fields(); !st.ok()) co_return Response::error(st.error());
  auto username = accounts::parse_username(*raw_username);
  if (!username.ok()) co_return Response::error(username.error());
  int64_t venue_id = vr->va.venue.id;
  int64_t by = vr->user.id;
  int64_t now = app.now();
  if (!*password) {
    auto job = [venue_id, name = *username, by, now](store::Connection& c) {
      return venues::attach_staff(c, venue_id, name, by, now);
    };
    auto attached = co_await app.write(job);
    if (!attached.ok()) co_return Response::error(attached.error());
    co_return Response::json(201, staff_json(*attached));
  }
  if (auto st = accounts::check_password_strength(**password); !st.ok()) co_return Response::error(st.error());
  auto hashed = hash_password(**password);
  if (!hashed.ok()) co_return Response::error(hashed.error());
  accounts::NewStaff staff;
  staff.username = *username;
  staff.password_hash = *hashed;
  staff.role = accounts::Role::kVenueStaff;
  auto job = [venue_id, staff, by, now](store::Connection& c) -> Result<venues::StaffMember> {
    KB_ASSIGN(accounts::User u, accounts::create_staff(c, staff, by, now));
    return venues::attach_user(c, venue_id, u.id, u.username, by, now);
  };
  auto created = co_await app.write(job);
  if (!created.ok()) co_return Response::error(created.error());
  co_return Response::json(201, staff_json(*created));
}

awaitable<Response> remove_staff(App& app, Request& req) {
  auto vr = venue_request(app, req);
  if (!vr.ok()) co_return Response::error(vr.error());
  if (vr->va.access != Access::kManager) {
    co_return Response::error(forbidden("not_venue_manager", "only a manager removes staff"));
  }
  auto user_id = path_id(req.param("user_id"), "staff_not_found", "this account is not staff here");
  if (!user_id.ok()) co_return Response::error(user_id.error());
  auto job = [venue_id = vr->va.venue.id, uid = *user_id, by = vr->user.id, now = app.now()](store::Connection& c) {
    return venues::detach_staff(c, venue_id, uid, by, now);
  };
  auto done = co_await app.write(job);
  if (!done.ok()) co_return Response::error(done.error());
  co_return Response::no_content();
}

awaitable<Response> kiosk_code(App& app, Request& req) {
  auto vr = venue_request(app, req);
  if (!vr.ok()) co_return Response::error(vr.error());
  if (vr->va.access != Access::kManager && vr->va.access != Access::kStaff) {
    co_return Response::error(forbidden("not_venue_staff", "only the venue's staff run its kiosk"));
  }
  auto secret = app.db().read([](store::Connection& c) { return venues::load_kiosk_secret(c); });
  if (!secret.ok()) co_return Response::error(secret.error());
  std::string key = *secret;
  if (key.empty()) {
    auto job = [](store::Connection& c) { return venues::load_or_create_kiosk_secret(c); };
    auto created = co_await app.write(job);
    if (!created.ok()) co_return Response::error(created.error());
    key = *created;
  }
  int64_t now = app.now();
  const venues::Venue& v = vr->va.venue;
  venues::KioskCode k = venues::kiosk_code(key, v.code, now);
  std::string url = fmt::format("{}?k={}", venue_url(app, v), k.token);
  auto svg = qr::qr_svg(url);
  if (!svg.ok()) co_return Response::error(svg.error());
  json::object o{{"venue", venue_json(app, v)},
                 {"token", k.token},
                 {"url", url},
                 {"qr_svg", *svg},
                 {"expires_at", format_rfc3339(k.expires_at)},
                 {"refresh_in", k.refresh_at - now}};
  Response res = Response::json(200, o);
  res.headers.emplace_back("Cache-Control", "no-store");
  co_return res;
}

// The guest log of one Vietnam day (default today): visits, counts, and per-day counts of the
// last two weeks. Officials must give a reason, and their read is audited.
awaitable<Response> guest_log(App& app, Request& req) {
  auto vr = venue_request(app, req);
  if (!vr.ok()) co_return Response::error(vr.error());
  int64_t now = app.now();
  std::string date = req.query_param("date").value_or(checkin::day_of(now));
  auto from = checkin::day_start(date);
  if (!from) co_return Response::error(invalid("date", "invalid_date", "date must be YYYY-MM-DD"));
  std::string format = req.query_param("format").value_or("json");
  if (format != "json" && format != "csv") {
    co_return Response::error(invalid("format", "invalid_format", "format must be json or csv"));
  }
  std::string reason = req.query_param("reason").value_or("");
  if (vr->va.access == Access::kOfficial) {
    if (reason.empty()) {
      co_return Response::error(invalid("reason", "reason_required", "officials give a reason to read a guest log"));
    }
    if (text_length(reason) > 500) co_return Response::error(invalid("reason", "too_long", "the reason is too long"));
  }
  int64_t venue_id = vr->va.venue.id;
  struct Log {
    std::vector<checkin::GuestLogEntry> entries;
    std::vector<checkin::DayCount> days;
    int64_t inside = 0;
  };
  auto log = app.db().read([&](store::Connection& c) -> Result<Log> {
    Log l;
    KB_ASSIGN(l.entries, checkin::visits_at(c, venue_id, *from, *from + 86400));
    KB_ASSIGN(l.days, checkin::day_counts(c, venue_id, *from - 13 * 86400, *from + 86400));
    KB_ASSIGN(l.inside, checkin::inside_now(c, venue_id, now));
    return l;
  });
  if (!log.ok()) co_return Response::error(log.error());
  if (vr->va.access == Access::kOfficial) {
    auto job = [by = vr->user.id, venue_id, reason, date, format, n = log->entries.size(), now](store::Connection& c) {
      std::string subject = fmt::format("venue:{}", venue_id);
      std::string detail = fmt::format("guest log {} ({} visits, {})", date, n, format);
      return audit::record(c, {.at = now, .actor_id = by, .action = "venue.visits.read", .subject = subject,
                               .reason = reason, .detail = detail});
    };
    auto audited = co_await app.write(job);
    if (!audited.ok()) co_return Response::error(audited.error());
  }
  if (format == "csv") {
    Response res;
    res.content_type = "text/csv; charset=utf-8";
    res.body = checkin::guest_log_csv(log->entries);
    res.headers.emplace_back("Content-Disposition",
                             fmt::format("attachment; filename=\"guest-log-{}-{}.csv\"", vr->va.venue.code, date));
    res.headers.emplace_back("Cache-Control", "no-store");
    co_return res;
  }
  json::array visits;
  int64_t out_count = 0;
  for (const auto& e : log->entries) {
    json::object o = visit_json(e.visit);
    o["full_name"] = e.full_name;
    o["phone"] = e.phone.empty() ? json::value(nullptr) : json::value(e.phone);
    if (e.visit.t_out) ++out_count;
    visits.push_back(std::move(o));
  }
  json::array days;
  for (const auto& d : log->days) days.push_back(json::object{{"date", d.date}, {"in", d.in}, {"out", d.out}});
  json::object o{{"venue", venue_json(app, vr->va.venue)},
                 {"date", date},
                 {"counts", json::object{{"in", static_cast<int64_t>(log->entries.size())},
                                         {"out", out_count},
                                         {"inside_now", log->inside}}},
                 {"days", std::move(days)},
                 {"visits", std::move(visits)}};
  Response res = Response::json(200, o);
  res.headers.emplace_back("Cache-Control", "no-store");
  co_return res;
}

// Staff type a visitor in by hand: the weakest trust, for people with nothing to scan.
awaitable<Response> manual_visit(App& app, Request& req) {
  auto vr = venue_request(app, req);
  if (!vr.ok()) co_return Response::error(vr.error());
  if (vr->va.access != Access::kManager && vr->va.access != Access::kStaff) {
    co_return Response::error(forbidden("not_venue_staff", "only the venue's staff record visitors"));
  }
  if (vr->va.venue.status != venues::VenueStatus::kOpen) {
    co_return Response::error(make_error(ErrorKind::kConflict, "venue_closed", "this venue is not open for check-ins"));
  }
  auto body = json_body(req);
  if (!body.ok()) co_return Response::error(body.error());
  auto raw_name = body->required_string("full_name", 400);
  if (!raw_name.ok()) co_return Response::error(raw_name.error());
  auto raw_phone = body->optional_string("phone", 40);
  if (!raw_phone.ok()) co_return Response::error(raw_phone.error());
  if (auto st = body->no_unknown_fields(); !st.ok()) co_return Response::error(st.error());
  auto name = people::normalize_name(*raw_name);
  if (!name.ok()) co_return Response::error(name.error());
  std::string phone;
  if (*raw_phone && !(*raw_phone)->empty()) {
    auto p = normalize_mobile(**raw_phone);
    if (!p.ok()) co_return Response::error(p.error());
    phone = *p;
  }
  struct Out {
    checkin::Recorded recorded;
    std::string masked;
  };
  auto job = [venue_id = vr->va.venue.id, by = vr->user.id, name = *name, phone, now = app.now()](
                 store::Connection& c) -> Result<Out> {
    people::Person person;
    if (phone.empty()) {
      people::PersonFields f;
      f.full_name = name;
      KB_ASSIGN(person, people::create(c, f, now));
    } else {
      KB_ASSIGN(person, checkin::guest(c, name, phone, now));
    }
    KB_ASSIGN(auto recorded, checkin::record(c, {.venue_id = venue_id, .person_id = person.id, .at = now,
                                                 .source = checkin::Source::kManual,
                                                 .trust = checkin::Trust::kManual, .recorded_by = by}));
    return Out{std::move(recorded), checkin::masked_identity(person)};
  };
  auto out = co_await app.write(job);
  if (!out.ok()) co_return Response::error(out.error());
  json::object o{{"result", "checked_in"},
                 {"duplicate", out->recorded.duplicate},
                 {"colour", "green"},
                 {"masked_name", out->masked},
                 {"visit", visit_json(out->recorded.visit)}};
  co_return Response::json(out->recorded.duplicate ? 200 : 201, o);
}

}  // namespace

void register_venue_routes(App& app) {
  auto& r = app.router();
  r.add(Method::kPost, "/api/v1/venues", [&app](Request& req) { return create_venue(app, req); },
        "register a venue → {id, code, url}");
  r.add(Method::kGet, "/api/v1/venues", [&app](Request& req) { return list_venues(app, req); },
        "my venues, or an official's venues in the jurisdiction");
  r.add(Method::kGet, "/api/v1/venues/by-code/{code}", [&app](Request& req) { return venue_by_code(app, req); },
        "a venue as its check-in page shows it (public)");
  r.add(Method::kGet, "/api/v1/venues/{id}", [&app](Request& req) { return get_venue(app, req); }, "one venue");
  r.add(Method::kPatch, "/api/v1/venues/{id}", [&app](Request& req) { return update_venue(app, req); },
        "open, close or suspend a venue");
  r.add(Method::kGet, "/api/v1/venues/{id}/poster.svg",
        [&app](Request& req) { return poster(app, req, venues::PosterFormat::kSvg); }, "the A4 poster (SVG)");
  r.add(Method::kGet, "/api/v1/venues/{id}/poster.png",
        [&app](Request& req) { return poster(app, req, venues::PosterFormat::kPng); }, "the A4 poster (PNG)");
  r.add(Method::kGet, "/api/v1/venues/{id}/poster.pdf",
        [&app](Request& req) { return poster(app, req, venues::PosterFormat::kPdf); }, "the A4 poster (PDF)");
  r.add(Method::kGet, "/api/v1/venues/{id}/staff", [&app](Request& req) { return list_staff(app, req); },
        "a venue's managers and staff");
  r.add(Method::kPost, "/api/v1/venues/{id}/staff", [&app](Request& req) { return add_staff(app, req); },
        "create or attach a venue-staff account");
  r.add(Method::kDelete, "/api/v1/venues/{id}/staff/{user_id}",
        [&app](Request& req) { return remove_staff(app, req); }, "remove a staff member");
  r.add(Method::kGet, "/api/v1/venues/{id}/kiosk-code", [&app](Request& req) { return kiosk_code(app, req); },
        "the kiosk screen's current signed check-in code");
  r.add(Method::kGet, "/api/v1/venues/{id}/visits", [&app](Request& req) { return guest_log(app, req); },
        "the guest log of a day (JSON or CSV)");
  r.add(Method::kPost, "/api/v1/venues/{id}/visits", [&app](Request& req) { return manual_visit(app, req); },
        "staff record a visitor by hand");
}

}  // namespace kb::http
