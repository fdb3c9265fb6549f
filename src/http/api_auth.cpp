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
  return {{"token", s.token},
          {"expires_at", format_rfc3339(s.expires_at)},
          {"user", user_json(s.user, areas)}};
}

Result<std::string> parse_code(std::string_view code) {
  if (code.size() != 6 || code.find_first_not_of("0123456789") != std::string_view::npos) {
    return invalid("code", "invalid_code", "the code has 6 digits");
  }
  return std::string(code);
}

struct PhoneAndCode {
  std::string phone;  // E.164
  std::string code;   // empty when asking for one
};

Result<PhoneAndCode> parse_phone_and_code(const Request& req, bool with_code) {
  KB_ASSIGN(JsonBody body, json_body(req));
  KB_ASSIGN(std::string raw_phone, body.required_string("phone", 40));
  std::string raw_code;
  if (with_code) {
    KB_ASSIGN(raw_code, body.required_string("code", 20));
  }
  KB_TRY(body.no_unknown_fields());
  PhoneAndCode out;
  KB_ASSIGN(out.phone, normalize_mobile(raw_phone));
  if (with_code) {
    KB_ASSIGN(out.code, parse_code(raw_code));
  }
  return out;
}

struct Credentials {
  std::string username;
  std::string password;
};

Result<Credentials> parse_credentials(const Request& req) {
  KB_ASSIGN(JsonBody body, json_body(req));
  Credentials in;
  KB_ASSIGN(in.username, body.required_string("username", 64));
  KB_ASSIGN(in.password, body.required_string("password", 200));
  KB_TRY(body.no_unknown_fields());
  return in;
}

struct PasswordChange {
  std::string current;
  std::string next;
};

Result<PasswordChange> parse_password_change(const Request& req) {
  KB_ASSIGN(JsonBody body, json_body(req));
  PasswordChange in;
  KB_ASSIGN(in.current, body.required_string("current_password", 200));
  KB_ASSIGN(in.next, body.required_string("new_password", 200));
  KB_TRY(body.no_unknown_fields());
  KB_TRY(accounts::check_password_strength(in.next, "new_password"));
  return in;
}

// Whether `password` matches `hash`, checked on the slow pool: argon2id takes tens of
// milliseconds of CPU that the HTTP threads should spend answering.
awaitable<bool> password_matches(App& app, std::string hash, std::string password) {
  auto check = [hash = std::move(hash), password = std::move(password)] {
    return verify_password(hash, password);
  };
  co_return co_await app.offload(check);
}

awaitable<Result<std::string>> hashed(App& app, std::string password) {
  auto hash = [password = std::move(password)] { return hash_password(password); };
  co_return co_await app.offload(hash);
}

awaitable<Result<Response>> request_otp(App& app, Request& req) {
  KB_CO_ASSIGN(PhoneAndCode in, parse_phone_and_code(req, false));
  auto issue = [&app, phone = in.phone, ip = req.client_ip, now = app.now()](store::Connection& c) {
    return accounts::queue_otp(c, app.config().auth, app.secrets(), phone, ip, now);
  };
  KB_CO_ASSIGN(accounts::OtpQueued queued, co_await app.write(issue));
  // Sent at once, in the urgent lane; a failed attempt stays queued for the urgent worker.
  if (auto sent = app.urgent_texts().attempt(queued.delivery_id); !sent.ok()) {
    spdlog::warn("a sign-in code's first attempt failed (it will be retried): {}",
                 sent.error().message);
  }
  const accounts::OtpIssued& issued = queued.issued;
  co_return Response::json(200, json::object{{"phone", issued.phone},
                                             {"expires_in", issued.expires_in},
                                             {"resend_after", issued.resend_after}});
}

awaitable<Result<Response>> verify_otp(App& app, Request& req) {
  KB_CO_ASSIGN(PhoneAndCode in, parse_phone_and_code(req, true));
  auto check = [&app, in, now = app.now()](store::Connection& c) {
    return accounts::check_otp(c, app.config().auth, app.secrets(), in.phone, in.code, now);
  };
  KB_CO_ASSIGN(accounts::OtpCheck checked, co_await app.write(check));
  if (checked.refusal) co_return *checked.refusal;
  co_return Response::json(200, session_json(*checked.session, app.areas()));
}

