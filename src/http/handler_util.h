// What every handler shares: reading the caller, the body and the parameters of a request into
// typed values (or an Error naming the field), and shaping common answers. A handler is
//
//   awaitable<Result<Response>> do_thing(App& app, Request& req) {
//     KB_CO_ASSIGN(auto official, signed_in(app, req, access::official));   // who
//     KB_CO_ASSIGN(auto input, parse_thing(req));                           // what
//     KB_CO_ASSIGN(auto done, co_await app.write(job));                     // one domain call
//     co_return Response::json(201, thing_json(done));                      // the answer
//   }
//
// and a failure anywhere is returned as an Error, mapped to HTTP in one place (App::handle).
#pragma once

#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "accounts/accounts.h"
#include "core/json_input.h"
#include "http/message.h"

namespace kb::http {

class App;

// The request body as a JSON object; 415 unless the content type is JSON.
Result<JsonBody> json_body(const Request& req);

// The signed-in account (kUnauthenticated without a valid token), and, when `role` is given, the
// access policy's answer to "may this account use this route" (access::official, …).
Result<accounts::User> signed_in(App& app, const Request& req);
Result<accounts::User> signed_in(App& app, const Request& req,
                                 Status (*role)(const accounts::User&));
// The signed-in account even while it must still change a one-time password (see
// access::password_settled): only for the routes such an account may use, which are reading
// itself, changing the password and signing out.
Result<accounts::User> signed_in_unsettled(App& app, const Request& req);
// The signed-in account when the request carries a token, nullopt when it carries none (routes
// open to guests); a bad token is still kUnauthenticated.
Result<std::optional<accounts::User>> maybe_signed_in(App& app, const Request& req);

// The citizen's inbox page (an absolute URL), which tracing notices link to.
std::string inbox_link(App& app);

// A numeric path parameter ("id" by default); kNotFound `code` for anything else, since a path
// that is not a number names no record.
Result<int64_t> path_id(const Request& req, std::string_view name = "id",
                        std::string code = "not_found");
// A whole-number query parameter in [min, max], or `fallback` when absent.
Result<int64_t> int_param(const Request& req, std::string_view name, int64_t min, int64_t max,
                          int64_t fallback);
// The reason an official gives for reading personal data (?reason=, 3 to 500 bytes): every such
// read is audited with it.
Result<std::string> reason_param(const Request& req);

// A CSV file to download (core/csv.h makes the body): text/csv, saved as `filename`.
Response csv_attachment(std::string body, std::string_view filename);

// A time as the API writes it (RFC 3339, +07:00), or null.
boost::json::value json_time(std::optional<int64_t> unix_seconds);
// A string, or null when empty.
boost::json::value json_text(const std::string& s);

// The optional client-made id of a write ({"client_id": …}; store/client_writes.h).
Result<std::optional<std::string>> client_id_field(JsonBody& body);

// Result<T> → Response: `ok(value)` on success, the mapped error otherwise.
template <class T, class F>
Response respond(Result<T>&& r, F&& ok) {
  if (!r.ok()) return Response::error(r.error());
  return ok(std::move(r).value());
}

}  // namespace kb::http
