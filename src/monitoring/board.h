// The officials' board, in the manner of Sara Alert's line lists: every open order of a person
// inside the official's jurisdiction is on exactly one list, the first that holds —
//
//   red_flag         an unacknowledged alert, or the latest report tripped a threshold
//                    (unacknowledged first, newest alert first)
//   due_for_release  the period is over and the release rule holds (orders.h release_blockers)
//   non_reporting    nothing reported for rules.non_reporting_seconds (24 h), or never
//                    (longest silent first)
//   reporting        everyone else (latest report first)
//
// — and closed orders (released, transferred, superseded) of the last 30 days form the fifth
// list. Area orders themselves are not people and are listed apart (area_orders); their
// residents join the lists at their first report.
//
// A board of 200,000 people opens without reading the reports table or counting 200,000 rows:
// the figures a list needs live on the order (last report, open alerts), the open orders are
// counted per area and kind in monitoring_tallies, and each list is read through an index of its
// own order (migration 30); a count is read only for the smaller sets (red flags, due, silent).
//
// Reads of the board are reads of personal data: the caller audits them with the official's
// reason (monitoring.board.read).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "accounts/accounts.h"
#include "areas/area_directory.h"
#include "core/result.h"
#include "monitoring/orders.h"
#include "monitoring/reports.h"
#include "monitoring/rules.h"
#include "store/database.h"

namespace kb::monitoring {

enum class List { kRedFlag, kDueForRelease, kNonReporting, kReporting, kClosed };
std::string_view list_name(List l);  // "red_flag" | "due_for_release" | "non_reporting" | …
Result<List> parse_list(std::string_view text, std::string_view field = "list");

struct BoardFilter {
  List list = List::kRedFlag;
  std::string province_code;  // national officials: one province
  std::string ward_code;      // inside the jurisdiction
  std::optional<Kind> kind;
  std::string search;  // a name (part of it), a phone (E.164) or an ID number
  int64_t limit = 50;
  int64_t offset = 0;
};

struct BoardCounts {
  int64_t red_flag = 0, due_for_release = 0, non_reporting = 0, reporting = 0, closed = 0;
};

struct BoardRow {
  Order order;
  std::string full_name, phone, id_number, birth_date;
  std::vector<std::string> latest_flags;  // of the newest unacknowledged alert, else empty
  std::optional<int64_t> alert_id;        // the newest unacknowledged alert
};

struct Board {
  BoardCounts counts;
  std::vector<BoardRow> rows;
};

// The official's board (kForbidden for anyone else; a ward filter outside the jurisdiction
// lists nothing). Errors name the filter's field.
Result<Board> read_board(store::Connection& c, const Rules& rules,
                         const areas::AreaDirectory& areas, const accounts::User& official,
                         const BoardFilter& filter, int64_t now);

// One order as the board opens it: the person, every report counted for it and its alerts.
struct Alert {
  int64_t id = 0;
  int64_t order_id = 0;
  int64_t person_id = 0;
  int64_t report_id = 0;
  std::string province_code, ward_code;
  std::vector<std::string> red_flags;
  int64_t raised_at = 0;
  std::optional<int64_t> acknowledged_at;
  std::optional<int64_t> acknowledged_by;
  std::string note;
};
struct OrderFile {
  Order order;
  std::optional<people::Person> person;
  std::vector<Report> reports;
  std::vector<Alert> alerts;
  std::vector<std::string> release_blockers;
};
Result<OrderFile> order_file(store::Connection& c, const accounts::User& official, int64_t order_id,
                             int64_t now);

// Acknowledges an alert with the official's note (kConflict already_acknowledged). Audited.
Result<Alert> acknowledge_alert(store::Connection& c, const accounts::User& official,
                                int64_t alert_id, std::string_view note, int64_t now);

// Releases every order on the due_for_release list of the filter (ward, kind) at once; returns
// the orders released. Audited one by one.
Result<std::vector<Order>> release_all_eligible(store::Connection& c, const Rules& rules,
                                                const areas::AreaDirectory& areas,
                                                const accounts::User& official,
                                                const BoardFilter& filter, std::string_view note,
                                                int64_t now);

// Alerts raised or acknowledged in the official's jurisdiction with an id above `after_id`, oldest
// first, with the person's name (for the live board).
struct AlertEvent {
  Alert alert;
  std::string full_name;
};
Result<std::vector<AlertEvent>> alerts_after(store::Connection& c, const accounts::User& official,
                                             int64_t after_id, int limit);
// The newest alert id in the official's jurisdiction (0: none), where a stream starts.
Result<int64_t> newest_alert_id(store::Connection& c, const accounts::User& official);

// Open area orders with a ward in the official's jurisdiction, with how many residents have an
// order of their own (they reported once) and how many reported today.
struct AreaOrderRow {
  AreaOrder area;
  int64_t joined = 0;
  int64_t reported_today = 0;
};
Result<std::vector<AreaOrderRow>> area_order_rows(store::Connection& c,
                                                  const accounts::User& official, int64_t now);

// The board keys of an official's jurisdiction to subscribe a live board to (notify::InboxHub
// areas): "national", the province or the ward code.
std::string board_key(const areas::Jurisdiction& j);

}  // namespace kb::monitoring
