#include "organisations/organisation.h"

#include <fmt/format.h>
#include <utf8proc.h>

#include <algorithm>
#include <map>
#include <tuple>

#include "access/policy.h"
#include "audit/audit_log.h"
#include "core/phone.h"
#include "crypto/sealing.h"
#include "monitoring/rules.h"
#include "notify/messages.h"
#include "organisations/roster_csv.h"
#include "people/person.h"
#include "store/writer.h"

namespace kb::organisations {
namespace {

using store::Param;
using store::Sql;

constexpr size_t kMaxRosterRows = 20000;

#define KB_ORG_COLUMNS                                                                         \
  "o.id, o.name, o.kind, o.province_code, o.ward_code, o.street, o.manager_id, o.check_kind, " \
  "o.check_hour, "                                                                             \
  "o.created_at"

// The one place a roster row becomes a person: the self record of the citizen account signed in
// with the member's phone. (identity/ will match people by every identifier; this join is what it
// replaces.)
#define KB_MEMBER_PEOPLE                                                           \
  "organisation_members m LEFT JOIN users u ON u.phone_index = m.phone_index AND " \
  "u.role = 'citizen' "                                                            \
  "LEFT JOIN people p ON p.account_id = u.id AND p.is_self = 1"

// Whether the matched person did the check of kind $2 today ($3 ≤ declared < $4; $5 the day).
#define KB_CHECK_DONE                                                                            \
  "CASE WHEN p.id IS NULL THEN 0 WHEN $2 = 'declaration' THEN (CASE WHEN EXISTS (SELECT 1 FROM " \
  "declarations "                                                                                \
  "d WHERE d.person_id = p.id AND d.created_at >= $3 AND d.created_at < $4) THEN 1 ELSE 0 END) " \
  "WHEN $2 = 'daily_report' THEN (CASE WHEN EXISTS (SELECT 1 FROM health_reports r WHERE "       \
  "r.person_id = p.id "                                                                          \
  "AND r.day = $5) THEN 1 ELSE 0 END) ELSE 0 END"

constexpr Sql kInsertOrg{
    "insert_organisation",
    "INSERT INTO organisations(name, kind, province_code, ward_code, street, manager_id, "
    "check_kind, check_hour, "
    "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 'none', 9, $7, $7) RETURNING id"};
constexpr Sql kSelectOrg{"select_organisation",
                         "SELECT " KB_ORG_COLUMNS " FROM organisations o WHERE o.id = $1"};
constexpr Sql kOrgsOfManager{"select_organisations_of_manager",
                             "SELECT " KB_ORG_COLUMNS
                             " FROM organisations o WHERE o.manager_id = $1 ORDER BY o.id"};
constexpr Sql kOrgsInArea{"select_organisations_in_area",
                          "SELECT " KB_ORG_COLUMNS
                          " FROM organisations o WHERE ($1 = '' OR o.province_code = $1) AND "
                          "($2 = '' OR o.ward_code = $2) ORDER BY o.id LIMIT 500"};
constexpr Sql kSetCheck{
    "set_organisation_check",
    "UPDATE organisations SET check_kind = $2, check_hour = $3, updated_at = $4 WHERE id = $1"};
constexpr Sql kMembers{
    "select_organisation_members",
    "SELECT id, full_name, phone, id_number FROM organisation_members WHERE organisation_id = $1"};
constexpr Sql kInsertMember{"insert_organisation_member",
                            "INSERT INTO organisation_members(organisation_id, full_name, phone, "
                            "id_number, added_at, updated_at, phone_index) "
                            "VALUES ($1, $2, $3, $4, $5, $5, $6)"};
constexpr Sql kUpdateMember{"update_organisation_member",
                            "UPDATE organisation_members SET full_name = $2, id_number = $3, "
                            "updated_at = $4 WHERE id = $1"};
constexpr Sql kDeleteMember{
    "delete_organisation_member",
    "DELETE FROM organisation_members WHERE id = $2 AND organisation_id = $1"};
constexpr Sql kCoverage{"select_organisation_coverage",
                        "SELECT m.id, m.full_name, m.phone, m.id_number, p.id, " KB_CHECK_DONE
                        " FROM " KB_MEMBER_PEOPLE " WHERE m.organisation_id = $1"};
constexpr Sql kMembershipsOf{
    "select_memberships_of",
    "SELECT " KB_ORG_COLUMNS
    " FROM organisation_members m JOIN organisations o ON o.id = m.organisation_id "
    "WHERE m.phone_index = $1 ORDER BY o.id"};
constexpr Sql kAsksDailyReport{"organisation_asks_daily_report",
                               "SELECT COUNT(*) FROM " KB_MEMBER_PEOPLE
                               " JOIN organisations o ON o.id = m.organisation_id "
                               "WHERE p.id = $1 AND o.check_kind = 'daily_report'"};
constexpr Sql kOrgsWithCheck{
    "select_organisations_with_check",
    "SELECT " KB_ORG_COLUMNS
    " FROM organisations o WHERE o.check_kind <> 'none' AND o.check_hour <= $1 AND "
    "(o.reminded_day IS NULL OR o.reminded_day < $2) ORDER BY o.id"};
// The day whose reminders went out, written in the transaction that sends them: a later run (on
// any process, after any restart) passes the organisation by until the next day.
constexpr Sql kMarkReminded{"mark_organisation_reminded",
                            "UPDATE organisations SET reminded_day = $2 WHERE id = $1"};

Error no_organisation() {
  return make_error(ErrorKind::kNotFound, "organisation_not_found", "no such organisation");
}

Result<Organisation> org_from_row(const store::Row& r) {
  Organisation o;
  o.id = r.i64(0);
  o.name = r.str(1);
  o.kind = r.str(2);
  o.province_code = r.str(3);
  o.ward_code = r.str(4);
  o.street = r.str(5);
  o.manager_id = r.i64(6);
  auto check = parse_check(r.str(7));
  if (!check.ok()) return internal("organisation with unknown check " + r.str(7));
  o.check = *check;
  o.check_hour = static_cast<int>(r.i64(8));
  o.created_at = r.i64(9);
  return o;
}

Result<std::vector<Organisation>> orgs_from(const store::Rows& rows) {
  std::vector<Organisation> out;
  for (const auto& r : rows) {
    KB_ASSIGN(Organisation o, org_from_row(r));
    out.push_back(std::move(o));
  }
  return out;
}

Result<std::optional<Organisation>> find(store::Connection& c, int64_t id) {
  KB_ASSIGN(auto row, c.query_one(kSelectOrg, {id}));
  if (!row) return std::optional<Organisation>();
  KB_ASSIGN(Organisation o, org_from_row(*row));
  return std::optional<Organisation>(std::move(o));
}

// A header cell as compared: NFC, case-folded, trimmed.
std::string folded(std::string_view cell) {
  utf8proc_uint8_t* out = nullptr;
  utf8proc_ssize_t n = utf8proc_map(
      reinterpret_cast<const utf8proc_uint8_t*>(cell.data()),
      static_cast<utf8proc_ssize_t>(cell.size()), &out,
      static_cast<utf8proc_option_t>(UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD | UTF8PROC_STABLE));
  if (n < 0) return {};
  std::string s(reinterpret_cast<char*>(out), static_cast<size_t>(n));
  std::free(out);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.pop_back();
  size_t start = s.find_first_not_of(" \t");
  return start == std::string::npos ? std::string() : s.substr(start);
}

struct Columns {
  int name = -1, phone = -1, id = -1;
};

Result<Columns> columns_of(const std::vector<std::string>& header) {
  // Aliases with spaces first: scripts/error-codes.mjs reads a word before a spaced text as an
  // error code and its message.
  static const std::string_view kName[] = {"full name", "họ tên",    "họ và tên", "ho ten",
                                           "ho va ten", "full_name", "name",      "tên"};
  static const std::string_view kPhone[] = {"số điện thoại", "điện thoại", "so dien thoai",
                                            "dien thoai",    "phone",      "phone_number",
                                            "mobile",        "sđt",        "sdt"};
  static const std::string_view kId[] = {"số cccd", "số giấy tờ", "giấy tờ",   "hộ chiếu",
                                         "so cccd", "id",         "id_number", "cccd",
                                         "cmnd",    "cccd/cmnd",  "passport"};
  Columns c;
  for (size_t i = 0; i < header.size(); ++i) {
    std::string h = folded(header[i]);
    auto is = [&](auto& names) {
      return std::find(std::begin(names), std::end(names), h) != std::end(names);
    };
    int at = static_cast<int>(i);
    if (is(kName) && c.name < 0)
      c.name = at;
    else if (is(kPhone) && c.phone < 0)
      c.phone = at;
    else if (is(kId) && c.id < 0)
      c.id = at;
  }
  if (c.name < 0)
    return invalid("header", "missing_column", "the roster needs a name column (name, họ tên)");
  if (c.phone < 0) {
    return invalid("header", "missing_column",
                   "the roster needs a phone column (phone, số điện thoại)");
  }
  return c;
}

// An ID number as rosters give it: CCCD (12 digits), old CMND (9 digits) or a passport number.
Result<std::string> parse_id_number(std::string_view text) {
  std::string id;
  for (char ch : text) {
    if (ch == ' ' || ch == '.' || ch == '-') continue;
    id.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(ch))));
  }
  bool digits = !id.empty() &&
                std::all_of(id.begin(), id.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
  bool passport = id.size() >= 6 && id.size() <= 15 &&
                  std::isalpha(static_cast<unsigned char>(id[0])) &&
                  std::all_of(id.begin(), id.end(),
                              [](char ch) { return std::isalnum(static_cast<unsigned char>(ch)); });
  if ((digits && (id.size() == 12 || id.size() == 9)) || passport) return id;
  return invalid("id_number", "invalid_id_number",
                 "an ID is a CCCD (12 digits), a CMND (9 digits) or a passport number");
}

