#include "feedback/feedback.h"

#include <fmt/format.h>

#include "access/policy.h"
#include "audit/audit_log.h"
#include "checkin/visitors.h"
#include "core/crypto.h"
#include "crypto/sealing.h"
#include "notify/messages.h"
#include "people/person.h"
#include "venues/venue.h"

namespace kb::feedback {
namespace {

using store::Param;
using store::Sql;

#define KB_REPORT_COLUMNS                                                                        \
  "r.id, r.tracking_number, r.kind, r.text, r.venue_id, COALESCE(v.name, ''), r.province_code, " \
  "r.ward_code, "                                                                                \
  "r.status, r.channel, r.sender_phone, r.sender_person_id, r.recorded_by, r.created_at, "       \
  "r.updated_at"

constexpr Sql kInsertReport{
    "insert_feedback_report",
    "INSERT INTO feedback_reports(tracking_number, kind, text, venue_id, province_code, ward_code, "
    "status, channel, "
    "sender_phone, sender_account_id, sender_person_id, recorded_by, created_at, updated_at, "
    "sender_phone_index) "
    "VALUES ($1, $2, $3, $4, $5, $6, 'new', $7, $8, $9, $10, $11, $12, $12, $13) RETURNING id"};
constexpr Sql kInsertEvent{"insert_feedback_event",
                           "INSERT INTO feedback_events(report_id, at, status, note, actor_id) "
                           "VALUES ($1, $2, $3, $4, $5) RETURNING id"};
constexpr Sql kSelectReport{
    "select_feedback_report",
    "SELECT " KB_REPORT_COLUMNS
    " FROM feedback_reports r LEFT JOIN venues v ON v.id = r.venue_id WHERE r.id = $1"};
constexpr Sql kSelectEvents{
    "select_feedback_events",
    "SELECT at, status, note, actor_id FROM feedback_events WHERE report_id = $1 ORDER BY id"};
constexpr Sql kReportsOfPhone{"select_feedback_of_phone",
                              "SELECT " KB_REPORT_COLUMNS
                              " FROM feedback_reports r LEFT JOIN venues v ON v.id = r.venue_id "
                              "WHERE r.sender_phone_index = $1 ORDER BY r.id DESC LIMIT $2"};
constexpr Sql kReportsOfArea{"select_feedback_of_area",
                             "SELECT " KB_REPORT_COLUMNS
                             " FROM feedback_reports r LEFT JOIN venues v ON v.id = r.venue_id "
                             "WHERE ($1 = '' OR r.province_code = $1) AND ($2 = '' OR r.ward_code "
                             "= $2) AND ($3 = '' OR r.status = $3) "
                             "AND ($5 = '' OR r.tracking_number = $5) AND ($6 = 0 OR r.status <> "
                             "'closed') ORDER BY r.id DESC LIMIT $4"};
constexpr Sql kCountRecentByPhone{"count_recent_feedback_by_phone",
                                  "SELECT COUNT(*), MIN(created_at) FROM feedback_reports WHERE "
                                  "sender_phone_index = $1 AND created_at > $2"};
constexpr Sql kSetStatus{"set_feedback_status",
                         "UPDATE feedback_reports SET status = $2, updated_at = $3 WHERE id = $1 "
                         "AND status <> 'closed'"};
constexpr Sql kSenderPhone{"select_feedback_sender_phone",
                           "SELECT sender_phone_index FROM feedback_reports WHERE id = $1"};

Error not_found() {
  return make_error(ErrorKind::kNotFound, "feedback_not_found", "no such report");
}

size_t chars(std::string_view s) {
  size_t n = 0;
  for (unsigned char ch : s) n += (ch & 0xC0) != 0x80;
  return n;
}

// "PA-7K3M-Q9TX": no 0/O or 1/I to misread over the phone.
std::string tracking_number() {
  static constexpr std::string_view kAlphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
  static constexpr std::string_view kBase64Url =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  // Each base64url character carries 6 uniform random bits; 5 of them pick a letter.
  std::string raw = random_token(8);
  std::string out = "PA-";
  for (size_t i = 0; i < 8; ++i) {
    if (i == 4) out += '-';
    out += kAlphabet[kBase64Url.find(raw[i]) % kAlphabet.size()];
  }
  return out;
}

Result<Report> report_from_row(const store::Row& r) {
  Report p;
  p.id = r.i64(0);
  p.tracking_number = r.str(1);
  KB_ASSIGN(p.kind, parse_kind(r.str(2)));
  p.text = sealing::reveal(r.str(3));  // sealed at rest, like the sender's phone
  p.venue_id = r.opt_i64(4);
  p.venue_name = r.str(5);
  p.province_code = r.str(6);
  p.ward_code = r.str(7);
  KB_ASSIGN(p.status, parse_status(r.str(8)));
  p.channel = r.str(9);
  p.sender_phone = sealing::reveal(r.str(10));
  p.sender_person_id = r.i64(11);
  p.recorded_by = r.opt_i64(12);
  p.created_at = r.i64(13);
  p.updated_at = r.i64(14);
  return p;
}

Result<std::vector<Report>> reports(store::Connection& c, const Sql& sql,
                                    std::initializer_list<Param> params) {
  KB_ASSIGN(auto rows, c.query(sql, params));
  std::vector<Report> out;
  for (const auto& r : rows) {
    KB_ASSIGN(Report p, report_from_row(r));
    out.push_back(std::move(p));
  }
  return out;
}

Status load_events(store::Connection& c, Report& p) {
  KB_ASSIGN(auto rows, c.query(kSelectEvents, {p.id}));
  for (const auto& r : rows) {
    KB_ASSIGN(ReportStatus s, parse_status(r.str(1)));
    p.events.push_back({r.i64(0), s, sealing::reveal(r.str(2)), r.opt_i64(3)});
  }
  return {};
}

Result<Report> load(store::Connection& c, int64_t id) {
  KB_ASSIGN(auto row, c.query_one(kSelectReport, {id}));
  if (!row) return not_found();
  KB_ASSIGN(Report p, report_from_row(*row));
  KB_TRY(load_events(c, p));
  return p;
}

std::string_view status_words(ReportStatus s) {
  switch (s) {
    case ReportStatus::kNew:
      return "đã tiếp nhận";
    case ReportStatus::kInProgress:
      return "đang xử lý";
    case ReportStatus::kClosed:
      return "đã xử lý xong";
  }
  return "";
}

// Tells the sender where their report stands (idempotent per event).
Result<int64_t> tell_sender(store::Connection& c, const Report& p, int64_t event_id,
                            std::string_view note, std::optional<int64_t> official,
                            std::string_view page_url, int64_t now) {
  notify::PersonalMessage m;
  m.person_id = p.sender_person_id;
  m.kind = notify::Kind::kInfo;
  m.title = fmt::format("Phản ánh {}: {}", p.tracking_number, status_words(p.status));
  m.body = note.empty()
               ? fmt::format("Phản ánh {} của bạn {}.", p.tracking_number, status_words(p.status))
               : std::string(note);
  m.link = std::string(page_url);
  m.dedupe_key = fmt::format("feedback:{}:{}", p.id, event_id);
  m.sender_id = official;
  KB_TRY(notify::send_personal(c, m, now));
  return p.sender_person_id;
}

struct Area {
  std::optional<int64_t> venue_id;
  std::string province, ward;
};

// The report's area: its venue's, the one named, or `fallback`.
Result<Area> area_of(store::Connection& c, const NewReport& r, Area fallback) {
  if (r.venue_code && !r.venue_code->empty()) {
    KB_ASSIGN(auto venue, venues::find_by_code(c, *r.venue_code));
    if (!venue) return invalid("venue_code", "unknown_venue", "no venue has this code");
    return Area{venue->id, venue->province_code, venue->ward_code};
  }
  if (!r.province_code.empty()) return Area{std::nullopt, r.province_code, r.ward_code};
  // A report nobody is in charge of would wait forever: it needs an area.
  if (fallback.province.empty()) {
    return invalid("province_code", "missing_field", "say where: a venue, or a province and ward");
  }
  return fallback;
}

// kRateLimited once `phone` has sent kMaxPerPhonePerDay reports in the last 24 hours; the wait
// is until the oldest of them leaves the window.
Status within_daily_limit(store::Connection& c, std::string_view phone, std::string_view field,
                          int64_t now) {
  constexpr int64_t kDay = 86400;
  KB_ASSIGN(auto recent,
            c.query_one(kCountRecentByPhone, {sealing::blind("phone", phone), now - kDay}));
  if (!recent || recent->i64(0) < kMaxPerPhonePerDay) return {};
  Error e{ErrorKind::kRateLimited, "too_many_reports",
          fmt::format("at most {} reports a day from one phone", kMaxPerPhonePerDay),
          std::string(field)};
  e.retry_after = std::max<int64_t>(1, recent->i64(1) + kDay - now);
  return e;
}

Result<Report> store_report(store::Connection& c, const NewReport& r, const Area& area,
                            std::string_view channel, std::string_view phone,
                            std::optional<int64_t> account, int64_t person,
                            std::optional<int64_t> official, std::string_view page_url,
                            int64_t now) {
  Param venue = area.venue_id ? Param{*area.venue_id} : Param{nullptr};
  Param account_id = account ? Param{*account} : Param{nullptr};
  Param recorded_by = official ? Param{*official} : Param{nullptr};
  std::string number = tracking_number();
  // The text and the sender's phone are sealed at rest, the phone found by its blind index
  // (crypto/sealing.h).
  KB_ASSIGN(auto row,
            c.query_one(kInsertReport,
                        {std::string_view(number), kind_name(r.kind), sealing::seal(r.text), venue,
                         std::string_view(area.province), std::string_view(area.ward), channel,
                         sealing::seal(phone), account_id, person, recorded_by, now,
                         sealing::blind("phone", phone)}));
  if (!row) return internal("insert into feedback_reports returned no id");
  int64_t id = row->i64(0);
  KB_ASSIGN(auto event, c.query_one(kInsertEvent, {id, now, "new", "", recorded_by}));
  KB_ASSIGN(Report p, load(c, id));
  KB_TRY(tell_sender(c, p, event ? event->i64(0) : 0, "", official, page_url, now));
  return p;
}

}  // namespace

std::string_view kind_name(Kind k) {
  switch (k) {
    case Kind::kVenueNotScanning:
      return "venue_not_scanning";
    case Kind::kReturnedFromOutbreak:
      return "returned_from_outbreak";
    case Kind::kCrowding:
      return "crowding";
    case Kind::kOther:
      return "other";
  }
  return "other";
}

Result<Kind> parse_kind(std::string_view text) {
  for (Kind k :
       {Kind::kVenueNotScanning, Kind::kReturnedFromOutbreak, Kind::kCrowding, Kind::kOther}) {
    if (text == kind_name(k)) return k;
  }
  return invalid("kind", "invalid_kind",
                 "kind is venue_not_scanning, returned_from_outbreak, crowding or other");
}

std::string_view status_name(ReportStatus s) {
  switch (s) {
    case ReportStatus::kNew:
      return "new";
    case ReportStatus::kInProgress:
      return "in_progress";
    case ReportStatus::kClosed:
      return "closed";
  }
  return "new";
}

Result<ReportStatus> parse_status(std::string_view text) {
  for (ReportStatus s : {ReportStatus::kNew, ReportStatus::kInProgress, ReportStatus::kClosed}) {
    if (text == status_name(s)) return s;
  }
  return invalid("status", "invalid_status", "status is new, in_progress or closed");
}

Status check_report(const NewReport& r, const areas::AreaDirectory& areas) {
  if (r.text.empty()) return invalid("text", "empty", "say what you are reporting");
  if (chars(r.text) > kMaxTextChars) {
    return invalid("text", "too_long",
                   fmt::format("a report is at most {} characters", kMaxTextChars));
  }
  if (!r.province_code.empty() && !areas.province(r.province_code)) {
    return invalid("province_code", "unknown_province", "no such province");
  }
  if (!r.ward_code.empty()) {
    const auto* w = areas.ward(r.ward_code);
    if (!w) return invalid("ward_code", "unknown_ward", "no such ward");
    if (r.province_code.empty())
      return invalid("province_code", "missing_field", "name the ward's province too");
    if (w->province_code != r.province_code) {
      return invalid("ward_code", "ward_not_in_province",
                     "this ward is not in the chosen province");
    }
  }
  return {};
}

Result<Report> send(store::Connection& c, const areas::AreaDirectory& areas,
                    const accounts::User& citizen, const NewReport& r, std::string_view page_url,
                    int64_t now) {
  KB_TRY(access::citizen(citizen));
  KB_TRY(check_report(r, areas));
  KB_TRY(within_daily_limit(c, citizen.phone, "phone", now));
  KB_ASSIGN(people::Person self, people::self_of(c, citizen.id, citizen.phone, now));
  KB_ASSIGN(Area area, area_of(c, r, Area{std::nullopt, self.province_code, self.ward_code}));
  return store_report(c, r, area, "app", citizen.phone, citizen.id, self.id, std::nullopt, page_url,
                      now);
}

Result<Report> record_call(store::Connection& c, const areas::AreaDirectory& areas,
                           const accounts::User& official, const NewReport& r,
                           std::string_view page_url, int64_t now) {
  KB_TRY(access::official(official));
  KB_TRY(check_report(r, areas));
  if (r.caller_phone.empty())
    return invalid("caller_phone", "missing_field", "the caller's phone receives the updates");
  Area fallback;
  const auto& j = *official.jurisdiction;
  if (j.level == areas::Jurisdiction::Level::kProvince) fallback.province = j.code;
  if (j.level == areas::Jurisdiction::Level::kWard) {
    const auto* w = areas.ward(j.code);
    fallback.province = w ? w->province_code : "";
    fallback.ward = j.code;
  }
  KB_ASSIGN(Area area, area_of(c, r, fallback));
  KB_TRY(access::in_charge(official, area.province, area.ward));
  KB_TRY(within_daily_limit(c, r.caller_phone, "caller_phone", now));
  // The caller is recorded where the report is (no venue: the hotline is no door).
  checkin::DoorPlace place{0, area.province, area.ward, "hotline"};
  KB_ASSIGN(people::Person caller, checkin::person_for_phone(c, r.caller_phone, "", place, now));
  KB_ASSIGN(Report p, store_report(c, r, area, "hotline", r.caller_phone, std::nullopt, caller.id,
                                   official.id, page_url, now));
  KB_TRY(audit::record(c,
                       {now, official.id, "feedback.hotline", fmt::format("feedback:{}", p.id), "",
                        p.tracking_number},
                       official));
  return p;
}

Result<std::vector<Report>> reports_of(store::Connection& c, const accounts::User& citizen,
                                       int64_t limit) {
  KB_TRY(access::citizen(citizen));
  KB_ASSIGN(auto out, reports(c, kReportsOfPhone, {sealing::blind("phone", citizen.phone), limit}));
  for (auto& p : out) KB_TRY(load_events(c, p));
  return out;
}

Result<std::vector<Report>> list(store::Connection& c, const accounts::User& official,
                                 const ReportFilter& f) {
  KB_TRY(access::official(official));
  const auto& j = *official.jurisdiction;
  std::string_view province =
      j.level == areas::Jurisdiction::Level::kProvince ? std::string_view(j.code) : "";
  std::string_view ward =
      j.level == areas::Jurisdiction::Level::kWard ? std::string_view(j.code) : "";
  std::string_view status = f.status ? status_name(*f.status) : "";
  return reports(
      c, kReportsOfArea,
      {province, ward, status, f.limit, std::string_view(f.tracking_number), int64_t{f.open_only}});
}

Result<Report> read(store::Connection& c, const accounts::User& user, int64_t id) {
  KB_ASSIGN(auto sender, c.query_one(kSenderPhone, {id}));
  if (!sender) return not_found();
  bool own = user.role == accounts::Role::kCitizen && !user.phone.empty() &&
             sender->str(0) == sealing::blind("phone", user.phone);
  if (!own && !access::official(user).ok()) return not_found();
  KB_ASSIGN(Report p, load(c, id));
  if (!own && !access::in_charge_of(user, p.province_code, p.ward_code)) return not_found();
  return p;
}

Result<Triaged> triage(store::Connection& c, const accounts::User& official, int64_t id,
                       ReportStatus to, std::string_view note, std::string_view page_url,
                       int64_t now) {
  KB_TRY(access::official(official));
  KB_ASSIGN(Report p, read(c, official, id));
  if (chars(note) > kMaxNoteChars) {
    return invalid("note", "too_long",
                   fmt::format("a note is at most {} characters", kMaxNoteChars));
  }
  if (p.status == ReportStatus::kClosed)
    return make_error(ErrorKind::kConflict, "already_closed", "this report is closed");
  if (to == ReportStatus::kNew)
    return invalid("status", "invalid_transition", "a report cannot go back to new");
  if (to == p.status && note.empty())
    return invalid("note", "empty", "write a note, or move the report on");
  KB_TRY(c.exec(kSetStatus, {id, status_name(to), now}));
  KB_ASSIGN(auto event, c.query_one(kInsertEvent,
                                    {id, now, status_name(to), sealing::seal(note), official.id}));
  if (!event) return internal("insert into feedback_events returned no id");
  KB_ASSIGN(p, load(c, id));
  KB_ASSIGN(int64_t person, tell_sender(c, p, event->i64(0), note, official.id, page_url, now));
  return Triaged{std::move(p), person};
}

}  // namespace kb::feedback
