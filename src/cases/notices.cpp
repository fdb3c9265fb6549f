#include "cases/notices.h"

#include <fmt/format.h>

#include "audit/audit_log.h"
#include "cases/case.h"
#include "core/clock.h"
#include "notify/delivery.h"
#include "notify/inbox_hub.h"
#include "notify/messages.h"

namespace kb::cases {
namespace {

using store::Sql;

constexpr Sql kExposuresOfContact{
    "notice_exposures_of_contact",
    "SELECT w.name, w.street, w.ward_code, w.province_code, e.contact_in, e.contact_out FROM contact_exposures e "
    "JOIN venues w ON w.id = e.venue_id WHERE e.contact_id = $1 ORDER BY e.contact_in, e.visit_id"};
constexpr Sql kSetNotice{"set_contact_notice",
                         "UPDATE contacts SET notice_id = $2 WHERE id = $1 AND notice_id IS NULL"};

constexpr size_t kMaxPlaces = 3;

// "09:30 21/11/2026" in Vietnam's zone.
std::string clock_and_date(int64_t t) {
  std::string s = format_rfc3339(t);  // 2026-11-21T09:30:00+07:00
  return fmt::format("{} {}/{}/{}", s.substr(11, 5), s.substr(8, 2), s.substr(5, 2), s.substr(0, 4));
}
std::string date_only(int64_t t) {
  std::string s = format_rfc3339(t);
  return fmt::format("{}/{}/{}", s.substr(8, 2), s.substr(5, 2), s.substr(0, 4));
}

std::string place_line(const areas::AreaDirectory& areas, const store::Row& r) {
  std::string where = r.str(0);
  std::string address = r.str(1);
  if (const auto* w = areas.ward(r.str(2))) address += (address.empty() ? "" : ", ") + w->name;
  if (const auto* p = areas.province(r.str(3))) address += (address.empty() ? "" : ", ") + p->name;
  if (!address.empty()) where += " (" + address + ")";
  return fmt::format("{}, từ {} đến {}", where, clock_and_date(r.i64(4)), clock_and_date(r.i64(5)));
}

Result<notify::PersonalMessage> message_for(store::Connection& c, const areas::AreaDirectory& areas,
                                            const StoredContact& k, std::string_view link, int64_t sender_id) {
  notify::PersonalMessage m;
  m.person_id = k.person_id;
  m.kind = notify::Kind::kTracing;
  m.title = "Thông báo truy vết: bạn là F1 (tiếp xúc gần với ca bệnh)";
  m.link = std::string(link);
  m.dedupe_key = fmt::format("tracing:case:{}:person:{}", k.case_id, k.person_id);
  m.sender_id = sender_id;
  int64_t until = k.quarantine_until.value_or(k.last_exposure + 14 * 86400);
  m.expires_at = until + 7 * 86400;
  std::string body;
  if (k.basis == "household") {
    body = "Một người trong hộ gia đình của bạn đã được xác nhận mắc COVID-19 (F0). Bạn được xác định là F1.\n";
  }
  KB_ASSIGN(store::Rows places, c.query(kExposuresOfContact, {k.id}));
  if (!places.empty()) {
    body += "Bạn đã có mặt cùng thời gian với một ca bệnh đã được xác nhận (F0) tại:\n";
    for (size_t i = 0; i < places.size() && i < kMaxPlaces; ++i) body += "• " + place_line(areas, places[i]) + "\n";
    if (places.size() > kMaxPlaces) body += fmt::format("• và {} lần khác.\n", places.size() - kMaxPlaces);
  }
  body += fmt::format(
      "Việc cần làm: tự cách ly tại nơi ở đến hết ngày {}; đo thân nhiệt và theo dõi sức khỏe hằng ngày, khai báo y "
      "tế trên khaibao; hạn chế tiếp xúc với người khác; liên hệ trạm y tế phường/xã nơi bạn ở, hoặc gọi đường dây "
      "nóng 1900 9095 ngay khi có sốt, ho, khó thở, mất vị giác/khứu giác.\n"
      "(EN) You were in close contact with a confirmed COVID-19 case. Stay at home in isolation until {}, "
      "watch your health daily and call 1900 9095 if you have a fever, cough or shortness of breath.",
      date_only(until), date_only(until));
  m.body = std::move(body);
  return m;
}

constexpr store::Sql kRecallNoticesOfCase{
    "recall_notices_of_case",
    "UPDATE messages SET status = 'recalled', recalled_at = $2, recalled_by = $3, recall_reason = $4 "
    "WHERE id IN (SELECT notice_id FROM contacts WHERE case_id = $1 AND notice_id IS NOT NULL) "
    "AND status <> 'recalled' RETURNING id, person_id"};

}  // namespace

Result<NoticesSent> send_tracing_notices(store::Connection& c, const areas::AreaDirectory& areas, int64_t case_id,
                                         std::string_view link, int64_t sender_id, int64_t now) {
  KB_ASSIGN(auto kase, find_case(c, case_id));
  if (!kase) return make_error(ErrorKind::kNotFound, "case_not_found", "no such case");
  if (kase->status == CaseStatus::kError) {
    return Error{ErrorKind::kConflict, "case_in_error", "this case was marked as an error", "id"};
  }
  KB_ASSIGN(auto contacts, contacts_of_case(c, case_id, 1));
  NoticesSent out;
  for (const auto& k : contacts) {
    if (k.status != ContactStatus::kPending && k.status != ContactStatus::kConfirmed) continue;
    KB_ASSIGN(notify::PersonalMessage m, message_for(c, areas, k, link, sender_id));
    KB_ASSIGN(notify::Sent sent, notify::send_personal(c, m, now));
    if (sent.created) {
      ++out.sent;
      out.notified_people.push_back(k.person_id);
      KB_TRY(c.exec(kSetNotice, {k.id, sent.id}));
    } else {
      ++out.already;
    }
  }
  KB_TRY(audit::record(c, {now, sender_id, "case.notices", fmt::format("case:{}", case_id), {},
                           fmt::format("{} sent, {} already", out.sent, out.already)}));
  return out;
}

Result<std::vector<int64_t>> recall_tracing_notices(store::Connection& c, int64_t case_id, std::string_view reason,
                                                    int64_t actor_id, int64_t now) {
  KB_ASSIGN(store::Rows rows, c.query(kRecallNoticesOfCase, {case_id, now, actor_id, reason}));
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