struct RosterRow {
  int64_t row = 0;
  std::string full_name, phone, id_number;
};

std::string_view cell(const CsvRecord& r, int at) {
  return at >= 0 && static_cast<size_t>(at) < r.cells.size() ? std::string_view(r.cells[at])
                                                             : std::string_view();
}

// Every record read into a row or refused.
void read_rows(const CsvTable& table, const Columns& cols, std::vector<RosterRow>& rows,
               std::vector<RefusedRow>& refused) {
  std::map<std::string, int64_t> phones;  // phone → the row that gave it first
  for (const auto& r : table.records) {
    auto refuse = [&](const Error& e) { refused.push_back({r.row, e.field, e.code, e.message}); };
    auto name = people::normalize_name(cell(r, cols.name), "name");
    if (!name.ok()) {
      refuse(name.error());
      continue;
    }
    std::string_view phone_text = cell(r, cols.phone);
    if (phone_text.empty()) {
      refuse(invalid("phone", "missing_field", "the phone is empty"));
      continue;
    }
    auto phone = normalize_mobile(phone_text, "phone");
    if (!phone.ok()) {
      refuse(phone.error());
      continue;
    }
    std::string id;
    if (!cell(r, cols.id).empty()) {
      auto parsed = parse_id_number(cell(r, cols.id));
      if (!parsed.ok()) {
        refuse(parsed.error());
        continue;
      }
      id = *parsed;
    }
    auto [it, fresh] = phones.emplace(*phone, r.row);
    if (!fresh) {
      refuse(invalid("phone", "duplicate_phone",
                     fmt::format("this phone is already on row {}", it->second)));
      continue;
    }
    rows.push_back({r.row, std::move(*name), std::move(*phone), std::move(id)});
  }
}

