#include "monitoring/reports.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "access/policy.h"
#include "cases/notice_text.h"
#include "crypto/sealing.h"
#include "monitoring/texts.h"
#include "notify/inbox_hub.h"
#include "notify/messages.h"
#include "organisations/organisation.h"
#include "store/client_writes.h"

namespace kb::monitoring {
namespace {

using store::Param;
using store::Sql;

constexpr int64_t kDay = 86400;

// The measured values are sealed in `readings` (migration 56); the four integer columns hold
// them only in rows from before, until the sealing pass moves them (crypto/reseal.h).
#define KB_REPORT_COLUMNS                                                                       \
  "r.id, r.person_id, r.order_id, r.day, r.slot, r.measured_at, r.temperature_tenths, r.spo2, " \
  "r.breathing_rate, r.pulse, r.symptoms, r.note, r.red_flags, r.reported_by, r.created_at, "   \
  "r.readings"

constexpr Sql kInsertReport{"insert_health_report",
                            "INSERT INTO health_reports(person_id, order_id, day, slot, "
                            "measured_at, readings, symptoms, note, red_flags, reported_by, "
                            "created_at) VALUES ($1, $2, $3, $4, $5, $6, "
                            "$7, $8, $9, $10, $11) RETURNING id"};
constexpr Sql kSelectReport{"select_health_report",
                            "SELECT " KB_REPORT_COLUMNS " FROM health_reports r WHERE r.id = $1"};
constexpr Sql kReportsSince{"select_health_reports_since",
                            "SELECT " KB_REPORT_COLUMNS
                            " FROM health_reports r WHERE r.person_id = $1 AND r.measured_at >= $2 "
                            "ORDER BY r.measured_at, r.id"};
constexpr Sql kReportsOfOrder{
    "select_health_reports_of_order",
    "SELECT " KB_REPORT_COLUMNS
    " FROM health_reports r WHERE r.order_id = $1 ORDER BY r.measured_at, r.id"};
// The order's board figures follow its newest report; a report measured before the newest one
// (a late resend) leaves them alone.
constexpr Sql kOrderAfterReport{
    "order_after_report",
    "UPDATE monitoring_orders SET last_report_red = CASE WHEN $2 >= last_report_at THEN $3 ELSE "
    "last_report_red "
    "END, last_report_at = CASE WHEN $2 >= last_report_at THEN $2 ELSE last_report_at END, "
    "open_alerts = open_alerts + $4, last_alert_at = CASE WHEN $4 > 0 THEN $5 ELSE last_alert_at "
    "END, "
    "updated_at = $5 WHERE id = $1"};
constexpr Sql kInsertAlert{"insert_monitoring_alert",
                           "INSERT INTO monitoring_alerts(order_id, person_id, report_id, "
                           "province_code, ward_code, red_flags, raised_at) "
                           "VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id"};

std::string join(const std::vector<std::string>& list) {
  std::string out;
  for (const auto& s : list) out += (out.empty() ? "" : ",") + s;
  return out;
}
std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> out;
  size_t from = 0;
  while (from < text.size()) {
    size_t at = text.find(',', from);
    if (at == std::string::npos) at = text.size();
    if (at > from) out.push_back(text.substr(from, at - from));
    from = at + 1;
  }
  return out;
}

std::optional<int> opt_of(const store::Row& r, size_t i) {
  auto v = r.opt_i64(i);
  return v ? std::optional<int>(static_cast<int>(*v)) : std::nullopt;
}

Report report_from_row(const store::Row& r) {
  Report out;
  out.id = r.i64(0);
  out.person_id = r.i64(1);
  out.order_id = r.opt_i64(2);
  out.day = r.i64(3);
  out.slot = static_cast<int>(r.i64(4));
  out.measured_at = r.i64(5);
  if (!r.is_null(15)) {
    parse_readings(sealing::reveal(r.str(15)), out.readings);
  } else {
    out.readings.temperature_tenths = opt_of(r, 6);
    out.readings.spo2 = opt_of(r, 7);
    out.readings.breathing_rate = opt_of(r, 8);
    out.readings.pulse = opt_of(r, 9);
  }
  // Sealed at rest (crypto/sealing.h); clear in rows written before sealing.
  out.readings.symptoms = split(sealing::reveal(r.str(10)));
  out.note = sealing::reveal(r.str(11));
  out.red_flags = split(r.str(12));
  out.reported_by = r.i64(13);
  out.created_at = r.i64(14);
  return out;
}

std::vector<Report> reports_from(const store::Rows& rows) {
  std::vector<Report> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(report_from_row(r));
  return out;
}

// The order a report from this person counts for: their open order, or their own order under an
// area order covering their ward (made now); none when neither exists.
Result<std::optional<Order>> order_to_report_on(store::Connection& c, const people::Person& person,
                                                int64_t now) {
  KB_ASSIGN(auto open, open_order_of(c, person.id));
  if (open) return open;
  KB_ASSIGN(auto areas, area_orders_covering(c, person.ward_code, now));
  for (const auto& area : areas) {
    if (area.starts_at > now) continue;
    KB_ASSIGN(Order joined, join_area_order(c, area, person, now));
    return std::optional<Order>(std::move(joined));
  }
  return std::optional<Order>();
}

// The urgent message to the person after a report with red flags.
Status send_advice(store::Connection& c, const Rules& rules, const areas::AreaDirectory& areas,
                   const people::Person& person, const std::string& ward_code,
                   const std::vector<std::string>& flags, const std::string& dedupe_key,
                   int64_t now) {
  const auto* ward = areas.ward(ward_code.empty() ? person.ward_code : ward_code);
  cases::NoticeText text =
      red_flag_notice(cases::addressee_of(person), flags, station_of(ward ? ward->name : ""));
  notify::PersonalMessage m;
  m.person_id = person.id;
  m.kind = notify::Kind::kUrgent;
  m.title = text.title;
  m.body = text.body;
  m.link = rules.page_link;
  m.dedupe_key = dedupe_key;
  KB_TRY(notify::send_personal(c, m, now));
  return {};
}

Result<RecordedReport> repeat_of(store::Connection& c, int64_t report_id) {
  KB_ASSIGN(auto row, c.query_one(kSelectReport, {report_id}));
  if (!row) return internal("a remembered report is gone");
  RecordedReport out;
  out.report = report_from_row(*row);
  out.repeated = true;
  if (out.report.order_id) {
    KB_ASSIGN(out.order, find_order(c, *out.report.order_id));
  }
  return out;
}

}  // namespace

