// What the notification routes still take from the people routes while they are converted to
// the Result<Response> handler shape: the JSON shapes are in http/people_json.h.
#pragma once

#include "accounts/accounts.h"
#include "http/handler_util.h"

namespace kb::http {

class App;

// The signed-in citizen: signed_in(app, req, access::citizen), under its former name for
// api_notify.cpp until it is converted. New code calls signed_in directly.
Result<accounts::User> citizen_of(App& app, const Request& req);

}  // namespace kb::http
