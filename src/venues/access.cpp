#include "venues/access.h"

namespace kb::venues {

Result<Access> access_of(store::Connection& c, const accounts::User& user, const Venue& venue) {
  using accounts::Role;
  if (user.role == Role::kOfficial || user.role == Role::kAdmin) {
    bool covers = user.jurisdiction && user.jurisdiction->covers(venue.province_code, venue.ward_code);
    return covers ? Access::kOfficial : Access::kNone;
  }
  KB_ASSIGN(auto role, role_at(c, venue.id, user.id));
  if (!role) return Access::kNone;
  return *role == StaffRole::kManager ? Access::kManager : Access::kStaff;
}

Result<VenueAccess> venue_for(store::Connection& c, const accounts::User& user, int64_t venue_id) {
  KB_ASSIGN(auto venue, find(c, venue_id));
  if (!venue) return make_error(ErrorKind::kNotFound, "venue_not_found", "no such venue");
  KB_ASSIGN(Access access, access_of(c, user, *venue));
  if (access == Access::kNone) {
    return make_error(ErrorKind::kForbidden, "not_venue_staff", "you do not work at this venue");
  }
  return VenueAccess{std::move(*venue), access};
}

}  // namespace kb::venues
