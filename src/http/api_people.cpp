// The people a citizen manages (themselves and dependants) and their personal QR.
#include <fmt/format.h>

#include <algorithm>

#include "audit/audit_log.h"
#include "declarations/declaration.h"
#include "health/health_status.h"
#include "http/api_people.h"
#include "http/app.h"
#include "http/handler_util.h"
#include "people/household.h"
#include "qr/personal_qr.h"
#include "qr/qr_image.h"

namespace kb::http {
namespace {

using boost::asio::awaitable;
namespace json = boost::json;

Result<people::PersonInput> parse_person(JsonBody& body) {
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

json::object qr_json(const qr::IssuedQr& q, const people::Person& p) {
  json::object o{{"token_id", q.token_id},
                 {"person_id", q.person_id},
                 {"payload", q.payload},
                 {"colour", q.colour},
                 {"issued_at", format_rfc3339(q.issued_at)},
                 {"expires_at", format_rfc3339(q.expires_at)},
                 {"key_id", q.key_id},
                 {"full_name", p.full_name},
                 {"masked_name", people::mask_name(p.full_name)}};
  auto svg = qr::qr_svg(q.payload);
  o["svg"] = svg.ok() ? json::value(*svg) : json::value(nullptr);
  return o;
}

awaitable<Response> list_people(App& app, Request& req) {
  auto user = citizen_of(app, req);
  if (!user.ok()) co_return Response::error(user.error());
  auto list = app.db().read([&](store::Connection& c) { return people::managed_by(c, user->id); });
  if (!list.ok()) co_return Response::error(list.error());
  bool has_self = std::any_of(list->begin(), list->end(), [](const people::Person& p) { return p.is_self; });
  if (!has_self) {
    auto self_job = [id = user->id, phone = user->phone, now = app.now()](store::Connection& c) {
      return people::self_of(c, id, phone, now);
    };
    auto self = co_await app.write(self_job);
    if (!self.ok()) co_return Response::error(self.error());
    list = app.db().read([&](store::Connection& c) { return people::managed_by(c, user->id); });
    if (!list.ok()) co_return Response::error(list.error());
  }
  auto out = app.db().read([&](store::Connection& c) -> Result<json::array> {
    json::array a;
    for (const auto& p : *list) {
      KB_ASSIGN(auto o, person_json(c, p));
      a.push_back(std::move(o));
    }
    return a;
  });
  if (!out.ok()) co_return Response::error(out.error());
  co_return Response::json(200, json::object{{"people", std::move(*out)}});
}

awaitable<Response> add_person(App& app, Request& req) {
  auto user = citizen_of(app, req);
  if (!user.ok()) co_return Response::error(user.error());
  auto body = json_body(req);
  if (!body.ok()) co_return Response::error(body.error());
  auto input = parse_person(*body);
  if (!input.ok()) co_return Response::error(input.error());
  auto fields = people::validate_person(*input, app.areas(), false, app.now());
  if (!fields.ok()) co_return Response::error(fields.error());
  auto saved_job = [id = user->id, f = *fields, now = app.now()](store::Connection& c) {
    return people::add_dependant(c, id, f, now);
  };
  auto saved = co_await app.write(saved_job);
  if (!saved.ok()) co_return Response::error(saved.error());
  if (saved->refusal) co_return Response::error(*saved->refusal);
  auto out = app.db().read([&](store::Connection& c) { return person_json(c, *saved->person); });
  if (!out.ok()) co_return Response::error(out.error());
  co_return Response::json(201, *out);
}

awaitable<Response> get_person(App& app, Request& req) {
  auto user = citizen_of(app, req);
  if (!user.ok()) co_return Response::error(user.error());
  auto id = path_id(req);
  if (!id.ok()) co_return Response::error(id.error());
  auto out = app.db().read([&](store::Connection& c) -> Result<json::object> {
    KB_ASSIGN(auto p, people::managed_person(c, user->id, *id));
    return person_json(c, p);
  });
  if (!out.ok()) co_return Response::error(out.error());
  co_return Response::json(200, *out);
}

awaitable<Response> edit_person(App& app, Request& req) {
  auto user = citizen_of(app, req);
  if (!user.ok()) co_return Response::error(user.error());
  auto id = path_id(req);
  if (!id.ok()) co_return Response::error(id.error());
  auto existing = app.db().read([&](store::Connection& c) { return people::managed_person(c, user->id, *id); });
  if (!existing.ok()) co_return Response::error(existing.error());
  auto body = json_body(req);
  if (!body.ok()) co_return Response::error(body.error());
  auto input = parse_person(*body);
  if (!input.ok()) co_return Response::error(input.error());
  // The account holder's own phone is the account's; it may be left out.
  if (existing->is_self && input->phone.empty()) input->phone = user->phone;
  auto fields = people::validate_person(*input, app.areas(), existing->is_self, app.now());
  if (!fields.ok()) co_return Response::error(fields.error());
  auto saved_job = [uid = user->id, pid = *id, f = *fields, now = app.now()](store::Connection& c) {
    return people::edit_managed(c, uid, pid, f, now);
  };
  auto saved = co_await app.write(saved_job);
  if (!saved.ok()) co_return Response::error(saved.error());
  if (saved->refusal) co_return Response::error(*saved->refusal);
  auto out = app.db().read([&](store::Connection& c) { return person_json(c, *saved->person); });
  if (!out.ok()) co_return Response::error(out.error());
  co_return Response::json(200, *out);
}

struct QrFor {
  people::Person person;
  qr::IssuedQr qr;
  health::HealthStatus status;
};

Result<QrFor> qr_for(store::Connection& c, int64_t account_id, int64_t person_id, int64_t now) {
  KB_ASSIGN(people::Person p, people::managed_person(c, account_id, person_id));
  KB_ASSIGN(auto last, declarations::latest(c, person_id));
  if (!last) {
    return Error{ErrorKind::kConflict, "no_declaration", "declare for this person first to get their QR code",
                 "person_id"};
  }
  KB_ASSIGN(health::HealthStatus s, health::recompute_status(c, person_id, now));
  KB_ASSIGN(qr::IssuedQr q, qr::personal_qr_for(c, person_id, health::colour_name(s.colour), now));
  return QrFor{std::move(p), std::move(q), s};
}

awaitable<Response> get_qr(App& app, Request& req) {
  auto user = citizen_of(app, req);
  if (!user.ok()) co_return Response::error(user.error());
  auto id = path_id(req);
  if (!id.ok()) co_return Response::error(id.error());
  auto issued_job = [uid = user->id, pid = *id, now = app.now()](store::Connection& c) {
    return qr_for(c, uid, pid, now);
  };
  auto issued = co_await app.write(issued_job);
  if (!issued.ok()) co_return Response::error(issued.error());
  json::object o = qr_json(issued->qr, issued->person);
  o["reason"] = issued->status.reason;
  co_return Response::json(200, o);
}

Result<int64_t> revoke_for(store::Connection& c, int64_t account_id, int64_t person_id, int64_t now) {
  KB_TRY(people::managed_person(c, account_id, person_id));
  KB_ASSIGN(int64_t n, qr::revoke_personal_qrs(c, person_id, now));
  KB_TRY(audit::record(c, {now, account_id, "qr.revoke", fmt::format("person:{}", person_id), {},
                           fmt::format("{} tokens", n)}));
  return n;
}

awaitable<Response> revoke_qr(App& app, Request& req) {
  auto user = citizen_of(app, req);
  if (!user.ok()) co_return Response::error(user.error());
  auto id = path_id(req);
  if (!id.ok()) co_return Response::error(id.error());
  auto revoked_job = [uid = user->id, pid = *id, now = app.now()](store::Connection& c) {
    return revoke_for(c, uid, pid, now);
  };
  auto revoked = co_await app.write(revoked_job);
  if (!revoked.ok()) co_return Response::error(revoked.error());
  co_return Response::json(200, json::object{{"revoked", *revoked}});
}

}  // namespace

Result<accounts::User> citizen_of(App& app, const Request& req) {
  KB_ASSIGN(accounts::User user, app.authenticate(req));
  if (user.role != accounts::Role::kCitizen) {
    return make_error(ErrorKind::kForbidden, "citizens_only", "only citizen accounts manage people");
  }
  return user;
}

Result<json::object> person_json(store::Connection& c, const people::Person& p) {
  json::object o{{"id", p.id},
                 {"is_self", p.is_self},
                 {"full_name", p.full_name},
                 {"id_kind", p.id_kind},
                 {"id_number", p.id_number},
                 {"birth_date", p.birth_date},
                 {"sex", p.sex},
                 {"phone", p.phone},
                 {"province_code", p.province_code},
                 {"ward_code", p.ward_code},
                 {"street", p.street},
                 {"complete", people::is_complete(p)}};
  KB_ASSIGN(health::StoredStatus s, health::stored_status(c, p.id));
  KB_ASSIGN(auto last, declarations::latest(c, p.id));
  o["status"] = json::object{{"colour", s.colour}, {"reason", s.reason}};
  o["last_declared_at"] = last ? json::value(format_rfc3339(last->created_at)) : json::value(nullptr);
  o["last_declaration_id"] = last ? json::value(last->id) : json::value(nullptr);
  return o;
}

void register_people_routes(App& app) {
  auto& r = app.router();
  r.add(Method::kGet, "/api/v1/me/people", [&app](Request& req) { return list_people(app, req); },
        "the people this citizen manages: themselves first, then dependants");
  r.add(Method::kPost, "/api/v1/me/people", [&app](Request& req) { return add_person(app, req); },
        "add a dependant (a child, a parent, anyone without a smartphone)");
  r.add(Method::kGet, "/api/v1/me/people/{id}", [&app](Request& req) { return get_person(app, req); },
        "one managed person");
  r.add(Method::kPut, "/api/v1/me/people/{id}", [&app](Request& req) { return edit_person(app, req); },
        "edit a managed person's details");
  r.add(Method::kGet, "/api/v1/people/{id}/qr", [&app](Request& req) { return get_qr(app, req); },
        "the signed personal QR of a managed person");
  r.add(Method::kPost, "/api/v1/people/{id}/qr/revoke", [&app](Request& req) { return revoke_qr(app, req); },
        "revoke every QR token of a managed person");
}

}  // namespace kb::http
