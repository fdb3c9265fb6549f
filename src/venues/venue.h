// A venue: a place people check in at (a shop, an office, a market, a bus). It is registered
// by a manager (a citizen or a venue-staff account), gets a short unguessable code that its
// poster URL `{base}/v/{code}` carries, and may have staff who scan visitors at the door.
// Officials see the venues inside their jurisdiction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "areas/area_directory.h"
#include "core/result.h"
#include "store/database.h"

namespace kb::venues {

// kVaccinationSite: a place set up for vaccination campaigns (a school hall, a stadium).
enum class Kind {
  kOffice,
  kSchool,
  kMarket,
  kShop,
  kRestaurant,
  kHospital,
  kTransport,
  kOther,
  kVaccinationSite
};
std::string_view kind_name(Kind kind);
Result<Kind> parse_kind(std::string_view text, std::string_view field = "kind");

// open: check-ins accepted; closed: by its manager (reopens at will); suspended: by an
// official (only an official reopens it).
enum class VenueStatus { kOpen, kClosed, kSuspended };
std::string_view status_name(VenueStatus status);
Result<VenueStatus> parse_status(std::string_view text, std::string_view field = "status");

struct Venue {
  int64_t id = 0;
  std::string code;
  std::string name;
  Kind kind = Kind::kOther;
  std::string province_code;
  std::string ward_code;
  std::string street;
  std::optional<int64_t> capacity;
  std::string contact_phone;  // E.164 or empty
  VenueStatus status = VenueStatus::kOpen;
  int64_t created_by = 0;
  int64_t created_at = 0;
};

struct NewVenue {
  std::string name;
  Kind kind = Kind::kOther;
  std::string province_code;
  std::string ward_code;
  std::string street;
  std::optional<int64_t> capacity;
  std::string contact_phone;
};

// "12 Lê Lợi, Phường Sài Gòn, Thành phố Hồ Chí Minh".
std::string address_line(const Venue& venue, const areas::AreaDirectory& areas);

// A venue code: 10 characters of a 31-letter alphabet without look-alikes (~49 bits).
std::string new_code();
// A venue code as it arrives from outside (a URL path, a JSON field, a scanned poster),
// lower-cased and checked for shape once at the edge; it may still name no venue.
class VenueCode {
 public:
  // Errors name `field` (invalid_venue_code).
  static Result<VenueCode> parse(std::string_view text, std::string_view field = "venue_code");
  const std::string& str() const { return code_; }

 private:
  explicit VenueCode(std::string code) : code_(std::move(code)) {}
  std::string code_;
};

// Inserts the venue with `manager_id` as its manager; retries on the (unlikely) code clash.
Result<Venue> create(store::Connection& c, const NewVenue& venue, int64_t manager_id, int64_t now);
Result<std::optional<Venue>> find(store::Connection& c, int64_t id);
Result<std::optional<Venue>> find_by_code(store::Connection& c, std::string_view code);
Status set_status(store::Connection& c, int64_t id, VenueStatus status, int64_t actor_id,
                  int64_t now);

// Venue roles of an account: managers run the venue (staff, status, posters), staff scan.
enum class StaffRole { kManager, kStaff };
std::string_view staff_role_name(StaffRole role);
Result<std::optional<StaffRole>> role_at(store::Connection& c, int64_t venue_id, int64_t user_id);

struct VenueWithRole {
  Venue venue;
  StaffRole role = StaffRole::kStaff;
};
// The venues an account manages or works at, newest first.
Result<std::vector<VenueWithRole>> venues_of(store::Connection& c, int64_t user_id);
// The venues inside a jurisdiction, newest first, at most `limit` after id `before` (paging).
Result<std::vector<Venue>> venues_in(store::Connection& c, const areas::Jurisdiction& j,
                                     int64_t limit, std::optional<int64_t> before_id);

struct StaffMember {
  int64_t user_id = 0;
  std::string username;  // empty for citizen accounts (then phone)
  std::string phone;
  StaffRole role = StaffRole::kStaff;
  int64_t added_at = 0;
};
Result<std::vector<StaffMember>> staff_of(store::Connection& c, int64_t venue_id);
// Attaches an existing venue_staff account by username; kNotFound / kConflict name `username`.
Result<StaffMember> attach_staff(store::Connection& c, int64_t venue_id, std::string_view username,
                                 int64_t actor_id, int64_t now);
// Attaches a just-created account.
Result<StaffMember> attach_user(store::Connection& c, int64_t venue_id, int64_t user_id,
                                std::string_view username, int64_t actor_id, int64_t now);
// A manager adds staff: with a password hash, a new venue-staff account named `username` is
// created and attached; without, the existing venue-staff account of that name is attached.
Result<StaffMember> add_staff(store::Connection& c, int64_t venue_id, std::string_view username,
                              const std::optional<std::string>& password_hash, int64_t actor_id,
                              int64_t now);
// Removes a staff member (not a manager); kNotFound when not attached.
Status detach_staff(store::Connection& c, int64_t venue_id, int64_t user_id, int64_t actor_id,
                    int64_t now);

}  // namespace kb::venues
