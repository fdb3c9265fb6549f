// Confirmed cases (F0) and their contacts (F1, F2). An official records a case for a person;
// the system finds the person's contacts with the exposure rule (trace/exposure.h) and keeps
// them in `contacts`, where officials confirm, dismiss or convert them to cases. Recording or
// lifting a case or a contact recomputes the person's health colour (health/health_status.h):
// an active case is red, an F1 under quarantine yellow. F2 are kept for follow-up only and do
// not change a colour.
//
// Who may act: health officials only (access::official; administrators are not), on the cases
// inside their jurisdiction. A case belongs to the area of the person's address when the
// recording official covers it; otherwise (someone found positive away from home, or with no
// address) to the recording official's own area, so the officials who found it keep it. The
// contacts of a case are shown to whoever sees the case, wherever the venues and the contacts'
// homes are. A case outside the official's jurisdiction answers kNotFound (no hint that it
// exists elsewhere); so does a contact of such a case.
//
// People who are cases are nobody's contacts: tracing leaves out anyone with an active case
// (they are isolated already, and a notice calling them F1 would be wrong), and recording a case
// closes the person's open contacts of other cases as `converted` to it.
//
// Marking a case as an error undoes what it caused: its contacts become `void` (their colours
// are recomputed without it), contacts converted to it are open again, the tracing notices sent
// for it are recalled, the cases converted from its contacts are traced again (its person, no
// longer a case, may be their contact), and it no longer counts towards clusters.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "accounts/accounts.h"
#include "areas/area_directory.h"
#include "core/result.h"
#include "people/person.h"
#include "store/database.h"
#include "trace/contacts.h"
#include "trace/exposure.h"

namespace kb::cases {

enum class CaseStatus { kActive, kRecovered, kDied, kError };
std::string_view status_name(CaseStatus s);
Result<CaseStatus> parse_status(std::string_view text, std::string_view field = "status");

// Where a case was found: in the community, or among people already in quarantine (who then
// count towards no area's level, levels/level_rule.h).
enum class FoundIn { kCommunity, kQuarantine };
std::string_view found_in_name(FoundIn f);
Result<FoundIn> parse_found_in(std::string_view text, std::string_view field = "found_in");

struct Case {
  int64_t id = 0;
  int64_t person_id = 0;
  std::string province_code;  // the case's area (see above); may be empty (national)
  std::string ward_code;
  int64_t test_date = 0;
  std::optional<int64_t> onset_date;
  std::optional<int64_t> isolation_date;  // none: not isolated yet, the window runs to now
  CaseStatus status = CaseStatus::kActive;
  std::string notes;
  std::string close_note;                  // why it was closed or marked as an error
  std::optional<int64_t> from_contact_id;  // the contact it was converted from
  int64_t recorded_by = 0;
  int64_t created_at = 0;
  int64_t updated_at = 0;
  std::optional<int64_t> closed_at;
  FoundIn found_in = FoundIn::kCommunity;

