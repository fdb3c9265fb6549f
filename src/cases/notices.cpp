#include "cases/notices.h"

#include <fmt/format.h>

#include "audit/audit_log.h"
#include "cases/notice_text.h"
#include "core/clock.h"
#include "notify/delivery.h"
#include "notify/inbox_hub.h"
#include "notify/messages.h"

namespace kb::cases {
namespace {

using store::Sql;

constexpr Sql kExposuresOfContact{
    "notice_exposures_of_contact",
    "SELECT w.name, w.street, w.ward_code, w.province_code, e.contact_in, e.contact_out FROM "
    "contact_exposures e "
    "JOIN venues w ON w.id = e.venue_id WHERE e.contact_id = $1 ORDER BY e.contact_in, e.visit_id"};
constexpr Sql kSetNotice{"set_contact_notice",
                         "UPDATE contacts SET notice_id = $2 WHERE id = $1 AND notice_id IS NULL"};
constexpr Sql kCaseNotice{"select_case_notice",
                          "SELECT id FROM messages WHERE person_id = $1 AND dedupe_key = $2"};
// The F1 notices (by the contacts that hold them) and the case's own message (by its key).
constexpr Sql kRecallNoticesOfCase{
    "recall_notices_of_case",
    "UPDATE messages SET status = 'recalled', recalled_at = $2, recalled_by = $3, recall_reason = "
    "$4 "
    "WHERE (id IN (SELECT notice_id FROM contacts WHERE case_id = $1 AND notice_id IS NOT NULL) "
    "OR (person_id = $5 AND dedupe_key = $6)) AND status <> 'recalled' RETURNING id, person_id"};

std::string case_notice_key(const Case& kase) {
  return fmt::format("tracing:case:{}:self", kase.id);
}

// "09:30 21/11/2026" in Vietnam's zone.
std::string clock_and_date(int64_t t) {
  std::string s = format_rfc3339(t);  // 2026-11-21T09:30:00+07:00
  return fmt::format("{} {}/{}/{}", s.substr(11, 5), s.substr(8, 2), s.substr(5, 2),
                     s.substr(0, 4));
}

std::string place_line(const areas::AreaDirectory& areas, const store::Row& r) {
  std::string where = r.str(0);
  std::string address = r.str(1);
  if (const auto* w = areas.ward(r.str(2))) address += (address.empty() ? "" : ", ") + w->name;
  if (const auto* p = areas.province(r.str(3))) address += (address.empty() ? "" : ", ") + p->name;
  if (!address.empty()) where += " (" + address + ")";
  return fmt::format("{}, từ {} đến {}", where, clock_and_date(r.i64(4)), clock_and_date(r.i64(5)));
}

Result<people::Person> person_of(store::Connection& c, int64_t id) {
  KB_ASSIGN(auto p, people::find(c, id));
  if (!p) return internal(fmt::format("person {} of a case is gone", id));
  return std::move(*p);
}

notify::PersonalMessage message(int64_t person_id, NoticeText text, std::string key,
                                std::string_view link, int64_t sender_id, int64_t expires_at) {
  notify::PersonalMessage m;
  m.person_id = person_id;
  m.kind = notify::Kind::kTracing;
  m.title = std::move(text.title);
  m.body = std::move(text.body);
  m.link = std::string(link);
  m.dedupe_key = std::move(key);
  m.sender_id = sender_id;
  m.expires_at = expires_at;
  return m;
}

notify::PersonalMessage case_message(const areas::AreaDirectory& areas, const Case& kase,
                                     const people::Person& person, std::string_view link,
                                     int64_t sender_id, int64_t now) {
  CaseNoticeFacts f{addressee_of(person), kase.test_date, {}};
  const std::string& ward = person.ward_code.empty() ? kase.ward_code : person.ward_code;
  if (const auto* w = areas.ward(ward)) f.health_station = "Trạm Y tế " + w->name;
  return message(person.id, case_notice(f), case_notice_key(kase), link, sender_id,
                 now + 21 * 86400);
}

Result<notify::PersonalMessage> contact_message(store::Connection& c,
                                                const areas::AreaDirectory& areas,
                                                const people::Person& case_person,
                                                const StoredContact& k, std::string_view link,
                                                int64_t sender_id) {
  KB_ASSIGN(people::Person person, person_of(c, k.person_id));
  ContactNoticeFacts f;
  f.contact = addressee_of(person);
  f.household = k.basis == "household";
  if (f.household && case_person.account_id && case_person.account_id == person.account_id) {
    f.household_case = addressee_of(case_person);
  }
  KB_ASSIGN(store::Rows places, c.query(kExposuresOfContact, {k.id}));
  for (const auto& r : places) f.places.push_back(place_line(areas, r));
  f.isolate_until = k.quarantine_until.value_or(k.last_exposure + 14 * 86400);
  std::string key = fmt::format("tracing:case:{}:person:{}", k.case_id, k.person_id);
  return message(k.person_id, contact_notice(f), std::move(key), link, sender_id,
                 f.isolate_until + 7 * 86400);
}

}  // namespace

Result<bool> case_notice_sent(store::Connection& c, const Case& kase) {
  KB_ASSIGN(auto row,
            c.query_one(kCaseNotice, {kase.person_id, std::string_view(case_notice_key(kase))}));
  return row.has_value();
}

namespace {

// The case's own message and its open F1's notices, signed by `sender_id`. The audit log names
// `actor` (none: the system itself) and `why`.
Result<NoticesSent> send_for_case(store::Connection& c, const areas::AreaDirectory& areas,
                                  const Case& kase, int64_t sender_id, std::string_view link,
                                  std::optional<int64_t> actor, std::string_view why, int64_t now) {
  const int64_t case_id = kase.id;
  KB_ASSIGN(people::Person case_person, person_of(c, kase.person_id));
  NoticesSent out;
  notify::PersonalMessage own = case_message(areas, kase, case_person, link, sender_id, now);
  KB_ASSIGN(notify::Sent own_sent, notify::send_personal(c, own, now));
  out.case_sent = own_sent.created;
  if (own_sent.created) out.notified_people.push_back(kase.person_id);
  KB_ASSIGN(auto contacts, contacts_of_case(c, case_id, 1));
  for (const auto& k : contacts) {
    if (k.status != ContactStatus::kPending && k.status != ContactStatus::kConfirmed) continue;
    KB_ASSIGN(bool a_case, is_case(c, k.person_id));
    if (a_case) continue;
    KB_ASSIGN(notify::PersonalMessage m,
              contact_message(c, areas, case_person, k, link, sender_id));
    KB_ASSIGN(notify::Sent sent, notify::send_personal(c, m, now));
    if (sent.created) {
      ++out.sent;
      out.notified_people.push_back(k.person_id);
      KB_TRY(c.exec(kSetNotice, {k.id, sent.id}));
    } else {
      ++out.already;
    }
  }
  KB_TRY(audit::record(c, {now, actor, "case.notices", fmt::format("case:{}", case_id), why,
                           fmt::format("{} sent, {} already, case {}", out.sent, out.already,
                                       out.case_sent ? "told" : "told before")}));
  return out;
}

}  // namespace

Result<NoticesSent> send_tracing_notices(store::Connection& c, const areas::AreaDirectory& areas,
                                         const accounts::User& official, int64_t case_id,
                                         std::string_view link, int64_t now) {
  KB_ASSIGN(Case kase, case_for(c, official, case_id));
  if (kase.status == CaseStatus::kError) {
    return Error{ErrorKind::kConflict, "case_in_error", "this case was marked as an error", "id"};
  }
  return send_for_case(c, areas, kase, official.id, link, official.id, {}, now);
}

Result<NoticesSent> send_late_notices(store::Connection& c, const areas::AreaDirectory& areas,
                                      const Case& kase, std::string_view link, int64_t now) {
  if (kase.status != CaseStatus::kActive) return NoticesSent{};
  KB_ASSIGN(bool sent_before, case_notice_sent(c, kase));
  if (!sent_before) return NoticesSent{};
  return send_for_case(c, areas, kase, kase.recorded_by, link, std::nullopt,
                       "contacts found from a late visit (offline scan)", now);
}

Result<std::vector<int64_t>> recall_tracing_notices(store::Connection& c, const Case& kase,
                                                    std::string_view reason, int64_t actor_id,
                                                    int64_t now) {
  std::string key = case_notice_key(kase);
  KB_ASSIGN(store::Rows rows,
            c.query(kRecallNoticesOfCase,
                    {kase.id, now, actor_id, reason, kase.person_id, std::string_view(key)}));
  std::vector<int64_t> people;
  people.reserve(rows.size());
  for (const auto& r : rows) {
    KB_TRY(notify::cancel_deliveries(c, r.i64(0), now));
    people.push_back(r.i64(1));
  }
  if (!people.empty()) KB_TRY(notify::announce(c, notify::Wake{people, {}, false}));
  return people;
}

}  // namespace kb::cases
