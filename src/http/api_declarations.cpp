// Health declarations: submit one (→ {id, qr}) and read a person's history.
#include <fmt/format.h>

#include "access/policy.h"
#include "declarations/declaration.h"
#include "http/app.h"
#include "http/handler_util.h"
#include "http/people_json.h"
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
    if (required)
      return invalid(std::string(key), "missing_field", fmt::format("{} is required", key));
    return out;
  }
  if (!v->is_array())
    return invalid(std::string(key), "wrong_type", fmt::format("{} must be a list", key));
  const auto& a = v->as_array();
  if (a.size() > 64)
    return invalid(std::string(key), "too_many", fmt::format("{} has too many items", key));
  for (size_t i = 0; i < a.size(); ++i) {
    if (!a[i].is_string() || a[i].as_string().size() > 40) {
      return invalid(fmt::format("{}[{}]", key, i), "wrong_type", "each item is a short string");
    }
    out.emplace_back(a[i].as_string());
  }
  return out;
}

Result<declarations::DeclarationInput> parse_declaration(const Request& req) {
  KB_ASSIGN(JsonBody body, json_body(req));
  declarations::DeclarationInput in;
  KB_ASSIGN(in.person_id, body.required_int("person_id", 1, INT64_MAX));
  KB_ASSIGN(in.kind, body.required_string("kind", 20));
  KB_ASSIGN(in.travel_provinces, string_list(body, "travel_provinces", false));
  KB_ASSIGN(in.travel_countries, string_list(body, "travel_countries", false));
  KB_ASSIGN(in.symptoms, string_list(body, "symptoms", true));
  KB_ASSIGN(in.exposures, string_list(body, "exposures", true));
  KB_ASSIGN(in.vaccine_doses, body.required_int("vaccine_doses", 0, 10));
  if (const json::value* entry = body.raw("entry")) {
    KB_ASSIGN(in.entry, declarations::parse_entry(*entry));
  }
  KB_ASSIGN(in.client_id, client_id_field(body));
  KB_TRY(body.no_unknown_fields());
  return in;
}

json::object declared_json(const declarations::Submitted& s) {
  auto svg = qr::qr_svg(s.qr.payload);
  return {{"id", s.declaration.id},
          {"person_id", s.declaration.person_id},
          {"qr", s.qr.payload},
          {"qr_expires_at", format_rfc3339(s.qr.expires_at)},
          {"qr_token_id", s.qr.token_id},
          {"colour", health::colour_name(s.status.colour)},
          {"reason", s.status.reason},
          {"declaration", declaration_json(s.declaration)},
          {"qr_svg", svg.ok() ? json::value(*svg) : json::value(nullptr)}};
}

awaitable<Result<Response>> declare(App& app, Request& req) {
  KB_CO_ASSIGN(accounts::User user, signed_in(app, req, access::citizen));
  KB_CO_ASSIGN(declarations::DeclarationInput parsed, parse_declaration(req));
  KB_CO_ASSIGN(declarations::DeclarationInput input,
               declarations::validate(std::move(parsed), app.areas(), app.now()));
  auto submit = [uid = user.id, input, now = app.now()](store::Connection& c) {
    return declarations::submit(c, uid, input, now);
  };
  KB_CO_ASSIGN(declarations::Submitted submitted, co_await app.write(submit));
  co_return Response::json(submitted.repeated ? 200 : 201, declared_json(submitted));
}

awaitable<Result<Response>> person_history(App& app, Request& req) {
  KB_CO_ASSIGN(accounts::User user, signed_in(app, req, access::citizen));
  KB_CO_ASSIGN(int64_t id, path_id(req));
  KB_CO_ASSIGN(
      auto list,
      app.db().read([&](store::Connection& c) -> Result<std::vector<declarations::Declaration>> {
        KB_TRY(people::managed_person(c, user.id, id));
        return declarations::history(c, id);
      }));
  json::array a;
  for (const auto& d : list) a.push_back(declaration_json(d));
  co_return Response::json(200, json::object{{"declarations", std::move(a)}});
}

}  // namespace

void register_declaration_routes(App& app) {
  auto& r = app.router();
  r.add(
      Method::kPost, "/api/v1/declarations", [&app](Request& req) { return declare(app, req); },
      "declare health for a managed person; returns the declaration id and the signed QR");
  r.add(
      Method::kGet, "/api/v1/me/people/{id}/declarations",
      [&app](Request& req) { return person_history(app, req); },
      "a managed person's declarations, newest first");
}

}  // namespace kb::http