std::string readings_text(const Readings& r) {
  std::string out;
  const std::optional<int>* values[] = {&r.temperature_tenths, &r.spo2, &r.breathing_rate,
                                        &r.pulse};
  for (size_t i = 0; i < std::size(values); ++i) {
    if (i > 0) out += ',';
    if (*values[i]) out += std::to_string(**values[i]);
  }
  return out;
}

void parse_readings(std::string_view text, Readings& out) {
  std::optional<int>* values[] = {&out.temperature_tenths, &out.spo2, &out.breathing_rate,
                                  &out.pulse};
  for (auto* v : values) {
    size_t end = std::min(text.find(','), text.size());
    int n = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + end, n);
    *v = end > 0 && ec == std::errc() && ptr == text.data() + end ? std::optional<int>(n)
                                                                  : std::nullopt;
    text.remove_prefix(std::min(end + 1, text.size()));
  }
}

Status check_report_time(int64_t measured_at, int64_t now) {
  if (measured_at > now + 300)
    return invalid("measured_at", "date_in_future", "a report cannot be from the future");
  if (measured_at < day_start(local_day(now))) {
    return invalid("measured_at", "not_today",
                   "a report is for today: earlier days cannot be reported now");
  }
  return {};
}

Result<RecordedReport> record_report(store::Connection& c, const Rules& rules,
                                     const areas::AreaDirectory& areas,
                                     const accounts::User& account, const ReportInput& in,
                                     int64_t now) {
  KB_TRY(check_readings(in.readings));
  if (in.note.size() > 500) return invalid("note", "too_long", "a note is at most 500 bytes");
  int64_t measured_at = in.measured_at.value_or(now);
  KB_TRY(check_report_time(measured_at, now));
  const int64_t person_ids[] = {in.person_id};
  KB_TRY(access::manages_all(c, account.id, person_ids, "person_id"));
  std::string scope = fmt::format("health-report:{}", account.id);
  if (!in.client_id.empty()) {
    KB_ASSIGN(auto seen, store::recall_client_write(c, scope, in.client_id));
    if (seen) return repeat_of(c, std::stoll(*seen));
  }
  KB_ASSIGN(auto person, people::find(c, in.person_id));
  if (!person)
    return Error{ErrorKind::kNotFound, "person_not_found", "no such person", "person_id"};
  KB_ASSIGN(auto order, order_to_report_on(c, *person, now));
  if (!order) {
    KB_ASSIGN(bool asked, organisations::asks_daily_report(c, person->id));
    if (!asked) {
      return Error{ErrorKind::kConflict, "not_under_monitoring",
                   "this person is not under monitoring, and no organisation asks them for daily "
                   "reports",
                   "person_id"};
    }
  }
  int per_day = order ? order->reports_per_day : 1;
  std::vector<std::string> flags =
      red_flags(in.readings, age_in_years(person->birth_date, now), rules.thresholds);
  std::string flag_text = join(flags);
  std::string symptoms = sealing::seal(join(in.readings.symptoms));
  std::string note = sealing::seal(in.note);
  std::string readings = sealing::seal(readings_text(in.readings));
  Param order_id = order ? Param{order->id} : Param{nullptr};
  KB_ASSIGN(auto row,
            c.query_one(kInsertReport,
                        {person->id, order_id, local_day(measured_at),
                         int64_t{slot_of(measured_at, per_day, rules)}, measured_at,
                         std::string_view(readings), std::string_view(symptoms),
                         std::string_view(note), std::string_view(flag_text), account.id, now}));
  if (!row) return internal("insert into health_reports returned no id");
  int64_t report_id = row->i64(0);
  if (!in.client_id.empty()) {
    KB_TRY(store::remember_client_write(c, scope, in.client_id, std::to_string(report_id), now));
  }
  RecordedReport out;
  if (order) {
    if (!flags.empty()) {
      KB_ASSIGN(auto alert, c.query_one(kInsertAlert, {order->id, person->id, report_id,
                                                       std::string_view(order->province_code),
                                                       std::string_view(order->ward_code),
                                                       std::string_view(flag_text), now}));
      if (!alert) return internal("insert into monitoring_alerts returned no id");
      out.alert_id = alert->i64(0);
    }
    KB_TRY(c.exec(kOrderAfterReport, {order->id, measured_at, int64_t{!flags.empty()},
                                      int64_t{out.alert_id.has_value()}, now}));
    KB_TRY(
        notify::announce(c, notify::Wake{{}, board_keys(*order), false}, notify::Channel::kBoards));
    KB_ASSIGN(out.order, find_order(c, order->id));
  }
  if (!flags.empty()) {
    std::string key = out.alert_id ? fmt::format("monitoring-alert:{}", *out.alert_id)
                                   : fmt::format("health-report:{}", report_id);
    KB_TRY(send_advice(c, rules, areas, *person, order ? order->ward_code : "", flags, key, now));
  }
  KB_ASSIGN(auto stored, c.query_one(kSelectReport, {report_id}));
  out.report = report_from_row(*stored);
  return out;
}

