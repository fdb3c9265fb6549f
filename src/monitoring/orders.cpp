#include "monitoring/orders.h"

#include <fmt/format.h>

#include <algorithm>

#include "access/policy.h"
#include "audit/audit_log.h"
#include "crypto/sealing.h"
#include "declarations/declaration.h"
#include "health/health_status.h"
#include "monitoring/texts.h"
#include "notify/inbox_hub.h"
#include "notify/messages.h"

namespace kb::monitoring {
namespace {

using store::Param;
using store::Sql;

constexpr int64_t kDay = 86400;

#define KB_ORDER_COLUMNS KB_MONITORING_ORDER_COLUMNS

constexpr Sql kInsertOrder{"insert_monitoring_order",
                           "INSERT INTO monitoring_orders(kind, person_id, area_id, contact_id, "
                           "case_id, province_code, ward_code, "
                           "place, facility_name, facility_address, fully_vaccinated, "
                           "reports_per_day, starts_at, quarantine_until, "
                           "ends_at, status, note, placed_by, created_at, updated_at) VALUES ($1, "
                           "$2, $3, $4, $5, $6, $7, $8, $9, $10, "
                           "$11, $12, $13, $14, $15, 'open', $16, $17, $18, $18) RETURNING id"};
constexpr Sql kSelectOrder{"select_monitoring_order",
                           "SELECT " KB_ORDER_COLUMNS " FROM monitoring_orders o WHERE o.id = $1"};
constexpr Sql kOpenOrderOf{"select_open_order_of",
                           "SELECT " KB_ORDER_COLUMNS
                           " FROM monitoring_orders o WHERE o.person_id = $1 AND o.status = 'open' "
                           "ORDER BY o.id DESC LIMIT 1"};
constexpr Sql kOrdersOf{
    "select_orders_of",
    "SELECT " KB_ORDER_COLUMNS
    " FROM monitoring_orders o WHERE o.person_id = $1 ORDER BY o.id DESC LIMIT $2"};
#define KB_AREA_COLUMNS                                                                          \
  "a.id, a.province_code, a.starts_at, a.ends_at, a.status, a.note, a.placed_by, a.created_at, " \
  "a.closed_at, "                                                                                \
  "a.close_reason"
constexpr Sql kInsertArea{"insert_monitoring_area",
                          "INSERT INTO monitoring_areas(province_code, starts_at, ends_at, status, "
                          "note, placed_by, created_at, "
                          "updated_at) VALUES ($1, $2, $3, 'open', $4, $5, $6, $6) RETURNING id"};
constexpr Sql kSelectArea{"select_monitoring_area",
                          "SELECT " KB_AREA_COLUMNS " FROM monitoring_areas a WHERE a.id = $1"};
constexpr Sql kAreaWards{
    "select_area_wards",
    "SELECT ward_code FROM monitoring_area_wards WHERE area_id = $1 ORDER BY ward_code"};
constexpr Sql kInsertAreaWard{
    "insert_area_ward", "INSERT INTO monitoring_area_wards(ward_code, area_id) VALUES ($1, $2)"};
constexpr Sql kAreasCovering{
    "select_areas_covering",
    "SELECT " KB_AREA_COLUMNS
    " FROM monitoring_areas a JOIN monitoring_area_wards w ON w.area_id = a.id "
    "WHERE w.ward_code = $1 AND a.status = 'open' AND a.ends_at > $2 ORDER BY a.id"};
constexpr Sql kOpenAreasOfProvince{
    "select_open_areas_of_province",
    "SELECT " KB_AREA_COLUMNS
    " FROM monitoring_areas a WHERE ($1 = '' OR a.province_code = $1) AND "
    "a.status = 'open' ORDER BY a.id DESC LIMIT 200"};
constexpr Sql kCloseArea{"close_monitoring_area",
                         "UPDATE monitoring_areas SET status = 'released', closed_at = $2, "
                         "closed_by = $3, close_reason = $4, "
                         "updated_at = $2 WHERE id = $1 AND status = 'open'"};
constexpr Sql kSetAreaEnd{
    "set_monitoring_area_end",
    "UPDATE monitoring_areas SET ends_at = $2, updated_at = $3 WHERE id = $1"};
constexpr Sql kCloseOrder{"close_monitoring_order",
                          "UPDATE monitoring_orders SET status = $2, closed_at = $3, closed_by = "
                          "$4, close_reason = $5, updated_at = $3 "
                          "WHERE id = $1 AND status = 'open'"};
constexpr Sql kOpenResidents{
    "select_open_area_residents",
    "SELECT " KB_ORDER_COLUMNS
    " FROM monitoring_orders o WHERE o.area_id = $1 AND o.status = 'open'"};
constexpr Sql kSetPeriod{"set_monitoring_period",
                         "UPDATE monitoring_orders SET quarantine_until = $2, ends_at = $3, "
                         "updated_at = $4 WHERE id = $1"};
constexpr Sql kExtendResidents{"extend_area_residents",
                               "UPDATE monitoring_orders SET ends_at = $2, updated_at = $3 WHERE "
                               "area_id = $1 AND status = 'open'"};
constexpr Sql kSetNegativeTest{"set_negative_test",
                               "UPDATE monitoring_orders SET negative_test_at = $2, "
                               "negative_test_by = $3, updated_at = $4 WHERE id = $1"};
constexpr Sql kTally{"tally_monitoring_orders",
                     "INSERT INTO monitoring_tallies(province_code, ward_code, kind, open_orders) "
                     "VALUES ($1, $2, $3, $4) "
                     "ON CONFLICT (province_code, ward_code, kind) DO UPDATE SET open_orders = "
                     "monitoring_tallies.open_orders + excluded.open_orders"};

Param opt(const std::optional<int64_t>& v) { return v ? Param{*v} : Param{nullptr}; }

Error no_order() {
  return make_error(ErrorKind::kNotFound, "order_not_found", "no such monitoring order");
}

Result<OrderStatus> status_from_db(std::string_view s) {
  for (OrderStatus st : {OrderStatus::kOpen, OrderStatus::kReleased, OrderStatus::kTransferred,
                         OrderStatus::kSuperseded}) {
    if (status_name(st) == s) return st;
  }
  return internal(fmt::format("monitoring order with unknown status {}", s));
}

Result<Order> read_order_row(const store::Row& r) {
  Order o;
  o.id = r.i64(0);
  auto kind = parse_kind(r.str(1));
  if (!kind.ok()) return internal("monitoring order with unknown kind " + r.str(1));
  o.kind = *kind;
  o.person_id = r.i64(2);
  o.area_id = r.opt_i64(3);
  o.contact_id = r.opt_i64(4);
  o.case_id = r.opt_i64(5);
  o.province_code = r.str(6);
  o.ward_code = r.str(7);
  o.place = r.str(8) == "facility" ? Place::kFacility : Place::kHome;
  o.facility_name = r.str(9);
  o.facility_address = r.str(10);
  o.fully_vaccinated = r.i64(11) != 0;
  o.reports_per_day = static_cast<int>(r.i64(12));
  o.starts_at = r.i64(13);
  o.quarantine_until = r.i64(14);
  o.ends_at = r.i64(15);
  KB_ASSIGN(o.status, status_from_db(r.str(16)));
  o.negative_test_at = r.opt_i64(17);
  o.last_report_at = r.i64(18);
  o.last_report_red = r.i64(19) != 0;
  o.open_alerts = r.i64(20);
  // An order's note and why it closed are free text about the person, sealed at rest
  // (crypto/sealing.h); an area order's are about an area and stay clear.
  o.note = sealing::reveal(r.str(21));
  o.placed_by = r.i64(22);
  o.created_at = r.i64(23);
  o.closed_at = r.opt_i64(24);
  o.close_reason = sealing::reveal(r.str(25));
  return o;
}

Result<std::vector<Order>> orders_from(const store::Rows& rows) {
  std::vector<Order> out;
  out.reserve(rows.size());
  for (const auto& r : rows) {
    KB_ASSIGN(Order o, read_order_row(r));
    out.push_back(std::move(o));
  }
  return out;
}

Result<AreaOrder> area_from_row(store::Connection& c, const store::Row& r) {
  AreaOrder a;
  a.id = r.i64(0);
  a.province_code = r.str(1);
  a.starts_at = r.i64(2);
  a.ends_at = r.i64(3);
  KB_ASSIGN(a.status, status_from_db(r.str(4)));
  a.note = r.str(5);
  a.placed_by = r.i64(6);
  a.created_at = r.i64(7);
  a.closed_at = r.opt_i64(8);
  a.close_reason = r.str(9);
  KB_ASSIGN(store::Rows wards, c.query(kAreaWards, {a.id}));
  for (const auto& w : wards) a.wards.push_back(w.str(0));
  return a;
}

Result<std::vector<AreaOrder>> areas_from(store::Connection& c, const store::Rows& rows) {
  std::vector<AreaOrder> out;
  for (const auto& r : rows) {
    KB_ASSIGN(AreaOrder a, area_from_row(c, r));
    out.push_back(std::move(a));
  }
  return out;
}

bool covers(const areas::Jurisdiction& j, const Order& o) {
  return j.covers(o.province_code, o.ward_code);
}

// How much of an area order lies in a jurisdiction.
bool covers_any(const areas::Jurisdiction& j, const AreaOrder& a) {
  return std::any_of(a.wards.begin(), a.wards.end(),
                     [&](const std::string& w) { return j.covers(a.province_code, w); });
}
bool covers_all(const areas::Jurisdiction& j, const AreaOrder& a) {
  return std::all_of(a.wards.begin(), a.wards.end(),
                     [&](const std::string& w) { return j.covers(a.province_code, w); });
}

// Message first, field second: the error is outside_jurisdiction whatever the field.
Error outside(std::string message, std::string field) {
  return Error{ErrorKind::kForbidden, "outside_jurisdiction", std::move(message), std::move(field)};
}

// The ward whose health station is in charge of a person's order (see Placement::ward_code).
Result<std::pair<std::string, std::string>> station_for(const areas::AreaDirectory& areas,
                                                        const accounts::User& official,
                                                        const people::Person* person,
                                                        std::string_view asked) {
  if (!asked.empty()) {
    const auto* w = areas.ward(asked);
    if (!w) return invalid("ward_code", "invalid_ward", "no such ward code");
    if (!access::in_charge_of(official, w->province_code, w->code)) {
      return outside("this ward is outside your jurisdiction", "ward_code");
    }
    return std::pair{w->province_code, w->code};
  }
  if (person && !person->ward_code.empty()) {
    if (access::in_charge_of(official, person->province_code, person->ward_code)) {
      return std::pair{person->province_code, person->ward_code};
    }
  }
  const auto& j = *official.jurisdiction;
  if (j.level == areas::Jurisdiction::Level::kWard) {
    const auto* w = areas.ward(j.code);
    return std::pair{w ? w->province_code : std::string(), j.code};
  }
  if (person && !person->ward_code.empty()) {
    return outside(
        "the person lives outside your jurisdiction: name the ward in charge (ward_code), or ask "
        "the "
        "officials where they live",
        "ward_code");
  }
  return invalid("ward_code", "missing_field",
                 "the person has no address: name the ward in charge (ward_code)");
}

Status tally(store::Connection& c, const Order& o, int64_t delta) {
  KB_TRY(c.exec(kTally, {std::string_view(o.province_code), std::string_view(o.ward_code),
                         kind_name(o.kind), delta}));
  return {};
}

Status audit_action(store::Connection& c, const accounts::User& official, std::string_view action,
                    const Order& o, std::string_view reason, std::string_view detail, int64_t now) {
  std::string subject = fmt::format("monitoring_order:{}", o.id);
  return audit::record(c, {now, official.id, action, subject, reason, detail}, official);
}
Status audit_area(store::Connection& c, const accounts::User& official, std::string_view action,
                  const AreaOrder& a, std::string_view reason, std::string_view detail,
                  int64_t now) {
  std::string subject = fmt::format("monitoring_area:{}", a.id);
  return audit::record(c, {now, official.id, action, subject, reason, detail}, official);
}

Status announce_board(store::Connection& c, const std::vector<std::string>& keys) {
  return notify::announce(c, notify::Wake{{}, keys, false}, notify::Channel::kBoards);
}
Status announce_board(store::Connection& c, const Order& o) {
  return announce_board(c, board_keys(o));
}

// Tells the person (their inbox and phone) what the order asks of them.
Status tell_person(store::Connection& c, const Rules& rules, const areas::AreaDirectory& areas,
                   const Order& o, const people::Person& person, int64_t now) {
  const auto* ward = areas.ward(o.ward_code);
  OrderNoticeFacts f{cases::addressee_of(person), o.kind,
                     o.place == Place::kFacility, o.facility_name,
                     o.quarantine_until,          o.ends_at,
                     o.reports_per_day,           station_of(ward ? ward->name : "")};
  cases::NoticeText text = order_notice(f);
  notify::PersonalMessage m;
  m.person_id = person.id;
  m.kind = notify::Kind::kQuarantine;
  m.title = text.title;
  m.body = text.body;
  m.link = rules.page_link;
  m.dedupe_key = fmt::format("monitoring-order:{}", o.id);
  m.sender_id = o.placed_by;
  KB_TRY(notify::send_personal(c, m, now));
  return {};
}

struct NewOrder {
  Kind kind = Kind::kF1Quarantine;
  int64_t person_id = 0;
  std::optional<int64_t> area_id, contact_id, case_id;
  std::string province_code, ward_code;
  int64_t from = 0;  // what the period counts from
  int64_t area_until = 0;
};

// Inserts an order with its period, counts it, sets the person's colour and audits it.
Result<Order> insert_order(store::Connection& c, const Rules& rules,
                           const accounts::User& placed_by, const NewOrder& n, const Placement& p,
                           int64_t now) {
  Period period = period_of(n.kind, n.from, p.fully_vaccinated, n.area_until, rules);
  KB_ASSIGN(
      auto row,
      c.query_one(
          kInsertOrder,
          {kind_name(n.kind), n.person_id, opt(n.area_id), opt(n.contact_id), opt(n.case_id),
           std::string_view(n.province_code), std::string_view(n.ward_code), place_name(p.place),
           std::string_view(p.facility_name), std::string_view(p.facility_address),
           int64_t{p.fully_vaccinated}, int64_t{reports_per_day(n.kind)}, n.from,
           period.quarantine_until, period.ends_at, sealing::seal(p.note), placed_by.id, now}));
  if (!row) return internal("insert into monitoring_orders returned no id");
  KB_ASSIGN(auto order, find_order(c, row->i64(0)));
  KB_TRY(tally(c, *order, 1));
  KB_TRY(sync_colour(c, order->person_id, now));
  KB_TRY(announce_board(c, *order));
  return std::move(*order);
}

// Closes an open order (and counts it out, and returns the colour).
Status close_order(store::Connection& c, const Order& o, OrderStatus status, int64_t by,
                   std::string_view reason, int64_t now) {
  KB_ASSIGN(int64_t changed,
            c.exec(kCloseOrder, {o.id, status_name(status), now, by, sealing::seal(reason)}));
  if (changed == 0)
    return Error{ErrorKind::kConflict, "order_closed", "this order is closed already", "id"};
  KB_TRY(tally(c, o, -1));
  KB_TRY(sync_colour(c, o.person_id, now));
  return announce_board(c, o);
}

Result<Order> open_for_official(store::Connection& c, const accounts::User& official, int64_t id) {
  KB_ASSIGN(Order o, order_for(c, official, id));
  if (o.status != OrderStatus::kOpen) {
    return Error{ErrorKind::kConflict, "order_closed",
                 fmt::format("this order is {} already", status_name(o.status)), "id"};
  }
  return o;
}

Result<people::Person> person_of(store::Connection& c, int64_t person_id) {
  KB_ASSIGN(auto p, people::find(c, person_id));
  if (!p) return Error{ErrorKind::kNotFound, "person_not_found", "no such person", "person_id"};
  return std::move(*p);
}

Error already_monitored(std::string field, const Order& open) {
  return Error{ErrorKind::kConflict, "already_monitored",
               fmt::format("this person is already under monitoring (order {}, {})", open.id,
                           kind_name(open.kind)),
               std::move(field)};
}

// F1 quarantine for a contact already found visible and open.
Result<Order> place_f1(store::Connection& c, const Rules& rules, const areas::AreaDirectory& areas,
                       const accounts::User& official, const cases::StoredContact& k,
                       const Placement& p, int64_t now) {
  KB_ASSIGN(people::Person person, person_of(c, k.person_id));
  KB_ASSIGN(auto open, open_order_of(c, person.id));
  if (open) return already_monitored("contact_id", *open);
  KB_ASSIGN(auto station, station_for(areas, official, &person, p.ward_code));
  NewOrder n{Kind::kF1Quarantine,
             person.id,
             {},
             k.id,
             k.case_id,
             station.first,
             station.second,
             p.starts_at.value_or(std::min(k.last_exposure, now)),
             0};
  KB_ASSIGN(Order o, insert_order(c, rules, official, n, p, now));
  KB_TRY(cases::hand_over_quarantine(c, person.id, o.id, now));
  KB_TRY(tell_person(c, rules, areas, o, person, now));
  KB_TRY(audit_action(c, official, "monitoring.place", o, {},
                      fmt::format("f1_quarantine person:{} contact:{}", person.id, k.id), now));
  return o;
}

bool open_f1(const cases::StoredContact& k) {
  return k.degree == 1 && (k.status == cases::ContactStatus::kPending ||
                           k.status == cases::ContactStatus::kConfirmed);
}

}  // namespace

Result<Order> order_from_row(const store::Row& r) { return read_order_row(r); }

std::string_view status_name(OrderStatus s) {
  switch (s) {
    case OrderStatus::kOpen:
      return "open";
    case OrderStatus::kReleased:
      return "released";
    case OrderStatus::kTransferred:
      return "transferred";
    case OrderStatus::kSuperseded:
      return "superseded";
  }
  return "open";
}

std::string_view place_name(Place p) { return p == Place::kFacility ? "facility" : "home"; }

Result<Place> parse_place(std::string_view text, std::string_view field) {
  if (text == "home") return Place::kHome;
  if (text == "facility") return Place::kFacility;
  return invalid(std::string(field), "invalid_place", "place must be home or facility");
}

Status check_placement(const Placement& p, int64_t now) {
  if (p.place == Place::kFacility && p.facility_name.empty()) {
    return invalid("facility_name", "missing_field", "a facility needs its name");
  }
  if (p.place == Place::kFacility && p.facility_address.empty()) {
    return invalid("facility_address", "missing_field", "a facility needs its address");
  }
  if (p.starts_at && *p.starts_at > now + 7 * kDay) {
    return invalid("starts_at", "date_out_of_range", "an order starts within the next 7 days");
  }
  if (p.starts_at && *p.starts_at < now - 30 * kDay) {
    return invalid("starts_at", "date_out_of_range", "an order starts at most 30 days back");
  }
  return {};
}

Result<Order> place_for_contact(store::Connection& c, const Rules& rules,
                                const areas::AreaDirectory& areas, const accounts::User& official,
                                int64_t contact_id, const Placement& p, int64_t now) {
  KB_TRY(access::official(official));
  KB_TRY(check_placement(p, now));
  KB_ASSIGN(cases::StoredContact k, cases::contact_for(c, official, contact_id));
  if (!open_f1(k)) {
    return Error{
        ErrorKind::kConflict, "contact_not_open_f1",
        fmt::format("only an open F1 contact is placed in quarantine (this one is F{}, {})",
                    k.degree, cases::contact_status_name(k.status)),
        "contact_id"};
  }
  return place_f1(c, rules, areas, official, k, p, now);
}

Result<PlacedForCase> place_for_case_contacts(store::Connection& c, const Rules& rules,
                                              const areas::AreaDirectory& areas,
                                              const accounts::User& official, int64_t case_id,
                                              const Placement& p, int64_t now) {
  KB_TRY(check_placement(p, now));
  KB_ASSIGN(cases::Case kase, cases::case_for(c, official, case_id));
  KB_ASSIGN(auto contacts, cases::contacts_of_case(c, kase.id, 1));
  PlacedForCase out;
  for (const auto& k : contacts) {
    if (!open_f1(k)) continue;
    KB_ASSIGN(auto open, open_order_of(c, k.person_id));
    if (open) {
      out.skipped.push_back({k.id, k.person_id, "already_monitored"});
      continue;
    }
    auto placed = place_f1(c, rules, areas, official, k, p, now);
    if (!placed.ok() && placed.error().kind == ErrorKind::kForbidden) {
      out.skipped.push_back({k.id, k.person_id, placed.error().code});
      continue;
    }
    if (!placed.ok()) return std::move(placed).error();
    out.placed.push_back(std::move(*placed));
  }
  return out;
}

Result<Order> place_home_care(store::Connection& c, const Rules& rules,
                              const areas::AreaDirectory& areas, const accounts::User& official,
                              int64_t case_id, const Placement& p, int64_t now) {
  KB_TRY(check_placement(p, now));
  KB_ASSIGN(cases::Case kase, cases::case_for(c, official, case_id));
  if (kase.status != cases::CaseStatus::kActive) {
    return Error{ErrorKind::kConflict, "case_not_active",
                 "only an active case is cared for at home", "case_id"};
  }
  KB_ASSIGN(people::Person person, person_of(c, kase.person_id));
  KB_ASSIGN(auto station, station_for(areas, official, &person, p.ward_code));
  KB_ASSIGN(auto open, open_order_of(c, person.id));
  if (open && open->kind == Kind::kF0HomeCare) return already_monitored("case_id", *open);
  if (open) {
    KB_TRY(close_order(c, *open, OrderStatus::kSuperseded, official.id, "F0 home care", now));
    KB_TRY(audit_action(c, official, "monitoring.supersede", *open, {},
                        fmt::format("by F0 home care of case:{}", case_id), now));
  }
  NewOrder n{Kind::kF0HomeCare,
             person.id,
             {},
             {},
             kase.id,
             station.first,
             station.second,
             p.starts_at.value_or(std::min(kase.test_date, now)),
             0};
  KB_ASSIGN(Order o, insert_order(c, rules, official, n, p, now));
  KB_TRY(tell_person(c, rules, areas, o, person, now));
  KB_TRY(audit_action(c, official, "monitoring.place", o, {},
                      fmt::format("f0_home_care person:{} case:{}", person.id, case_id), now));
  return o;
}

Result<Order> place_entry(store::Connection& c, const Rules& rules,
                          const areas::AreaDirectory& areas, const accounts::User& official,
                          const cases::PersonKey& key, const Placement& p, int64_t now) {
  KB_TRY(access::official(official));
  KB_TRY(check_placement(p, now));
  KB_ASSIGN(people::Person person, cases::find_person(c, key));
  KB_ASSIGN(auto latest, declarations::latest(c, person.id));
  if (!latest || latest->kind != "entry" || !latest->entry) {
    return Error{ErrorKind::kConflict, "no_entry_declaration",
                 "the person's latest declaration is not an entry declaration", "person_id"};
  }
  const auto& entry = *latest->entry;
  // The station: the one asked for, else where the person declared they would stay, else home.
  Placement placed = p;
  people::Person staying = person;
  if (!entry.quarantine_ward_code.empty()) {
    staying.province_code = entry.quarantine_province_code;
    staying.ward_code = entry.quarantine_ward_code;
  }
  KB_ASSIGN(auto station, station_for(areas, official, &staying, p.ward_code));
  KB_ASSIGN(auto open, open_order_of(c, person.id));
  if (open) return already_monitored("person_id", *open);
  int64_t arrival = now;
  if (auto d = cases::parse_date(entry.arrival_date, "arrival_date"); d.ok())
    arrival = std::min(*d, now);
  NewOrder n{Kind::kEntry,
             person.id,
             {},
             {},
             {},
             station.first,
             station.second,
             p.starts_at.value_or(arrival),
             0};
  KB_ASSIGN(Order o, insert_order(c, rules, official, n, placed, now));
  KB_TRY(tell_person(c, rules, areas, o, person, now));
  KB_TRY(audit_action(c, official, "monitoring.place", o, {},
                      fmt::format("entry person:{} declaration:{}", person.id, latest->id), now));
  return o;
}

Result<AreaOrder> place_area(store::Connection& c, const Rules& rules,
                             const areas::AreaDirectory& areas, const accounts::User& official,
                             const std::vector<std::string>& wards, int64_t until,
                             const Placement& p, int64_t now) {
  KB_TRY(access::official(official));
  KB_TRY(check_placement(p, now));
  if (wards.empty()) return invalid("wards", "missing_field", "list at least one ward");
  if (wards.size() > 200) return invalid("wards", "too_long", "at most 200 wards in one order");
  std::string province;
  for (size_t i = 0; i < wards.size(); ++i) {
    std::string field = fmt::format("wards[{}]", i);
    const auto* w = areas.ward(wards[i]);
    if (!w) return invalid(field, "invalid_ward", "no such ward code");
    if (std::find(wards.begin(), wards.begin() + static_cast<std::ptrdiff_t>(i), wards[i]) !=
        wards.begin() + static_cast<std::ptrdiff_t>(i)) {
      return invalid(field, "duplicate", field + " repeats a ward");
    }
    if (!province.empty() && w->province_code != province) {
      return invalid(field, "mixed_provinces", "the wards of one order lie in one province");
    }
    province = w->province_code;
    if (!access::in_charge_of(official, w->province_code, w->code)) {
      return outside("this ward is outside your jurisdiction", field);
    }
  }
  int64_t from = p.starts_at.value_or(now);
  if (until != 0 && until <= from)
    return invalid("ends_at", "date_out_of_range", "the end comes after the start");
  if (until > from + 90 * kDay)
    return invalid("ends_at", "date_out_of_range", "an area order lasts at most 90 days");
  Period period = period_of(Kind::kArea, from, false, until, rules);
  KB_ASSIGN(auto row, c.query_one(kInsertArea, {std::string_view(province), from, period.ends_at,
                                                std::string_view(p.note), official.id, now}));
  if (!row) return internal("insert into monitoring_areas returned no id");
  int64_t id = row->i64(0);
  for (const auto& w : wards) KB_TRY(c.exec(kInsertAreaWard, {std::string_view(w), id}));
  KB_ASSIGN(auto area_row, c.query_one(kSelectArea, {id}));
  KB_ASSIGN(AreaOrder a, area_from_row(c, *area_row));
  KB_TRY(announce_board(c, board_keys(a)));
  KB_TRY(audit_area(c, official, "monitoring.place_area", a, {},
                    fmt::format("{} wards", wards.size()), now));
  return a;
}

Result<AreaOrder> area_order_for(store::Connection& c, const accounts::User& official, int64_t id) {
  KB_TRY(access::official(official));
  KB_ASSIGN(auto row, c.query_one(kSelectArea, {id}));
  if (!row) return make_error(ErrorKind::kNotFound, "area_order_not_found", "no such area order");
  KB_ASSIGN(AreaOrder a, area_from_row(c, *row));
  if (!covers_any(*official.jurisdiction, a)) {
    return make_error(ErrorKind::kNotFound, "area_order_not_found", "no such area order");
  }
  return a;
}

Result<std::vector<AreaOrder>> area_orders_covering(store::Connection& c,
                                                    std::string_view ward_code, int64_t now) {
  if (ward_code.empty()) return std::vector<AreaOrder>{};
  KB_ASSIGN(store::Rows rows, c.query(kAreasCovering, {ward_code, now}));
  return areas_from(c, rows);
}

Result<std::vector<AreaOrder>> area_orders_for(store::Connection& c,
                                               const accounts::User& official) {
  KB_TRY(access::official(official));
  const auto& j = *official.jurisdiction;
  std::string_view province =
      j.level == areas::Jurisdiction::Level::kProvince ? std::string_view(j.code) : "";
  KB_ASSIGN(store::Rows rows, c.query(kOpenAreasOfProvince, {province}));
  KB_ASSIGN(auto all, areas_from(c, rows));
  std::vector<AreaOrder> out;
  for (auto& a : all) {
    if (covers_any(j, a)) out.push_back(std::move(a));
  }
  return out;
}

namespace {

Result<AreaOrder> open_area_in_charge(store::Connection& c, const accounts::User& official,
                                      int64_t id) {
  KB_ASSIGN(AreaOrder a, area_order_for(c, official, id));
  if (!covers_all(*official.jurisdiction, a)) {
    return outside("some of this order's wards are outside your jurisdiction", "id");
  }
  if (a.status != OrderStatus::kOpen) {
    return Error{ErrorKind::kConflict, "order_closed", "this area order was lifted already", "id"};
  }
  return a;
}

Result<AreaOrder> reread_area(store::Connection& c, int64_t id) {
  KB_ASSIGN(auto row, c.query_one(kSelectArea, {id}));
  if (!row) return internal("an area order vanished");
  return area_from_row(c, *row);
}

}  // namespace

Result<AreaOrder> lift_area(store::Connection& c, const accounts::User& official, int64_t id,
                            std::string_view note, int64_t now) {
  KB_ASSIGN(AreaOrder a, open_area_in_charge(c, official, id));
  KB_TRY(c.exec(kCloseArea, {a.id, now, official.id, note}));
  KB_ASSIGN(store::Rows rows, c.query(kOpenResidents, {a.id}));
  KB_ASSIGN(auto residents, orders_from(rows));
  for (const auto& o : residents) {
    KB_TRY(
        close_order(c, o, OrderStatus::kReleased, official.id, "the area order was lifted", now));
  }
  KB_TRY(announce_board(c, board_keys(a)));
  KB_TRY(audit_area(c, official, "monitoring.lift_area", a, note,
                    fmt::format("{} residents released", residents.size()), now));
  return reread_area(c, a.id);
}

Result<AreaOrder> extend_area(store::Connection& c, const accounts::User& official, int64_t id,
                              int64_t days, std::string_view reason, int64_t now) {
  if (days < 1 || days > 30)
    return invalid("days", "out_of_range", "an order is extended by 1 to 30 days");
  KB_ASSIGN(AreaOrder a, open_area_in_charge(c, official, id));
  int64_t end = a.ends_at + days * kDay;
  KB_TRY(c.exec(kSetAreaEnd, {a.id, end, now}));
  KB_TRY(c.exec(kExtendResidents, {a.id, end, now}));
  KB_TRY(announce_board(c, board_keys(a)));
  KB_TRY(audit_area(c, official, "monitoring.extend_area", a, reason, fmt::format("{} days", days),
                    now));
  return reread_area(c, a.id);
}

Result<std::optional<Order>> find_order(store::Connection& c, int64_t id) {
  KB_ASSIGN(auto row, c.query_one(kSelectOrder, {id}));
  if (!row) return std::optional<Order>();
  KB_ASSIGN(Order o, read_order_row(*row));
  return std::optional<Order>(std::move(o));
}

Result<Order> order_for(store::Connection& c, const accounts::User& official, int64_t id) {
  KB_TRY(access::official(official));
  KB_ASSIGN(auto o, find_order(c, id));
  if (!o || !covers(*official.jurisdiction, *o)) return no_order();
  return std::move(*o);
}

Result<std::optional<Order>> open_order_of(store::Connection& c, int64_t person_id) {
  KB_ASSIGN(auto row, c.query_one(kOpenOrderOf, {person_id}));
  if (!row) return std::optional<Order>();
  KB_ASSIGN(Order o, read_order_row(*row));
  return std::optional<Order>(std::move(o));
}

Result<std::vector<Order>> orders_of(store::Connection& c, int64_t person_id, int limit) {
  KB_ASSIGN(store::Rows rows, c.query(kOrdersOf, {person_id, int64_t{limit}}));
  return orders_from(rows);
}

std::vector<std::string> release_blockers(const Order& o, int64_t now) {
  std::vector<std::string> blockers;
  if (now < o.ends_at) blockers.emplace_back("period_not_over");
  if (o.kind == Kind::kF0HomeCare && !o.negative_test_at)
    blockers.emplace_back("negative_test_missing");
  if (o.open_alerts > 0 || o.last_report_red) blockers.emplace_back("red_flag_open");
  return blockers;
}

Result<Order> release(store::Connection& c, const accounts::User& official, int64_t order_id,
                      std::string_view note, int64_t now) {
  KB_ASSIGN(Order o, open_for_official(c, official, order_id));
  auto blockers = release_blockers(o, now);
  if (!blockers.empty()) {
    return Error{
        ErrorKind::kConflict, blockers.front(),
        "the release rule does not hold yet: " + fmt::format("{}", fmt::join(blockers, ", ")),
        "id"};
  }
  KB_TRY(close_order(c, o, OrderStatus::kReleased, official.id, note, now));
  // Home care ends by the recovery rule: the case is closed as recovered (by whoever sees it).
  if (o.kind == Kind::kF0HomeCare && o.case_id) {
    auto closed = cases::close_case(c, official, *o.case_id, cases::CaseStatus::kRecovered,
                                    "home care ended: released from monitoring", now);
    if (!closed.ok() && closed.error().kind != ErrorKind::kConflict &&
        closed.error().kind != ErrorKind::kNotFound) {
      return std::move(closed).error();
    }
  }
  KB_TRY(audit_action(c, official, "monitoring.release", o, note, {}, now));
  KB_ASSIGN(auto after, find_order(c, o.id));
  return std::move(*after);
}

Result<std::vector<Order>> release_by_rule(store::Connection& c, int64_t now, int limit) {
  static constexpr Sql kEnded{
      "monitoring_orders_ended",
      "SELECT " KB_MONITORING_ORDER_COLUMNS
      " FROM monitoring_orders o WHERE o.status = 'open' "
      "AND o.kind IN ('f1_quarantine', 'entry') AND o.ends_at <= $1 ORDER BY o.ends_at "
      "LIMIT $2"};
  KB_ASSIGN(store::Rows rows, c.query(kEnded, {now, int64_t{limit}}));
  std::vector<Order> released;
  for (const auto& r : rows) {
    KB_ASSIGN(Order o, order_from_row(r));
    if (!release_blockers(o, now).empty()) continue;
    KB_TRY(close_order(c, o, OrderStatus::kReleased, 0, "period_over", now));
    KB_TRY(audit::record(c, {now,
                             std::nullopt,
                             "monitoring.release_by_rule",
                             fmt::format("monitoring_order:{}", o.id),
                             "period_over",
                             {}}));
    KB_ASSIGN(auto after, find_order(c, o.id));
    released.push_back(std::move(*after));
  }
  return released;
}

Result<Order> extend(store::Connection& c, const accounts::User& official, int64_t order_id,
                     int64_t days, std::string_view reason, int64_t now) {
  if (days < 1 || days > 30)
    return invalid("days", "out_of_range", "an order is extended by 1 to 30 days");
  KB_ASSIGN(Order o, open_for_official(c, official, order_id));
  int64_t add = days * kDay;
  int64_t quarantine = o.quarantine_until > now ? o.quarantine_until + add : o.quarantine_until;
  if (o.kind == Kind::kArea) quarantine = o.starts_at;  // area monitoring never quarantines
  KB_TRY(c.exec(kSetPeriod, {o.id, quarantine, o.ends_at + add, now}));
  KB_TRY(sync_colour(c, o.person_id, now));
  KB_TRY(announce_board(c, o));
  KB_TRY(
      audit_action(c, official, "monitoring.extend", o, reason, fmt::format("{} days", days), now));
  KB_ASSIGN(auto after, find_order(c, o.id));
  return std::move(*after);
}

Result<Order> transfer_to_hospital(store::Connection& c, const accounts::User& official,
                                   int64_t order_id, std::string_view hospital,
                                   std::string_view reason, int64_t now) {
  if (hospital.empty()) return invalid("hospital", "missing_field", "name the hospital");
  KB_ASSIGN(Order o, open_for_official(c, official, order_id));
  std::string why = fmt::format("hospital: {}{}{}", hospital, reason.empty() ? "" : " — ", reason);
  KB_TRY(close_order(c, o, OrderStatus::kTransferred, official.id, why, now));
  KB_TRY(audit_action(c, official, "monitoring.transfer", o, reason, hospital, now));
  KB_ASSIGN(auto after, find_order(c, o.id));
  return std::move(*after);
}

Result<Order> confirm_negative_test(store::Connection& c, const accounts::User& official,
                                    int64_t order_id, int64_t tested_at, std::string_view note,
                                    int64_t now) {
  KB_ASSIGN(Order o, open_for_official(c, official, order_id));
  if (tested_at > now + kDay)
    return invalid("tested_at", "date_in_future", "the test date is in the future");
  if (tested_at < o.starts_at - kDay) {
    return invalid("tested_at", "date_out_of_range", "the test was taken before the order began");
  }
  KB_TRY(c.exec(kSetNegativeTest, {o.id, tested_at, official.id, now}));
  KB_TRY(announce_board(c, o));
  KB_TRY(audit_action(c, official, "monitoring.negative_test", o, note, format_rfc3339(tested_at),
                      now));
  KB_ASSIGN(auto after, find_order(c, o.id));
  return std::move(*after);
}

Status note_negative_test(store::Connection& c, int64_t person_id, int64_t tested_at, int64_t now) {
  KB_ASSIGN(auto o, open_order_of(c, person_id));
  if (!o || o->kind != Kind::kF0HomeCare || tested_at < o->starts_at) return {};
  if (o->negative_test_at && *o->negative_test_at >= tested_at) return {};
  KB_TRY(c.exec(kSetNegativeTest, {o->id, tested_at, Param{nullptr}, now}));
  KB_TRY(audit::record(c, {now,
                           std::nullopt,
                           "monitoring.negative_test_by_testing",
                           fmt::format("monitoring_order:{}", o->id),
                           format_rfc3339(tested_at),
                           {}}));
  return announce_board(c, *o);
}

Result<Order> join_area_order(store::Connection& c, const AreaOrder& area,
                              const people::Person& resident, int64_t now) {
  accounts::User placed_by;
  placed_by.id = area.placed_by;
  NewOrder n{Kind::kArea,
             resident.id,
             area.id,
             {},
             {},
             resident.province_code,
             resident.ward_code,
             std::max(area.starts_at, now),
             area.ends_at};
  Placement home;
  return insert_order(c, Rules{}, placed_by, n, home, now);
}

Status sync_colour(store::Connection& c, int64_t person_id, int64_t now) {
  KB_ASSIGN(auto open, open_order_of(c, person_id));
  Result<health::HealthStatus> set =
      open
          ? health::set_monitoring(c, person_id, kind_name(open->kind), open->quarantine_until, now)
          : health::set_monitoring(c, person_id, "", std::nullopt, now);
  if (!set.ok()) return std::move(set).error();
  return {};
}

std::vector<std::string> board_keys(const Order& o) {
  std::vector<std::string> keys{"national"};
  if (!o.province_code.empty()) keys.push_back(o.province_code);
  if (!o.ward_code.empty()) keys.push_back(o.ward_code);
  return keys;
}

std::vector<std::string> board_keys(const AreaOrder& a) {
  std::vector<std::string> keys{"national", a.province_code};
  keys.insert(keys.end(), a.wards.begin(), a.wards.end());
  return keys;
}

}  // namespace kb::monitoring
