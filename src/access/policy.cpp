#include "access/policy.h"

#include <algorithm>

#include "people/person.h"

namespace kb::access {
namespace {

using accounts::Role;
using Level = areas::Jurisdiction::Level;

Error forbidden(std::string code, std::string message) {
  return make_error(ErrorKind::kForbidden, std::move(code), std::move(message));
}

}  // namespace

Status official(const accounts::User& user) {
  if (user.role != Role::kOfficial || !user.jurisdiction) {
    return forbidden("officials_only", "only health officials may do this");
  }
  return {};
}

Status administrator(const accounts::User& user) {
  if (user.role != Role::kAdmin) return forbidden("admins_only", "only administrators may do this");
  return {};
}

Status citizen(const accounts::User& user) {
  if (user.role != Role::kCitizen) return forbidden("citizens_only", "only citizens may do this");
  return {};
}

Status password_settled(const accounts::User& user) {
  if (user.must_change_password) {
    return forbidden("password_change_required", "change your one-time password first");
  }
  return {};
}

bool in_charge_of(const accounts::User& user, std::string_view province_code,
                  std::string_view ward_code) {
  return user.role == Role::kOfficial && user.jurisdiction &&
         user.jurisdiction->covers(province_code, ward_code);
}

Status in_charge(const accounts::User& user, std::string_view province_code,
                 std::string_view ward_code) {
  KB_TRY(official(user));
  if (!in_charge_of(user, province_code, ward_code)) {
    return forbidden("outside_jurisdiction", "this is outside your jurisdiction");
  }
  return {};
}

bool contains(const areas::Jurisdiction& outer, const areas::Jurisdiction& inner,
              const areas::AreaDirectory& areas) {
  switch (outer.level) {
    case Level::kNational:
      return true;
    case Level::kProvince:
      if (inner.level == Level::kProvince) return inner.code == outer.code;
      if (inner.level == Level::kWard) {
        const auto* w = areas.ward(inner.code);
        return w && w->province_code == outer.code;
      }
      return false;
    case Level::kWard:
      return inner.level == Level::kWard && inner.code == outer.code;
  }
  return false;
}

Status over_sender(const accounts::User& actor, const areas::Jurisdiction& sender,
                   const areas::AreaDirectory& areas) {
  KB_TRY(official(actor));
  if (!contains(*actor.jurisdiction, sender, areas)) {
    return forbidden("above_your_level", "only the sender's level or a higher one may do this");
  }
  return {};
}

Result<VenueRole> venue_role(store::Connection& c, const accounts::User& user,
                             const venues::Venue& venue) {
  switch (user.role) {
    case Role::kOfficial:
      return in_charge_of(user, venue.province_code, venue.ward_code) ? VenueRole::kOfficial
                                                                      : VenueRole::kNone;
    case Role::kAdmin:
      return VenueRole::kNone;
    case Role::kCitizen:
    case Role::kVenueStaff:
      break;
  }
  KB_ASSIGN(auto role, venues::role_at(c, venue.id, user.id));
  if (!role) return VenueRole::kNone;
  return *role == venues::StaffRole::kManager ? VenueRole::kManager : VenueRole::kStaff;
}

Status vaccinates_at(const accounts::User& user, VenueRole role_at_site,
                     std::string_view campaign_province, std::string_view campaign_ward) {
  if (role_at_site == VenueRole::kStaff || role_at_site == VenueRole::kManager) return {};
  if (in_charge_of(user, campaign_province, campaign_ward)) return {};
  return forbidden("not_site_staff", "only the site's staff or an official in charge may do this");
}

Status runs_venue(VenueRole role) {
  if (role != VenueRole::kManager)
    return forbidden("not_venue_manager", "only the venue's manager may do this");
  return {};
}

Status scans_at_venue(VenueRole role) {
  if (role != VenueRole::kManager && role != VenueRole::kStaff) {
    return forbidden("not_venue_staff", "you do not work at this venue");
  }
  return {};
}

Status reads_guest_log(VenueRole role) {
  if (role == VenueRole::kNone)
    return forbidden("not_venue_staff", "you do not work at this venue");
  return {};
}

Status registers_venues(const accounts::User& user) {
  if (user.role != Role::kCitizen && user.role != Role::kVenueStaff) {
    return forbidden("venue_accounts_only",
                     "venues are registered by citizens or venue-staff accounts");
  }
  return {};
}

Status registers_organisations(const accounts::User& user) {
  if (user.role != Role::kCitizen && user.role != Role::kVenueStaff) {
    return forbidden("venue_accounts_only",
                     "organisations are registered by citizens or venue-staff accounts");
  }
  return {};
}

bool runs_organisation(const accounts::User& user, int64_t manager_id) {
  return (user.role == Role::kCitizen || user.role == Role::kVenueStaff) && user.id == manager_id;
}

Status sets_venue_status(VenueRole role, venues::VenueStatus current, venues::VenueStatus wanted) {
  using venues::VenueStatus;
  if (role == VenueRole::kOfficial) return {};
  KB_TRY(runs_venue(role));
  if (wanted == VenueStatus::kSuspended) {
    return Error{ErrorKind::kForbidden, "officials_only", "only a health official suspends a venue",
                 "status"};
  }
  if (current == VenueStatus::kSuspended) {
    return Error{ErrorKind::kForbidden, "venue_suspended",
                 "this venue was suspended by a health official; only they can reopen it",
                 "status"};
  }
  return {};
}

Result<VenueAndRole> venue_for(store::Connection& c, const accounts::User& user, int64_t venue_id) {
  KB_ASSIGN(auto venue, venues::find(c, venue_id));
  if (!venue) return make_error(ErrorKind::kNotFound, "venue_not_found", "no such venue");
  KB_ASSIGN(VenueRole role, venue_role(c, user, *venue));
  if (role == VenueRole::kNone)
    return forbidden("not_venue_staff", "you do not work at this venue");
  return VenueAndRole{std::move(*venue), role};
}

Result<bool> manages(store::Connection& c, int64_t account_id, int64_t person_id) {
  KB_ASSIGN(auto people, people::managed_by(c, account_id));
  return std::any_of(people.begin(), people.end(),
                     [&](const people::Person& p) { return p.id == person_id; });
}

Status manages_all(store::Connection& c, int64_t account_id, std::span<const int64_t> person_ids,
                   std::string_view field) {
  if (person_ids.empty()) return {};
  KB_ASSIGN(auto people, people::managed_by(c, account_id));
  for (int64_t id : person_ids) {
    bool mine = std::any_of(people.begin(), people.end(),
                            [id](const people::Person& p) { return p.id == id; });
    if (!mine) {
      return Error{ErrorKind::kForbidden, "not_your_person",
                   "you may act only for people you manage", std::string(field)};
    }
  }
  return {};
}

}  // namespace kb::access
