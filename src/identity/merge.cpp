#include "identity/merge.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "access/policy.h"
#include "audit/audit_log.h"
#include "cases/case.h"
#include "checkin/recent_visits.h"
#include "checkin/visit_days.h"
#include "crypto/sealing.h"
#include "identity/candidates.h"
#include "identity/identifiers.h"
#include "identity/resolve.h"
#include "people/person.h"

namespace kb::identity {
namespace {

using store::Param;
using store::Sql;

// A column a merge may change, with the statements that change it and put it back. Values are
// written to the change log as text; `integer` says how to read them back.
struct Column {
  const char* table;
  const char* column;
  bool integer;
  Sql select_by;     // the rows whose column holds a value: SELECT id … WHERE column = $1
  Sql set;           // UPDATE … SET column = $2 WHERE id = $1
  Sql restore;       // … WHERE id = $1 AND column = $3 (the value the merge left)
  Sql restore_null;  // … WHERE id = $1 AND column IS NULL
  Sql value_of;      // SELECT column … WHERE id = $1
};

#define KB_COLUMN(t, col, integer)                                                          \
  Column {                                                                                  \
    t, col, integer,                                                                        \
        {"merge_select_" t "_" col, "SELECT id FROM " t " WHERE " col " = $1 ORDER BY id"}, \
        {"merge_set_" t "_" col, "UPDATE " t " SET " col " = $2 WHERE id = $1"},            \
        {"merge_restore_" t "_" col,                                                        \
         "UPDATE " t " SET " col " = $2 WHERE id = $1 AND " col " = $3"},                   \
        {"merge_restore_null_" t "_" col,                                                   \
         "UPDATE " t " SET " col " = $2 WHERE id = $1 AND " col " IS NULL"},                \
    {                                                                                       \
      "merge_value_of_" t "_" col, "SELECT " col " FROM " t " WHERE id = $1"                \
    }                                                                                       \
  }

// The rows that hang on a person and simply follow them (a new table that holds a person id
// adds itself here).
const Column kMovedColumns[] = {
    KB_COLUMN("declarations", "person_id", true),
    KB_COLUMN("cases", "person_id", true),
    KB_COLUMN("door_alerts", "person_id", true),
    KB_COLUMN("contacts", "via_person_id", true),
};
// The rows moved with a rule of their own (below).
const Column kContactPerson = KB_COLUMN("contacts", "person_id", true);
const Column kContactStatus = KB_COLUMN("contacts", "status", false);
const Column kContactNotice = KB_COLUMN("contacts", "notice_id", true);
const Column kContactConverted = KB_COLUMN("contacts", "converted_case_id", true);
const Column kMessagePerson = KB_COLUMN("messages", "person_id", true);
const Column kMessageKey = KB_COLUMN("messages", "dedupe_key", false);
const Column kIdentifierPerson = KB_COLUMN("person_identifiers", "person_id", true);
const Column kQrRevoked = KB_COLUMN("personal_qr_tokens", "revoked_at", true);
const Column kMergedInto = KB_COLUMN("people", "merged_into", true);
const Column kPairStatus = KB_COLUMN("identity_candidates", "status", false);
const Column kPairMerge = KB_COLUMN("identity_candidates", "merge_id", true);
// The survivor's details filled from the other record.
const Column kPeopleDetails[] = {
    KB_COLUMN("people", "full_name", false),     KB_COLUMN("people", "birth_date", false),
    KB_COLUMN("people", "sex", false),           KB_COLUMN("people", "phone", false),
    KB_COLUMN("people", "province_code", false), KB_COLUMN("people", "ward_code", false),
    KB_COLUMN("people", "street", false),
};
// A phone taken from the other record comes with its blind index (crypto/sealing.h).
const Column kPeoplePhoneIndex = KB_COLUMN("people", "phone_index", false);
// The details sealed at rest (crypto/sealing.h), in the change log too. A sealed value is
// written anew (another nonce) when it is resealed under a new key or sealed from clear by the
// sealing pass, so undoing compares them opened.
bool sealed_detail(const Column& col) {
  return &col == &kPeopleDetails[0] || &col == &kPeopleDetails[3] || &col == &kPeopleDetails[6];
}

// Visits live in day tables (checkin/visit_days.h): their statements name the day's table.
constexpr Sql kVisitsOf{"merge_visits_of",
                        "SELECT id, t_in FROM visits WHERE person_id = $1 ORDER BY id"};
constexpr Sql kSetVisitPerson{"merge_set_visit_person",
                              "UPDATE {visits} SET person_id = $2 WHERE id = $1"};
constexpr Sql kRestoreVisitPerson{
    "merge_restore_visit_person",
    "UPDATE {visits} SET person_id = $2 WHERE id = $1 AND person_id = $3"};

constexpr Sql kInsertMerge{
    "insert_identity_merge",
    "INSERT INTO identity_merges(survivor_id, merged_id, candidate_id, province_code, ward_code, "
    "merged_province_code, merged_ward_code, merged_by, reason, merged_at, changes) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0) RETURNING id"};
constexpr Sql kSetMergeChanges{"set_identity_merge_changes",
                               "UPDATE identity_merges SET changes = $2 WHERE id = $1"};
constexpr Sql kSelectMerge{"select_identity_merge",
                           "SELECT id, survivor_id, merged_id, candidate_id, province_code, "
                           "ward_code, merged_province_code, "
                           "merged_ward_code, merged_by, reason, merged_at, changes, unmerged_by, "
                           "unmerge_reason, unmerged_at "
                           "FROM identity_merges WHERE id = $1"};
constexpr Sql kLaterMerge{
    "select_later_identity_merge",
    "SELECT id FROM identity_merges WHERE id > $1 AND unmerged_at IS NULL AND "
    "(survivor_id IN ($2, $3) OR merged_id IN ($2, $3)) LIMIT 1"};
constexpr Sql kSetUnmerged{
    "set_identity_unmerged",
    "UPDATE identity_merges SET unmerged_by = $2, unmerge_reason = $3, unmerged_at = $4 "
    "WHERE id = $1 AND unmerged_at IS NULL"};
constexpr Sql kInsertChange{"insert_identity_merge_change",
                            "INSERT INTO identity_merge_changes(merge_id, seq, table_name, row_id, "
                            "column_name, value_type, old_value, "
                            "new_value, visit_day) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"};
constexpr Sql kChangesOf{"select_identity_merge_changes",
                         "SELECT table_name, row_id, column_name, old_value, new_value, visit_day "
                         "FROM identity_merge_changes WHERE merge_id = $1 ORDER BY seq DESC"};

constexpr Sql kIdentifiersOf{"merge_identifiers_of",
                             "SELECT id, kind, value_index, country FROM person_identifiers WHERE "
                             "person_id = $1 ORDER BY id"};
constexpr Sql kHasIdentifier{
    "merge_has_identifier",
    "SELECT 1 FROM person_identifiers WHERE person_id = $1 AND kind = $2 AND value_index = $3 "
    "AND country = $4"};
constexpr Sql kMessagesOf{"merge_messages_of",
                          "SELECT id, dedupe_key FROM messages WHERE person_id = $1 ORDER BY id"};
constexpr Sql kHasMessageKey{"merge_has_message_key",
                             "SELECT 1 FROM messages WHERE person_id = $1 AND dedupe_key = $2"};
constexpr Sql kContactsOf{
    "merge_contacts_of",
    "SELECT k.id, k.case_id, k.status, k.notice_id, c.person_id FROM contacts k "
    "JOIN cases c ON c.id = k.case_id WHERE k.person_id = $1 ORDER BY k.id"};
constexpr Sql kContactOfCase{
    "merge_contact_of_case",
    "SELECT id, notice_id FROM contacts WHERE case_id = $1 AND person_id = $2"};
constexpr Sql kActiveCases{
    "merge_active_cases",
    "SELECT id FROM cases WHERE person_id = $1 AND status = 'active' ORDER BY id"};
constexpr Sql kLiveQrs{
    "merge_live_qrs",
    "SELECT id FROM personal_qr_tokens WHERE person_id = $1 AND revoked_at IS NULL ORDER BY id"};
constexpr Sql kHasDeclaration{"merge_has_declaration",
                              "SELECT 1 FROM declarations WHERE person_id = $1 LIMIT 1"};

// A value before or after a change: null, or an integer or text by the column.
struct Value {
  std::optional<std::string> text;
  static Value null() { return {}; }
  static Value of(int64_t v) { return {std::to_string(v)}; }
  static Value of(std::string v) { return {std::move(v)}; }
  static Value of(const std::optional<int64_t>& v) { return v ? of(*v) : null(); }
  Param param(bool integer) const {
    if (!text) return nullptr;
    if (integer) return static_cast<int64_t>(std::stoll(*text));
    return std::string_view(*text);
  }
  Param stored() const { return text ? Param{std::string_view(*text)} : Param{nullptr}; }
};

// The merge's change log, written as the merge changes rows.
class ChangeLog {
 public:
  ChangeLog(store::Connection& c, int64_t merge_id) : c_(c), merge_id_(merge_id) {}

