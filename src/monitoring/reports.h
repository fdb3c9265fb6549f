// Daily health reports, from the person's phone: by the person, or by the account that manages
// them (a parent for a child, a carer for an elderly person). F0 at home report twice a day
// (morning, afternoon), everyone else once; a report is for the current day only (never
// back-dated past today's midnight, never in the future).
//
// A report that trips a red flag (rules.h) raises an alert on the responsible officials' board
// at once — in the same transaction, announced to every server's board streams — and sends the
// person an urgent message with what to do.
//
// Who may report for whom: accounts for the people they manage (access::manages), for a person
// under an open order, a resident of an area under an open area order (their own order is made
// by their first report).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "accounts/accounts.h"
#include "areas/area_directory.h"
#include "core/result.h"
#include "monitoring/orders.h"
#include "monitoring/rules.h"
#include "people/person.h"
#include "store/database.h"

namespace kb::monitoring {

// The measured values as stored in health_reports.readings, sealed at rest (crypto/sealing.h):
// "temperature_tenths,spo2,breathing_rate,pulse", an absent one empty ("371,96,,").
std::string readings_text(const Readings& r);
// The values of that text into `out` (symptoms untouched); a field that is not a number stays
// absent.
void parse_readings(std::string_view text, Readings& out);

struct ReportInput {
  int64_t person_id = 0;
  Readings readings;
  std::string note;                    // at most 500 bytes
  std::optional<int64_t> measured_at;  // default: now
  std::string client_id;  // a resend with the same id records once (store/client_writes.h)
};

struct Report {
  int64_t id = 0;
  int64_t person_id = 0;
  std::optional<int64_t> order_id;
  int64_t day = 0;
  int slot = 0;
  int64_t measured_at = 0;
  Readings readings;
  std::string note;
  std::vector<std::string> red_flags;
  int64_t reported_by = 0;
  int64_t created_at = 0;
};

// Checks the time of a report against `now`: within the current day and not in the future (a
// few minutes' clock difference allowed). Errors name measured_at.
Status check_report_time(int64_t measured_at, int64_t now);

struct RecordedReport {
  Report report;
  std::optional<Order> order;       // the order it counts for
  std::optional<int64_t> alert_id;  // when it raised an alert
  bool repeated = false;            // an earlier report with the same client_id
};
// Records a report (see above). Errors: kForbidden not_your_person (field person_id), kConflict
// not_under_monitoring (field person_id), kInvalidArgument for readings and times naming the
// field. Nothing is written on an error.
Result<RecordedReport> record_report(store::Connection& c, const Rules& rules,
                                     const areas::AreaDirectory& areas,
                                     const accounts::User& account, const ReportInput& in,
                                     int64_t now);

// The person's reports measured at `since` or later, oldest first.
Result<std::vector<Report>> reports_since(store::Connection& c, int64_t person_id, int64_t since);
// The reports counted for an order, oldest first.
Result<std::vector<Report>> reports_of_order(store::Connection& c, int64_t order_id);

// What a citizen's "my monitoring" page shows for one person they manage.
struct SlotState {
  int slot = 0;
  bool done = false;
};
struct PersonMonitoring {
  people::Person person;
  std::optional<Order> order;          // open, or closed within the last 14 days
  std::vector<AreaOrder> area_orders;  // open area orders covering their ward, not joined yet
  bool organisation_check = false;     // an organisation asks them for the daily report form
  std::vector<SlotState> today;        // the slots of today, and whether each has a report
  std::vector<Report> history;         // the last 14 days
};
// Every person the account manages who is monitored (or was, within the last 14 days).
Result<std::vector<PersonMonitoring>> my_monitoring(store::Connection& c, int64_t account_id,
                                                    int64_t now);

}  // namespace kb::monitoring