  trace::ExposureWindow window(const trace::ExposureRule& rule, int64_t now) const {
    return trace::infectious_window(rule, test_date, onset_date, isolation_date, now);
  }
};

// How an official names the person: exactly one of these.
struct PersonKey {
  std::optional<int64_t> person_id;
  std::string id_number;
  std::string phone;  // E.164
};
// The person, or kNotFound / kConflict (several people share the phone) naming the field used.
Result<people::Person> find_person(store::Connection& c, const PersonKey& key);

// A date as the API accepts it: RFC 3339, or YYYY-MM-DD meaning Vietnam's midnight.
// Errors name `field` (invalid_date).
Result<int64_t> parse_date(std::string_view text, std::string_view field);

struct NewCase {
  PersonKey person;
  int64_t test_date = 0;
  std::optional<int64_t> onset_date;
  std::optional<int64_t> isolation_date;
  std::string notes;
  FoundIn found_in = FoundIn::kCommunity;
};
// Checks the dates against each other and now (not in the future, onset/isolation within 60
// days of the test). Errors name the field.
Status check_dates(const NewCase& n, int64_t now);

struct TraceSummary {
  int64_t f1 = 0;      // contacts of degree 1 now recorded for the case (not void)
  int64_t f1_new = 0;  // of them, found by this trace
  int64_t f2 = 0;
  int64_t f2_new = 0;
};

struct Recorded {
  Case kase;
  TraceSummary trace;
};

// Records a case for the person (kConflict already_a_case when they have an active one;
// kForbidden when the account is no health official), traces its F1 and sets colours.
Result<Recorded> record_case(store::Connection& c, const trace::ExposureRule& rule,
                             const areas::AreaDirectory& areas, const accounts::User& official,
                             const NewCase& n, int64_t now);

Result<std::optional<Case>> find_case(store::Connection& c, int64_t id);
// The case if `j` covers it; kNotFound otherwise (no hint that it exists elsewhere).
Result<Case> visible_case(store::Connection& c, const areas::Jurisdiction& j, int64_t id);
// The case if the account is a health official who sees it (kForbidden / kNotFound otherwise).
Result<Case> case_for(store::Connection& c, const accounts::User& official, int64_t id);

struct CaseFilter {
  std::optional<CaseStatus> status;
  std::string ward_code;               // inside the jurisdiction
  std::optional<int64_t> tested_from;  // test date ≥
  std::optional<int64_t> tested_to;    // test date <
  int64_t limit = 50;
  std::optional<int64_t> before_id;  // paging: newest first
};
struct CaseRow {
  Case kase;
  std::string full_name;
  int64_t f1 = 0;  // recorded F1 contacts, not void or dismissed
};
// The cases the official sees (kForbidden for anyone else).
Result<std::vector<CaseRow>> list_cases(store::Connection& c, const accounts::User& official,
                                        const CaseFilter& f);

// A venue as contact lists name it.
struct VenueLabel {
  std::string name, code, province_code, ward_code, street;
};
Result<std::optional<VenueLabel>> venue_label(store::Connection& c, int64_t venue_id);

// What an official reads about one case (audited by the caller): the person, the stays that
// count, contact figures and how far the notices went.
struct TimelineStay {
  trace::SourceStay stay;
  std::optional<VenueLabel> venue;
};
struct NoticeFigures {
  int64_t to_send = 0;     // open F1 not notified yet
  int64_t sent = 0;        // F1 notified
  bool case_sent = false;  // the case's own message
};
struct CaseFile {
  Case kase;
  std::optional<people::Person> person;
  std::string status_colour;  // the person's health colour, empty when unknown
  std::vector<TimelineStay> timeline;
  std::map<std::string, int64_t> f1_by_status, f2_by_status;  // status name → contacts
  NoticeFigures notices;
};
Result<CaseFile> case_file(store::Connection& c, const trace::ExposureRule& rule,
                           const accounts::User& official, int64_t case_id, int64_t now);

// Runs the tracing again (late check-ins, degree 2 on request) and stores what it finds.
// `degree` 1 or 2. Contacts already decided keep their status.
Result<TraceSummary> trace_case(store::Connection& c, const trace::ExposureRule& rule,
                                const accounts::User& official, int64_t case_id, int degree,
                                int64_t now);

// A visit recorded late (an offline scan sent hours after it was made, checkin/door.h) may be a
// stay of an active case, or overlap one of a case's stays, after the case was traced. Traces
// again (degree 1, as trace_case) every active case the visit concerns — its own person's, and
// those whose stays at the venue the exposure rule lets it overlap — so the visitor joins their
// contacts with a colour recomputed. Returns the cases that found new contacts so, or whose
// person made the visit. Call inside a write job.
Result<std::vector<Case>> retrace_for_visit(store::Connection& c, const trace::ExposureRule& rule,
                                            int64_t visit_id, int64_t now);

// Closes an active case as recovered or died; kConflict when not active.
Result<Case> close_case(store::Connection& c, const accounts::User& official, int64_t case_id,
                        CaseStatus outcome, std::string_view note, int64_t now);
// Marks a case recorded by mistake and undoes what it caused (see above). kConflict when
// already so.
struct MarkedError {
  Case kase;
  std::vector<int64_t> recalled_people;  // whose inbox lost a notice (to wake their streams)
};
Result<MarkedError> mark_error(store::Connection& c, const trace::ExposureRule& rule,
                               const accounts::User& official, int64_t case_id,
                               std::string_view reason, int64_t now);

// ---- contacts ----

enum class ContactStatus { kPending, kConfirmed, kDismissed, kConverted, kVoid };
std::string_view contact_status_name(ContactStatus s);

struct StoredContact {
  int64_t id = 0;
  int64_t case_id = 0;
  int64_t person_id = 0;
  int degree = 1;
  std::optional<int64_t> via_person_id;  // F2: the F1 they met
  std::string basis;                     // "visit" | "household" | "reported"
  int64_t first_exposure = 0;
  int64_t last_exposure = 0;
  int64_t overlap_seconds = 0;
  ContactStatus status = ContactStatus::kPending;
  std::optional<int64_t> quarantine_until;
  int64_t found_at = 0;
  std::optional<int64_t> notice_id;
  std::optional<int64_t> converted_case_id;
};
Result<std::optional<StoredContact>> find_contact(store::Connection& c, int64_t id);
// The contact if the official sees its case (kNotFound contact_not_found otherwise).
Result<StoredContact> contact_for(store::Connection& c, const accounts::User& official, int64_t id);
Result<std::vector<StoredContact>> contacts_of_case(store::Connection& c, int64_t case_id,
                                                    int degree);

// Confirm (the person is an F1, quarantine stands) or dismiss (not a contact after all,
// quarantine lifted). kConflict for a converted or void contact.
Result<StoredContact> decide_contact(store::Connection& c, const accounts::User& official,
                                     int64_t contact_id, ContactStatus decision, int64_t now);
// A person who says they were where and when the case was (at a location of interest,
// locations/locations_of_interest.h) without checking in: recorded as the case's F1 with basis
// "reported", exposed over `exposure`, and their colour recomputed as for any F1. Someone
// already recorded as the case's contact keeps that record (`created` false). kConflict
// is_the_case for the case's own person, already_a_case for someone with an active case,
// case_in_error for a case marked as an error; kNotFound for no such case. Tracing again keeps
// such contacts, and contact lists show them. Call inside a write job.
struct ReportedContact {
  StoredContact contact;
  bool created = false;
};
Result<ReportedContact> record_reported_contact(store::Connection& c,
                                                const trace::ExposureRule& rule, int64_t case_id,
                                                int64_t person_id, trace::Stay exposure,
                                                int64_t now);

// The contact tested positive: records a case for them (tracing again) and marks the contact.
Result<Recorded> convert_contact(store::Connection& c, const trace::ExposureRule& rule,
                                 const areas::AreaDirectory& areas, const accounts::User& official,
                                 int64_t contact_id, NewCase n, int64_t now);

// ---- live contact lists (what GET …/contacts shows) ----

struct ListedContact {
  trace::Contact found;  // exposures (empty for household contacts)
  int degree = 1;
  std::string basis;                    // "visit" | "household" | "reported"
  std::vector<int64_t> via;             // F2: the F1s met
  std::optional<StoredContact> stored;  // none: found now but not yet recorded (trace again)
};
// The case's contacts by the rule, now: degree 1 (visits and household), or degree 2
// (contacts of each F1 over the F1's window: first exposure to when they were found, or now;
// the case and the F1s themselves are not F2). People with an active case are left out unless
// already recorded as this case's contacts (then as recorded: converted). Highest risk first.
Result<std::vector<ListedContact>> list_contacts(store::Connection& c,
                                                 const trace::ExposureRule& rule, const Case& kase,
                                                 int degree, int64_t now);

// A case's contact list as an official reads it (audited by the caller): the contacts with
// their people and the venues of their exposures.
struct ContactSheet {
  Case kase;
  int degree = 1;
  std::vector<ListedContact> list;
  std::map<int64_t, people::Person> people;
  std::map<int64_t, VenueLabel> venues;
};
Result<ContactSheet> contact_sheet(store::Connection& c, const trace::ExposureRule& rule,
                                   const accounts::User& official, int64_t case_id, int degree,
                                   int64_t now);

// Whether the person has an active case (then they are nobody's contact).
Result<bool> is_case(store::Connection& c, int64_t person_id);

// Recomputes a person's colour from their active cases and F1 quarantines.
Status refresh_health(store::Connection& c, int64_t person_id, int64_t now);

// A monitoring order (monitoring/orders.h) takes over the quarantine of the person's open F1
// contacts: from now on the order's dates count, not the traced ones (a release ends the
// quarantine even when the traced date is later). A contact found later counts again.
Status hand_over_quarantine(store::Connection& c, int64_t person_id, int64_t order_id, int64_t now);

}  // namespace kb::cases