  Status set(const Column& col, int64_t row, const Value& before, const Value& after) {
    KB_TRY(c_.exec(col.set, {row, after.param(col.integer)}));
    return log(col.table, row, col.column, col.integer, before, after, std::nullopt);
  }
  Status move_visit(int64_t visit_id, int64_t t_in, int64_t from, int64_t to) {
    int64_t day = checkin::visit_day(t_in);
    KB_TRY(c_.exec(checkin::for_day(c_, kSetVisitPerson, day), {visit_id, to}));
    return log("visits", visit_id, "person_id", true, Value::of(from), Value::of(to), day);
  }
  int64_t count() const { return seq_; }

 private:
  Status log(const char* table, int64_t row, const char* column, bool integer, const Value& before,
             const Value& after, std::optional<int64_t> day) {
    Param visit_day = day ? Param{*day} : Param{nullptr};
    KB_TRY(c_.exec(
        kInsertChange,
        {merge_id_, int64_t{seq_++}, std::string_view(table), row, std::string_view(column),
         std::string_view(integer ? "int" : "text"), before.stored(), after.stored(), visit_day}));
    return {};
  }

  store::Connection& c_;
  int64_t merge_id_;
  int64_t seq_ = 0;
};

Error no_person() {
  return Error{ErrorKind::kNotFound, "person_not_found", "no such person in your jurisdiction",
               "person_ids"};
}
Error no_merge() { return make_error(ErrorKind::kNotFound, "merge_not_found", "no such merge"); }

bool covers_both(const accounts::User& official, std::pair<std::string, std::string> a,
                 std::pair<std::string, std::string> b) {
  if (a.first.empty() && a.second.empty()) a = b;
  if (b.first.empty() && b.second.empty()) b = a;
  return access::in_charge_of(official, a.first, a.second) &&
         access::in_charge_of(official, b.first, b.second);
}

Result<bool> has_row(store::Connection& c, const Sql& sql, std::initializer_list<Param> params) {
  KB_ASSIGN(auto row, c.query_one(sql, params));
  return row.has_value();
}

// Which of the two records survives (see merge.h); kConflict for two account holders.
Result<std::pair<people::Person, people::Person>> survivor_first(store::Connection& c,
                                                                 people::Person a,
                                                                 people::Person b) {
  if (a.is_self && b.is_self) {
    return Error{ErrorKind::kConflict, "two_account_holders",
                 "both records sign in with their own phone; one person has one account",
                 "person_ids"};
  }
  auto rank = [&](const people::Person& p) -> Result<int> {
    if (p.is_self) return 0;
    if (p.account_id) return 1;
    KB_ASSIGN(bool declared, has_row(c, kHasDeclaration, {p.id}));
    return declared ? 2 : 3;
  };
  KB_ASSIGN(int ra, rank(a));
  KB_ASSIGN(int rb, rank(b));
  if (rb < ra || (rb == ra && b.id < a.id)) std::swap(a, b);
  return std::pair{std::move(a), std::move(b)};
}

// Two CCCD or social-insurance numbers are two people.
Status check_identifiers(store::Connection& c, const people::Person& a, const people::Person& b) {
  KB_ASSIGN(Details da, details_of(c, a));
  KB_ASSIGN(Details db, details_of(c, b));
  if (compare(da, db).different_identifier) {
    return Error{
        ErrorKind::kConflict, "conflicting_identifiers",
        "these records hold different CCCD or social-insurance numbers: they are two people",
        "person_ids"};
  }
  return {};
}

Status move_simple(store::Connection& c, ChangeLog& log, const Column& col, int64_t from,
                   int64_t to) {
  KB_ASSIGN(store::Rows rows, c.query(col.select_by, {from}));
  for (const auto& r : rows) KB_TRY(log.set(col, r.i64(0), Value::of(from), Value::of(to)));
  return {};
}

Status move_visits(store::Connection& c, ChangeLog& log, int64_t from, int64_t to) {
  // SQLite: the visits still in the recent table join their day tables, where these change them.
  KB_TRY(checkin::move_recent_visits(c));
  KB_ASSIGN(store::Rows rows, c.query(kVisitsOf, {from}));
  for (const auto& r : rows) KB_TRY(log.move_visit(r.i64(0), r.i64(1), from, to));
  return {};
}

// Identifiers the survivor already has stay with the other record.
Status move_identifiers(store::Connection& c, ChangeLog& log, int64_t from, int64_t to) {
  KB_ASSIGN(store::Rows rows, c.query(kIdentifiersOf, {from}));
  for (const auto& r : rows) {
    std::string kind = r.str(1), value = r.str(2), country = r.str(3);
    KB_ASSIGN(bool has, has_row(c, kHasIdentifier,
                                {to, std::string_view(kind), std::string_view(value),
                                 std::string_view(country)}));
    if (!has) KB_TRY(log.set(kIdentifierPerson, r.i64(0), Value::of(from), Value::of(to)));
  }
  return {};
}

// Messages follow the person with their dedupe keys rewritten (see merge.h).
Status move_messages(store::Connection& c, ChangeLog& log, int64_t from, int64_t to) {
  const std::string from_suffix = fmt::format("person:{}", from);
  KB_ASSIGN(store::Rows rows, c.query(kMessagesOf, {from}));
  for (const auto& r : rows) {
    auto key = r.opt_str(1);
    std::optional<std::string> target = key;
    if (key && key->ends_with(from_suffix)) {
      target = key->substr(0, key->size() - from_suffix.size()) + fmt::format("person:{}", to);
    }
    if (target) {
      KB_ASSIGN(bool taken, has_row(c, kHasMessageKey, {to, std::string_view(*target)}));
      if (taken) continue;
    }
    if (target != key) KB_TRY(log.set(kMessageKey, r.i64(0), Value{key}, Value{target}));
    KB_TRY(log.set(kMessagePerson, r.i64(0), Value::of(from), Value::of(to)));
  }
  return {};
}

// Contacts follow the person; a case's second contact of the same person is void, its notice
// counted for the kept one.
Status move_contacts(store::Connection& c, ChangeLog& log, int64_t from, int64_t to) {
  KB_ASSIGN(store::Rows rows, c.query(kContactsOf, {from}));
  for (const auto& r : rows) {
    int64_t id = r.i64(0), case_id = r.i64(1);
    std::string status = r.str(2);
    auto notice = r.opt_i64(3);
    KB_ASSIGN(auto kept, c.query_one(kContactOfCase, {case_id, to}));
    if (!kept) {
      KB_TRY(log.set(kContactPerson, id, Value::of(from), Value::of(to)));
      continue;
    }
    if (status != "void")
      KB_TRY(log.set(kContactStatus, id, Value::of(status), Value::of(std::string("void"))));
    if (notice && kept->is_null(1))
      KB_TRY(log.set(kContactNotice, kept->i64(0), Value::null(), Value::of(notice)));
  }
  return {};
}

// After the move: nobody is their own contact, and an active case is nobody's open contact.
Status settle_contacts(store::Connection& c, ChangeLog& log, int64_t person) {
  KB_ASSIGN(store::Rows active, c.query(kActiveCases, {person}));
  const int64_t own_case = active.empty() ? 0 : active.front().i64(0);  // 0: no active case
  KB_ASSIGN(store::Rows rows, c.query(kContactsOf, {person}));
  for (const auto& r : rows) {
    int64_t id = r.i64(0);
    std::string status = r.str(2);
    if (status == "void") continue;
    if (r.i64(4) == person) {
      KB_TRY(log.set(kContactStatus, id, Value::of(status), Value::of(std::string("void"))));
    } else if (own_case != 0 && (status == "pending" || status == "confirmed") &&
               r.i64(1) != own_case) {
      KB_TRY(log.set(kContactStatus, id, Value::of(status), Value::of(std::string("converted"))));
      KB_TRY(log.set(kContactConverted, id, Value::null(), Value::of(own_case)));
    }
  }
  return {};
}

// The survivor's empty details, from the other record: each alone, the address as a whole.
Status fill_details(ChangeLog& log, const people::Person& keep, const people::Person& gone) {
  const std::string* keep_fields[] = {&keep.full_name, &keep.birth_date,    &keep.sex,
                                      &keep.phone,     &keep.province_code, &keep.ward_code,
                                      &keep.street};
  const std::string* gone_fields[] = {&gone.full_name, &gone.birth_date,    &gone.sex,
                                      &gone.phone,     &gone.province_code, &gone.ward_code,
                                      &gone.street};
  const bool take_address = keep.province_code.empty() && !gone.province_code.empty();
  for (size_t i = 0; i < std::size(kPeopleDetails); ++i) {
    bool address = i >= 4;
    if (address ? !take_address : (!keep_fields[i]->empty() || gone_fields[i]->empty())) continue;
    bool sealed = sealed_detail(kPeopleDetails[i]);
    auto stored = [sealed](const std::string& v) { return sealed ? sealing::seal(v) : v; };
    Value before = keep_fields[i]->empty() ? Value::null() : Value::of(stored(*keep_fields[i]));
    Value after = gone_fields[i]->empty() ? Value::null() : Value::of(stored(*gone_fields[i]));
    if (i == 0) before = Value::of(stored(*keep_fields[i]));  // full_name is never NULL
    KB_TRY(log.set(kPeopleDetails[i], keep.id, before, after));
    if (i == 3) {
      KB_TRY(log.set(kPeoplePhoneIndex, keep.id, Value::null(),
                     Value::of(sealing::blind("phone", *gone_fields[i]))));
    }
  }
  return {};
}

Result<Merge> merge_from_row(const store::Row& r) {
  Merge m;
  m.id = r.i64(0);
  m.survivor_id = r.i64(1);
  m.merged_id = r.i64(2);
  m.candidate_id = r.opt_i64(3);
  m.province_code = r.str(4);
  m.ward_code = r.str(5);
  m.merged_province_code = r.str(6);
  m.merged_ward_code = r.str(7);
  m.merged_by = r.i64(8);
  m.reason = r.str(9);
  m.merged_at = r.i64(10);
  m.changes = r.i64(11);
  m.unmerged_by = r.opt_i64(12);
  m.unmerge_reason = r.str(13);
  m.unmerged_at = r.opt_i64(14);
  return m;
}

Result<Merge> load_merge(store::Connection& c, int64_t id) {
  KB_ASSIGN(auto row, c.query_one(kSelectMerge, {id}));
  if (!row) return no_merge();
  return merge_from_row(*row);
}

// Merges `gone` into `keep`, both checked: the whole of merge.h's contract.
Result<Merged> carry_out(store::Connection& c, const accounts::User& official,
                         const people::Person& keep, const people::Person& gone,
                         std::optional<int64_t> candidate_id, std::string_view reason,
                         int64_t now) {
  auto [kp, kw] = area_of(keep);
  auto [gp, gw] = area_of(gone);
  Param pair = candidate_id ? Param{*candidate_id} : Param{nullptr};
  KB_ASSIGN(auto row, c.query_one(kInsertMerge, {keep.id, gone.id, pair, std::string_view(kp),
                                                 std::string_view(kw), std::string_view(gp),
                                                 std::string_view(gw), official.id, reason, now}));
  if (!row) return internal("inserting a merge returned no id");
  const int64_t merge_id = row->i64(0);
  ChangeLog log(c, merge_id);
  for (const Column& col : kMovedColumns) KB_TRY(move_simple(c, log, col, gone.id, keep.id));
  KB_TRY(move_visits(c, log, gone.id, keep.id));
  KB_TRY(move_identifiers(c, log, gone.id, keep.id));
  KB_TRY(move_messages(c, log, gone.id, keep.id));
  KB_TRY(move_contacts(c, log, gone.id, keep.id));
  KB_TRY(fill_details(log, keep, gone));
  KB_ASSIGN(store::Rows qrs, c.query(kLiveQrs, {gone.id}));
  for (const auto& r : qrs) KB_TRY(log.set(kQrRevoked, r.i64(0), Value::null(), Value::of(now)));
  KB_TRY(log.set(kMergedInto, gone.id, Value::null(), Value::of(keep.id)));
  if (candidate_id) {
    KB_TRY(log.set(kPairStatus, *candidate_id, Value::of(std::string("open")),
                   Value::of(std::string("merged"))));
    KB_TRY(log.set(kPairMerge, *candidate_id, Value::null(), Value::of(merge_id)));
  }
  KB_TRY(settle_contacts(c, log, keep.id));
  KB_TRY(cases::refresh_health(c, keep.id, now));
  KB_TRY(c.exec(kSetMergeChanges, {merge_id, log.count()}));
  KB_TRY(audit::record(
      c,
      {now, official.id, "identity.merge", fmt::format("person:{}", keep.id), reason,
       fmt::format("person:{} merged in (merge {}, {} changes)", gone.id, merge_id, log.count())},
      official));
  Merged out;
  KB_ASSIGN(out.merge, load_merge(c, merge_id));
  KB_ASSIGN(store::Rows active, c.query(kActiveCases, {keep.id}));
  for (const auto& r : active) out.cases_to_trace.push_back(r.i64(0));
  return out;
}

Result<Merged> merge_two(store::Connection& c, const accounts::User& official, people::Person a,
                         people::Person b, std::optional<int64_t> candidate_id,
                         std::string_view reason, int64_t now) {
  KB_ASSIGN(auto ordered, survivor_first(c, std::move(a), std::move(b)));
  KB_TRY(check_identifiers(c, ordered.first, ordered.second));
  return carry_out(c, official, ordered.first, ordered.second, candidate_id, reason, now);
}

}  // namespace

Result<Merged> merge_candidate(store::Connection& c, const accounts::User& official,
                               int64_t candidate_id, std::string_view reason, int64_t now) {
  KB_ASSIGN(Candidate k, candidate_for(c, official, candidate_id));
  if (k.status != PairStatus::kOpen) {
    return Error{ErrorKind::kConflict, "candidate_closed",
                 fmt::format("this pair is already {}", pair_status_name(k.status)), "id"};
  }
  // Either record may have been merged into a third since the pair was queued.
  KB_ASSIGN(auto a, people::find(c, k.person_id));
  KB_ASSIGN(auto b, people::find(c, k.match_id));
  if (!a || !b) return internal("a record of a candidate pair is gone");
  if (a->id == b->id) {
    return Error{ErrorKind::kConflict, "already_one_person", "these records were merged already",
                 "id"};
  }
  return merge_two(c, official, std::move(*a), std::move(*b), candidate_id, reason, now);
}

Result<Merged> merge_people(store::Connection& c, const accounts::User& official, int64_t a_id,
                            int64_t b_id, std::string_view reason, int64_t now) {
  KB_TRY(access::official(official));
  if (a_id == b_id)
    return invalid("person_ids", "same_person", "a person cannot be merged with themselves");
  KB_ASSIGN(auto a, people::find_record(c, a_id));
  KB_ASSIGN(auto b, people::find_record(c, b_id));
  if (!a || !b) return no_person();
  if (!covers_both(official, area_of(*a), area_of(*b))) return no_person();
  if (a->merged_into || b->merged_into) {
    return Error{ErrorKind::kConflict, "already_merged",
                 "one of these records was merged into another already", "person_ids"};
  }
  return merge_two(c, official, std::move(*a), std::move(*b), std::nullopt, reason, now);
}

Result<Merge> merge_for(store::Connection& c, const accounts::User& official, int64_t merge_id) {
  KB_TRY(access::official(official));
  KB_ASSIGN(Merge m, load_merge(c, merge_id));
  if (!covers_both(official, {m.province_code, m.ward_code},
                   {m.merged_province_code, m.merged_ward_code})) {
    return no_merge();
  }
  return m;
}

namespace {

const Column* column_named(std::string_view table, std::string_view column) {
  static const std::vector<const Column*> all = [] {
    std::vector<const Column*> v;
    for (const Column& col : kMovedColumns) v.push_back(&col);
    for (const Column& col : kPeopleDetails) v.push_back(&col);
    for (const Column* col : {&kContactPerson, &kContactStatus, &kContactNotice, &kContactConverted,
                              &kMessagePerson, &kMessageKey, &kIdentifierPerson, &kQrRevoked,
                              &kMergedInto, &kPairStatus, &kPairMerge, &kPeoplePhoneIndex}) {
      v.push_back(col);
    }
    return v;
  }();
  for (const Column* col : all) {
    if (table == col->table && column == col->column) return col;
  }
  return nullptr;
}

}  // namespace

Result<Unmerged> unmerge(store::Connection& c, const accounts::User& official, int64_t merge_id,
                         std::string_view reason, int64_t now) {
  KB_ASSIGN(Merge m, merge_for(c, official, merge_id));
  if (m.unmerged_at) {
    return Error{ErrorKind::kConflict, "already_unmerged", "this merge was undone already", "id"};
  }
  KB_ASSIGN(auto later, c.query_one(kLaterMerge, {m.id, m.survivor_id, m.merged_id}));
  if (later) {
    return Error{
        ErrorKind::kConflict, "later_merge_first",
        fmt::format("merge {} of the same person came later: undo it first", later->i64(0)), "id"};
  }
  KB_TRY(checkin::move_recent_visits(c));  // as merging does
  KB_ASSIGN(auto days, checkin::visit_days(c));
  std::set<int64_t> present(days.begin(), days.end());
  Unmerged out;
  KB_ASSIGN(store::Rows changes, c.query(kChangesOf, {m.id}));
  for (const auto& r : changes) {
    std::string table = r.str(0), column = r.str(2);
    int64_t row = r.i64(1);
    Value before{r.opt_str(3)}, after{r.opt_str(4)};
    int64_t changed = 0;
    if (table == "visits") {
      int64_t day = r.i64(5);
      if (!present.contains(day)) continue;  // purged since, with its visits
      KB_ASSIGN(changed, c.exec(checkin::for_day(c, kRestoreVisitPerson, day),
                                {row, before.param(true), after.param(true)}));
    } else {
      const Column* col = column_named(table, column);
      if (!col)
        return internal(
            fmt::format("a merge changed {}.{}, which unmerge does not know", table, column));
      if (after.text && sealed_detail(*col)) {
        KB_ASSIGN(auto now_stored, c.query_one(col->value_of, {row}));
        if (now_stored && sealing::reveal(now_stored->str(0)) == sealing::reveal(*after.text)) {
          KB_ASSIGN(changed, c.exec(col->set, {row, before.param(false)}));
        }
      } else if (after.text) {
        KB_ASSIGN(changed, c.exec(col->restore,
                                  {row, before.param(col->integer), after.param(col->integer)}));
      } else {
        KB_ASSIGN(changed, c.exec(col->restore_null, {row, before.param(col->integer)}));
      }
    }
    (changed > 0 ? out.restored : out.kept)++;
  }
  KB_TRY(c.exec(kSetUnmerged, {m.id, official.id, reason, now}));
  KB_TRY(cases::refresh_health(c, m.survivor_id, now));
  KB_TRY(cases::refresh_health(c, m.merged_id, now));
  KB_TRY(audit::record(
      c,
      {now, official.id, "identity.unmerge", fmt::format("person:{}", m.survivor_id), reason,
       fmt::format("merge {} undone: person:{} restored, {} values put back, {} kept", m.id,
                   m.merged_id, out.restored, out.kept)},
      official));
  KB_ASSIGN(out.merge, load_merge(c, m.id));
  return out;
}

}  // namespace kb::identity
