// The check-in use case: the one way through a venue's door, whatever brought the person
// there — a citizen opening the poster URL or the kiosk screen's code, a guest form, or staff
// scanning a personal QR, a chip-ID (CCCD) or health-insurance (BHYT) card, confirming a phone
// by a texted code, or typing a visitor in by hand.
//
// Two steps. plan() decides, from facts already read, whether the entry may happen and how far
// it can be trusted (venue open, the caller's rights at it, the kiosk code fresh, the people
// chosen managed by the caller): pure, unit-tested without a database. Door::enter() then
// carries it out — finds or records the person, records the visit — and answers with each
// person's *current* health colour, its reason and what to do (health/health_status.h), on
// every path, so that nobody is waved in green by default. A person who must not be admitted
// (a case, or someone who should be in quarantine) is still recorded, for tracing, and the
// entry is flagged in `door_alerts` for the health officials.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "access/policy.h"
#include "accounts/accounts.h"
#include "checkin/phone_check.h"
#include "checkin/visit.h"
#include "core/result.h"
#include "core/ttl_cache.h"
#include "dashboard/tally.h"
#include "health/health_status.h"
#include "notify/delivery.h"
#include "people/person.h"
#include "scan/bhyt_qr.h"
#include "scan/cccd_qr.h"
#include "store/database.h"
#include "venues/venue.h"

namespace kb::checkin {

// How the person came through the door.
enum class DoorPath { kPoster, kKiosk, kGuestForm, kPersonalQr, kCccd, kBhyt, kPhoneCode, kManual };
std::string_view path_name(DoorPath path);
// Whether staff at the venue record this path (the others are the visitor's own doing).
bool staff_path(DoorPath path);

// --- Planning ---------------------------------------------------------------------------

// What plan() decides from, all read beforehand.
struct DoorFacts {
  DoorPath path = DoorPath::kPoster;
  const venues::Venue* venue = nullptr;                      // nullptr: no such venue
  const accounts::User* caller = nullptr;                    // nullptr: a guest without an account
  access::VenueRole caller_role = access::VenueRole::kNone;  // the caller at this venue
  std::span<const int64_t> chosen;   // the people a citizen checks in (empty: themselves)
  std::span<const int64_t> managed;  // the people the citizen manages (when `chosen` is not empty)
  std::string_view kiosk_token;      // the kiosk path's code
  std::string_view kiosk_secret;
  int64_t now = 0;
};

struct DoorPlan {
  int64_t venue_id = 0;
  std::string province_code;  // the venue's area (checkin::DoorPlace)
  std::string ward_code;
  Source source = Source::kSelf;
  Trust trust = Trust::kSelfPoster;
  std::optional<int64_t> recorded_by;  // the account that records the visit
};

// Refusals: venue_not_found (kNotFound), citizens_only / not_venue_staff / not_your_person
// (kForbidden), guest_signed_in (kInvalidArgument), venue_closed (kConflict), and the kiosk
// code's own (kiosk_code_expired, invalid_kiosk_code).
Result<DoorPlan> plan(const DoorFacts& facts);

// --- Carrying out -------------------------------------------------------------------------

// Who is at the door, as the path identified them.
struct AccountHolder {          // poster and kiosk paths
  std::vector<int64_t> chosen;  // empty: the account holder themselves
};
struct Guest {            // the guest form: nothing checked
  std::string full_name;  // normalised
  std::string phone;      // E.164
};
struct ScannedQr {  // a personal QR ("KB1.…")
  std::string payload;
};
struct VerifiedPhone {  // a phone and the code texted to it, read back to staff
  std::string phone;    // E.164
  std::string code;
  std::string full_name;  // may be empty
};
struct TypedIn {          // staff typed the visitor in by hand
  std::string full_name;  // normalised
  std::string phone;      // E.164 or empty
};
using Visitor = std::variant<AccountHolder, Guest, ScannedQr, scan::CccdCard, scan::BhytCard,
                             VerifiedPhone, TypedIn>;

struct Entry {
  std::optional<accounts::User> caller;         // nullopt: a guest
  std::optional<venues::VenueCode> venue_code;  // the visitor's own paths name the venue by code
  int64_t venue_id = 0;                         // staff paths name it by id
  std::string kiosk_token;                      // set: the kiosk path
  Visitor visitor;
  // A client-made id (store/client_writes.h): sending the same entry again records it once and
  // answers the first one's visits as duplicates.
  std::optional<std::string> client_id;
  // Set for a scan a staff scanner made without network and sent later (an offline scan): when
  // the visitor came through the door. The visit begins then, not when the scan arrives, the
  // personal QR is judged as it stood then, the visit is noted as offline (offline_scans), and
  // the client-made id is scoped by the venue, so whichever of its staff sends the queue again
  // records nothing new. Checked by check_scan_time before it gets here.
  std::optional<int64_t> scanned_at;
};

// How far back and ahead an offline scan's own time may be, at `now`. Back: 72 hours, a
// scanner left offline over a long weekend (Friday evening to Monday morning) still delivers;
// an older scan is past the days in which a tracing notice still helps, and more likely a phone
// with a wrong clock. Ahead: 2 minutes of a phone's clock drift (such a scan is recorded at
// `now`); later is a wrong clock. Errors name `field`: scanned_at_too_old, scanned_at_in_future.
inline constexpr int64_t kOfflineScanMaxAgeSeconds = 72 * 3600;
inline constexpr int64_t kOfflineScanClockSkewSeconds = 120;
Result<int64_t> check_scan_time(int64_t scanned_at, int64_t now,
                                std::string_view field = "scanned_at");
DoorPath path_of(const Entry& entry);

struct PersonAtDoor {
  Visit visit;
  bool offline = false;     // recorded from an offline scan (Entry::scanned_at)
  bool duplicate = false;   // a repeat of the person's open visit from the last minute
  std::string full_name;    // for the visitor's own answer
  std::string masked_name;  // what a scanner shows
  health::HealthStatus status;
  bool flagged = false;  // recorded in door_alerts: must not be admitted
};

struct DoorAnswer {
  venues::Venue venue;
  std::vector<PersonAtDoor> people;
  std::string warning;  // "card_expired" for a health-insurance card past its validity
};

struct PhoneCodeSent {
  std::string masked_phone;
  int expires_in = 0;
};

struct DoorConfig {
  health::StatusPolicy status;
  PhoneCheckConfig phone_check;
  std::string
      secret;  // keys phone codes and guests' checkout tokens (accounts::Secrets::otp_pepper)
};

// The door of every venue, shared by all requests; thread-safe.
class Door {
 public:
  // `tally`, when given, counts every visit recorded for the dashboards (dashboard/tally.h).
  Door(store::Database& db, DoorConfig config, notify::UrgentTexts& texts,
       dashboard::CheckinTally* tally = nullptr);

