// Sign-in: phone + one-time code for citizens, username + password for staff; the session.
#include <spdlog/spdlog.h>

#include "core/crypto.h"
#include "core/phone.h"
#include "http/app.h"
#include "http/handler_util.h"

namespace kb::http {
namespace {

using boost::asio::awaitable;
namespace json = boost::json;

json::object session_json(const accounts::Session& s, const areas::AreaDirectory& areas) {
  return {{"token", s.token}, {"expires_at", format_rfc3339(s.expires_at)}, {"user", user_json(s.user, areas)}};
}

Result<std::string> parse_code(std::string_view code) {
  if (code.size() != 6 || code.find_first_not_of("0123456789") != std::string_view::npos) {
    return invalid("code", "invalid_code", "the code has 6 digits");
  }
  return std::string(code);
}

awaitable<Response> request_otp(App& app, Request& req) {
  auto body = json_body(req);
  if (!body.ok()) co_return Response::error(body.error());
  auto raw_phone = body->required_string("phone", 40);
  if (!raw_phone.ok()) co_return Response::error(raw_phone.error());
  if (auto st = body->no_unknown_fields(); !st.ok()) co_return Response::error(st.error());
  auto phone = normalize_mobile(*raw_phone);
  if (!phone.ok()) co_return Response::error(phone.error());

  int64_t now = app.now();
  auto issue = [&app, phone = *phone, ip = req.client_ip, now](store::Connection& c) {
    return accounts::issue_otp(c, app.config().auth, app.secrets(), phone, ip, now);
  };
  auto issued = co_await app.write(issue);
  if (!issued.ok()) co_return Response::error(issued.error());
  std::string text = fmt::format("Ma xac thuc khaibao cua ban: {}. Hieu luc {} phut. Khong chia se ma nay.",
                                 issued->code, issued->expires_in / 60);
  if (auto sent = app.sms().send({"sms", issued->phone, text, now}); !sent.ok()) {
    spdlog::error("sending a sign-in code failed: {}", sent.error().message);
    co_return Response::error(sent.error());
  }
  co_return Response::json(200, json::object{{"phone", issued->phone},
                                             {"expires_in", issued->expires_in},
                                             {"resend_after", issued->resend_after}});
}

awaitable<Response> verify_otp(App& app, Request& req) {
  auto body = json_body(req);
  if (!body.ok()) co_return Response::error(body.error());
  auto raw_phone = body->required_string("phone", 40);
  if (!raw_phone.ok()) co_return Response::error(raw_phone.error());
  auto raw_code = body->required_string("code", 20);
  if (!raw_code.ok()) co_return Response::error(raw_code.error());
  if (auto st = body->no_unknown_fields(); !st.ok()) co_return Response::error(st.error());
  auto phone = normalize_mobile(*raw_phone);
  if (!phone.ok()) co_return Response::error(phone.error());
  auto code = parse_code(*raw_code);
  if (!code.ok()) co_return Response::error(code.error());

  int64_t now = app.now();
  auto checked_job = [&app, phone = *phone, code = *code, now](store::Connection& c) {
    return accounts::check_otp(c, app.config().auth, app.secrets(), phone, code, now);
  };
  auto checked = co_await app.write(checked_job);
  if (!checked.ok()) co_return Response::error(checked.error());
  if (checked->refusal) co_return Response::error(*checked->refusal);
  co_return Response::json(200, session_json(*checked->session, app.areas()));
}

awaitable<Response> login(App& app, Request& req) {
  auto body = json_body(req);
  if (!body.ok()) co_return Response::error(body.error());
  auto username = body->required_string("username", 64);
  if (!username.ok()) co_return Response::error(username.error());
  auto password = body->required_string("password", 200);
  if (!password.ok()) co_return Response::error(password.error());
  if (auto st = body->no_unknown_fields(); !st.ok()) co_return Response::error(st.error());

  int64_t now = app.now();
  auto candidate = app.db().read([&](store::Connection& c) {
    return accounts::find_login(c, app.areas(), app.config().auth, *username, now);
  });
  bool verified = false;
  if (candidate.ok()) {
    auto check = [hash = candidate->password_hash, pw = *password] { return verify_password(hash, pw); };
    verified = co_await app.offload(check);
  }
  if (!verified) {
    if (!candidate.ok() && candidate.error().kind == ErrorKind::kRateLimited) {
      co_return Response::error(candidate.error());
    }
    auto recorded_job = [name = *username, now](store::Connection& c) {
      return accounts::record_login_failure(c, name, now);
    };
    auto recorded = co_await app.write(recorded_job);
    if (!recorded.ok()) co_return Response::error(recorded.error());
    co_return Response::error(
        Error{ErrorKind::kUnauthenticated, "bad_credentials", "wrong username or password", "password"});
  }
  auto session_job = [&app, user = candidate->user, ip = req.client_ip, now](store::Connection& c) {
    return accounts::open_staff_session(c, app.config().auth, user, ip, now);
  };
  auto session = co_await app.write(session_job);
  if (!session.ok()) co_return Response::error(session.error());
  co_return Response::json(200, session_json(*session, app.areas()));
}

awaitable<Response> logout(App& app, Request& req) {
  auto user = app.authenticate(req);
  if (!user.ok()) co_return Response::error(user.error());
  auto done_job = [token = std::string(req.bearer_token()), now = app.now()](store::Connection& c) {
    return accounts::revoke_session(c, token, now);
  };
  auto done = co_await app.write(done_job);
  if (!done.ok()) co_return Response::error(done.error());
  app.forget_session(req.bearer_token());
  co_return Response::no_content();
}

awaitable<Response> me(App& app, Request& req) {
  auto user = app.authenticate(req);
  if (!user.ok()) co_return Response::error(user.error());
  co_return Response::json(200, user_json(*user, app.areas()));
}

awaitable<Response> change_password(App& app, Request& req) {
  auto user = app.authenticate(req);
  if (!user.ok()) co_return Response::error(user.error());
  auto body = json_body(req);
  if (!body.ok()) co_return Response::error(body.error());
  auto current = body->required_string("current_password", 200);
  if (!current.ok()) co_return Response::error(current.error());
  auto next = body->required_string("new_password", 200);
  if (!next.ok()) co_return Response::error(next.error());
  if (auto st = body->no_unknown_fields(); !st.ok()) co_return Response::error(st.error());
  if (auto st = accounts::check_password_strength(*next, "new_password"); !st.ok()) co_return Response::error(st.error());
  auto stored = app.db().read([&](store::Connection& c) { return accounts::password_hash_of(c, user->id); });
  bool current_ok = false;
  if (stored.ok()) {
    auto check = [hash = *stored, pw = *current] { return verify_password(hash, pw); };
    current_ok = co_await app.offload(check);
  }
  if (!current_ok) {
    co_return Response::error(Error{ErrorKind::kForbidden, "bad_credentials", "the current password is wrong",
                                    "current_password"});
  }
  auto hash = [pw = *next] { return hash_password(pw); };
  auto hashed = co_await app.offload(hash);
  if (!hashed.ok()) co_return Response::error(hashed.error());
  auto done_job = [id = user->id, h = *hashed, now = app.now()](store::Connection& c) {
    return accounts::change_password(c, id, h, now);
  };
  auto done = co_await app.write(done_job);
  if (!done.ok()) co_return Response::error(done.error());
  app.forget_session(req.bearer_token());  // its cached user still says must_change_password
  co_return Response::no_content();
}

}  // namespace

void register_auth_routes(App& app) {
  auto& r = app.router();
  r.add(Method::kPost, "/api/v1/auth/otp", [&app](Request& req) { return request_otp(app, req); },
        "send a one-time sign-in code by SMS");
  r.add(Method::kPost, "/api/v1/auth/otp/verify", [&app](Request& req) { return verify_otp(app, req); },
        "exchange phone + code for a token");
  r.add(Method::kPost, "/api/v1/auth/login", [&app](Request& req) { return login(app, req); },
        "staff sign-in with username + password");
  r.add(Method::kPost, "/api/v1/auth/logout", [&app](Request& req) { return logout(app, req); },
        "revoke the current token");
  r.add(Method::kGet, "/api/v1/me", [&app](Request& req) { return me(app, req); }, "the signed-in account");
  r.add(Method::kPost, "/api/v1/me/password", [&app](Request& req) { return change_password(app, req); },
        "change a staff account's password");
}

}  // namespace kb::http