Result<Coverage> coverage_of(store::Connection& c, int64_t org_id, CheckKind check, int64_t day) {
  Coverage cov;
  cov.day = day;
  cov.check = check;
  int64_t start = monitoring::day_start(day);
  KB_ASSIGN(store::Rows rows,
            c.query(kCoverage, {org_id, check_name(check), start, start + 86400, day}));
  for (const auto& r : rows) {
    MemberCheck m{r.i64(0),
                  sealing::reveal(r.str(1)),
                  sealing::reveal(r.str(2)),
                  sealing::reveal(r.str(3)),
                  r.opt_i64(4),
                  r.i64(5) != 0};
    ++cov.members;
    cov.joined += m.person_id.has_value();
    cov.done += m.done;
    cov.list.push_back(std::move(m));
  }
  // Names are sealed at rest, so the database cannot order by them: by name here, then those
  // who have not done the check first.
  std::sort(cov.list.begin(), cov.list.end(), [](const MemberCheck& a, const MemberCheck& b) {
    return std::tie(a.full_name, a.member_id) < std::tie(b.full_name, b.member_id);
  });
  std::stable_sort(cov.list.begin(), cov.list.end(),
                   [](const MemberCheck& a, const MemberCheck& b) { return !a.done && b.done; });
  return cov;
}

}  // namespace

