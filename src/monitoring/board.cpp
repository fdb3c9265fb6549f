#include "monitoring/board.h"

#include <fmt/format.h>

#include <deque>
#include <mutex>
#include <set>

#include "access/policy.h"
#include "audit/audit_log.h"
#include "core/phone.h"
#include "crypto/sealing.h"
#include "identity/name_index.h"
#include "identity/names.h"
#include "notify/inbox_hub.h"

namespace kb::monitoring {
namespace {

using store::Param;
using store::Sql;

constexpr int64_t kDay = 86400;
constexpr int64_t kClosedWindow = 30 * kDay;  // the closed list: orders closed this recently

#define KB_BOARD_ORDER_COLUMNS KB_MONITORING_ORDER_COLUMNS

#define KB_ALERT_COLUMNS                                                                    \
  "a.id, a.order_id, a.person_id, a.report_id, a.province_code, a.ward_code, a.red_flags, " \
  "a.raised_at, "                                                                           \
  "a.acknowledged_at, a.acknowledged_by, a.note"

constexpr Sql kNewestAlertOfOrder{
    "select_newest_open_alert",
    "SELECT id, red_flags FROM monitoring_alerts WHERE order_id = $1 AND acknowledged_at IS NULL "
    "ORDER BY id DESC LIMIT 1"};
constexpr Sql kAlertsOfOrder{"select_alerts_of_order",
                             "SELECT " KB_ALERT_COLUMNS
                             " FROM monitoring_alerts a WHERE a.order_id = $1 ORDER BY a.id"};
constexpr Sql kSelectAlert{"select_monitoring_alert",
                           "SELECT " KB_ALERT_COLUMNS " FROM monitoring_alerts a WHERE a.id = $1"};
// Acknowledging an alert acknowledges the order's earlier open ones too: the official has seen
// the person's state, not one reading.
constexpr Sql kAcknowledge{"acknowledge_monitoring_alerts",
                           "UPDATE monitoring_alerts SET acknowledged_at = $3, acknowledged_by = "
                           "$4, note = $5 WHERE order_id = $1 AND "
                           "id <= $2 AND acknowledged_at IS NULL"};
constexpr Sql kRecountAlerts{"recount_open_alerts",
                             "UPDATE monitoring_orders SET open_alerts = (SELECT COUNT(*) FROM "
                             "monitoring_alerts a WHERE a.order_id = $1 "
                             "AND a.acknowledged_at IS NULL), updated_at = $2 WHERE id = $1"};
constexpr Sql kResidentsJoined{"count_area_residents",
                               "SELECT COUNT(*), COALESCE(SUM(CASE WHEN last_report_at >= $2 THEN "
                               "1 ELSE 0 END), 0) FROM monitoring_orders "
                               "WHERE area_id = $1"};

// A board query's text is made of pieces (the jurisdiction's scope, the list, the filters), so
// that each runs on the index its list needs. Connections cache prepared statements by the
// text's address: each distinct text is kept once, for the life of the process.
const char* interned(std::string text) {
  static std::mutex mu;
  static std::set<std::string> texts;
  std::lock_guard lock(mu);
  return texts.insert(std::move(text)).first->c_str();
}

// A statement being put together with its parameters.
class Query {
 public:
  std::string sql;
  std::string add(int64_t v) {
    params_.emplace_back(v);
    return "$" + std::to_string(params_.size());
  }
  std::string add(std::string v) {
    strings_.push_back(std::move(v));
    params_.emplace_back(std::string_view(strings_.back()));
    return "$" + std::to_string(params_.size());
  }
  Result<store::Rows> run(store::Connection& c, const char* name) const {
    Sql statement{name, interned(sql)};
    return c.query(statement, std::span<const Param>(params_.data(), params_.size()));
  }

