#include "checkin/checkout.h"

#include <algorithm>
#include <map>

#include "access/policy.h"
#include "core/crypto.h"
#include "people/person.h"
#include "store/async_write.h"

namespace kb::checkin {
namespace {

Error visit_not_found() {
  return Error{ErrorKind::kNotFound, "visit_not_found", "no such visit", "visit_id"};
}

// The one visit the caller may close, checked before anything is written.
Result<Visit> closable_visit(store::Connection& c, const CheckoutRequest& r,
                             std::string_view secret) {
  KB_ASSIGN(auto v, find(c, *r.visit_id));
  if (!v) return visit_not_found();
  if (r.caller && r.caller->role == accounts::Role::kCitizen) {
    KB_ASSIGN(bool mine, access::manages(c, r.caller->id, v->person_id));
    if (!mine) return visit_not_found();
  } else if (r.caller) {
    KB_ASSIGN(auto venue, venues::find(c, v->venue_id));
    if (!venue) return visit_not_found();
    KB_ASSIGN(auto role, access::venue_role(c, *r.caller, *venue));
    if (!access::scans_at_venue(role).ok()) return visit_not_found();
  } else {
    if (!r.checkout_token) {
      return Error{ErrorKind::kUnauthenticated, "unauthenticated",
                   "sign in, or give the checkout_token", "checkout_token"};
    }
    if (!constant_time_equal(*r.checkout_token, checkout_token(secret, *v))) {
      return Error{ErrorKind::kForbidden, "invalid_checkout_token",
                   "this check-out token is not valid", "checkout_token"};
    }
  }
  if (v->t_out) {
    return Error{ErrorKind::kConflict, "already_checked_out", "this visit was already checked out",
                 "visit_id"};
  }
  return *v;
}

// A citizen's open visits at a venue (theirs and their household's).
Result<std::vector<Visit>> open_at_venue(store::Connection& c, const CheckoutRequest& r,
                                         int64_t now) {
  if (!r.caller || r.caller->role != accounts::Role::kCitizen) {
    return make_error(ErrorKind::kUnauthenticated, "unauthenticated",
                      "sign in to leave a venue by its code, or give visit_id");
  }
  KB_ASSIGN(auto venue, venues::find_by_code(c, r.venue_code->str()));
  if (!venue)
    return Error{ErrorKind::kNotFound, "venue_not_found", "no venue has this code", "venue_code"};
  KB_ASSIGN(auto people, people::managed_by(c, r.caller->id));
  std::vector<int64_t> ids;
  ids.reserve(people.size());
  for (const auto& p : people) ids.push_back(p.id);
  KB_ASSIGN(auto open, open_visits(c, venue->id, ids, now));
  if (open.empty()) {
    return Error{ErrorKind::kConflict, "not_checked_in",
                 "nobody you manage is checked in at this venue", "venue_code"};
  }
  return open;
}

}  // namespace

boost::asio::awaitable<Result<std::vector<Visit>>> check_out(store::Database& db,
                                                             const CheckoutRequest& r,
                                                             std::string secret, int64_t now) {
  KB_CO_ASSIGN(std::vector<Visit> to_close,
               db.read([&](store::Connection& c) -> Result<std::vector<Visit>> {
                 if (!r.visit_id) return open_at_venue(c, r, now);
                 KB_ASSIGN(Visit v, closable_visit(c, r, secret));
                 return std::vector<Visit>{v};
               }));
  auto job = [to_close = std::move(to_close),
              now](store::Connection& c) -> Result<std::vector<Visit>> {
    std::vector<Visit> closed;
    for (const auto& v : to_close) {
      KB_ASSIGN(Visit done, check_out(c, v.id, now));
      closed.push_back(done);
    }
    return closed;
  };
  co_return co_await store::write(db, job);
}

Result<std::vector<VisitOfMine>> history_of(store::Connection& c, int64_t account_id, int64_t now) {
  KB_ASSIGN(auto people, people::managed_by(c, account_id));
  std::map<int64_t, std::string> names;
  std::vector<int64_t> ids;
  for (const auto& p : people) {
    ids.push_back(p.id);
    names[p.id] = p.full_name;
  }
  KB_ASSIGN(auto visits, visits_of(c, ids, now - 28 * 86400, 200));
  std::vector<VisitOfMine> out;
  out.reserve(visits.size());
  for (auto& v : visits) {
    std::string name = names[v.visit.person_id];
    out.push_back({v.visit, std::move(v.venue_name), std::move(v.venue_code), std::move(name)});
  }
  return out;
}

}  // namespace kb::checkin
