// JSON shapes of venues and visits, shared by the venue and check-in routes.
#pragma once

#include <boost/json.hpp>
#include <string>

#include "areas/area_directory.h"
#include "assessment/safety.h"
#include "checkin/visit.h"
#include "core/json_writer.h"
#include "core/result.h"
#include "venues/venue.h"

namespace kb::http {

class App;

// `{base}/v/{code}`: the URL a venue's poster QR carries.
std::string venue_url(const App& app, const venues::Venue& venue);
boost::json::object venue_json(const App& app, const venues::Venue& venue);
boost::json::object visit_json(const checkin::Visit& visit);
// The same members as visit_json, written straight into an answer's text (the check-in path):
// as an object, or as the first members of an object the caller opened and closes.
void write_visit(JsonWriter& out, const checkin::Visit& visit);
void write_visit_members(JsonWriter& out, const checkin::Visit& visit);
// A venue's safety self-assessment as of `now` ({risk_class, score, assessed_at, due_at,
// overdue}, and with `answers` each item met or not), or null when it has none.
boost::json::value safety_json(const std::optional<assessment::Assessment>& a, int64_t now,
                               bool with_answers);
// A numeric path parameter (an id); kNotFound with `code` when it is not a positive integer.
Result<int64_t> path_id(std::string_view text, std::string code, std::string message);

}  // namespace kb::http
