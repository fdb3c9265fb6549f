// Citizen feedback (phản ánh): a citizen signed in by phone reports something — a venue not
// scanning, someone back from an outbreak area, crowding, anything else — or a health official
// records a hotline caller's report on their behalf. Each report gets a tracking number and
// belongs to an area (the venue's, the one named, or else the sender's home or the recording
// official's), whose officials triage it: new → in progress → closed, each change with a note
// that reaches the sender's inbox (notify/messages.h, personal message, lane notice; an SMS
// when the sender has no account). Messages link to `page_url`, the citizen's feedback page. A
// phone sends at most kMaxPerPhonePerDay reports a day.
//
// Who may act: citizens send and read their own; health officials (access::in_charge of the
// report's area) record hotline reports, list, read and triage. A report outside the official's
// area answers kNotFound.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "accounts/accounts.h"
#include "areas/area_directory.h"
#include "core/result.h"
#include "store/database.h"

namespace kb::feedback {

enum class Kind { kVenueNotScanning, kReturnedFromOutbreak, kCrowding, kOther };
std::string_view kind_name(Kind k);
Result<Kind> parse_kind(std::string_view text);  // errors name `kind`

enum class ReportStatus { kNew, kInProgress, kClosed };
std::string_view status_name(ReportStatus s);
Result<ReportStatus> parse_status(std::string_view text);  // errors name `status`

inline constexpr size_t kMaxTextChars = 2000;
// A note is the body of the message the sender gets (notify::kMaxBodyBytes, 4 bytes a character).
inline constexpr size_t kMaxNoteChars = 500;
inline constexpr int64_t kMaxPerPhonePerDay = 5;

struct NewReport {
  Kind kind = Kind::kOther;
  std::string text;
  std::optional<std::string> venue_code;
  std::string province_code, ward_code;  // optional area
  std::string caller_phone;              // hotline reports: the caller's phone (E.164)
};
// Checks text (not empty, at most kMaxTextChars characters), the area (known, the ward inside
// the province). Errors name the field.
Status check_report(const NewReport& r, const areas::AreaDirectory& areas);

struct Event {
  int64_t at = 0;
  ReportStatus status = ReportStatus::kNew;
  std::string note;
  std::optional<int64_t> actor_id;
};

struct Report {
  int64_t id = 0;
  std::string tracking_number;  // "PA-7K3M-Q9TX"
  Kind kind = Kind::kOther;
  std::string text;
  std::optional<int64_t> venue_id;
  std::string venue_name;
  std::string province_code, ward_code;
  ReportStatus status = ReportStatus::kNew;
  std::string channel;  // "app" | "hotline"
  std::string sender_phone;
  int64_t sender_person_id = 0;
  std::optional<int64_t> recorded_by;
  int64_t created_at = 0, updated_at = 0;
  std::vector<Event> events;  // oldest first
};

// A citizen sends a report. kRateLimited (too_many_reports, field phone, retry_after) once the
// phone has sent kMaxPerPhonePerDay reports in the last 24 hours, hotline reports included.
Result<Report> send(store::Connection& c, const areas::AreaDirectory& areas,
                    const accounts::User& citizen, const NewReport& r, std::string_view page_url,
                    int64_t now);
// An official records a hotline caller's report (audited); the caller's phone receives its
// updates (their inbox when they have an account, an SMS otherwise). The area defaults to the
// official's jurisdiction and must lie in it. The same limit per phone, field caller_phone.
Result<Report> record_call(store::Connection& c, const areas::AreaDirectory& areas,
                           const accounts::User& official, const NewReport& r,
                           std::string_view page_url, int64_t now);

// The citizen's own reports — sent from the app or taken by the hotline from their phone —
// newest first, with their events.
Result<std::vector<Report>> reports_of(store::Connection& c, const accounts::User& citizen,
                                       int64_t limit);

struct ReportFilter {
  std::optional<ReportStatus> status;
  bool open_only = false;       // new and in progress: what is still to be done
  std::string tracking_number;  // one report, when the caller gives its number
  int64_t limit = 50;
};
// The reports of the official's area, newest first (no events).
Result<std::vector<Report>> list(store::Connection& c, const accounts::User& official,
                                 const ReportFilter& f);
// One report with its events: the sender's or an official's in charge (kNotFound otherwise).
Result<Report> read(store::Connection& c, const accounts::User& user, int64_t id);

// Moves a report on (new → in progress → closed; new → closed; a note alone on an open one),
// records the event and tells the sender. kConflict once closed. Returns the report and the
// person whose inbox changed.
struct Triaged {
  Report report;
  int64_t notified_person = 0;
};
Result<Triaged> triage(store::Connection& c, const accounts::User& official, int64_t id,
                       ReportStatus to, std::string_view note, std::string_view page_url,
                       int64_t now);

}  // namespace kb::feedback
