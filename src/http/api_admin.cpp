// Administration: staff accounts.
#include "core/crypto.h"
#include "http/app.h"
#include "http/handler_util.h"

namespace kb::http {
namespace {

using boost::asio::awaitable;

awaitable<Response> create_user(App& app, Request& req) {
  auto admin = app.authenticate(req);
  if (!admin.ok()) co_return Response::error(admin.error());
  if (admin->role != accounts::Role::kAdmin) {
    co_return Response::error(make_error(ErrorKind::kForbidden, "forbidden", "only administrators create accounts"));
  }
  auto body = json_body(req);
  if (!body.ok()) co_return Response::error(body.error());
  auto raw_username = body->required_string("username", 64);
  if (!raw_username.ok()) co_return Response::error(raw_username.error());
  auto password = body->required_string("password", 200);
  if (!password.ok()) co_return Response::error(password.error());
  auto raw_role = body->required_string("role", 20);
  if (!raw_role.ok()) co_return Response::error(raw_role.error());
  auto raw_jurisdiction = body->optional_string("jurisdiction", 20);
  if (!raw_jurisdiction.ok()) co_return Response::error(raw_jurisdiction.error());
  if (auto st = body->no_unknown_fields(); !st.ok()) co_return Response::error(st.error());

  accounts::NewStaff staff;
  auto username = accounts::parse_username(*raw_username);
  if (!username.ok()) co_return Response::error(username.error());
  staff.username = *username;
  if (auto st = accounts::check_password_strength(*password); !st.ok()) co_return Response::error(st.error());
  auto role = accounts::parse_role(*raw_role);
  if (!role.ok()) co_return Response::error(role.error());
  staff.role = *role;
  if (*raw_jurisdiction) {
    auto j = areas::Jurisdiction::parse(**raw_jurisdiction, app.areas());
    if (!j.ok()) co_return Response::error(j.error());
    staff.jurisdiction = *j;
  }
  if (auto st = accounts::check_staff_roles(staff); !st.ok()) co_return Response::error(st.error());
  auto hash = [pw = *password] { return hash_password(pw); };
  auto hashed = co_await app.offload(hash);
  if (!hashed.ok()) co_return Response::error(hashed.error());
  staff.password_hash = *hashed;

  auto created_job = [staff, by = admin->id, now = app.now()](store::Connection& c) {
    return accounts::create_staff(c, staff, by, now);
  };
  auto created = co_await app.write(created_job);
  if (!created.ok()) co_return Response::error(created.error());
  auto body_out = user_json(*created, app.areas());
  co_return Response::json(201, body_out);
}

}  // namespace

void register_admin_routes(App& app) {
  app.router().add(Method::kPost, "/api/v1/admin/users", [&app](Request& req) { return create_user(app, req); },
                   "create a staff account (administrators)");
}

}  // namespace kb::http