std::string_view check_name(CheckKind k) {
  switch (k) {
    case CheckKind::kNone:
      return "none";
    case CheckKind::kDeclaration:
      return "declaration";
    case CheckKind::kDailyReport:
      return "daily_report";
  }
  return "none";
}

Result<CheckKind> parse_check(std::string_view text, std::string_view field) {
  for (CheckKind k : {CheckKind::kNone, CheckKind::kDeclaration, CheckKind::kDailyReport}) {
    if (check_name(k) == text) return k;
  }
  return invalid(std::string(field), "invalid_check",
                 "the check is none, declaration or daily_report");
}

Status check_new(const NewOrganisation& n, const areas::AreaDirectory& areas) {
  if (n.name.empty()) return invalid("name", "empty", "the organisation needs a name");
  if (n.name.size() > 200) return invalid("name", "too_long", "a name is at most 200 bytes");
  if (std::find(std::begin(kKinds), std::end(kKinds), n.kind) == std::end(kKinds)) {
    return invalid("kind", "invalid_kind", "kind is company, school or agency");
  }
  if (!areas.province(n.province_code))
    return invalid("province_code", "invalid_province", "no such province code");
  const auto* w = areas.ward(n.ward_code);
  if (!w) return invalid("ward_code", "invalid_ward", "no such ward code");
  if (w->province_code != n.province_code) {
    return invalid("ward_code", "ward_not_in_province", "this ward is not in the province");
  }
  if (n.street.size() > 300)
    return invalid("street", "too_long", "a street address is at most 300 bytes");
  return {};
}

Result<Organisation> register_organisation(store::Connection& c, const areas::AreaDirectory& areas,
                                           const accounts::User& manager, const NewOrganisation& n,
                                           int64_t now) {
  KB_TRY(access::registers_organisations(manager));
  KB_TRY(check_new(n, areas));
  KB_ASSIGN(auto row, c.query_one(kInsertOrg,
                                  {std::string_view(n.name), std::string_view(n.kind),
                                   std::string_view(n.province_code), std::string_view(n.ward_code),
                                   std::string_view(n.street), manager.id, now}));
  if (!row) return internal("insert into organisations returned no id");
  int64_t id = row->i64(0);
  KB_TRY(audit::record(
      c, {now, manager.id, "organisation.create", fmt::format("organisation:{}", id), {}, n.name},
      manager));
  KB_ASSIGN(auto o, find(c, id));
  return std::move(*o);
}

Result<Organisation> managed(store::Connection& c, const accounts::User& manager, int64_t id) {
  KB_ASSIGN(auto o, find(c, id));
  if (!o || !access::runs_organisation(manager, o->manager_id)) return no_organisation();
  return std::move(*o);
}

Result<Organisation> visible(store::Connection& c, const accounts::User& user, int64_t id) {
  KB_ASSIGN(auto o, find(c, id));
  if (!o) return no_organisation();
  if (access::runs_organisation(user, o->manager_id) ||
      access::in_charge_of(user, o->province_code, o->ward_code)) {
    return std::move(*o);
  }
  return no_organisation();
}

Result<std::vector<Organisation>> managed_by(store::Connection& c, const accounts::User& manager) {
  KB_ASSIGN(store::Rows rows, c.query(kOrgsOfManager, {manager.id}));
  return orgs_from(rows);
}