// A wrong password (or no such account, or a disabled one: the answer is the same) counts
// towards the account's lockout.
awaitable<Result<Response>> refuse_login(App& app, std::string username, int64_t now) {
  auto record = [&app, username = std::move(username), now](store::Connection& c) {
    return accounts::record_login_failure(c, app.config().auth, username, now);
  };
  KB_CO_TRY(co_await app.write(record));
  co_return Error{ErrorKind::kUnauthenticated, "bad_credentials", "wrong username or password",
                  "password"};
}

awaitable<Result<Response>> login(App& app, Request& req) {
  KB_CO_ASSIGN(Credentials in, parse_credentials(req));
  int64_t now = app.now();
  auto candidate = app.db().read(
      [&](store::Connection& c) { return accounts::find_login(c, app.areas(), in.username, now); });
  if (!candidate.ok() && candidate.error().kind == ErrorKind::kRateLimited)
    co_return candidate.error();
  bool verified = false;
  if (candidate.ok())
    verified = co_await password_matches(app, candidate->password_hash, in.password);
  if (!verified) co_return co_await refuse_login(app, in.username, now);
  auto open = [&app, user = candidate->user, ip = req.client_ip, now](store::Connection& c) {
    return accounts::open_staff_session(c, app.config().auth, user, ip, now);
  };
  KB_CO_ASSIGN(accounts::Session session, co_await app.write(open));
  co_return Response::json(200, session_json(session, app.areas()));
}

awaitable<Result<Response>> logout(App& app, Request& req) {
  KB_CO_TRY(signed_in_unsettled(app, req));
  auto revoke = [token = std::string(req.bearer_token()), now = app.now()](store::Connection& c) {
    return accounts::revoke_session(c, token, now);
  };
  KB_CO_TRY(co_await app.write(revoke));
  app.forget_session(req.bearer_token());
  co_return Response::no_content();
}

awaitable<Result<Response>> me(App& app, Request& req) {
  KB_CO_ASSIGN(accounts::User user, signed_in_unsettled(app, req));
  co_return Response::json(200, user_json(user, app.areas()));
}

awaitable<Result<Response>> change_password(App& app, Request& req) {
  KB_CO_ASSIGN(accounts::User user, signed_in_unsettled(app, req));
  KB_CO_ASSIGN(PasswordChange in, parse_password_change(req));
  auto stored =
      app.db().read([&](store::Connection& c) { return accounts::password_hash_of(c, user.id); });
  bool current_ok = false;
  if (stored.ok()) current_ok = co_await password_matches(app, *stored, in.current);
  if (!current_ok) {
    co_return Error{ErrorKind::kForbidden, "wrong_password", "the current password is wrong",
                    "current_password"};
  }
  KB_CO_ASSIGN(std::string hash, co_await hashed(app, in.next));
  auto change = [id = user.id, hash, now = app.now()](store::Connection& c) {
    return accounts::change_password(c, id, hash, now);
  };
  KB_CO_TRY(co_await app.write(change));
  app.forget_session(req.bearer_token());  // its cached user still says must_change_password
  co_return Response::no_content();
}

}  // namespace

void register_auth_routes(App& app) {
  auto& r = app.router();
  r.add(
      Method::kPost, "/api/v1/auth/otp", [&app](Request& req) { return request_otp(app, req); },
      "send a one-time sign-in code by SMS");
  r.add(
      Method::kPost, "/api/v1/auth/otp/verify",
      [&app](Request& req) { return verify_otp(app, req); }, "exchange phone + code for a token");
  r.add(
      Method::kPost, "/api/v1/auth/login", [&app](Request& req) { return login(app, req); },
      "staff sign-in with username + password");
  r.add(
      Method::kPost, "/api/v1/auth/logout", [&app](Request& req) { return logout(app, req); },
      "revoke the current token");
  r.add(
      Method::kGet, "/api/v1/me", [&app](Request& req) { return me(app, req); },
      "the signed-in account");
  r.add(
      Method::kPost, "/api/v1/me/password",
      [&app](Request& req) { return change_password(app, req); },
      "change a staff account's password");
}

}  // namespace kb::http