  // Plans and carries out one entry at `now`.
  boost::asio::awaitable<Result<DoorAnswer>> enter(const Entry& entry, int64_t now);

  // The phone path's first step: staff at the venue text a code to the visitor's phone
  // (kRateLimited when one went less than a minute ago).
  boost::asio::awaitable<Result<PhoneCodeSent>> send_phone_code(const accounts::User& staff,
                                                                int64_t venue_id, std::string phone,
                                                                int64_t now);

  // A venue by its code for the check-in path, at most kVenueCacheSeconds old. A status change
  // is seen at once: through this process (forget_venue after the write), and on PostgreSQL
  // through another process when its announcement arrives (forget_venue_id; notify/cache_events.h).
  Result<std::optional<venues::Venue>> venue_by_code(const venues::VenueCode& code, int64_t now);
  void forget_venue(std::string_view code) { venues_.erase(code); }
  void forget_venue_id(int64_t id) {
    venues_.erase_if([id](const venues::Venue& v) { return v.id == id; });
  }
  void forget_all_venues() { venues_.clear(); }
  static constexpr int kVenueCacheSeconds = 5;

  const DoorConfig& config() const { return config_; }

 private:
  struct Planned;
  Result<Planned> read_and_plan(const Entry& entry, int64_t now);
  boost::asio::awaitable<Result<std::vector<PersonAtDoor>>> record(const Entry& entry,
                                                                   const DoorPlan& plan,
                                                                   int64_t now);
  boost::asio::awaitable<Result<std::vector<PersonAtDoor>>> record_self(const accounts::User& user,
                                                                        const DoorPlan& plan,
                                                                        int64_t now);
  // Records in door_alerts the people who must not be admitted, and marks them flagged.
  boost::asio::awaitable<Status> flag(const DoorPlan& plan, DoorPath path,
                                      std::vector<PersonAtDoor>& people, int64_t now);

  store::Database& db_;
  DoorConfig config_;
  notify::UrgentTexts& texts_;
  dashboard::CheckinTally* tally_;
  TtlCache<venues::Venue> venues_;
  // The person record of an account holder themselves (people::self_of), once known: it never
  // changes, and knowing it lets the hottest write skip a query.
  TtlCache<int64_t> self_people_;
};

// What the venue page (`/v/{code}`) shows before a check-in: the venue, and for a signed-in
// citizen the people they may check in and their visits there still open.
struct VenuePage {
  venues::Venue venue;
  std::vector<people::Person> people;
  std::vector<Visit> open_visits;
};
Result<VenuePage> venue_page(store::Connection& c, const venues::VenueCode& code,
                             const std::optional<accounts::User>& caller, int64_t now);

// The flagged entries of the last `since` seconds at venues of an official's area are read by
// the officials' boards; recording is Door's.
struct DoorAlert {
  int64_t id = 0;
  int64_t visit_id = 0;
  int64_t person_id = 0;
  int64_t venue_id = 0;
  std::string colour;
  std::string reason;
  int64_t at = 0;
};
Result<std::vector<DoorAlert>> door_alerts_of_person(store::Connection& c, int64_t person_id);

}  // namespace kb::checkin
