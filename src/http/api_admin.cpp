// Administration of accounts: create staff, list and search every account, disable and enable
// one, give a staff member a new one-time password. Administrators only (access::administrator);
// every change is audited with the administrator as the actor (accounts/).
#include "access/policy.h"
#include "core/crypto.h"
#include "http/app.h"
#include "http/handler_util.h"

namespace kb::http {
namespace {

using boost::asio::awaitable;
namespace json = boost::json;

json::object account_json(const accounts::Account& a, const areas::AreaDirectory& areas) {
  json::object o = user_json(a.user, areas);
  o["disabled"] = a.disabled;
  o["created_at"] = json_time(a.created_at);
  o["last_sign_in_at"] = json_time(a.last_sign_in_at);
  return o;
}

// The new account and its password, checked before the slow hash is made.
struct NewStaffInput {
  accounts::NewStaff staff;
  std::string password;
};

Result<NewStaffInput> parse_new_staff(const Request& req, const areas::AreaDirectory& areas) {
  KB_ASSIGN(JsonBody body, json_body(req));
  KB_ASSIGN(std::string username, body.required_string("username", 64));
  NewStaffInput in;
  KB_ASSIGN(in.password, body.required_string("password", 200));
  KB_ASSIGN(std::string role, body.required_string("role", 20));
  KB_ASSIGN(auto jurisdiction, body.optional_string("jurisdiction", 20));
  KB_TRY(body.no_unknown_fields());
  KB_ASSIGN(in.staff.username, accounts::parse_username(username));
  KB_TRY(accounts::check_password_strength(in.password));
  KB_ASSIGN(in.staff.role, accounts::parse_role(role));
  if (jurisdiction) {
    KB_ASSIGN(in.staff.jurisdiction, areas::Jurisdiction::parse(*jurisdiction, areas));
  }
  KB_TRY(accounts::check_staff_roles(in.staff));
  return in;
}

// ?q= (part of a username or phone), ?role=, ?jurisdiction=, ?before= (paging), ?limit=.
Result<accounts::AccountQuery> parse_account_query(const Request& req,
                                                   const areas::AreaDirectory& areas) {
  accounts::AccountQuery q;
  q.text = req.query_param("q").value_or("");
  if (q.text.size() > 64) return invalid("q", "too_long", "q is at most 64 bytes");
  if (auto role = req.query_param("role"); role && !role->empty()) {
    KB_ASSIGN(q.role, accounts::parse_role(*role));
  }
  if (auto area = req.query_param("jurisdiction"); area && !area->empty()) {
    KB_ASSIGN(q.jurisdiction, areas::Jurisdiction::parse(*area, areas));
  }
  KB_ASSIGN(q.before_id, int_param(req, "before", 0, INT64_MAX, 0));
  KB_ASSIGN(q.limit, int_param(req, "limit", 1, 200, 50));
  return q;
}

awaitable<Result<std::string>> hashed(App& app, std::string password) {
  auto hash = [password = std::move(password)] { return hash_password(password); };
  co_return co_await app.offload(hash);
}

awaitable<Result<Response>> create_staff(App& app, Request& req) {
  KB_CO_ASSIGN(accounts::User admin, signed_in(app, req, access::administrator));
  KB_CO_ASSIGN(NewStaffInput in, parse_new_staff(req, app.areas()));
  KB_CO_ASSIGN(in.staff.password_hash, co_await hashed(app, in.password));
  auto create = [staff = in.staff, by = admin.id, now = app.now()](store::Connection& c) {
    return accounts::create_staff(c, staff, by, now);
  };
  KB_CO_ASSIGN(accounts::User created, co_await app.write(create));
  co_return Response::json(201, user_json(created, app.areas()));
}

awaitable<Result<Response>> list_accounts(App& app, Request& req) {
  KB_CO_TRY(signed_in(app, req, access::administrator));
  KB_CO_ASSIGN(accounts::AccountQuery query, parse_account_query(req, app.areas()));
  KB_CO_ASSIGN(auto found, app.db().read([&](store::Connection& c) {
    return accounts::find_accounts(c, app.areas(), query);
  }));
  json::array list;
  for (const auto& a : found) list.push_back(account_json(a, app.areas()));
  bool more = static_cast<int64_t>(found.size()) == query.limit;
  json::value next = more ? json::value(found.back().user.id) : json::value(nullptr);
  co_return Response::json(200, json::object{{"accounts", std::move(list)}, {"next_before", next}});
}

awaitable<Result<Response>> get_account(App& app, Request& req) {
  KB_CO_TRY(signed_in(app, req, access::administrator));
  KB_CO_ASSIGN(int64_t id, path_id(req, "id", "no_such_account"));
  KB_CO_ASSIGN(auto account, app.db().read([&](store::Connection& c) {
    return accounts::find_account(c, app.areas(), id);
  }));
  co_return Response::json(200, account_json(account, app.areas()));
}

awaitable<Result<Response>> set_disabled(App& app, Request& req, bool disabled) {
  KB_CO_ASSIGN(accounts::User admin, signed_in(app, req, access::administrator));
  KB_CO_ASSIGN(int64_t id, path_id(req, "id", "no_such_account"));
  auto change = [&app, by = admin.id, id, disabled, now = app.now()](store::Connection& c) {
    return accounts::set_account_disabled(c, app.areas(), by, id, disabled, now);
  };
  KB_CO_ASSIGN(accounts::Account account, co_await app.write(change));
  if (disabled) app.forget_account_sessions(id);
  co_return Response::json(200, account_json(account, app.areas()));
}

// The new password is in the answer once and stored only as a hash.
awaitable<Result<Response>> reset_password(App& app, Request& req) {
  KB_CO_ASSIGN(accounts::User admin, signed_in(app, req, access::administrator));
  KB_CO_ASSIGN(int64_t id, path_id(req, "id", "no_such_account"));
  std::string password = accounts::new_one_time_password();
  KB_CO_ASSIGN(std::string hash, co_await hashed(app, password));
  auto reset = [&app, by = admin.id, id, hash, now = app.now()](store::Connection& c) {
    return accounts::reset_password(c, app.areas(), by, id, hash, now);
  };
  KB_CO_ASSIGN(accounts::Account account, co_await app.write(reset));
  app.forget_account_sessions(id);
  co_return Response::json(200, json::object{{"account", account_json(account, app.areas())},
                                             {"one_time_password", password}});
}

}  // namespace

void register_admin_routes(App& app) {
  auto& r = app.router();
  r.add(
      Method::kPost, "/api/v1/admin/users", [&app](Request& req) { return create_staff(app, req); },
      "create a staff account (administrators)");
  r.add(
      Method::kGet, "/api/v1/admin/accounts",
      [&app](Request& req) { return list_accounts(app, req); },
      "accounts, newest first, by part of a username or a whole phone, role and jurisdiction "
      "(administrators)");
  r.add(
      Method::kGet, "/api/v1/admin/accounts/{id}",
      [&app](Request& req) { return get_account(app, req); }, "one account (administrators)");
  r.add(
      Method::kPost, "/api/v1/admin/accounts/{id}/disable",
      [&app](Request& req) { return set_disabled(app, req, true); },
      "disable an account and revoke its sessions (administrators)");
  r.add(
      Method::kPost, "/api/v1/admin/accounts/{id}/enable",
      [&app](Request& req) { return set_disabled(app, req, false); },
      "enable a disabled account (administrators)");
  r.add(
      Method::kPost, "/api/v1/admin/accounts/{id}/password-reset",
      [&app](Request& req) { return reset_password(app, req); },
      "give a staff account a new one-time password, shown once (administrators)");
}

}  // namespace kb::http
