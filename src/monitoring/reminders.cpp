#include "monitoring/reminders.h"

#include <fmt/format.h>

#include <chrono>

#include "monitoring/texts.h"
#include "notify/messages.h"
#include "store/writer.h"

namespace kb::monitoring {
namespace {

using store::Sql;

constexpr int64_t kHour = 3600;

// In person order, both: the orders are then read by person, so the checks of each one's reports
// and reminders walk those indexes in order instead of jumping through them (200,000 people: 2 s
// → 0.3 s a slot on SQLite), and the messages are written in the order of their indexes.
//
// People under an open order who owe a report in the slot: placed before its reminder time,
// still in their period, no report in the slot, not reminded of it yet. $5 = reports per day
// (slot 1 concerns only people who report twice).
constexpr Sql kOwingOrders{
    "select_people_owing_report",
    "SELECT o.person_id FROM monitoring_orders o WHERE o.status = 'open' AND o.reports_per_day = "
    "$5 AND "
    "o.created_at <= $1 AND o.ends_at > $2 AND NOT EXISTS (SELECT 1 FROM health_reports r WHERE "
    "r.person_id = o.person_id AND r.day = $3 AND r.slot = $4) AND NOT EXISTS (SELECT 1 FROM "
    "messages m WHERE "
    "m.person_id = o.person_id AND m.dedupe_key = $6) ORDER BY o.person_id"};
// Residents with an account in the wards of an open area order, not yet under an order of their
// own (their first report makes one, and then the query above reminds them).
constexpr Sql kOwingResidents{"select_residents_owing_report",
                              "SELECT DISTINCT p.id FROM monitoring_areas a JOIN "
                              "monitoring_area_wards w ON w.area_id = a.id JOIN people p "
                              "ON p.province_code = a.province_code AND p.ward_code = w.ward_code "
                              "WHERE a.status = 'open' AND "
                              "a.starts_at <= $1 AND a.ends_at > $2 AND p.account_id IS NOT NULL "
                              "AND NOT EXISTS (SELECT 1 FROM "
                              "monitoring_orders o WHERE o.person_id = p.id AND o.status = 'open') "
                              "AND NOT EXISTS (SELECT 1 FROM "
                              "health_reports r WHERE r.person_id = p.id AND r.day = $3) AND NOT "
                              "EXISTS (SELECT 1 FROM messages m WHERE "
                              "m.person_id = p.id AND m.dedupe_key = $4) ORDER BY p.id"};

constexpr size_t kPeoplePerWrite = 5000;

Status send_chunks(store::Database& db, const std::vector<int64_t>& people,
                   const notify::PersonalMessage& m, int64_t now, ReminderRun& run,
                   const std::function<void(const std::vector<int64_t>&)>& sent) {
  for (size_t from = 0; from < people.size(); from += kPeoplePerWrite) {
    std::vector<int64_t> chunk(people.begin() + static_cast<std::ptrdiff_t>(from),
                               people.begin() + static_cast<std::ptrdiff_t>(std::min(
                                                    people.size(), from + kPeoplePerWrite)));
    KB_ASSIGN(auto fresh, db.writer().write_sync([&](store::Connection& c) {
      return notify::send_personal_to_many(c, chunk, m, notify::Lane::kBulk, now);
    }));
    run.reminded += static_cast<int64_t>(fresh.size());
    if (!fresh.empty() && sent) sent(fresh);
  }
  return {};
}

notify::PersonalMessage reminder_message(const Rules& rules, int slot, int per_day,
                                         std::string key) {
  cases::NoticeText text = reminder_notice(slot, per_day);
  notify::PersonalMessage m;
  m.kind = notify::Kind::kQuarantine;
  m.title = text.title;
  m.body = text.body;
  m.link = rules.page_link;
  m.dedupe_key = std::move(key);
  return m;
}

Result<std::vector<int64_t>> ids_of(store::Database& db, const Sql& sql,
                                    std::initializer_list<store::Param> params) {
  std::vector<store::Param> copy(params);
  return db.read([&](store::Connection& c) -> Result<std::vector<int64_t>> {
    KB_ASSIGN(store::Rows rows,
              c.query(sql, std::span<const store::Param>(copy.data(), copy.size())));
    std::vector<int64_t> ids;
    ids.reserve(rows.size());
    for (const auto& r : rows) ids.push_back(r.i64(0));
    return ids;
  });
}

}  // namespace

Result<ReminderRun> send_reminders(store::Database& db, const Rules& rules, int64_t now,
                                   const std::function<void(const std::vector<int64_t>&)>& sent) {
  auto started = std::chrono::steady_clock::now();
  ReminderRun run;
  int64_t day = local_day(now);
  int64_t midnight = day_start(day);
  struct Slot {
    int slot;
    int per_day;
    int hour;
    int64_t starts;
  };
  const Slot slots[] = {
      {0, 1, rules.reminder_hour, midnight},
      {0, 2, rules.reminder_hour, midnight},
      {1, 2, rules.afternoon_reminder_hour, midnight + rules.afternoon_from_hour * kHour}};
  for (const Slot& s : slots) {
    int64_t remind_at = midnight + s.hour * kHour;
    if (now < remind_at) continue;
    ++run.slots;
    std::string key = fmt::format("monitoring-reminder:{}:{}", day, s.slot);
    KB_ASSIGN(auto people, ids_of(db, kOwingOrders,
                                  {remind_at, s.starts, day, int64_t{s.slot}, int64_t{s.per_day},
                                   std::string_view(key)}));
    KB_TRY(
        send_chunks(db, people, reminder_message(rules, s.slot, s.per_day, key), now, run, sent));
  }
  int64_t remind_at = midnight + rules.reminder_hour * kHour;
  if (now >= remind_at) {
    std::string key = fmt::format("monitoring-reminder:{}:0", day);
    KB_ASSIGN(auto residents,
              ids_of(db, kOwingResidents, {remind_at, midnight, day, std::string_view(key)}));
    KB_TRY(send_chunks(db, residents, reminder_message(rules, 0, 1, key), now, run, sent));
  }
  run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return run;
}

}  // namespace kb::monitoring
