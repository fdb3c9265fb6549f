// Who may do what at a venue. Managers run it (staff, status, posters, guest log); staff scan
// visitors and read the guest log; officials act on venues inside their jurisdiction (every
// read of visitors' data audited by the caller); anyone else has no access.
#pragma once

#include "accounts/accounts.h"
#include "core/result.h"
#include "store/database.h"
#include "venues/venue.h"

namespace kb::venues {

enum class Access { kNone, kOfficial, kStaff, kManager };

Result<Access> access_of(store::Connection& c, const accounts::User& user, const Venue& venue);

// The venue and the user's access to it; kNotFound when there is no such venue, kForbidden
// (not_venue_staff) when the user has no access at all.
struct VenueAccess {
  Venue venue;
  Access access = Access::kNone;
};
Result<VenueAccess> venue_for(store::Connection& c, const accounts::User& user, int64_t venue_id);

}  // namespace kb::venues
