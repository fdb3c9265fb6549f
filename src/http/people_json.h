// JSON shapes of people, declarations and personal QR codes, shared by the people, declaration
// and QR routes. Each shape is written by one function here, wherever it appears.
#pragma once

#include <boost/json.hpp>
#include <span>

#include "core/result.h"
#include "declarations/declaration.h"
#include "people/person.h"
#include "qr/personal_qr.h"
#include "store/database.h"

namespace kb::http {

// A managed person as the API shows them, with their status colour and last declaration
// (reads both).
Result<boost::json::object> person_json(store::Connection& c, const people::Person& p);
Result<boost::json::array> people_json(store::Connection& c,
                                       std::span<const people::Person> people);

// A declaration, with its entry details (international arrivals: declarations::entry_json) or
// null.
boost::json::object declaration_json(const declarations::Declaration& d);

// A personal QR as its holder sees it: the payload, its SVG, colour, validity and whose it is.
boost::json::object personal_qr_json(const qr::IssuedQr& q, const people::Person& p);

}  // namespace kb::http
