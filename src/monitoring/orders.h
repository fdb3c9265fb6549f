// Monitoring orders: an official places a person under monitoring — an F1 contact in
// quarantine, an F0 cared for at home, an arrival from abroad — or the residents of listed wards
// (an area order, stored once with its wards; a resident gets an order of their own only when
// they first report, see reports.h). Each order has a place (home, or a facility with its name
// and address), a start, a planned end from the rules (rules.h), and the ward whose health
// station is in charge. A person has at most one open order.
//
// The health colour (health/health_status.h) has one source of truth per fact: whether someone
// is a case stays with cases/ (people.confirmed_case); whether they are monitored, and until when
// their quarantine runs, is the open order's (people.monitoring_kind/monitoring_until, set here
// through health::set_monitoring whenever an order opens, changes or closes). A traced F1 is
// yellow from tracing alone (contacts.quarantine_until) until an order takes the contact over
// (cases::hand_over_quarantine): from then on only the order's dates count, so releasing the
// order returns the colour even when the traced date is later. An F0 home-care order supersedes
// the person's other open order; releasing it (the release rule is the recovery rule) closes the
// person's case as recovered.
//
// Release rule: every condition of the order's kind must hold (release_blockers). "negative_test"
// is an official confirming a negative result on the order (confirm_negative_test) or a negative
// result recorded by mass testing (note_negative_test).
//
// Who may act: health officials in charge of the order's ward (access::in_charge); an order
// outside the official's jurisdiction answers kNotFound. Every action is audited in its write.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "accounts/accounts.h"
#include "areas/area_directory.h"
#include "cases/case.h"
#include "core/result.h"
#include "monitoring/rules.h"
#include "store/database.h"

