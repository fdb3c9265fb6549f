// The people a citizen manages (themselves and dependants) and their personal QR.
#include "access/policy.h"
#include "declarations/declaration.h"
#include "http/app.h"
#include "http/handler_util.h"
#include "http/people_json.h"
#include "people/household.h"

namespace kb::http {
namespace {

using boost::asio::awaitable;
namespace json = boost::json;

Result<people::PersonInput> parse_person(const Request& req) {
  KB_ASSIGN(JsonBody body, json_body(req));
  people::PersonInput in;
  KB_ASSIGN(in.full_name, body.required_string("full_name", 400));
  KB_ASSIGN(in.id_kind, body.required_string("id_kind", 20));
  KB_ASSIGN(in.id_number, body.required_string("id_number", 40));
  KB_ASSIGN(in.birth_date, body.required_string("birth_date", 20));
  KB_ASSIGN(in.sex, body.required_string("sex", 20));
  KB_ASSIGN(auto phone, body.optional_string("phone", 40));
  in.phone = phone.value_or("");
  KB_ASSIGN(in.province_code, body.required_string("province_code", 10));
  KB_ASSIGN(in.ward_code, body.required_string("ward_code", 10));
  KB_ASSIGN(in.street, body.required_string("street", 400));
  KB_TRY(body.no_unknown_fields());
  return in;
}

// A person just saved (or the refusal of their ID number) as the answer `status` carries.
Result<Response> saved_person(App& app, const people::Saved& saved, int status) {
  if (saved.refusal) return *saved.refusal;
  KB_ASSIGN(json::object o,
            app.db().read([&](store::Connection& c) { return person_json(c, *saved.person); }));
  return Response::json(status, o);
}

awaitable<Result<Response>> list_people(App& app, Request& req) {
  KB_CO_ASSIGN(accounts::User user, signed_in(app, req, access::citizen));
  KB_CO_ASSIGN(auto members,
               app.db().read([&](store::Connection& c) { return people::managed_by(c, user.id); }));
  bool has_self = !members.empty() && members.front().is_self;
  if (!has_self) {
    auto make_self = [id = user.id, phone = user.phone, now = app.now()](store::Connection& c) {
      return people::household(c, id, phone, now);
    };
    KB_CO_ASSIGN(members, co_await app.write(make_self));
  }
  KB_CO_ASSIGN(json::array list,
               app.db().read([&](store::Connection& c) { return people_json(c, members); }));
  co_return Response::json(200, json::object{{"people", std::move(list)}});
}

awaitable<Result<Response>> add_person(App& app, Request& req) {
  KB_CO_ASSIGN(accounts::User user, signed_in(app, req, access::citizen));
  KB_CO_ASSIGN(people::PersonInput input, parse_person(req));
  KB_CO_ASSIGN(people::PersonFields fields,
               people::validate_person(input, app.areas(), false, app.now()));
  auto add = [id = user.id, fields, now = app.now()](store::Connection& c) {
    return people::add_dependant(c, id, fields, now);
  };
  KB_CO_ASSIGN(people::Saved saved, co_await app.write(add));
  co_return saved_person(app, saved, 201);
}

awaitable<Result<Response>> get_person(App& app, Request& req) {
  KB_CO_ASSIGN(accounts::User user, signed_in(app, req, access::citizen));
  KB_CO_ASSIGN(int64_t id, path_id(req));
  KB_CO_ASSIGN(json::object o, app.db().read([&](store::Connection& c) -> Result<json::object> {
    KB_ASSIGN(people::Person p, people::managed_person(c, user.id, id));
    return person_json(c, p);
  }));
  co_return Response::json(200, o);
}

awaitable<Result<Response>> edit_person(App& app, Request& req) {
  KB_CO_ASSIGN(accounts::User user, signed_in(app, req, access::citizen));
  KB_CO_ASSIGN(int64_t id, path_id(req));
  KB_CO_ASSIGN(people::PersonInput input, parse_person(req));
  KB_CO_ASSIGN(people::PersonFields fields, app.db().read([&](store::Connection& c) {
    return people::validate_edit(c, app.areas(), user.id, id, input, app.now());
  }));
  auto edit = [uid = user.id, id, fields, now = app.now()](store::Connection& c) {
    return people::edit_managed(c, uid, id, fields, now);
  };
  KB_CO_ASSIGN(people::Saved saved, co_await app.write(edit));
  co_return saved_person(app, saved, 200);
}

awaitable<Result<Response>> get_qr(App& app, Request& req) {
  KB_CO_ASSIGN(accounts::User user, signed_in(app, req, access::citizen));
  KB_CO_ASSIGN(int64_t id, path_id(req));
  auto issue = [uid = user.id, id, now = app.now()](store::Connection& c) {
    return declarations::personal_qr(c, uid, id, now);
  };
  KB_CO_ASSIGN(declarations::PersonalQr issued, co_await app.write(issue));
  json::object o = personal_qr_json(issued.qr, issued.person);
  o["reason"] = issued.status.reason;
  co_return Response::json(200, o);
}

awaitable<Result<Response>> revoke_qr(App& app, Request& req) {
  KB_CO_ASSIGN(accounts::User user, signed_in(app, req, access::citizen));
  KB_CO_ASSIGN(int64_t id, path_id(req));
  auto revoke = [uid = user.id, id, now = app.now()](store::Connection& c) {
    return declarations::revoke_qr_codes(c, uid, id, now);
  };
  KB_CO_ASSIGN(int64_t revoked, co_await app.write(revoke));
  co_return Response::json(200, json::object{{"revoked", revoked}});
}

}  // namespace

void register_people_routes(App& app) {
  auto& r = app.router();
  r.add(
      Method::kGet, "/api/v1/me/people", [&app](Request& req) { return list_people(app, req); },
      "the people this citizen manages: themselves first, then dependants");
  r.add(
      Method::kPost, "/api/v1/me/people", [&app](Request& req) { return add_person(app, req); },
      "add a dependant (a child, a parent, anyone without a smartphone)");
  r.add(
      Method::kGet, "/api/v1/me/people/{id}", [&app](Request& req) { return get_person(app, req); },
      "one managed person");
  r.add(
      Method::kPut, "/api/v1/me/people/{id}",
      [&app](Request& req) { return edit_person(app, req); }, "edit a managed person's details");
  r.add(
      Method::kGet, "/api/v1/people/{id}/qr", [&app](Request& req) { return get_qr(app, req); },
      "the signed personal QR of a managed person");
  r.add(
      Method::kPost, "/api/v1/people/{id}/qr/revoke",
      [&app](Request& req) { return revoke_qr(app, req); },
      "revoke every QR token of a managed person");
}

}  // namespace kb::http
