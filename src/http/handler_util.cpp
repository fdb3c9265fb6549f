#include "http/handler_util.h"

#include <fmt/format.h>

#include "core/clock.h"
#include "http/app.h"
#include "store/client_writes.h"

namespace kb::http {

Result<JsonBody> json_body(const Request& req) {
  std::string_view ct = req.content_type;
  if (!ct.starts_with("application/json")) {
    return Error{ErrorKind::kUnsupportedMediaType, "unsupported_media_type",
                 "send the body as application/json", "content-type"};
  }
  return JsonBody::parse(req.body);
}

Result<accounts::User> signed_in(App& app, const Request& req) { return app.authenticate(req); }

Result<accounts::User> signed_in(App& app, const Request& req,
                                 Status (*role)(const accounts::User&)) {
  KB_ASSIGN(accounts::User user, app.authenticate(req));
  KB_TRY(role(user));
  return user;
}

Result<accounts::User> signed_in_unsettled(App& app, const Request& req) {
  return app.session_user(req);
}

Result<std::optional<accounts::User>> maybe_signed_in(App& app, const Request& req) {
  if (req.bearer_token().empty()) return std::optional<accounts::User>();
  KB_ASSIGN(accounts::User user, app.authenticate(req));
  return std::optional<accounts::User>(std::move(user));
}

namespace {

std::optional<int64_t> whole_number(std::string_view s) {
  if (s.empty() || s.size() > 18 || s.find_first_not_of("0123456789") != std::string_view::npos)
    return std::nullopt;
  int64_t n = 0;
  for (char ch : s) n = n * 10 + (ch - '0');
  return n;
}

}  // namespace

Result<int64_t> path_id(const Request& req, std::string_view name, std::string code) {
  auto n = whole_number(req.param(name));
  if (!n) return make_error(ErrorKind::kNotFound, std::move(code), "no such record");
  return *n;
}

Result<int64_t> int_param(const Request& req, std::string_view name, int64_t min, int64_t max,
                          int64_t fallback) {
  auto v = req.query_param(name);
  if (!v) return fallback;
  auto n = whole_number(*v);
  if (!n)
    return invalid(std::string(name), "invalid_number",
                   fmt::format("{} must be a whole number", name));
  if (*n < min || *n > max) {
    return invalid(std::string(name), "out_of_range",
                   fmt::format("{} must be between {} and {}", name, min, max));
  }
  return *n;
}

Result<std::string> reason_param(const Request& req) {
  std::string r = req.query_param("reason").value_or("");
  while (!r.empty() && (r.back() == ' ' || r.back() == '\t')) r.pop_back();
  size_t lead = r.find_first_not_of(" \t");
  r.erase(0, lead == std::string::npos ? r.size() : lead);
  if (r.size() < 3) {
    return invalid("reason", "reason_required",
                   "give the reason for viewing this personal data (?reason=…)");
  }
  if (r.size() > 500) return invalid("reason", "too_long", "reason is at most 500 bytes");
  return r;
}

boost::json::value json_time(std::optional<int64_t> t) {
  return t ? boost::json::value(format_rfc3339(*t)) : boost::json::value(nullptr);
}

boost::json::value json_text(const std::string& s) {
  return s.empty() ? boost::json::value(nullptr) : boost::json::value(s);
}

Response csv_attachment(std::string body, std::string_view filename) {
  Response res;
  res.content_type = "text/csv; charset=utf-8";
  res.body = std::move(body);
  res.headers.emplace_back("content-disposition",
                           fmt::format("attachment; filename=\"{}\"", filename));
  return res;
}

std::string inbox_link(App& app) {
  std::string link = app.config().public_base_url;
  while (!link.empty() && link.back() == '/') link.pop_back();
  return link + "/inbox";
}

Result<std::optional<std::string>> client_id_field(JsonBody& body) {
  KB_ASSIGN(auto raw, body.optional_string("client_id", 100));
  if (!raw) return std::optional<std::string>();
  KB_ASSIGN(std::string id, store::parse_client_id(*raw));
  return std::optional<std::string>(std::move(id));
}

}  // namespace kb::http
