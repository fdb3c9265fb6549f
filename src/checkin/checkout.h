// Leaving a venue: a visit closed by the visitor (signed in, or a guest holding the checkout
// token given at check-in), by the venue's staff, or all of a citizen's open visits at a venue
// at once (the "leave" button of the venue page).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>
#include <vector>

#include "accounts/accounts.h"
#include "checkin/visit.h"
#include "core/result.h"
#include "store/database.h"
#include "venues/venue.h"

namespace kb::checkin {

struct CheckoutRequest {
  std::optional<accounts::User> caller;         // nullopt: a guest
  std::optional<int64_t> visit_id;              // one visit, or
  std::optional<venues::VenueCode> venue_code;  // a signed-in citizen's open visits at a venue
  std::optional<std::string> checkout_token;    // a guest's proof (checkout_token())
};

// Closes the visits at `now` and returns them. Refusals: visit_not_found (also for a visit the
// caller may not close, so its existence is not revealed), unauthenticated, invalid_checkout_token,
// already_checked_out, not_checked_in, venue_not_found.
boost::asio::awaitable<Result<std::vector<Visit>>> check_out(store::Database& db,
                                                             const CheckoutRequest& request,
                                                             std::string secret, int64_t now);

// A visit of someone the account manages, for the citizen's own history.
struct VisitOfMine {
  Visit visit;
  std::string venue_name;
  std::string venue_code;
  std::string person_name;
};
// The last 28 days of the account's people, newest first, at most 200 per person.
Result<std::vector<VisitOfMine>> history_of(store::Connection& c, int64_t account_id, int64_t now);

}  // namespace kb::checkin