Result<std::vector<Report>> reports_since(store::Connection& c, int64_t person_id, int64_t since) {
  KB_ASSIGN(store::Rows rows, c.query(kReportsSince, {person_id, since}));
  return reports_from(rows);
}

Result<std::vector<Report>> reports_of_order(store::Connection& c, int64_t order_id) {
  KB_ASSIGN(store::Rows rows, c.query(kReportsOfOrder, {order_id}));
  return reports_from(rows);
}

Result<std::vector<PersonMonitoring>> my_monitoring(store::Connection& c, int64_t account_id,
                                                    int64_t now) {
  KB_ASSIGN(auto people, people::managed_by(c, account_id));
  std::vector<PersonMonitoring> out;
  for (auto& person : people) {
    PersonMonitoring m;
    KB_ASSIGN(m.order, open_order_of(c, person.id));
    if (!m.order) {
      KB_ASSIGN(auto recent, orders_of(c, person.id, 1));
      if (!recent.empty() && recent.front().closed_at &&
          *recent.front().closed_at > now - 14 * kDay) {
        m.order = recent.front();
      }
      KB_ASSIGN(m.area_orders, area_orders_covering(c, person.ward_code, now));
      KB_ASSIGN(m.organisation_check, organisations::asks_daily_report(c, person.id));
    }
    if (!m.order && m.area_orders.empty() && !m.organisation_check) continue;
    KB_ASSIGN(m.history, reports_since(c, person.id, day_start(local_day(now) - 13)));
    bool open = m.order && m.order->status == OrderStatus::kOpen;
    int per_day = open ? m.order->reports_per_day : 1;
    int64_t today = local_day(now);
    for (int slot = 0; slot < per_day; ++slot) {
      bool done = std::any_of(m.history.begin(), m.history.end(),
                              [&](const Report& r) { return r.day == today && r.slot == slot; });
      m.today.push_back({slot, done});
    }
    m.person = std::move(person);
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace kb::monitoring