namespace kb::monitoring {

enum class OrderStatus { kOpen, kReleased, kTransferred, kSuperseded };
std::string_view status_name(OrderStatus s);

enum class Place { kHome, kFacility };
std::string_view place_name(Place p);
Result<Place> parse_place(std::string_view text, std::string_view field = "place");

struct Order {
  int64_t id = 0;
  Kind kind = Kind::kF1Quarantine;
  int64_t person_id = 0;
  std::optional<int64_t> area_id;        // a resident's order under an area order
  std::optional<int64_t> contact_id;     // F1: the contact it came from
  std::optional<int64_t> case_id;        // F0: the case; F1: the contact's case
  std::string province_code, ward_code;  // the health station in charge
  Place place = Place::kHome;
  std::string facility_name, facility_address;
  bool fully_vaccinated = false;
  int reports_per_day = 1;
  int64_t starts_at = 0;
  int64_t quarantine_until = 0;
  int64_t ends_at = 0;
  OrderStatus status = OrderStatus::kOpen;
  std::optional<int64_t> negative_test_at;
  int64_t last_report_at = 0;  // 0: never reported
  bool last_report_red = false;
  int64_t open_alerts = 0;
  std::string note;
  int64_t placed_by = 0;
  int64_t created_at = 0;
  std::optional<int64_t> closed_at;
  std::string close_reason;
};

// What every new order says, whatever its source.
struct Placement {
  Place place = Place::kHome;
  std::string facility_name, facility_address;  // required for a facility
  std::optional<int64_t> starts_at;  // default: the kind's (last exposure, test, arrival, now)
  bool fully_vaccinated = false;     // F1 only
  std::string ward_code;             // the station in charge; default: the person's ward
  std::string note;
};
// Checks what does not depend on the database (facility named, start not absurd). Errors name the
// field.
Status check_placement(const Placement& p, int64_t now);

// F1 quarantine for one traced contact (degree 1, pending or confirmed) the official sees.
// kConflict already_monitored when the person has an open order; kForbidden outside_jurisdiction
// (field ward_code) when the station would lie outside the official's jurisdiction.
Result<Order> place_for_contact(store::Connection& c, const Rules& rules,
                                const areas::AreaDirectory& areas, const accounts::User& official,
                                int64_t contact_id, const Placement& p, int64_t now);

// F1 quarantine for every open F1 contact of a case: the orders placed, and the contacts left
// out with why (already_monitored, outside_jurisdiction).
struct Skipped {
  int64_t contact_id = 0;
  int64_t person_id = 0;
  std::string reason;
};
struct PlacedForCase {
  std::vector<Order> placed;
  std::vector<Skipped> skipped;
};
Result<PlacedForCase> place_for_case_contacts(store::Connection& c, const Rules& rules,
                                              const areas::AreaDirectory& areas,
                                              const accounts::User& official, int64_t case_id,
                                              const Placement& p, int64_t now);

// F0 home care for an active case; supersedes the person's other open order.
Result<Order> place_home_care(store::Connection& c, const Rules& rules,
                              const areas::AreaDirectory& areas, const accounts::User& official,
                              int64_t case_id, const Placement& p, int64_t now);

// Entry monitoring for a person whose latest declaration is an entry declaration (kConflict
// no_entry_declaration otherwise); counts from the arrival date.
Result<Order> place_entry(store::Connection& c, const Rules& rules,
                          const areas::AreaDirectory& areas, const accounts::User& official,
                          const cases::PersonKey& person, const Placement& p, int64_t now);

// ---- area orders ----

// Everyone whose address lies in the wards, stored once (never a row per resident): a resident's
// first report gives them an order of their own (join_area_order).
struct AreaOrder {
  int64_t id = 0;
  std::string province_code;
  std::vector<std::string> wards;
  int64_t starts_at = 0;
  int64_t ends_at = 0;
  OrderStatus status = OrderStatus::kOpen;  // open, or released (lifted)
  std::string note;
  int64_t placed_by = 0;
  int64_t created_at = 0;
  std::optional<int64_t> closed_at;
  std::string close_reason;
};

// Area monitoring of `wards` (each inside the official's jurisdiction and of one province, at most
// 200), from p.starts_at (default now) until `until` (0: the rules' default; at most 90 days).
Result<AreaOrder> place_area(store::Connection& c, const Rules& rules,
                             const areas::AreaDirectory& areas, const accounts::User& official,
                             const std::vector<std::string>& wards, int64_t until,
                             const Placement& p, int64_t now);
// The area order if one of its wards lies in the official's jurisdiction (kNotFound otherwise).
Result<AreaOrder> area_order_for(store::Connection& c, const accounts::User& official, int64_t id);
// Open area orders whose wards include `ward_code` and that have not ended.
Result<std::vector<AreaOrder>> area_orders_covering(store::Connection& c,
                                                    std::string_view ward_code, int64_t now);
// Open area orders with a ward in the official's jurisdiction, newest first.
Result<std::vector<AreaOrder>> area_orders_for(store::Connection& c,
                                               const accounts::User& official);
// Lifts an area order and releases its residents' orders with it; extends it (and theirs). Only
// an official in charge of every one of its wards (outside_jurisdiction otherwise). Audited.
Result<AreaOrder> lift_area(store::Connection& c, const accounts::User& official, int64_t id,
                            std::string_view note, int64_t now);
Result<AreaOrder> extend_area(store::Connection& c, const accounts::User& official, int64_t id,
                              int64_t days, std::string_view reason, int64_t now);

// ---- reading ----

// The columns of an order as queries read them (table alias o), and the order such a row holds.
#define KB_MONITORING_ORDER_COLUMNS                                                               \
  "o.id, o.kind, o.person_id, o.area_id, o.contact_id, o.case_id, o.province_code, o.ward_code, " \
  "o.place, "                                                                                     \
  "o.facility_name, o.facility_address, o.fully_vaccinated, o.reports_per_day, o.starts_at, "     \
  "o.quarantine_until, o.ends_at, o.status, o.negative_test_at, o.last_report_at, "               \
  "o.last_report_red, "                                                                           \
  "o.open_alerts, o.note, o.placed_by, o.created_at, o.closed_at, o.close_reason"
inline constexpr size_t kOrderColumnCount = 26;
Result<Order> order_from_row(const store::Row& r);

Result<std::optional<Order>> find_order(store::Connection& c, int64_t id);
// The order if the official is in charge of it (kForbidden officials_only, kNotFound otherwise).
Result<Order> order_for(store::Connection& c, const accounts::User& official, int64_t id);
// The person's open order, if any.
Result<std::optional<Order>> open_order_of(store::Connection& c, int64_t person_id);
// The person's orders, newest first (at most `limit`).
Result<std::vector<Order>> orders_of(store::Connection& c, int64_t person_id, int limit = 20);

// ---- release rule ----

// The conditions of the order's release rule that do not hold at `now`, by code:
// "period_not_over", "negative_test_missing" (F0 home care), "red_flag_open" (an unacknowledged
// alert, or the latest report tripped a threshold). Empty: the order may be released. (An area
// order has no rule: the officials lift it when they decide.)
std::vector<std::string> release_blockers(const Order& o, int64_t now);

// ---- actions (officials in charge; audited) ----

// Releases an open order whose rule holds (kConflict with the first blocker as its code
// otherwise).
Result<Order> release(store::Connection& c, const accounts::User& official, int64_t order_id,
                      std::string_view note, int64_t now);
// The release rule applied by the clock (the scheduled job "monitoring-release"): open F1
// quarantine and entry orders whose period is over and whose rule holds are released by nobody
// (closed_by 0, reason "period_over"; audited as monitoring.release_by_rule without an actor), at
// most `limit` of them, oldest end first. F0 home care waits for an official (the negative
// test), and an open red flag keeps an order open: both stay on the board's due list.
Result<std::vector<Order>> release_by_rule(store::Connection& c, int64_t now, int limit);
// Adds `days` (1–30) to the monitoring and, while it runs, to the quarantine.
Result<Order> extend(store::Connection& c, const accounts::User& official, int64_t order_id,
                     int64_t days, std::string_view reason, int64_t now);
// Closes the order: the person went to hospital (`hospital` names it).
Result<Order> transfer_to_hospital(store::Connection& c, const accounts::User& official,
                                   int64_t order_id, std::string_view hospital,
                                   std::string_view reason, int64_t now);
// The official saw a negative test result of `tested_at` (not in the future, not before the
// order's start).
Result<Order> confirm_negative_test(store::Connection& c, const accounts::User& official,
                                    int64_t order_id, int64_t tested_at, std::string_view note,
                                    int64_t now);
// A negative result recorded by mass testing (testing/testing.h), tested at `tested_at`: it meets
// the person's open F0 home-care order's "negative test" as an official's confirmation does, when
// taken on or after the order's start (audited without an actor). Anything else (no such order,
// an earlier test): no-op.
Status note_negative_test(store::Connection& c, int64_t person_id, int64_t tested_at, int64_t now);

// ---- for reports.h ----

// The resident's own order under an area order, made at their first report.
Result<Order> join_area_order(store::Connection& c, const AreaOrder& area,
                              const people::Person& resident, int64_t now);
// Sets the person's colour inputs from their open order (health::set_monitoring).
Status sync_colour(store::Connection& c, int64_t person_id, int64_t now);

// Where an order is shown: the board keys it is woken under (notify::Wake areas):
// "national", its province, its ward.
std::vector<std::string> board_keys(const Order& o);
std::vector<std::string> board_keys(const AreaOrder& a);

}  // namespace kb::monitoring
