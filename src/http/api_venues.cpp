// Venues: registration, posters, staff, status, the kiosk code and the guest log.
#include <fmt/format.h>

#include "access/policy.h"
#include "checkin/door.h"
#include "checkin/guest_log.h"
#include "checkin/visit.h"
#include "core/crypto.h"
#include "core/phone.h"
#include "core/text.h"
#include "http/app.h"
#include "http/handler_util.h"
#include "http/venue_json.h"
#include "qr/qr_image.h"
#include "venues/kiosk.h"
#include "venues/poster.h"

namespace kb::http {
namespace {

using access::VenueRole;
using boost::asio::awaitable;
namespace json = boost::json;

// Counts code points, for limits people understand.
size_t text_length(std::string_view s) {
  size_t n = 0;
  for (unsigned char ch : s) n += (ch & 0xC0) != 0x80;
  return n;
}

// A venue's name and street go on its poster, its check-in page and guest-log CSVs: clean text
// (core/text.h), so no control character (a terminal escape, a bell) reaches them.
Result<std::string> poster_text(std::string_view text, std::string_view field) {
  auto clean = clean_text(text);
  if (!clean) {
    return invalid(std::string(field), "invalid_text",
                   fmt::format("the {} has a control or unassigned character", field));
  }
  if (clean->empty())
    return invalid(std::string(field), "empty", fmt::format("give the {}", field));
  return std::move(*clean);
}

Result<venues::NewVenue> parse_new_venue(const Request& req, const areas::AreaDirectory& areas) {
  KB_ASSIGN(JsonBody body, json_body(req));
  venues::NewVenue v;
  KB_ASSIGN(v.name, body.required_string("name", 600));
  KB_ASSIGN(v.name, poster_text(v.name, "name"));
  if (text_length(v.name) > 200)
    return invalid("name", "too_long", "the name is longer than 200 characters");
  KB_ASSIGN(std::string kind, body.required_string("kind", 20));
  KB_ASSIGN(v.kind, venues::parse_kind(kind));
  KB_ASSIGN(v.province_code, body.required_string("province_code", 10));
  KB_ASSIGN(v.ward_code, body.required_string("ward_code", 10));
  KB_ASSIGN(v.street, body.required_string("street", 600));
  KB_ASSIGN(v.street, poster_text(v.street, "street"));
  if (text_length(v.street) > 200)
    return invalid("street", "too_long", "the street is longer than 200 characters");
  KB_ASSIGN(v.capacity, body.optional_int("capacity", 1, 1'000'000));
  KB_ASSIGN(auto phone, body.optional_string("contact_phone", 40));
  KB_TRY(body.no_unknown_fields());
  if (!areas.province(v.province_code))
    return invalid("province_code", "unknown_province", "no such province");
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

std::string_view role_name(VenueRole r) {
  switch (r) {
    case VenueRole::kManager:
      return "manager";
    case VenueRole::kStaff:
      return "staff";
    case VenueRole::kOfficial:
      return "official";
    case VenueRole::kNone:
      break;
  }
  return "none";
}

json::object venue_with_role(App& app, const venues::Venue& v, std::string_view role) {
  json::object o = venue_json(app, v);
  o["role"] = role;
  return o;
}

// The signed-in account and the venue in the path, with the account's role there.
struct AtVenue {
  accounts::User user;
  access::VenueAndRole venue;
};
Result<AtVenue> at_venue(App& app, const Request& req) {
  KB_ASSIGN(accounts::User user, signed_in(app, req));
  KB_ASSIGN(int64_t id, path_id(req, "id", "venue_not_found"));
  KB_ASSIGN(auto venue,
            app.db().read([&](store::Connection& c) { return access::venue_for(c, user, id); }));
  return AtVenue{std::move(user), std::move(venue)};
}

awaitable<Result<Response>> create_venue(App& app, Request& req) {
  KB_CO_ASSIGN(accounts::User user, signed_in(app, req, access::registers_venues));
  KB_CO_ASSIGN(venues::NewVenue parsed, parse_new_venue(req, app.areas()));
  auto job = [v = std::move(parsed), by = user.id, now = app.now()](store::Connection& c) {
    return venues::create(c, v, by, now);
  };
  KB_CO_ASSIGN(venues::Venue created, co_await app.write(job));
  co_return Response::json(201, venue_with_role(app, created, "manager"));
}

Result<std::optional<int64_t>> before_param(const Request& req) {
  if (!req.query_param("before")) return std::optional<int64_t>();
  KB_ASSIGN(int64_t before, int_param(req, "before", 1, INT64_MAX, 0));
  return std::optional<int64_t>(before);
}

// An official's venues are those of the area (paged by `before`); anyone else's, their own.
awaitable<Result<Response>> list_venues(App& app, Request& req) {
  KB_CO_ASSIGN(accounts::User user, signed_in(app, req));
  KB_CO_ASSIGN(auto before, before_param(req));
  json::array out;
  if (access::official(user).ok()) {
    KB_CO_ASSIGN(auto found, app.db().read([&](store::Connection& c) {
      return venues::venues_in(c, *user.jurisdiction, 100, before);
    }));
    for (const auto& v : found) out.push_back(venue_json(app, v));
  } else {
    KB_CO_ASSIGN(auto found, app.db().read([&](store::Connection& c) {
      return venues::venues_of(c, user.id);
    }));
    for (const auto& vr : found)
      out.push_back(venue_with_role(app, vr.venue, venues::staff_role_name(vr.role)));
  }
  co_return Response::json(200, json::object{{"venues", std::move(out)}});
}

awaitable<Result<Response>> get_venue(App& app, Request& req) {
  KB_CO_ASSIGN(AtVenue at, at_venue(app, req));
  co_return Response::json(200, venue_with_role(app, at.venue.venue, role_name(at.venue.role)));
}

// Public: what the check-in page shows of a venue, and for a signed-in citizen the people they
// may check in and their visits there still open.
awaitable<Result<Response>> venue_page(App& app, Request& req) {
  KB_CO_ASSIGN(auto code, venues::VenueCode::parse(req.param("code"), "code"));
  auto caller = maybe_signed_in(app, req);  // a stale token still sees the public page
  std::optional<accounts::User> user = caller.ok() ? std::move(*caller) : std::nullopt;
  int64_t now = app.now();
  std::optional<assessment::Assessment> safety;
  KB_CO_ASSIGN(auto page, app.db().read([&](store::Connection& c) -> Result<checkin::VenuePage> {
    KB_ASSIGN(auto p, checkin::venue_page(c, code, user, now));
    KB_ASSIGN(safety, assessment::current(c, p.venue.id));
    return p;
  }));
  const venues::Venue& v = page.venue;
  json::object out{{"id", v.id},
                   {"code", v.code},
                   {"url", venue_url(app, v)},
                   {"name", v.name},
                   {"kind", venues::kind_name(v.kind)},
                   {"address_line", venues::address_line(v, app.areas())},
                   {"status", venues::status_name(v.status)},
                   {"safety", safety_json(safety, now, false)}};
  if (user && user->role == accounts::Role::kCitizen) {
    json::array ps, vs;
    for (const auto& p : page.people) {
      ps.push_back(json::object{{"id", p.id}, {"full_name", p.full_name}, {"is_self", p.is_self}});
    }
    for (const auto& visit : page.open_visits) vs.push_back(visit_json(visit));
    out["people"] = std::move(ps);
    out["open_visits"] = std::move(vs);
  }
  co_return Response::json(200, out);
}

Result<venues::VenueStatus> parse_status_change(const Request& req) {
  KB_ASSIGN(JsonBody body, json_body(req));
  KB_ASSIGN(std::string raw, body.required_string("status", 20));
  KB_TRY(body.no_unknown_fields());
  return venues::parse_status(raw);
}

awaitable<Result<Response>> update_venue(App& app, Request& req) {
  KB_CO_ASSIGN(AtVenue at, at_venue(app, req));
  KB_CO_ASSIGN(venues::VenueStatus status, parse_status_change(req));
  venues::Venue v = at.venue.venue;
  KB_CO_TRY(access::sets_venue_status(at.venue.role, v.status, status));
  auto job = [id = v.id, status, by = at.user.id, now = app.now()](store::Connection& c) {
    return venues::set_status(c, id, status, by, now);
  };
  KB_CO_TRY(co_await app.write(job));
  app.door().forget_venue(v.code);  // check-ins here see the new status at once
  v.status = status;
  co_return Response::json(200, venue_with_role(app, v, role_name(at.venue.role)));
}

awaitable<Result<Response>> poster(App& app, Request& req, venues::PosterFormat format) {
  KB_CO_ASSIGN(AtVenue at, at_venue(app, req));
  const venues::Venue& v = at.venue.venue;
  venues::PosterContent content{v.name, venues::address_line(v, app.areas()), venue_url(app, v),
                                v.code};
  KB_CO_ASSIGN(std::string bytes, venues::render_poster(content, format));
  Response res;
  res.content_type = std::string(venues::content_type(format));
  res.body = std::move(bytes);
  res.headers.emplace_back(
      "Content-Disposition",
      fmt::format("inline; filename=\"poster-{}.{}\"", v.code, venues::file_extension(format)));
  res.headers.emplace_back("Cache-Control", "private, max-age=300");
  co_return res;
}

json::object staff_json(const venues::StaffMember& s) {
  json::object o{{"user_id", s.user_id},
                 {"role", venues::staff_role_name(s.role)},
                 {"added_at", format_rfc3339(s.added_at)}};
  o["username"] = json_text(s.username);
  o["phone"] = s.phone.empty() ? json::value(nullptr) : json::value(mask_phone(s.phone));
  return o;
}

awaitable<Result<Response>> list_staff(App& app, Request& req) {
  KB_CO_ASSIGN(AtVenue at, at_venue(app, req));
  KB_CO_TRY(access::runs_venue(at.venue.role));
  KB_CO_ASSIGN(auto staff, app.db().read([&](store::Connection& c) {
    return venues::staff_of(c, at.venue.venue.id);
  }));
  json::array out;
  for (const auto& s : staff) out.push_back(staff_json(s));
  co_return Response::json(200, json::object{{"staff", std::move(out)}});
}

// {username, password?}: attach an existing venue-staff account, or create one with a password.
struct NewStaffMember {
  std::string username;
  std::optional<std::string> password;
};
Result<NewStaffMember> parse_new_staff(const Request& req) {
  KB_ASSIGN(JsonBody body, json_body(req));
  KB_ASSIGN(std::string raw_username, body.required_string("username", 64));
  NewStaffMember m;
  KB_ASSIGN(m.password, body.optional_string("password", 200));
  KB_TRY(body.no_unknown_fields());
  KB_ASSIGN(m.username, accounts::parse_username(raw_username));
  if (m.password) KB_TRY(accounts::check_password_strength(*m.password));
  return m;
}

awaitable<Result<Response>> add_staff(App& app, Request& req) {
  KB_CO_ASSIGN(AtVenue at, at_venue(app, req));
  KB_CO_TRY(access::runs_venue(at.venue.role));
  KB_CO_ASSIGN(NewStaffMember m, parse_new_staff(req));
  std::optional<std::string> hash;
  if (m.password) {
    auto hashing = [password = *m.password] { return hash_password(password); };
    KB_CO_ASSIGN(hash, co_await app.offload(hashing));
  }
  auto job = [venue_id = at.venue.venue.id, m, hash, by = at.user.id,
              now = app.now()](store::Connection& c) {
    return venues::add_staff(c, venue_id, m.username, hash, by, now);
  };
  KB_CO_ASSIGN(venues::StaffMember added, co_await app.write(job));
  co_return Response::json(201, staff_json(added));
}

awaitable<Result<Response>> remove_staff(App& app, Request& req) {
  KB_CO_ASSIGN(AtVenue at, at_venue(app, req));
  KB_CO_TRY(access::runs_venue(at.venue.role));
  KB_CO_ASSIGN(int64_t user_id, path_id(req, "user_id", "staff_not_found"));
  auto job = [venue_id = at.venue.venue.id, user_id, by = at.user.id,
              now = app.now()](store::Connection& c) {
    return venues::detach_staff(c, venue_id, user_id, by, now);
  };
  KB_CO_TRY(co_await app.write(job));
  co_return Response::no_content();
}

awaitable<Result<Response>> kiosk_code(App& app, Request& req) {
  KB_CO_ASSIGN(AtVenue at, at_venue(app, req));
  KB_CO_TRY(access::scans_at_venue(at.venue.role));
  auto job = [](store::Connection& c) { return venues::load_or_create_kiosk_secret(c); };
  KB_CO_ASSIGN(std::string secret,
               app.db().read([](store::Connection& c) { return venues::load_kiosk_secret(c); }));
  if (secret.empty()) {
    KB_CO_ASSIGN(secret, co_await app.write(job));
  }
  int64_t now = app.now();
  const venues::Venue& v = at.venue.venue;
  venues::KioskCode k = venues::kiosk_code(secret, v.code, now);
  std::string url = fmt::format("{}?k={}", venue_url(app, v), k.token);
  KB_CO_ASSIGN(std::string svg, qr::qr_svg(url));
  Response res = Response::json(200, json::object{{"venue", venue_json(app, v)},
                                                  {"token", k.token},
                                                  {"url", url},
                                                  {"qr_svg", svg},
                                                  {"expires_at", format_rfc3339(k.expires_at)},
                                                  {"refresh_in", k.refresh_at - now}});
  res.headers.emplace_back("Cache-Control", "no-store");
  co_return res;
}

Result<checkin::GuestLogQuery> parse_guest_log_query(const Request& req, int64_t now) {
  checkin::GuestLogQuery q;
  KB_ASSIGN(q.venue_id, path_id(req, "id", "venue_not_found"));
  q.date = req.query_param("date").value_or(checkin::day_of(now));
  auto start = checkin::day_start(q.date);
  if (!start) return invalid("date", "invalid_date", "date must be YYYY-MM-DD");
  q.day_start = *start;
  q.format = req.query_param("format").value_or("json");
  if (q.format != "json" && q.format != "csv")
    return invalid("format", "invalid_format", "format must be json or csv");
  if (req.query_param("reason")) {
    KB_ASSIGN(q.reason, reason_param(req));
  }
  return q;
}

json::object guest_log_json(App& app, const checkin::GuestLog& log, const std::string& date) {
  json::array visits, days;
  int64_t out_count = 0;
  for (const auto& e : log.entries) {
    json::object o = visit_json(e.visit);
    o["full_name"] = e.full_name;
    o["phone"] = json_text(e.phone);
    o["offline_received_at"] = json_time(e.received_at);
    if (e.visit.t_out) ++out_count;
    visits.push_back(std::move(o));
  }
  for (const auto& d : log.days)
    days.push_back(json::object{{"date", d.date}, {"in", d.in}, {"out", d.out}});
  json::object counts{{"in", static_cast<int64_t>(log.entries.size())},
                      {"out", out_count},
                      {"inside_now", log.inside}};
  return {{"venue", venue_json(app, log.venue)},
          {"date", date},
          {"view", log.view == checkin::GuestLogView::kFull ? "full" : "masked"},
          {"counts", std::move(counts)},
          {"days", std::move(days)},
          {"visits", std::move(visits)}};
}

// The guest log of one Vietnam day (default today): masked for the venue's people, in full only
// with a reason, audited (checkin/guest_log.h).
awaitable<Result<Response>> guest_log(App& app, Request& req) {
  KB_CO_ASSIGN(accounts::User user, signed_in(app, req));
  int64_t now = app.now();
  KB_CO_ASSIGN(checkin::GuestLogQuery q, parse_guest_log_query(req, now));
  KB_CO_ASSIGN(checkin::GuestLog log, co_await checkin::read_guest_log(app.db(), user, q, now));
  Response res;
  if (q.format == "csv") {
    res.content_type = "text/csv; charset=utf-8";
    res.body = checkin::guest_log_csv(log.entries);
    res.headers.emplace_back(
        "Content-Disposition",
        fmt::format("attachment; filename=\"guest-log-{}-{}.csv\"", log.venue.code, q.date));
  } else {
    res = Response::json(200, guest_log_json(app, log, q.date));
  }
  res.headers.emplace_back("Cache-Control", "no-store");
  co_return res;
}

}  // namespace

void register_venue_routes(App& app) {
  auto& r = app.router();
  r.add(
      Method::kPost, "/api/v1/venues", [&app](Request& req) { return create_venue(app, req); },
      "register a venue → {id, code, url}");
  r.add(
      Method::kGet, "/api/v1/venues", [&app](Request& req) { return list_venues(app, req); },
      "my venues, or an official's venues in the jurisdiction");
  r.add(
      Method::kGet, "/api/v1/venues/by-code/{code}",
      [&app](Request& req) { return venue_page(app, req); },
      "a venue as its check-in page shows it (public)");
  r.add(
      Method::kGet, "/api/v1/venues/{id}", [&app](Request& req) { return get_venue(app, req); },
      "one venue");
  r.add(
      Method::kPatch, "/api/v1/venues/{id}",
      [&app](Request& req) { return update_venue(app, req); }, "open, close or suspend a venue");
  r.add(
      Method::kGet, "/api/v1/venues/{id}/poster.svg",
      [&app](Request& req) { return poster(app, req, venues::PosterFormat::kSvg); },
      "the A4 poster (SVG)");
  r.add(
      Method::kGet, "/api/v1/venues/{id}/poster.png",
      [&app](Request& req) { return poster(app, req, venues::PosterFormat::kPng); },
      "the A4 poster (PNG)");
  r.add(
      Method::kGet, "/api/v1/venues/{id}/poster.pdf",
      [&app](Request& req) { return poster(app, req, venues::PosterFormat::kPdf); },
      "the A4 poster (PDF)");
  r.add(
      Method::kGet, "/api/v1/venues/{id}/staff",
      [&app](Request& req) { return list_staff(app, req); }, "a venue's managers and staff");
  r.add(
      Method::kPost, "/api/v1/venues/{id}/staff",
      [&app](Request& req) { return add_staff(app, req); },
      "create or attach a venue-staff account");
  r.add(
      Method::kDelete, "/api/v1/venues/{id}/staff/{user_id}",
      [&app](Request& req) { return remove_staff(app, req); }, "remove a staff member");
  r.add(
      Method::kGet, "/api/v1/venues/{id}/kiosk-code",
      [&app](Request& req) { return kiosk_code(app, req); },
      "the kiosk screen's current signed check-in code");
  r.add(
      Method::kGet, "/api/v1/venues/{id}/visits",
      [&app](Request& req) { return guest_log(app, req); },
      "the guest log of a day (JSON or CSV; masked unless a reason is given)");
}

}  // namespace kb::http
