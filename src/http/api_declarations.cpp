// Health declarations: submit one (→ {id, qr}) and read a person's history.
#include <boost/json.hpp>
#include <fmt/format.h>

#include "declarations/declaration.h"
#include "http/api_people.h"
#include "http/app.h"
#include "http/handler_util.h"
#include "people/household.h"
#include "qr/qr_image.h"

namespace kb::http {
namespace {

using boost::asio::awaitable;
namespace json = boost::json;

Result<std::vector<std::string>> string_list(JsonBody& body, std::string_view key, bool required) {
  std::vector<std::string> out;
  const json::value* v = body.raw(key);
  if (!v) {
    if (required) return invalid(std::string(key), "missing_field", fmt::format("{} is required", key));
    return out;
  }
  if (!v->is_array()) return invalid(std::string(key), "wrong_type", fmt::format("{} must be a list", key));
  const auto& a = v->as_array();
  if (a.size() > 64) return invalid(std::string(key), "too_many", fmt::format("{} has too many items", key));
  for (size_t i = 0; i < a.size(); ++i) {
    if (!a[i].is_string() || a[i].as_string().size() > 40) {
      return invalid(fmt::format("{}[{}]", key, i), "wrong_type", "each item is a short string");
    }
    out.emplace_back(a[i].as_string());
  }
  return out;
}

Error prefixed(Error e, std::string_view prefix) {
  if (!e.field.empty()) e.field = fmt::format("{}.{}", prefix, e.field);
  else e.field = std::string(prefix);
  return e;
}

Result<declarations::EntryDetails> parse_entry(const json::value& v) {
  if (!v.is_object()) return invalid("entry", "wrong_type", "entry must be an object");
  auto body = JsonBody::parse(json::serialize(v));
  if (!body.ok()) return prefixed(body.error(), "entry");
  declarations::EntryDetails e;
  auto take = [&](std::string& dst, std::string_view key, bool required, size_t max) -> Status {
    if (required) {
      auto v = body->required_string(key, max);
      if (!v.ok()) return prefixed(v.error(), "entry");
      dst = *v;
    } else {
      auto v = body->optional_string(key, max);
      if (!v.ok()) return prefixed(v.error(), "entry");
      dst = v->value_or("");
    }
    return {};
  };
  KB_TRY(take(e.transport, "transport", true, 20));
  KB_TRY(take(e.vehicle_number, "vehicle_number", true, 40));
  KB_TRY(take(e.seat, "seat", false, 20));
  KB_TRY(take(e.departure_country, "departure_country", true, 10));
  KB_TRY(take(e.arrival_date, "arrival_date", true, 20));
  KB_TRY(take(e.quarantine_province_code, "quarantine_province_code", true, 10));
  KB_TRY(take(e.quarantine_ward_code, "quarantine_ward_code", true, 10));
  KB_TRY(take(e.quarantine_street, "quarantine_street", true, 400));
  if (auto st = body->no_unknown_fields(); !st.ok()) return prefixed(st.error(), "entry");
  return e;
}

Result<declarations::DeclarationInput> parse_declaration(JsonBody& body) {
  declarations::DeclarationInput in;
  KB_ASSIGN(in.person_id, body.required_int("person_id", 1, INT64_MAX));
  KB_ASSIGN(in.kind, body.required_string("kind", 20));
  KB_ASSIGN(in.travel_provinces, string_list(body, "travel_provinces", false));
  KB_ASSIGN(in.travel_countries, string_list(body, "travel_countries", false));
  KB_ASSIGN(in.symptoms, string_list(body, "symptoms", true));
  KB_ASSIGN(in.exposures, string_list(body, "exposures", true));
  KB_ASSIGN(in.vaccine_doses, body.required_int("vaccine_doses", 0, 10));
  if (const json::value* entry = body.raw("entry")) {
    KB_ASSIGN(in.entry, parse_entry(*entry));
  }
  KB_TRY(body.no_unknown_fields());
  return in;
}

json::array strings(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

json::object declaration_json(const declarations::Declaration& d) {
  json::object o{{"id", d.id},
                 {"person_id", d.person_id},
                 {"kind", d.kind},
                 {"travel_provinces", strings(d.travel_provinces)},
                 {"travel_countries", strings(d.travel_countries)},
                 {"symptoms", strings(d.symptoms)},
                 {"exposures", strings(d.exposures)},
                 {"vaccine_doses", d.vaccine_doses},
                 {"created_at", format_rfc3339(d.created_at)}};
  o["superseded_at"] = d.superseded_at ? json::value(format_rfc3339(*d.superseded_at)) : json::value(nullptr);
  if (d.entry) {
    const auto& e = *d.entry;
    o["entry"] = json::object{{"transport", e.transport},
                              {"vehicle_number", e.vehicle_number},
                              {"seat", e.seat},
                              {"departure_country", e.departure_country},
                              {"arrival_date", e.arrival_date},
                              {"quarantine_province_code", e.quarantine_province_code},
                              {"quarantine_ward_code", e.quarantine_ward_code},
                              {"quarantine_street", e.quarantine_street}};
  } else {
    o["entry"] = nullptr;
  }
  return o;
}

awaitable<Response> declare(App& app, Request& req) {
  auto user = citizen_of(app, req);
  if (!user.ok()) co_return Response::error(user.error());
  auto body = json_body(req);
  if (!body.ok()) co_return Response::error(body.error());
  auto parsed = parse_declaration(*body);
  if (!parsed.ok()) co_return Response::error(parsed.error());
  auto input = declarations::validate(std::move(*parsed), app.areas(), app.now());
  if (!input.ok()) co_return Response::error(input.error());
  auto submitted_job = [uid = user->id, in = *input, now = app.now()](store::Connection& c) {
    return declarations::submit(c, uid, in, now);
  };
  auto submitted = co_await app.write(submitted_job);
  if (!submitted.ok()) co_return Response::error(submitted.error());
  const auto& s = *submitted;
  json::object o{{"id", s.declaration.id},
                 {"person_id", s.declaration.person_id},
                 {"qr", s.qr.payload},
                 {"qr_expires_at", format_rfc3339(s.qr.expires_at)},
                 {"qr_token_id", s.qr.token_id},
                 {"colour", health::colour_name(s.status.colour)},
                 {"reason", s.status.reason},
                 {"declaration", declaration_json(s.declaration)}};
  auto svg = qr::qr_svg(s.qr.payload);
  o["qr_svg"] = svg.ok() ? json::value(*svg) : json::value(nullptr);
  co_return Response::json(201, o);
}

awaitable<Response> person_history(App& app, Request& req) {
  auto user = citizen_of(app, req);
  if (!user.ok()) co_return Response::error(user.error());
  auto id = path_id(req);
  if (!id.ok()) co_return Response::error(id.error());
  auto list = app.db().read([&](store::Connection& c) -> Result<std::vector<declarations::Declaration>> {
    KB_TRY(people::managed_person(c, user->id, *id));
    return declarations::history(c, *id);
  });
  if (!list.ok()) co_return Response::error(list.error());
  json::array a;
  for (const auto& d : *list) a.push_back(declaration_json(d));
  co_return Response::json(200, json::object{{"declarations", std::move(a)}});
}

}  // namespace

void register_declaration_routes(App& app) {
  auto& r = app.router();
  r.add(Method::kPost, "/api/v1/declarations", [&app](Request& req) { return declare(app, req); },
        "declare health for a managed person; returns the declaration id and the signed QR");
  r.add(Method::kGet, "/api/v1/me/people/{id}/declarations",
        [&app](Request& req) { return person_history(app, req); }, "a managed person's declarations, newest first");
}

}  // namespace kb::http
