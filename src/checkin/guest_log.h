// A venue's guest log as a file for officials and spreadsheets: CSV (UTF-8 with a BOM so
// spreadsheet programs show Vietnamese correctly) with every cell that a spreadsheet would
// take for a formula neutralised.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "access/policy.h"
#include "checkin/visit.h"
#include "store/database.h"

namespace kb::checkin {

// Who sees what of a venue's guest log (data minimisation): the venue's managers and staff see
// masked names and phones, enough to spot their regulars; the full log is personal data, read
// only by a manager or an official of the area who gives a reason, and every such read is
// audited (`venue.visits.read`).
enum class GuestLogView { kMasked, kFull };
Result<GuestLogView> guest_log_view(access::VenueRole role,
                                    const std::optional<std::string>& reason);

struct GuestLog {
  venues::Venue venue;
  GuestLogView view = GuestLogView::kMasked;
  std::vector<GuestLogEntry> entries;  // names and phones already masked for kMasked
  std::vector<DayCount> days;          // the 14 days up to the one asked for
  int64_t inside = 0;                  // people inside now
};

struct GuestLogQuery {
  int64_t venue_id = 0;
  std::string date;  // YYYY-MM-DD (Vietnam)
  int64_t day_start = 0;
  std::string format;  // "json" | "csv", for the audit entry
  std::optional<std::string> reason;
};

// Reads one day's log for `user`, after checking their right to it, and audits a full read.
boost::asio::awaitable<Result<GuestLog>> read_guest_log(store::Database& db,
                                                        const accounts::User& user,
                                                        const GuestLogQuery& query, int64_t now);

// Header plus one line per visit: visit_id, date, time_in, time_out, assumed_out, full_name,
// phone, source, trust, trust_level (times RFC 3339 +07:00; lines end in CRLF).
std::string guest_log_csv(std::span<const GuestLogEntry> entries);

}  // namespace kb::checkin