 private:
  std::deque<std::string> strings_;
  std::vector<Param> params_;
};

// What a board looks at: an area (or everywhere), a kind, people found by a search.
struct Scope {
  bool nothing = false;  // a filter outside the jurisdiction
  std::string province_code, ward_code;
  std::optional<Kind> kind;
  std::string search_exact;
  // `LIKE` patterns of the searched words' blind indexes (identity/name_index.h): names are
  // sealed at rest, so a search finds people whose name has every word of it, accents aside.
  std::vector<std::string> search_words;
};

Result<Scope> scope_of(const areas::AreaDirectory& areas, const accounts::User& official,
                       const BoardFilter& f) {
  KB_TRY(access::official(official));
  const auto& j = *official.jurisdiction;
  Scope s;
  s.kind = f.kind;
  if (!f.province_code.empty() && !areas.province(f.province_code)) {
    return invalid("province", "invalid_province", "no such province code");
  }
  if (!f.ward_code.empty() && !areas.ward(f.ward_code))
    return invalid("ward", "invalid_ward", "no such ward code");
  switch (j.level) {
    case areas::Jurisdiction::Level::kNational:
      s.province_code = f.province_code;
      break;
    case areas::Jurisdiction::Level::kProvince:
      s.province_code = j.code;
      if (!f.province_code.empty() && f.province_code != j.code) s.nothing = true;
      break;
    case areas::Jurisdiction::Level::kWard:
      s.ward_code = j.code;
      if (!f.ward_code.empty() && f.ward_code != j.code) s.nothing = true;
      break;
  }
  if (!f.ward_code.empty()) {
    const auto* w = areas.ward(f.ward_code);
    if (!s.province_code.empty() && w->province_code != s.province_code) s.nothing = true;
    s.ward_code = f.ward_code;
  }
  if (!f.search.empty()) {
    auto phone = normalize_mobile(f.search);
    s.search_exact = phone.ok() ? *phone : f.search;
    for (const auto& w : identity::folded_words(f.search)) {
      s.search_words.push_back("% " + identity::name_word_index(w) + " %");
    }
  }
  return s;
}

// The scope as conditions on `alias` (an order or a tally row).
std::string where(Query& q, const Scope& s, std::string_view alias, bool with_search = true) {
  std::string w = "1 = 1";
  if (!s.ward_code.empty()) {
    w += fmt::format(" AND {}.ward_code = {}", alias, q.add(s.ward_code));
  } else if (!s.province_code.empty()) {
    w += fmt::format(" AND {}.province_code = {}", alias, q.add(s.province_code));
  }
  if (s.kind) w += fmt::format(" AND {}.kind = {}", alias, q.add(std::string(kind_name(*s.kind))));
  if (with_search && !s.search_exact.empty()) {
    // Phones and ID numbers are sealed: found by their blind indexes.
    std::string phone = q.add(sealing::blind("phone", s.search_exact));
    std::string id_number = q.add(sealing::blind("id_number", s.search_exact));
    std::string named = s.search_words.empty() ? "1 = 0" : "1 = 1";
    for (const auto& word : s.search_words) named += " AND name_words LIKE " + q.add(word);
    w += fmt::format(
        " AND {}.person_id IN (SELECT id FROM people WHERE phone_index = {} OR "
        "id_number_index = {} OR ({}))",
        alias, phone, id_number, named);
  }
  return w;
}

// The lists' conditions (board.h); they must agree with release_blockers (orders.cpp).
constexpr std::string_view kRed =
    "o.status = 'open' AND (o.open_alerts > 0 OR o.last_report_red = 1)";
constexpr std::string_view kNotRed = "o.open_alerts = 0 AND o.last_report_red = 0";
std::string due(Query& q, int64_t now) {
  return fmt::format(
      "o.ends_at <= {} AND (o.kind <> 'f0_home_care' OR o.negative_test_at IS NOT NULL)",
      q.add(now));
}

// The red-flag list's index (a few thousand open orders with alerts among a province's hundreds
// of thousands). SQLite's planner prefers the wider (province, status, …) indexes and then reads
// every open order of the province (1–2 s at 200,000); PostgreSQL picks the partial index itself.
std::string red_flag_index(const store::Connection& c) {
  return c.dialect() == store::Dialect::kSqlite ? " INDEXED BY monitoring_red_flags" : "";
}

Result<int64_t> count(store::Connection& c, Query& q, const char* name) {
  KB_ASSIGN(store::Rows rows, q.run(c, name));
  return rows.empty() ? 0 : rows[0].i64(0);
}
Result<std::pair<int64_t, int64_t>> count_pair(store::Connection& c, Query& q, const char* name) {
  KB_ASSIGN(store::Rows rows, q.run(c, name));
  if (rows.empty()) return std::pair<int64_t, int64_t>{0, 0};
  return std::pair<int64_t, int64_t>{rows[0].i64(0), rows[0].i64(1)};
}

// The counts of every list (board.h): each read from the smaller sets and the open tallies.
Result<BoardCounts> counts_of(store::Connection& c, const Scope& s, const Rules& rules,
                              int64_t now) {
  int64_t stale = now - rules.non_reporting_seconds;
  int64_t open = 0;
  if (s.search_exact.empty()) {
    Query q;
    q.sql = "SELECT COALESCE(SUM(t.open_orders), 0) FROM monitoring_tallies t WHERE " +
            where(q, s, "t", false);
    KB_ASSIGN(open, count(c, q, "board_open_tally"));
  } else {
    Query q;
    q.sql = "SELECT COUNT(*) FROM monitoring_orders o WHERE " + where(q, s, "o") +
            " AND o.status = 'open'";
    KB_ASSIGN(open, count(c, q, "board_open_count"));
  }
  Query red;
  red.sql = fmt::format(
      "SELECT COUNT(*), COALESCE(SUM(CASE WHEN o.last_report_at < {} THEN 1 ELSE 0 END), 0) "
      "FROM monitoring_orders o{} WHERE {} AND {}",
      red.add(stale), red_flag_index(c), where(red, s, "o"), kRed);
  KB_ASSIGN(auto r, count_pair(c, red, "board_red_count"));
  Query dq;
  dq.sql = fmt::format(
      "SELECT COUNT(*), COALESCE(SUM(CASE WHEN o.last_report_at < {} THEN 1 ELSE 0 END), 0) "
      "FROM monitoring_orders o WHERE {} AND o.status = 'open' AND {} AND {}",
      dq.add(stale), where(dq, s, "o"), due(dq, now), kNotRed);
  KB_ASSIGN(auto d, count_pair(c, dq, "board_due_count"));
  Query nq;
  nq.sql = fmt::format(
      "SELECT COUNT(*) FROM monitoring_orders o WHERE {} AND o.status = 'open' AND "
      "o.last_report_at < {}",
      where(nq, s, "o"), nq.add(stale));
  KB_ASSIGN(int64_t silent, count(c, nq, "board_silent_count"));
  Query cq;
  cq.sql = fmt::format("SELECT COUNT(*) FROM monitoring_orders o WHERE {} AND o.closed_at >= {}",
                       where(cq, s, "o"), cq.add(now - kClosedWindow));
  BoardCounts n;
  KB_ASSIGN(n.closed, count(c, cq, "board_closed_count"));
  n.red_flag = r.first;
  n.due_for_release = d.first;
  n.non_reporting = std::max<int64_t>(0, silent - r.second - d.second);
  n.reporting = std::max<int64_t>(0, open - n.red_flag - n.due_for_release - n.non_reporting);
  return n;
}

Result<std::vector<BoardRow>> rows_of(store::Connection& c, const Scope& s, const Rules& rules,
                                      const BoardFilter& f, int64_t now) {
  int64_t stale = now - rules.non_reporting_seconds;
  Query q;
  std::string w = where(q, s, "o");
  std::string cond, order;
  switch (f.list) {
    case List::kRedFlag:
      cond = std::string(kRed);
      order = "CASE WHEN o.open_alerts > 0 THEN 0 ELSE 1 END, o.last_alert_at DESC, o.id DESC";
      break;
    case List::kDueForRelease:
      cond = fmt::format("o.status = 'open' AND {} AND {}", due(q, now), kNotRed);
      order = "o.ends_at, o.id";
      break;
    case List::kNonReporting:
      cond = fmt::format("o.status = 'open' AND o.last_report_at < {} AND {} AND NOT ({})",
                         q.add(stale), kNotRed, due(q, now));
      order = "o.last_report_at, o.id";
      break;
    case List::kReporting:
      cond = fmt::format("o.status = 'open' AND o.last_report_at >= {} AND {} AND NOT ({})",
                         q.add(stale), kNotRed, due(q, now));
      order = "o.last_report_at DESC, o.id DESC";
      break;
    case List::kClosed:
      cond = fmt::format("o.closed_at >= {}", q.add(now - kClosedWindow));
      order = "o.closed_at DESC, o.id DESC";
      break;
  }
  if (f.list == List::kRedFlag) {
    // The page of order ids first, from the partial index, and only then its rows and people:
    // joining people before the sort read a person for each of thousands of flagged orders. (The
    // other lists walk their index in order and stop at the page.)
    q.sql = fmt::format(
        "SELECT " KB_BOARD_ORDER_COLUMNS
        ", p.full_name, p.phone, p.id_number, p.birth_date FROM (SELECT o.id FROM "
        "monitoring_orders o{} WHERE {} AND {} ORDER BY {} LIMIT {} OFFSET {}) page JOIN "
        "monitoring_orders o ON o.id = page.id JOIN people p ON p.id = o.person_id ORDER BY {}",
        red_flag_index(c), w, cond, order, q.add(f.limit), q.add(f.offset), order);
  } else {
    q.sql = fmt::format(
        "SELECT " KB_BOARD_ORDER_COLUMNS
        ", p.full_name, p.phone, p.id_number, p.birth_date "
        "FROM monitoring_orders o JOIN people p ON p.id = o.person_id WHERE {} AND {} ORDER BY {} "
        "LIMIT {} OFFSET {}",
        w, cond, order, q.add(f.limit), q.add(f.offset));
  }
  KB_ASSIGN(store::Rows rows, q.run(c, f.list == List::kRedFlag ? "board_red_list" : "board_list"));
  std::vector<BoardRow> out;
  out.reserve(rows.size());
  for (const auto& r : rows) {
    BoardRow row;
    KB_ASSIGN(row.order, order_from_row(r));
    row.full_name = sealing::reveal(r.str(kOrderColumnCount));  // sealed at rest
    row.phone = sealing::reveal(r.str(kOrderColumnCount + 1));
    row.id_number = sealing::reveal(r.str(kOrderColumnCount + 2));
    row.birth_date = r.str(kOrderColumnCount + 3);
    if (row.order.open_alerts > 0) {
      KB_ASSIGN(auto alert, c.query_one(kNewestAlertOfOrder, {row.order.id}));
      if (alert) {
        row.alert_id = alert->i64(0);
        std::string flags = alert->str(1);
        for (size_t from = 0; from < flags.size();) {
          size_t at = flags.find(',', from);
          if (at == std::string::npos) at = flags.size();
          row.latest_flags.push_back(flags.substr(from, at - from));
          from = at + 1;
        }
      }
    }
    out.push_back(std::move(row));
  }
  return out;
}

Alert alert_from_row(const store::Row& r) {
  Alert a;
  a.id = r.i64(0);
  a.order_id = r.i64(1);
  a.person_id = r.i64(2);
  a.report_id = r.i64(3);
  a.province_code = r.str(4);
  a.ward_code = r.str(5);
  std::string flags = r.str(6);
  for (size_t from = 0; from < flags.size();) {
    size_t at = flags.find(',', from);
    if (at == std::string::npos) at = flags.size();
    a.red_flags.push_back(flags.substr(from, at - from));
    from = at + 1;
  }
  a.raised_at = r.i64(7);
  a.acknowledged_at = r.opt_i64(8);
  a.acknowledged_by = r.opt_i64(9);
  a.note = r.str(10);
  return a;
}

// Alert queries of a jurisdiction: by province or ward code, or all.
std::string alert_scope(Query& q, const areas::Jurisdiction& j) {
  switch (j.level) {
    case areas::Jurisdiction::Level::kNational:
      return "1 = 1";
    case areas::Jurisdiction::Level::kProvince:
      return "a.province_code = " + q.add(j.code);
    case areas::Jurisdiction::Level::kWard:
      return "a.ward_code = " + q.add(j.code);
  }
  return "1 = 0";
}

}  // namespace

std::string_view list_name(List l) {
  switch (l) {
    case List::kRedFlag:
      return "red_flag";
    case List::kDueForRelease:
      return "due_for_release";
    case List::kNonReporting:
      return "non_reporting";
    case List::kReporting:
      return "reporting";
    case List::kClosed:
      return "closed";
  }
  return "red_flag";
}

Result<List> parse_list(std::string_view text, std::string_view field) {
  for (List l : {List::kRedFlag, List::kDueForRelease, List::kNonReporting, List::kReporting,
                 List::kClosed}) {
    if (list_name(l) == text) return l;
  }
  return invalid(std::string(field), "invalid_list",
                 "list must be red_flag, due_for_release, non_reporting, reporting or closed");
}

Result<Board> read_board(store::Connection& c, const Rules& rules,
                         const areas::AreaDirectory& areas, const accounts::User& official,
                         const BoardFilter& filter, int64_t now) {
  KB_ASSIGN(Scope s, scope_of(areas, official, filter));
  Board b;
  if (s.nothing) return b;
  KB_ASSIGN(b.counts, counts_of(c, s, rules, now));
  KB_ASSIGN(b.rows, rows_of(c, s, rules, filter, now));
  return b;
}

Result<OrderFile> order_file(store::Connection& c, const accounts::User& official, int64_t order_id,
                             int64_t now) {
  OrderFile f;
  KB_ASSIGN(f.order, order_for(c, official, order_id));
  KB_ASSIGN(f.person, people::find(c, f.order.person_id));
  KB_ASSIGN(f.reports, reports_of_order(c, f.order.id));
  KB_ASSIGN(store::Rows alerts, c.query(kAlertsOfOrder, {f.order.id}));
  for (const auto& r : alerts) f.alerts.push_back(alert_from_row(r));
  if (f.order.status == OrderStatus::kOpen) f.release_blockers = release_blockers(f.order, now);
  return f;
}

Result<Alert> acknowledge_alert(store::Connection& c, const accounts::User& official,
                                int64_t alert_id, std::string_view note, int64_t now) {
  KB_TRY(access::official(official));
  if (note.size() > 500) return invalid("note", "too_long", "a note is at most 500 bytes");
  KB_ASSIGN(auto row, c.query_one(kSelectAlert, {alert_id}));
  Error missing = make_error(ErrorKind::kNotFound, "alert_not_found", "no such alert");
  if (!row) return missing;
  Alert a = alert_from_row(*row);
  if (!official.jurisdiction->covers(a.province_code, a.ward_code)) return missing;
  if (a.acknowledged_at) {
    return Error{ErrorKind::kConflict, "already_acknowledged",
                 "this alert was acknowledged already", "id"};
  }
  KB_TRY(c.exec(kAcknowledge, {a.order_id, a.id, now, official.id, note}));
  KB_TRY(c.exec(kRecountAlerts, {a.order_id, now}));
  KB_ASSIGN(auto order, find_order(c, a.order_id));
  if (order) {
    KB_TRY(
        notify::announce(c, notify::Wake{{}, board_keys(*order), false}, notify::Channel::kBoards));
  }
  KB_TRY(audit::record(
      c,
      {now, official.id, "monitoring.acknowledge", fmt::format("monitoring_alert:{}", a.id), note,
       fmt::format("order:{}", a.order_id)},
      official));
  KB_ASSIGN(auto after, c.query_one(kSelectAlert, {alert_id}));
  return alert_from_row(*after);
}

Result<std::vector<Order>> release_all_eligible(store::Connection& c, const Rules& rules,
                                                const areas::AreaDirectory& areas,
                                                const accounts::User& official,
                                                const BoardFilter& filter, std::string_view note,
                                                int64_t now) {
  BoardFilter f = filter;
  f.list = List::kDueForRelease;
  f.search.clear();
  f.offset = 0;
  f.limit = 500;
  KB_ASSIGN(Scope s, scope_of(areas, official, f));
  std::vector<Order> released;
  if (s.nothing) return released;
  for (;;) {
    KB_ASSIGN(auto rows, rows_of(c, s, rules, f, now));
    for (const auto& r : rows) {
      KB_ASSIGN(Order o, release(c, official, r.order.id, note, now));
      released.push_back(std::move(o));
    }
    if (rows.size() < static_cast<size_t>(f.limit)) break;
  }
  return released;
}

Result<std::vector<AlertEvent>> alerts_after(store::Connection& c, const accounts::User& official,
                                             int64_t after_id, int limit) {
  KB_TRY(access::official(official));
  Query q;
  q.sql =
      fmt::format("SELECT " KB_ALERT_COLUMNS
                  ", p.full_name FROM monitoring_alerts a JOIN people p ON "
                  "p.id = a.person_id WHERE {} AND a.id > {} ORDER BY a.id LIMIT {}",
                  alert_scope(q, *official.jurisdiction), q.add(after_id), q.add(int64_t{limit}));
  KB_ASSIGN(store::Rows rows, q.run(c, "board_alerts_after"));
  std::vector<AlertEvent> out;
  for (const auto& r : rows) out.push_back({alert_from_row(r), sealing::reveal(r.str(11))});
  return out;
}

Result<int64_t> newest_alert_id(store::Connection& c, const accounts::User& official) {
  KB_TRY(access::official(official));
  Query q;
  q.sql = "SELECT COALESCE(MAX(a.id), 0) FROM monitoring_alerts a WHERE " +
          alert_scope(q, *official.jurisdiction);
  return count(c, q, "board_newest_alert");
}

Result<std::vector<AreaOrderRow>> area_order_rows(store::Connection& c,
                                                  const accounts::User& official, int64_t now) {
  KB_ASSIGN(auto list, area_orders_for(c, official));
  std::vector<AreaOrderRow> out;
  for (auto& a : list) {
    KB_ASSIGN(auto row, c.query_one(kResidentsJoined, {a.id, day_start(local_day(now))}));
    AreaOrderRow r{std::move(a), row ? row->i64(0) : 0, row ? row->i64(1) : 0};
    out.push_back(std::move(r));
  }
  return out;
}

std::string board_key(const areas::Jurisdiction& j) {
  return j.level == areas::Jurisdiction::Level::kNational ? "national" : j.code;
}

}  // namespace kb::monitoring
