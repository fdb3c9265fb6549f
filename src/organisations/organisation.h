// Organisations: a company, school or agency keeps a roster of its people and a daily check —
// "declare today" (a health declaration made today) or "the daily report form" (a health report,
// monitoring/reports.h) — and sees who has done it today, never their answers. Industrial-zone
// companies ran this in 2021 to know that all their staff had declared.
//
// The manager is the citizen or venue-staff account that registered it (access::runs_organisation).
// A member is a roster row: a name, a phone in any form (stored E.164) and an optional ID number.
// Members join by signing in with that phone: a roster row counts as the person of the citizen
// account with that phone, matched by phone in one place (member_people below), to be switched
// to identity matching (identity/) when it lands. Members not signed in yet have not joined, and
// cannot have done the check.
//
// Members who have not done the check by the organisation's hour get one reminder a day (the
// scheduled job "organisation-reminders"; bulk lane; exactly one per member per day).
// Officials see the organisations of their jurisdiction and their coverage, not the roster.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "accounts/accounts.h"
#include "areas/area_directory.h"
#include "core/result.h"
#include "store/database.h"

namespace kb::organisations {

enum class CheckKind { kNone, kDeclaration, kDailyReport };
std::string_view check_name(CheckKind k);  // "none" | "declaration" | "daily_report"
Result<CheckKind> parse_check(std::string_view text, std::string_view field = "check");

inline constexpr std::string_view kKinds[] = {"company", "school", "agency"};

struct Organisation {
  int64_t id = 0;
  std::string name;
  std::string kind;  // one of kKinds
  std::string province_code, ward_code, street;
  int64_t manager_id = 0;
  CheckKind check = CheckKind::kNone;
  int check_hour = 9;  // Vietnam's local hour of the reminder
  int64_t created_at = 0;
};

struct NewOrganisation {
  std::string name, kind, province_code, ward_code, street;
};
// Checks the fields (errors name them) against the area directory.
Status check_new(const NewOrganisation& n, const areas::AreaDirectory& areas);
// kForbidden venue_accounts_only unless a citizen or venue-staff account.
Result<Organisation> register_organisation(store::Connection& c, const areas::AreaDirectory& areas,
                                           const accounts::User& manager, const NewOrganisation& n,
                                           int64_t now);

// The organisation for its manager (kNotFound for anyone else: no hint that it exists).
Result<Organisation> managed(store::Connection& c, const accounts::User& manager, int64_t id);
// The organisation for its manager or an official in charge of its address.
Result<Organisation> visible(store::Connection& c, const accounts::User& user, int64_t id);
Result<std::vector<Organisation>> managed_by(store::Connection& c, const accounts::User& manager);

// Sets the daily check and its reminder hour (0–23). Manager only.
Result<Organisation> set_check(store::Connection& c, const accounts::User& manager, int64_t id,
                               CheckKind check, int hour, int64_t now);

// ---- roster ----

struct RefusedRow {
  int64_t row = 0;  // the spreadsheet's row number (header: 1)
  std::string field, code, message;
};
struct RosterReport {
  int64_t rows = 0;
  int64_t added = 0, updated = 0, unchanged = 0;
  std::vector<RefusedRow> refused;
  bool written = false;
};
// Reads a roster (CSV; header names in Vietnamese or English: name/họ tên, phone/số điện
// thoại, id/cccd) and merges it by phone into the organisation's: new phones are added, known
// ones get the file's name and ID. A row that cannot be read is refused with its field and why.
// With any row refused nothing is written unless `accept_valid` (then the others are). Errors
// for the file as a whole name `body` or `header`. Manager only; audited.
Result<RosterReport> import_roster(store::Connection& c, const accounts::User& manager, int64_t id,
                                   std::string_view csv, bool accept_valid, int64_t now);
Status remove_member(store::Connection& c, const accounts::User& manager, int64_t id,
                     int64_t member_id, int64_t now);

// ---- the daily check ----

struct MemberCheck {
  int64_t member_id = 0;
  std::string full_name, phone, id_number;
  std::optional<int64_t> person_id;  // joined: the person of the account with this phone
  bool done = false;
};
struct Coverage {
  int64_t day = 0;  // Vietnam's day number
  CheckKind check = CheckKind::kNone;
  int64_t members = 0, joined = 0, done = 0;
  std::vector<MemberCheck> list;  // every member, not done first
};
// Who did today's check (on `day`). Never anyone's answers.
Result<Coverage> coverage(store::Connection& c, const Organisation& o, int64_t day);

// The organisations of an official's jurisdiction with today's figures (no names).
struct AreaOrganisation {
  Organisation organisation;
  int64_t members = 0, joined = 0, done = 0;
};
Result<std::vector<AreaOrganisation>> in_jurisdiction(store::Connection& c,
                                                      const accounts::User& official, int64_t now);

// The organisations an account sees listed, with today's figures: an official those of their
// jurisdiction (in_jurisdiction), anyone else those they manage.
Result<std::vector<AreaOrganisation>> listed_for(store::Connection& c, const accounts::User& user,
                                                 int64_t now);

// The organisations whose roster holds the citizen's phone, with whether today's check is done.
struct Membership {
  Organisation organisation;
  bool done = false;
};
Result<std::vector<Membership>> memberships(store::Connection& c, const accounts::User& citizen,
                                            int64_t now);

// Whether an organisation asks the person (through their account's phone) for the daily report
// form: then a report is accepted from them without a monitoring order.
Result<bool> asks_daily_report(store::Connection& c, int64_t person_id);

// The scheduled job: reminds the joined members who have not done the check of every
// organisation whose hour has passed today. `link` is the app's base URL.
struct ReminderRun {
  int64_t reminded = 0;
  int64_t organisations = 0;
};
Result<ReminderRun> send_check_reminders(
    store::Database& db, const std::string& link, int64_t now,
    const std::function<void(const std::vector<int64_t>&)>& sent);

}  // namespace kb::organisations
