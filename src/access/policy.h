// Who may do what: one function per question, used by every handler and use case, so that a
// rule is written once. The roles (accounts::Role):
//   - citizens act for themselves and the people they manage (their household);
//   - venue managers run their venues (staff, status, posters); staff scan at the door;
//   - health officials act inside their jurisdiction: national ⊃ province ⊃ ward;
//   - administrators run the system (accounts, keys, health of the servers). They are not
//     health officials: they read nobody's personal data and send no notices.
// A refusal is kForbidden with a stable code; callers that must not reveal whether a record
// exists answer kNotFound instead (they say so where they do).
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "accounts/accounts.h"
#include "areas/area_directory.h"
#include "core/result.h"
#include "store/database.h"
#include "venues/venue.h"

namespace kb::access {

// --- Roles ------------------------------------------------------------------------------

// A health official with a jurisdiction (officials_only otherwise).
Status official(const accounts::User& user);
// An administrator (admins_only otherwise).
Status administrator(const accounts::User& user);
// A citizen account (citizens_only otherwise).
Status citizen(const accounts::User& user);
// An account that may act: not one that must still change a one-time password (the first
// administrator's, or one an administrator reset) — password_change_required otherwise.
Status password_settled(const accounts::User& user);

// --- Areas ------------------------------------------------------------------------------

// Whether an official is in charge of an address: their jurisdiction covers (province, ward).
// Never true for a non-official.
bool in_charge_of(const accounts::User& user, std::string_view province_code,
                  std::string_view ward_code);
// The same as a Status (outside_jurisdiction).
Status in_charge(const accounts::User& user, std::string_view province_code,
                 std::string_view ward_code);

// Whether `outer` contains `inner` (or equals it): national contains everything, a province its
// wards. Approving or recalling what an official sent belongs to the sender and to officials
// whose jurisdiction contains the sender's, never to a lower level.
bool contains(const areas::Jurisdiction& outer, const areas::Jurisdiction& inner,
              const areas::AreaDirectory& areas);
Status over_sender(const accounts::User& actor, const areas::Jurisdiction& sender,
                   const areas::AreaDirectory& areas);

// --- Venues -----------------------------------------------------------------------------

// What the account is to a venue.
enum class VenueRole { kNone, kOfficial, kStaff, kManager };
Result<VenueRole> venue_role(store::Connection& c, const accounts::User& user,
                             const venues::Venue& venue);

// The questions asked of a venue role (not_venue_staff / not_venue_manager otherwise).
Status runs_venue(VenueRole role);       // manager: staff, status, posters, kiosk
Status scans_at_venue(VenueRole role);   // staff or manager: the door scanner, check-outs
Status reads_guest_log(VenueRole role);  // staff, manager, or an official of the area

// Giving doses at a vaccination site (a venue): its staff or manager, or an official in charge
// of the campaign's area (province, ward) — not_site_staff otherwise.
Status vaccinates_at(const accounts::User& user, VenueRole role_at_site,
                     std::string_view campaign_province, std::string_view campaign_ward);

// Registering a venue: a citizen (a shop owner) or a venue-staff account (venue_accounts_only).
Status registers_venues(const accounts::User& user);
// Changing a venue's status: a manager opens and closes it, but only an official of the area
// suspends a venue or reopens a suspended one.
Status sets_venue_status(VenueRole role, venues::VenueStatus current, venues::VenueStatus wanted);

// A venue and the account's role at it: kNotFound for no such venue, not_venue_staff when the
// account has no role there at all.
struct VenueAndRole {
  venues::Venue venue;
  VenueRole role = VenueRole::kNone;
};
Result<VenueAndRole> venue_for(store::Connection& c, const accounts::User& user, int64_t venue_id);

// --- Organisations ----------------------------------------------------------------------

// Registering an organisation (a company, school, agency): a citizen or a venue-staff account
// (venue_accounts_only otherwise), who becomes its manager.
Status registers_organisations(const accounts::User& user);
// Whether the account manages the organisation whose manager is `manager_id`.
bool runs_organisation(const accounts::User& user, int64_t manager_id);

// --- People -----------------------------------------------------------------------------

// Whether the account manages the person (itself or a dependant).
Result<bool> manages(store::Connection& c, int64_t account_id, int64_t person_id);
// The same as a Status: not_your_person (kForbidden), naming `field`.
Status manages_all(store::Connection& c, int64_t account_id, std::span<const int64_t> person_ids,
                   std::string_view field);

}  // namespace kb::access