Result<Organisation> set_check(store::Connection& c, const accounts::User& manager, int64_t id,
                               CheckKind check, int hour, int64_t now) {
  if (hour < 0 || hour > 23) return invalid("hour", "out_of_range", "the hour is 0 to 23");
  KB_ASSIGN(Organisation o, managed(c, manager, id));
  KB_TRY(c.exec(kSetCheck, {o.id, check_name(check), int64_t{hour}, now}));
  KB_TRY(audit::record(c,
                       {now,
                        manager.id,
                        "organisation.check",
                        fmt::format("organisation:{}", o.id),
                        {},
                        fmt::format("{} at {}:00", check_name(check), hour)},
                       manager));
  o.check = check;
  o.check_hour = hour;
  return o;
}

Result<RosterReport> import_roster(store::Connection& c, const accounts::User& manager, int64_t id,
                                   std::string_view csv, bool accept_valid, int64_t now) {
  KB_ASSIGN(Organisation o, managed(c, manager, id));
  KB_ASSIGN(CsvTable table, read_csv(csv, kMaxRosterRows));
  KB_ASSIGN(Columns cols, columns_of(table.header));
  RosterReport report;
  report.rows = static_cast<int64_t>(table.records.size());
  std::vector<RosterRow> rows;
  read_rows(table, cols, rows, report.refused);
  if (!report.refused.empty() && !accept_valid) return report;
  KB_ASSIGN(store::Rows existing, c.query(kMembers, {o.id}));
  std::map<std::string, std::tuple<int64_t, std::string, std::string>>
      known;  // phone → id, name, ID
  // Names, phones and ID numbers are sealed at rest (crypto/sealing.h).
  for (const auto& r : existing) {
    known.emplace(sealing::reveal(r.str(2)),
                  std::tuple{r.i64(0), sealing::reveal(r.str(1)), sealing::reveal(r.str(3))});
  }
  for (const auto& r : rows) {
    auto it = known.find(r.phone);
    if (it == known.end()) {
      KB_TRY(c.exec(kInsertMember,
                    {o.id, sealing::seal(r.full_name), sealing::seal(r.phone),
                     sealing::seal(r.id_number), now, sealing::blind("phone", r.phone)}));
      ++report.added;
      continue;
    }
    auto& [member_id, name, id_number] = it->second;
    if (name == r.full_name && id_number == r.id_number) {
      ++report.unchanged;
      continue;
    }
    KB_TRY(c.exec(kUpdateMember,
                  {member_id, sealing::seal(r.full_name), sealing::seal(r.id_number), now}));
    ++report.updated;
  }
  report.written = true;
  KB_TRY(audit::record(c,
                       {now,
                        manager.id,
                        "organisation.roster",
                        fmt::format("organisation:{}", o.id),
                        {},
                        fmt::format("{} rows: {} added, {} updated, {} refused", report.rows,
                                    report.added, report.updated, report.refused.size())},
                       manager));
  return report;
}

Status remove_member(store::Connection& c, const accounts::User& manager, int64_t id,
                     int64_t member_id, int64_t now) {
  KB_ASSIGN(Organisation o, managed(c, manager, id));
  KB_ASSIGN(int64_t removed, c.exec(kDeleteMember, {o.id, member_id}));
  if (removed == 0) return make_error(ErrorKind::kNotFound, "member_not_found", "no such member");
  return audit::record(c,
                       {now,
                        manager.id,
                        "organisation.member.remove",
                        fmt::format("organisation:{}", o.id),
                        {},
                        fmt::format("member:{}", member_id)},
                       manager);
}

Result<Coverage> coverage(store::Connection& c, const Organisation& o, int64_t day) {
  return coverage_of(c, o.id, o.check, day);
}

Result<std::vector<AreaOrganisation>> in_jurisdiction(store::Connection& c,
                                                      const accounts::User& official, int64_t now) {
  KB_TRY(access::official(official));
  const auto& j = *official.jurisdiction;
  std::string_view province =
      j.level == areas::Jurisdiction::Level::kProvince ? std::string_view(j.code) : "";
  std::string_view ward =
      j.level == areas::Jurisdiction::Level::kWard ? std::string_view(j.code) : "";
  KB_ASSIGN(store::Rows rows, c.query(kOrgsInArea, {province, ward}));
  KB_ASSIGN(auto orgs, orgs_from(rows));
  std::vector<AreaOrganisation> out;
  for (auto& o : orgs) {
    KB_ASSIGN(Coverage cov, coverage_of(c, o.id, o.check, monitoring::local_day(now)));
    out.push_back({std::move(o), cov.members, cov.joined, cov.done});
  }
  return out;
}

