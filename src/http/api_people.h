// Pieces the people, declarations and QR routes share.
#pragma once

#include <boost/json/object.hpp>

#include "accounts/accounts.h"
#include "http/handler_util.h"
#include "people/person.h"
#include "store/database.h"

namespace kb::http {

class App;

// The signed-in citizen, or kUnauthenticated / kForbidden (staff accounts manage no people).
Result<accounts::User> citizen_of(App& app, const Request& req);
// A managed person as the API shows them, with their status colour and last declaration.
Result<boost::json::object> person_json(store::Connection& c, const people::Person& p);

}  // namespace kb::http
