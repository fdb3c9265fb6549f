// A visit: a person at a venue from a time in to a time out. Contact tracing reads visits by
// (venue_id, t_in) and (person_id, t_in) for overlapping stays, so a row is kept small: ids,
// times as Unix seconds, and two small integers for how it was recorded and how far it can be
// trusted. When nobody checks out, the stay is assumed to end at `assumed_out`.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "store/database.h"

namespace kb::checkin {

// Who did the recording. Stored as the integer.
enum class Source : int64_t { kSelf = 1, kStaffScan = 2, kManual = 3 };
std::string_view source_name(Source source);

// How the person's presence was established, weakest first. Stored as the integer; tracers see
// the name and the level.
enum class Trust : int64_t {
  kGuestForm = 1,   // a visitor typed a name and phone on the venue page: nothing checked
  kManual = 2,      // staff typed the visitor in by hand
  kSelfPoster = 3,  // a signed-in citizen opened the printed poster's URL (could be a photo of it)
  kPhoneOtp = 4,    // staff checked a code sent to the visitor's phone
  kSelfKiosk = 5,   // a signed-in citizen scanned the venue's rotating kiosk code (on site)
  kBhyt = 6,        // staff scanned a health-insurance card
  kCccd = 7,        // staff scanned a chip ID card (checked against its own fields)
  kPersonalQr = 8,  // staff scanned a server-signed personal QR
};
std::string_view trust_name(Trust trust);
// 1 (weak) … 5 (strong).
int trust_level(Trust trust);

inline constexpr int64_t kDefaultStaySeconds = 3600;
// A repeated check-in of one person at one venue within this time, while the earlier visit is
// still open, is the same visit (a double tap); after a check-out it is a new stay.
inline constexpr int64_t kDuplicateWindowSeconds = 60;

struct Visit {
  int64_t id = 0;
  int64_t venue_id = 0;
  int64_t person_id = 0;
  int64_t t_in = 0;
  std::optional<int64_t> t_out;
  int64_t assumed_out = 0;
  Source source = Source::kSelf;
  Trust trust = Trust::kSelfPoster;
  std::optional<int64_t> recorded_by;  // the account that recorded it
};

struct NewVisit {
  int64_t venue_id = 0;
  int64_t person_id = 0;
  int64_t at = 0;
  Source source = Source::kSelf;
  Trust trust = Trust::kSelfPoster;
  std::optional<int64_t> recorded_by;
  int64_t stay_seconds = kDefaultStaySeconds;
};

struct Recorded {
  Visit visit;
  bool duplicate = false;  // the person's open visit from the last minute was returned instead
};

// Records a check-in, or returns the same person's open check-in at the venue from the last minute.
Result<Recorded> record(store::Connection& c, const NewVisit& visit);

// record() for many check-ins at once, one result per input in order, as if each were
// recorded in turn (a later one of the same person and venue is a duplicate of the earlier).
// On PostgreSQL the check-ins of one day go in one statement, one round trip for them all.
// It runs without savepoints: on PostgreSQL an SQL error leaves the transaction failed.
std::vector<Result<Recorded>> record_all(store::Connection& c, std::span<const NewVisit> visits);

// Check-ins as a kind of write the group-commit writer runs together
// (store::Writer::submit_grouped).
struct CheckinGroup {
  using Input = NewVisit;
  using Output = Result<Recorded>;
  // One person's check-ins go to one writer, in order (store::Database::ingest_writer).
  static uint64_t key(const NewVisit& v) { return static_cast<uint64_t>(v.person_id); }
  static std::vector<Output> run(store::Connection& c, std::span<const NewVisit> visits) {
    return record_all(c, visits);
  }
};

Result<std::optional<Visit>> find(store::Connection& c, int64_t id);

// Closes a visit at `now`. kNotFound (visit_not_found) when there is no such visit;
// kConflict (already_checked_out) when it was closed before.
Result<Visit> check_out(store::Connection& c, int64_t visit_id, int64_t now);

// Visits of these people at a venue, begun in the last day and not yet checked out.
Result<std::vector<Visit>> open_visits(store::Connection& c, int64_t venue_id,
                                       std::span<const int64_t> person_ids, int64_t now);

// A visit with the venue's name, for a person's own history.
struct VisitAtVenue {
  Visit visit;
  std::string venue_name;
  std::string venue_code;
};
// Newest first, begun at or after `since`, at most `limit` per person.
Result<std::vector<VisitAtVenue>> visits_of(store::Connection& c,
                                            std::span<const int64_t> person_ids, int64_t since,
                                            int64_t limit);

// A visit with the visitor's identity, for a venue's guest log.
struct GuestLogEntry {
  Visit visit;
  std::string full_name;
  std::string phone;
  // Set for a visit recorded from an offline scan (offline_scans): when the scan reached the
  // server, hours after visit.t_in perhaps, so the venue sees why it appeared late.
  std::optional<int64_t> received_at;
};
// Visits begun in [from, to), in order of arrival.
Result<std::vector<GuestLogEntry>> visits_at(store::Connection& c, int64_t venue_id, int64_t from,
                                             int64_t to);

struct DayCount {
  std::string date;  // YYYY-MM-DD in Vietnam's zone
  int64_t in = 0;    // check-ins that day
  int64_t out = 0;   // of them, checked out
};
// Per Vietnam day, for days with at least one visit in [from, to), oldest first.
Result<std::vector<DayCount>> day_counts(store::Connection& c, int64_t venue_id, int64_t from,
                                         int64_t to);
// People at the venue now: checked in during the last day, not checked out, stay not over.
Result<int64_t> inside_now(store::Connection& c, int64_t venue_id, int64_t now);

// A guest (no account) gets this with their visit to check out later from the same phone; it
// is derived from the visit and a server secret, so nothing more is stored.
std::string checkout_token(std::string_view secret, const Visit& visit);

// The start of the Vietnam day that `date` (YYYY-MM-DD) names; nullopt when malformed.
std::optional<int64_t> day_start(std::string_view date);
// YYYY-MM-DD of the Vietnam day holding `t`.
std::string day_of(int64_t t);

}  // namespace kb::checkin