Result<std::vector<AreaOrganisation>> listed_for(store::Connection& c, const accounts::User& user,
                                                 int64_t now) {
  if (access::official(user).ok()) return in_jurisdiction(c, user, now);
  KB_ASSIGN(auto mine, managed_by(c, user));
  std::vector<AreaOrganisation> out;
  for (auto& o : mine) {
    KB_ASSIGN(Coverage cov, coverage_of(c, o.id, o.check, monitoring::local_day(now)));
    out.push_back({std::move(o), cov.members, cov.joined, cov.done});
  }
  return out;
}

Result<std::vector<Membership>> memberships(store::Connection& c, const accounts::User& citizen,
                                            int64_t now) {
  KB_TRY(access::citizen(citizen));
  KB_ASSIGN(store::Rows rows, c.query(kMembershipsOf, {sealing::blind("phone", citizen.phone)}));
  KB_ASSIGN(auto orgs, orgs_from(rows));
  std::vector<Membership> out;
  for (auto& o : orgs) {
    KB_ASSIGN(Coverage cov, coverage_of(c, o.id, o.check, monitoring::local_day(now)));
    bool done = std::any_of(cov.list.begin(), cov.list.end(), [&](const MemberCheck& m) {
      return m.phone == citizen.phone && m.done;
    });
    out.push_back({std::move(o), done});
  }
  return out;
}

Result<bool> asks_daily_report(store::Connection& c, int64_t person_id) {
  KB_ASSIGN(auto row, c.query_one(kAsksDailyReport, {person_id}));
  return row && row->i64(0) > 0;
}

Result<ReminderRun> send_check_reminders(
    store::Database& db, const std::string& link, int64_t now,
    const std::function<void(const std::vector<int64_t>&)>& sent) {
  ReminderRun run;
  int64_t day = monitoring::local_day(now);
  KB_ASSIGN(store::Rows rows, db.read([&](store::Connection& c) {
    return c.query(kOrgsWithCheck, {int64_t{monitoring::local_hour(now)}, day});
  }));
  KB_ASSIGN(auto orgs, orgs_from(rows));
  for (const auto& o : orgs) {
    ++run.organisations;
    KB_ASSIGN(Coverage cov,
              db.read([&](store::Connection& c) { return coverage_of(c, o.id, o.check, day); }));
    std::vector<int64_t> owing;
    for (const auto& m : cov.list) {
      if (m.person_id && !m.done) owing.push_back(*m.person_id);
    }
    notify::PersonalMessage m;
    m.kind = notify::Kind::kInfo;
    m.title = o.check == CheckKind::kDeclaration ? o.name + " nhắc: khai báo y tế hôm nay"
                                                 : o.name + " nhắc: gửi báo cáo sức khỏe hôm nay";
    if (m.title.size() > notify::kMaxTitleBytes) m.title = "Nhắc khai báo y tế hôm nay";
    m.body = o.check == CheckKind::kDeclaration
                 ? "Bạn chưa khai báo y tế hôm nay. Hãy khai báo trên trang Khai báo y tế trước "
                   "khi đến nơi làm việc, học tập."
                 : "Bạn chưa gửi báo cáo sức khỏe hôm nay. Hãy gửi trên trang Theo dõi sức khỏe.";
    m.link = link + (o.check == CheckKind::kDeclaration ? "/declare" : "/monitoring");
    m.dedupe_key = fmt::format("organisation-check:{}:{}", o.id, day);
    KB_ASSIGN(auto fresh,
              db.writer().write_sync([&](store::Connection& c) -> Result<std::vector<int64_t>> {
                KB_TRY(c.exec(kMarkReminded, {o.id, day}));
                if (owing.empty()) return std::vector<int64_t>{};
                return notify::send_personal_to_many(c, owing, m, notify::Lane::kBulk, now);
              }));
    run.reminded += static_cast<int64_t>(fresh.size());
    if (!fresh.empty() && sent) sent(fresh);
  }
  return run;
}

}  // namespace kb::organisations
