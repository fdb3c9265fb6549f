#include "testing/testing.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "access/policy.h"
#include "cases/case.h"
#include "crypto/sealing.h"
#include "monitoring/orders.h"
#include "notify/messages.h"
#include "people/person.h"
#include "testing/labels.h"

namespace kb::testing {
namespace {

using store::Param;
using store::Row;
using store::Sql;

constexpr Sql kInsertRound{
    "testing_insert_round",
    "INSERT INTO test_rounds (name, kind, province_code, ward_code, case_id, pool_size, "
    "created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id"};
constexpr Sql kInsertRoundWard{
    "testing_insert_round_ward",
    "INSERT INTO test_round_wards (round_id, ward_code) VALUES ($1, $2)"};
constexpr Sql kInsertSite{
    "testing_insert_site",
    "INSERT INTO test_sites (round_id, name, day) VALUES ($1, $2, $3) RETURNING id"};
constexpr Sql kSelectRound{
    "testing_select_round",
    "SELECT id, name, kind, province_code, ward_code, case_id, pool_size, created_by, "
    "created_at FROM test_rounds WHERE id = $1"};
constexpr Sql kSelectRoundsAll{
    "testing_select_rounds_all",
    "SELECT id, name, kind, province_code, ward_code, case_id, pool_size, created_by, "
    "created_at FROM test_rounds ORDER BY id DESC LIMIT $1"};
constexpr Sql kSelectRoundsOfProvince{
    "testing_select_rounds_of_province",
    "SELECT id, name, kind, province_code, ward_code, case_id, pool_size, created_by, created_at "
    "FROM test_rounds WHERE province_code = $1 ORDER BY id DESC LIMIT $2"};
constexpr Sql kSelectRoundWards{
    "testing_select_round_wards",
    "SELECT ward_code FROM test_round_wards WHERE round_id = $1 ORDER BY ward_code"};
constexpr Sql kSelectSites{"testing_select_sites",
                           "SELECT id, name, day FROM test_sites WHERE round_id = $1 ORDER BY id"};
constexpr Sql kSelectSiteOfRound{"testing_select_site_of_round",
                                 "SELECT id FROM test_sites WHERE id = $1 AND round_id = $2"};
constexpr Sql kSelectWardResidents{
    "testing_select_ward_residents",
    "SELECT id FROM people WHERE province_code = $1 AND ward_code = $2 ORDER BY id"};
constexpr Sql kSelectOpenContacts{
    "testing_select_open_contacts",
    "SELECT DISTINCT person_id FROM contacts WHERE case_id = $1 AND degree = 1 "
    "AND status IN ('pending', 'confirmed') ORDER BY person_id"};
constexpr Sql kInsertInvitation{
    "testing_insert_invitation",
    "INSERT INTO test_invitations (round_id, person_id, invited_at, token) VALUES ($1, $2, $3, "
    "$4) ON CONFLICT DO NOTHING"};
constexpr Sql kSelectInvitationsOfAccount{
    "testing_select_invitations_of_account",
    "SELECT i.round_id, r.name, p.full_name, i.token FROM test_invitations i "
    "JOIN people p ON p.id = i.person_id JOIN test_rounds r ON r.id = i.round_id "
    "WHERE p.account_id = $1 AND i.token IS NOT NULL AND NOT EXISTS (SELECT 1 FROM test_samples s "
    "WHERE s.round_id = i.round_id AND s.person_id = i.person_id) ORDER BY i.round_id DESC LIMIT "
    "20"};

constexpr Sql kSelectOpenInvitationsOfPerson{
    "testing_select_open_invitations_of_person",
    "SELECT i.round_id, r.name, p.full_name, i.token FROM test_invitations i "
    "JOIN people p ON p.id = i.person_id JOIN test_rounds r ON r.id = i.round_id "
    "WHERE i.person_id = $1 AND i.token IS NOT NULL AND NOT EXISTS (SELECT 1 FROM test_samples s "
    "WHERE s.round_id = i.round_id AND s.person_id = i.person_id) ORDER BY i.round_id DESC LIMIT "
    "5"};

constexpr Sql kCountInvited{"testing_count_invited",
                            "SELECT COUNT(*) FROM test_invitations WHERE round_id = $1"};
constexpr Sql kCountSampled{
    "testing_count_sampled",
    "SELECT COUNT(DISTINCT person_id) FROM test_samples WHERE round_id = $1"};
constexpr Sql kCountTubes{"testing_count_tubes",
                          "SELECT COUNT(*), SUM(CASE WHEN kind = 'pool' THEN 1 ELSE 0 END), "
                          "SUM(CASE WHEN result IS NULL THEN 1 ELSE 0 END) FROM test_tubes "
                          "WHERE round_id = $1 AND members > 0"};
constexpr Sql kCountResults{
    "testing_count_results",
    "SELECT x.result, COUNT(DISTINCT s.person_id) FROM test_samples s JOIN test_results x "
    "ON x.sample_id = s.id WHERE s.round_id = $1 GROUP BY x.result"};
constexpr Sql kCountRetests{
    "testing_count_retests",
    "SELECT COUNT(*) FROM test_samples WHERE round_id = $1 AND attempt = 1"};
constexpr Sql kWardInvited{
    "testing_ward_invited",
    "SELECT p.ward_code, COUNT(*) FROM test_invitations i JOIN people p ON p.id = i.person_id "
    "WHERE i.round_id = $1 GROUP BY p.ward_code"};
constexpr Sql kWardSampled{
    "testing_ward_sampled",
    "SELECT p.ward_code, COUNT(DISTINCT s.person_id), "
    "COUNT(DISTINCT CASE WHEN t.kind = 'pool' THEN t.id END), "
    "COUNT(DISTINCT CASE WHEN x.result IS NULL THEN s.person_id END), "
    "COUNT(DISTINCT CASE WHEN x.result = 'negative' THEN s.person_id END), "
    "COUNT(DISTINCT CASE WHEN x.result = 'positive' THEN s.person_id END) "
    "FROM test_samples s JOIN people p ON p.id = s.person_id "
    "LEFT JOIN test_tubes t ON t.id = s.tube_id LEFT JOIN test_results x ON x.sample_id = s.id "
    "WHERE s.round_id = $1 GROUP BY p.ward_code"};

constexpr Sql kSelectTubeByLabel{
    "testing_select_tube_by_label",
    "SELECT id, round_id, label, kind, capacity, members, result, result_at, lab "
    "FROM test_tubes WHERE label = $1"};
constexpr Sql kSelectTubesOfRound{
    "testing_select_tubes_of_round",
    "SELECT id, round_id, label, kind, capacity, members, result, result_at, lab "
    "FROM test_tubes WHERE round_id = $1 ORDER BY id DESC LIMIT $2"};
constexpr Sql kInsertTube{
    "testing_insert_tube",
    "INSERT INTO test_tubes (round_id, site_id, label, kind, capacity, created_by, created_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id"};
constexpr Sql kAddTubeMember{"testing_add_tube_member",
                             "UPDATE test_tubes SET members = members + 1 WHERE id = $1"};

// Lab files name tubes by the hundred thousand: they are read and written kTubeBatch at a time
// (one round trip each on PostgreSQL); a short batch repeats its last tube, which changes nothing.
constexpr int kTubeBatch = 100;

std::string numbered(std::string_view head, std::string_view each, int columns,
                     std::string_view tail) {
  std::string out(head);
  for (int i = 0; i < kTubeBatch; ++i) {
    out += i ? ", " : "";
    std::string item(each);
    for (int col = 1; col <= columns; ++col) {  // `each` marks its columns ?1 … ?9
      std::string mark = fmt::format("?{}", col);
      if (size_t at = item.find(mark); at != std::string::npos) {
        item.replace(at, mark.size(), fmt::format("${}", i * columns + col));
      }
    }
    out += item;
  }
  out += tail;
  return out;
}

// Statement texts must keep one address for the life of the process (store::Sql): built once.
const Sql& select_tubes_by_labels() {
  static const std::string text = numbered(
      "SELECT id, round_id, label, kind, capacity, members, result, result_at, lab FROM test_tubes "
      "WHERE label IN (",
      "?1", 1, ")");
  static const Sql sql{"testing_select_tubes_by_labels", text.c_str()};
  return sql;
}
// A tube's result settles it: its members' results are recorded in the same batch.
const Sql& set_tube_results() {
  static const std::string text = numbered(
      "UPDATE test_tubes SET result = v.column2, result_at = v.column3, lab = v.column4, "
      "settled = 1 FROM (VALUES ",
      "(CAST(?1 AS BIGINT), CAST(?2 AS TEXT), CAST(?3 AS BIGINT), CAST(?4 AS TEXT))", 4,
      ") AS v WHERE test_tubes.id = v.column1");
  static const Sql sql{"testing_set_tube_results", text.c_str()};
  return sql;
}
// Every member of each tube gets the tube's outcome for them (negative, recalled or positive).
const Sql& record_member_results() {
  static const std::string text = numbered(
      "INSERT INTO test_results (sample_id, result, result_at) SELECT s.id, v.column2, v.column3 "
      "FROM test_samples s JOIN (VALUES ",
      "(CAST(?1 AS BIGINT), CAST(?2 AS TEXT), CAST(?3 AS BIGINT))", 3,
      ") AS v ON s.tube_id = v.column1");
  static const Sql sql{"testing_record_member_results", text.c_str()};
  return sql;
}

// Sample rows carry their result (test_results x, joined by KB_SAMPLE_RESULT).
#define KB_SAMPLE_COLUMNS                                                               \
  "s.id, s.round_id, s.person_id, s.tube_id, s.kind, s.attempt, s.taken_at, x.result, " \
  "x.result_at, s.confirmation, s.case_id"
#define KB_SAMPLE_RESULT " LEFT JOIN test_results x ON x.sample_id = s.id "
constexpr Sql kSelectPcrSamplesOf{"testing_select_pcr_samples_of",
                                  "SELECT " KB_SAMPLE_COLUMNS
                                  " FROM test_samples s" KB_SAMPLE_RESULT
                                  "WHERE s.round_id = $1 AND s.person_id = $2 AND "
                                  "s.kind = $3 ORDER BY s.attempt"};
constexpr Sql kInsertSample{
    "testing_insert_sample",
    "INSERT INTO test_samples (round_id, person_id, tube_id, kind, attempt, taken_at, "
    "taken_by, confirmation) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id"};
constexpr Sql kInsertResult{
    "testing_insert_result",
    "INSERT INTO test_results (sample_id, result, result_at) VALUES ($1, $2, $3)"};
constexpr Sql kSelectSample{"testing_select_sample",
                            "SELECT " KB_SAMPLE_COLUMNS " FROM test_samples s" KB_SAMPLE_RESULT
                            "WHERE s.id = $1"};
constexpr Sql kSelectTubeMembers{
    "testing_select_tube_members",
    "SELECT person_id FROM test_samples WHERE tube_id = $1 ORDER BY id"};
// People in F0 home care with a negative result at or after $1: it feeds their release rule.
// (From the people, each looked up by person: test_results may be far larger than its statistics.)
constexpr Sql kNegativesInHomeCare{
    "testing_negatives_in_home_care",
    "SELECT p.id, (SELECT MAX(x.result_at) FROM test_samples s JOIN test_results x ON x.sample_id "
    "= s.id WHERE s.person_id = p.id AND x.result = 'negative' AND x.result_at >= $1) FROM people "
    "p "
    "WHERE p.monitoring_kind = 'f0_home_care'"};
// A positive individual tube's sample waits for an official.
constexpr Sql kAwaitConfirmation{
    "testing_await_confirmation",
    "UPDATE test_samples SET confirmation = 'pending' WHERE tube_id = $1"};
constexpr Sql kSelectAwaiting{
    "testing_select_awaiting",
    "SELECT " KB_SAMPLE_COLUMNS
    ", p.full_name, p.phone, r.name, r.province_code, r.ward_code, t.label FROM test_samples "
    "s" KB_SAMPLE_RESULT
    "JOIN people p ON p.id = s.person_id JOIN test_rounds r ON r.id = s.round_id "
    "LEFT JOIN test_tubes t ON t.id = s.tube_id WHERE s.confirmation = 'pending' ORDER BY s.id "
    "LIMIT 5000"};
constexpr Sql kDecideSample{"testing_decide_sample",
                            "UPDATE test_samples SET confirmation = $2, case_id = $3 WHERE id = $1 "
                            "AND confirmation = 'pending'"};
constexpr Sql kSelectTestsOfAccount{
    "testing_select_tests_of_account",
    "SELECT " KB_SAMPLE_COLUMNS
    ", p.full_name, r.name, t.label FROM test_samples s" KB_SAMPLE_RESULT
    "JOIN people p ON p.id = s.person_id "
    "JOIN test_rounds r ON r.id = s.round_id LEFT JOIN test_tubes t ON t.id = s.tube_id "
    "WHERE p.account_id = $1 ORDER BY s.id DESC LIMIT 200"};
#undef KB_SAMPLE_COLUMNS
#undef KB_SAMPLE_RESULT

constexpr size_t kSampleColumns = 11;
constexpr size_t kMaxWards = 200;

Param opt(const std::optional<int64_t>& v) { return v ? Param{*v} : Param{nullptr}; }

Result<RoundKind> parse_kind(std::string_view s) {
  if (s == "area") return RoundKind::kArea;
  if (s == "contacts") return RoundKind::kContacts;
  if (s == "walk_in") return RoundKind::kWalkIn;
  return internal(fmt::format("unknown round kind {}", s));
}

Result<Round> round_from(store::Connection& c, const Row& r) {
  Round round;
  round.id = r.i64(0);
  round.name = r.str(1);
  KB_ASSIGN(round.kind, parse_kind(r.str(2)));
  round.province_code = r.str(3);
  round.ward_code = r.str(4);
  round.case_id = r.opt_i64(5);
  round.pool_size = r.i64(6);
  round.created_by = r.i64(7);
  round.created_at = r.i64(8);
  KB_ASSIGN(auto wards, c.query(kSelectRoundWards, {round.id}));
  for (const auto& w : wards) round.ward_codes.push_back(w.str(0));
  KB_ASSIGN(auto sites, c.query(kSelectSites, {round.id}));
  for (const auto& s : sites) round.sites.push_back(Site{s.i64(0), s.str(1), s.str(2)});
  return round;
}

Result<Figures> figures_of(store::Connection& c, int64_t round_id) {
  Figures f;
  KB_ASSIGN(auto invited, c.query_one(kCountInvited, {round_id}));
  f.invited = invited ? invited->i64(0) : 0;
  KB_ASSIGN(auto sampled, c.query_one(kCountSampled, {round_id}));
  f.sampled = sampled ? sampled->i64(0) : 0;
  KB_ASSIGN(auto tubes, c.query_one(kCountTubes, {round_id}));
  if (tubes) {
    f.tubes = tubes->i64(0);
    f.pools = tubes->i64(1);
    f.pending = tubes->i64(2);
  }
  KB_ASSIGN(auto results, c.query(kCountResults, {round_id}));
  int64_t recalled = 0;
  for (const auto& r : results) {
    if (r.str(0) == "negative") f.negative = r.i64(1);
    if (r.str(0) == "positive") f.positive = r.i64(1);
    if (r.str(0) == "recalled") recalled = r.i64(1);
  }
  KB_ASSIGN(auto retests, c.query_one(kCountRetests, {round_id}));
  f.recalled = std::max<int64_t>(0, recalled - (retests ? retests->i64(0) : 0));
  const int64_t decided = f.negative + f.positive;
  f.positivity = decided > 0 ? static_cast<double>(f.positive) / static_cast<double>(decided) : 0.0;
  return f;
}

bool sees(const accounts::User& official, const Round& round) {
  return access::in_charge_of(official, round.province_code, round.ward_code);
}

Error round_not_found() {
  return Error{ErrorKind::kNotFound, "round_not_found", "no such testing round", "id"};
}

// A calendar day as YYYY-MM-DD.
bool is_day(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  int month = (s[5] - '0') * 10 + (s[6] - '0');
  int day = (s[8] - '0') * 10 + (s[9] - '0');
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

Status check_site(const NewSite& s, std::string_view field) {
  if (s.name.empty() || s.name.size() > 200) {
    return invalid(std::string(field), "invalid_site", "a site needs a name of at most 200 bytes");
  }
  if (!is_day(s.day))
    return invalid(std::string(field), "invalid_day", "a site's day is YYYY-MM-DD");
  return {};
}

// Tube labels are what a barcode carries: 1–40 letters, digits, '-', '_' or '.'.
Status check_label(std::string_view label, std::string_view field) {
  bool ok =
      !label.empty() && label.size() <= 40 && std::all_of(label.begin(), label.end(), [](char ch) {
        return (ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
               ch == '-' || ch == '_' || ch == '.';
      });
  if (!ok) {
    return invalid(std::string(field), "invalid_label",
                   "a tube label is 1 to 40 letters, digits, '-', '_' or '.'");
  }
  return {};
}

// The people a new round invites, and its area.
struct Audience {
  std::string province_code, ward_code;
  std::vector<std::string> wards;
  std::vector<int64_t> people;
};

Result<Audience> area_audience(store::Connection& c, const areas::AreaDirectory& areas,
                               const accounts::User& official, const NewRound& n) {
  if (n.ward_codes.empty()) return invalid("ward_codes", "missing_field", "name at least one ward");
  if (n.ward_codes.size() > kMaxWards)
    return invalid("ward_codes", "too_many", "at most 200 wards a round");
  Audience a;
  std::set<std::string> seen;
  for (const auto& code : n.ward_codes) {
    const auto* ward = areas.ward(code);
    if (!ward)
      return invalid("ward_codes", "invalid_ward", fmt::format("no ward with code {}", code));
    if (!a.province_code.empty() && ward->province_code != a.province_code) {
      return invalid("ward_codes", "several_provinces", "a round's wards lie in one province");
    }
    a.province_code = ward->province_code;
    if (!access::in_charge_of(official, ward->province_code, ward->code)) {
      return Error{ErrorKind::kForbidden, "outside_jurisdiction",
                   fmt::format("ward {} is outside your jurisdiction", code), "ward_codes"};
    }
    if (seen.insert(code).second) a.wards.push_back(code);
  }
  if (a.wards.size() == 1) a.ward_code = a.wards.front();
  for (const auto& ward : a.wards) {
    KB_ASSIGN(auto rows, c.query(kSelectWardResidents,
                                 {std::string_view(a.province_code), std::string_view(ward)}));
    for (const auto& r : rows) a.people.push_back(r.i64(0));
  }
  return a;
}

Result<Audience> contacts_audience(store::Connection& c, const accounts::User& official,
                                   const NewRound& n) {
  if (n.case_id <= 0)
    return invalid("case_id", "missing_field", "name the case whose contacts are tested");
  auto kase = cases::case_for(c, official, n.case_id);
  if (!kase.ok()) {
    Error e = kase.error();
    e.field = "case_id";
    return e;
  }
  Audience a{kase->province_code, kase->ward_code, {}, {}};
  KB_ASSIGN(auto rows, c.query(kSelectOpenContacts, {n.case_id}));
  for (const auto& r : rows) a.people.push_back(r.i64(0));
  return a;
}

Result<Audience> walk_in_area(const areas::AreaDirectory& areas, const accounts::User& official,
                              const NewRound& n) {
  Audience a{n.province_code, n.ward_code, {}, {}};
  if (a.ward_code.empty() == false) {
    const auto* ward = areas.ward(a.ward_code);
    if (!ward) return invalid("ward_code", "invalid_ward", "no such ward code");
    if (a.province_code.empty()) a.province_code = ward->province_code;
    if (ward->province_code != a.province_code) {
      return invalid("ward_code", "ward_outside_province", "the ward is not in this province");
    }
  }
  if (a.province_code.empty() && official.jurisdiction) {
    const auto& j = *official.jurisdiction;
    if (j.level == areas::Jurisdiction::Level::kProvince) a.province_code = j.code;
    if (j.level == areas::Jurisdiction::Level::kWard) {
      a.ward_code = j.code;
      if (const auto* ward = areas.ward(j.code)) a.province_code = ward->province_code;
    }
  }
  if (a.province_code.empty())
    return invalid("province_code", "missing_field", "name the round's province");
  if (!areas.province(a.province_code))
    return invalid("province_code", "invalid_province", "no such province");
  if (!access::in_charge_of(official, a.province_code, a.ward_code)) {
    return Error{ErrorKind::kForbidden, "outside_jurisdiction",
                 "this area is outside your jurisdiction", "province_code"};
  }
  return a;
}

std::string invitation_body(const NewRound& n) {
  std::string body = fmt::format(
      "Bạn được mời lấy mẫu xét nghiệm trong đợt \"{}\". Mở mục \"Xét nghiệm của tôi\" để xem "
      "mã QR mời và đưa nhân viên quét (hoặc mang mã QR cá nhân, thẻ CCCD) tại điểm lấy mẫu.",
      n.name);
  for (const auto& s : n.sites) body += fmt::format(" Điểm: {} ngày {}.", s.name, s.day);
  if (body.size() > notify::kMaxBodyBytes) body.resize(notify::kMaxBodyBytes - 200);
  return body;
}

Sample sample_from(const Row& r) {
  Sample s;
  s.id = r.i64(0);
  s.round_id = r.i64(1);
  s.person_id = r.i64(2);
  s.tube_id = r.opt_i64(3);
  s.kind = r.str(4);
  s.attempt = static_cast<int>(r.i64(5));
  s.taken_at = r.i64(6);
  s.result = r.opt_str(7);
  s.result_at = r.opt_i64(8);
  s.confirmation = r.opt_str(9);
  s.case_id = r.opt_i64(10);
  return s;
}

Result<Tube> tube_from(const Row& r) {
  Tube t;
  t.id = r.i64(0);
  t.round_id = r.i64(1);
  t.label = r.str(2);
  t.kind = r.str(3) == "pool" ? TubeKind::kPool : TubeKind::kIndividual;
  t.capacity = r.i64(4);
  t.members = r.i64(5);
  t.result = r.opt_str(6);
  t.result_at = r.opt_i64(7);
  t.lab = r.str(8);
  return t;
}

Result<std::optional<Round>> load_round(store::Connection& c, int64_t id) {
  KB_ASSIGN(auto row, c.query_one(kSelectRound, {id}));
  if (!row) return std::optional<Round>();
  KB_ASSIGN(Round r, round_from(c, *row));
  return std::optional<Round>(std::move(r));
}

Result<Round> visible_round(store::Connection& c, const accounts::User& official, int64_t id) {
  KB_TRY(access::official(official));
  KB_ASSIGN(auto round, load_round(c, id));
  if (!round || !sees(official, *round)) return round_not_found();
  return std::move(*round);
}

Error conflict(std::string field, std::string code, std::string message) {
  return Error{ErrorKind::kConflict, std::move(code), std::move(message), std::move(field)};
}

Result<Sampled> take_rapid(store::Connection& c, const accounts::User& official, const Round& round,
                           const people::Person& person, Finding finding, int64_t now) {
  KB_ASSIGN(auto earlier,
            c.query(kSelectPcrSamplesOf, {round.id, person.id, std::string_view("rapid")}));
  if (!earlier.empty()) {
    return conflict("payload", "already_sampled",
                    "this person already has a rapid test in this round");
  }
  const bool positive = finding == Finding::kPositive;
  std::string_view result = finding_name(finding);
  KB_ASSIGN(
      auto row,
      c.query_one(kInsertSample,
                  {round.id, person.id, Param{nullptr}, std::string_view("rapid"), int64_t{0}, now,
                   official.id, positive ? Param{std::string_view("pending")} : Param{nullptr}}));
  if (!row) return internal("insert into test_samples returned no id");
  KB_TRY(c.exec(kInsertResult, {row->i64(0), result, now}));
  if (!positive) KB_TRY(monitoring::note_negative_test(c, person.id, now, now));
  KB_ASSIGN(auto stored, c.query_one(kSelectSample, {row->i64(0)}));
  return Sampled{sample_from(*stored), std::nullopt, people::mask_name(person.full_name), false};
}

// The tube a PCR sample goes into: the one with this label in the round, or a new one.
Result<Tube> tube_for_sample(store::Connection& c, const accounts::User& official,
                             const Round& round, const NewSample& n, bool retest, int64_t now) {
  KB_ASSIGN(auto row, c.query_one(kSelectTubeByLabel, {std::string_view(n.tube_label)}));
  if (row) {
    KB_ASSIGN(Tube t, tube_from(*row));
    if (t.round_id != round.id) {
      return conflict("tube", "label_taken",
                      "this label belongs to another round's tube; use a new label");
    }
    if (t.result)
      return conflict("tube", "tube_has_result",
                      "this tube has its result already; use a new tube");
    if (retest && t.kind == TubeKind::kPool) {
      return conflict("tube", "retest_individual",
                      "a retest goes into an individual tube, not a pool");
    }
    if (t.members >= t.capacity) {
      return conflict(
          "tube", "tube_full",
          fmt::format("this tube holds {} sample(s) already; start a new tube", t.capacity));
    }
    return t;
  }
  if (n.site_id) {
    KB_ASSIGN(auto site, c.query_one(kSelectSiteOfRound, {*n.site_id, round.id}));
    if (!site) return invalid("site_id", "site_not_found", "no such site in this round");
  }
  TubeKind kind = retest ? TubeKind::kIndividual : n.tube_kind;
  int64_t capacity = kind == TubeKind::kPool ? round.pool_size : 1;
  KB_ASSIGN(auto inserted,
            c.query_one(kInsertTube, {round.id, opt(n.site_id), std::string_view(n.tube_label),
                                      tube_kind_name(kind), capacity, official.id, now}));
  if (!inserted) return internal("insert into test_tubes returned no id");
  return Tube{inserted->i64(0), round.id, n.tube_label, kind, capacity, 0, std::nullopt,
              std::nullopt,     ""};
}

// The members of the round's positive pools are called back, one urgent message each (at most
// one per person and round, however often a result is given again).
Result<std::vector<int64_t>> send_recalls(store::Connection& c, const Round& round,
                                          const std::vector<int64_t>& people, int64_t now) {
  notify::PersonalMessage m;
  m.kind = notify::Kind::kUrgent;
  m.title = "Cần xét nghiệm lại ngay";
  m.body = fmt::format(
      "Mẫu gộp có mẫu của bạn trong đợt \"{}\" cho kết quả dương tính. Hãy đến điểm lấy mẫu để "
      "xét nghiệm cá thể ngay, mang mã QR cá nhân hoặc CCCD; hạn chế tiếp xúc trong lúc chờ.",
      round.name);
  m.dedupe_key = fmt::format("test-recall-round:{}", round.id);
  return notify::send_personal_to_many(c, people, m, notify::Lane::kUrgent, now);
}

}  // namespace

std::string_view round_kind_name(RoundKind k) {
  switch (k) {
    case RoundKind::kArea:
      return "area";
    case RoundKind::kContacts:
      return "contacts";
    case RoundKind::kWalkIn:
      return "walk_in";
  }
  return "area";
}

std::string_view tube_kind_name(TubeKind k) { return k == TubeKind::kPool ? "pool" : "individual"; }

Result<RoundView> create_round(store::Connection& c, const areas::AreaDirectory& areas,
                               const accounts::User& official, const NewRound& n, int64_t now) {
  KB_TRY(access::official(official));
  if (n.name.empty() || n.name.size() > 200)
    return invalid("name", "invalid_name", "a round needs a name");
  if (n.pool_size < 1 || n.pool_size > kMaxPoolSize) {
    return invalid("pool_size", "out_of_range", "a pool holds 1 to 30 samples");
  }
  for (const auto& s : n.sites) KB_TRY(check_site(s, "sites"));
  Audience a;
  switch (n.kind) {
    case RoundKind::kArea: {
      KB_ASSIGN(a, area_audience(c, areas, official, n));
      break;
    }
    case RoundKind::kContacts: {
      KB_ASSIGN(a, contacts_audience(c, official, n));
      break;
    }
    case RoundKind::kWalkIn: {
      KB_ASSIGN(a, walk_in_area(areas, official, n));
      break;
    }
  }
  Param case_id = n.kind == RoundKind::kContacts ? Param{n.case_id} : Param{nullptr};
  KB_ASSIGN(auto row, c.query_one(kInsertRound,
                                  {std::string_view(n.name), round_kind_name(n.kind),
                                   std::string_view(a.province_code), std::string_view(a.ward_code),
                                   case_id, n.pool_size, official.id, now}));
  if (!row) return internal("insert into test_rounds returned no id");
  const int64_t id = row->i64(0);
  for (const auto& w : a.wards) KB_TRY(c.exec(kInsertRoundWard, {id, std::string_view(w)}));
  for (const auto& s : n.sites) {
    KB_TRY(c.exec(kInsertSite, {id, std::string_view(s.name), std::string_view(s.day)}));
  }
  notify::PersonalMessage invitation;
  invitation.kind = notify::Kind::kInfo;
  invitation.title = "Mời xét nghiệm";
  invitation.body = invitation_body(n);
  invitation.dedupe_key = fmt::format("test-invite:{}", id);
  invitation.sender_id = official.id;
  for (int64_t person : a.people) {
    KB_TRY(c.exec(kInsertInvitation, {id, person, now, new_invitation_token()}));
  }
  KB_ASSIGN(auto sent,
            notify::send_personal_to_many(c, a.people, invitation, notify::Lane::kBulk, now));
  (void)sent;
  return round_for(c, official, id);
}

Result<RoundView> round_for(store::Connection& c, const accounts::User& official, int64_t id) {
  KB_ASSIGN(Round round, visible_round(c, official, id));
  KB_ASSIGN(Figures f, figures_of(c, id));
  return RoundView{std::move(round), f};
}

Result<std::vector<RoundView>> list_rounds(store::Connection& c, const accounts::User& official,
                                           int64_t limit) {
  KB_TRY(access::official(official));
  const auto& j = *official.jurisdiction;
  store::Rows rows;
  if (j.level == areas::Jurisdiction::Level::kNational) {
    KB_ASSIGN(rows, c.query(kSelectRoundsAll, {limit}));
  } else if (j.level == areas::Jurisdiction::Level::kProvince) {
    KB_ASSIGN(rows, c.query(kSelectRoundsOfProvince, {std::string_view(j.code), limit}));
  } else {  // a ward official: the newest rounds, filtered to the ward's below
    KB_ASSIGN(rows, c.query(kSelectRoundsAll, {int64_t{5000}}));
  }
  std::vector<RoundView> out;
  for (const auto& r : rows) {
    if (static_cast<int64_t>(out.size()) >= limit) break;
    KB_ASSIGN(Round round, round_from(c, r));
    if (!sees(official, round)) continue;
    KB_ASSIGN(Figures f, figures_of(c, round.id));
    out.push_back(RoundView{std::move(round), f});
  }
  return out;
}

Result<std::vector<WardFigures>> ward_figures(store::Connection& c, const accounts::User& official,
                                              int64_t round_id) {
  KB_ASSIGN(Round round, visible_round(c, official, round_id));
  std::map<std::string, WardFigures> wards;
  auto of = [&wards](const std::string& code) -> WardFigures& {
    WardFigures& w = wards[code];
    w.ward_code = code;
    return w;
  };
  KB_ASSIGN(auto invited, c.query(kWardInvited, {round.id}));
  for (const auto& r : invited) of(r.str(0)).invited = r.i64(1);
  KB_ASSIGN(auto sampled, c.query(kWardSampled, {round.id}));
  for (const auto& r : sampled) {
    WardFigures& w = of(r.str(0));
    w.sampled = r.i64(1);
    w.pools = r.i64(2);
    w.pending = r.i64(3);
    w.negative = r.i64(4);
    w.positive = r.i64(5);
    const int64_t decided = w.negative + w.positive;
    w.positivity = decided > 0 ? static_cast<double>(w.positive) / static_cast<double>(decided) : 0;
  }
  std::vector<WardFigures> out;
  for (auto& [code, w] : wards) out.push_back(std::move(w));
  return out;
}

Result<Site> add_site(store::Connection& c, const accounts::User& official, int64_t round_id,
                      const NewSite& site) {
  KB_ASSIGN(Round round, visible_round(c, official, round_id));
  KB_TRY(check_site(site, "name"));
  KB_ASSIGN(auto row, c.query_one(kInsertSite, {round.id, std::string_view(site.name),
                                                std::string_view(site.day)}));
  if (!row) return internal("insert into test_sites returned no id");
  return Site{row->i64(0), site.name, site.day};
}

Result<Sampled> take_sample(store::Connection& c, const accounts::User& official, int64_t round_id,
                            const NewSample& n, int64_t now) {
  KB_ASSIGN(Round round, visible_round(c, official, round_id));
  if (!n.rapid_result) KB_TRY(check_label(n.tube_label, "tube"));
  const checkin::DoorPlace site{0, round.province_code, round.ward_code,
                                fmt::format("test_round:{}", round.id)};
  KB_ASSIGN(people::Person person, find_sampled_person(c, n.person, site, now));
  if (n.rapid_result) return take_rapid(c, official, round, person, *n.rapid_result, now);

  KB_ASSIGN(auto earlier,
            c.query(kSelectPcrSamplesOf, {round.id, person.id, std::string_view("pcr")}));
  bool retest = false;
  if (!earlier.empty()) {
    Sample first = sample_from(earlier.front());
    if (earlier.size() > 1 || first.result != std::optional<std::string>("recalled")) {
      return conflict("payload", "already_sampled",
                      "this person has given a sample in this round already");
    }
    retest = true;
  }
  KB_ASSIGN(Tube tube, tube_for_sample(c, official, round, n, retest, now));
  KB_ASSIGN(auto row, c.query_one(kInsertSample,
                                  {round.id, person.id, tube.id, std::string_view("pcr"),
                                   int64_t{retest ? 1 : 0}, now, official.id, Param{nullptr}}));
  if (!row) return internal("insert into test_samples returned no id");
  KB_TRY(c.exec(kAddTubeMember, {tube.id}));
  tube.members += 1;
  KB_ASSIGN(auto stored, c.query_one(kSelectSample, {row->i64(0)}));
  return Sampled{sample_from(*stored), tube, people::mask_name(person.full_name), retest};
}

Result<std::vector<Tube>> tubes_of_round(store::Connection& c, const accounts::User& official,
                                         int64_t round_id, int64_t limit) {
  KB_ASSIGN(Round round, visible_round(c, official, round_id));
  KB_ASSIGN(auto rows, c.query(kSelectTubesOfRound, {round.id, limit}));
  std::vector<Tube> out;
  for (const auto& r : rows) {
    KB_ASSIGN(Tube t, tube_from(r));
    out.push_back(std::move(t));
  }
  return out;
}

Result<LabelsToPrint> labels_to_print(store::Connection& c, const accounts::User& official,
                                      int64_t round_id, int64_t from, int64_t count) {
  KB_ASSIGN(Round round, visible_round(c, official, round_id));
  constexpr int64_t kLastLabel = 99999;
  if (from < 1 || from > kLastLabel)
    return invalid("from", "out_of_range", "labels are numbered 1 to 99999");
  if (count < 1 || count > kMaxLabelsPrinted || from + count - 1 > kLastLabel) {
    return invalid("count", "out_of_range",
                   fmt::format("print 1 to {} labels, none past 99999", kMaxLabelsPrinted));
  }
  return LabelsToPrint{round.name, round_labels(round.id, from, count)};
}

Result<ApplyOutcome> apply_results(store::Connection& c, const accounts::User& official,
                                   const std::vector<LabResult>& results,
                                   const std::vector<int64_t>& rows, int64_t now) {
  KB_TRY(access::official(official));
  ApplyOutcome out;
  std::map<int64_t, std::optional<Round>>
      rounds;  // round id → the round, when the official sees it
  std::set<std::string, std::less<>> labels;
  struct Planned {
    Tube tube;
    const LabResult* result;
    const Round* round;
  };
  std::vector<Planned> planned;
  // First what each row says on its own, then the tubes it names, read in batches.
  std::vector<size_t> named;  // results that name a tube well
  for (size_t i = 0; i < results.size(); ++i) {
    const LabResult& r = results[i];
    const int64_t row = i < rows.size() ? rows[i] : 0;
    if (auto bad = check_label(r.tube_label, "tube_id"); !bad.ok()) {
      out.errors.push_back(ResultRowError{row, "tube_id", bad.error().code, bad.error().message});
    } else if (!labels.insert(r.tube_label).second) {
      out.errors.push_back(
          ResultRowError{row, "tube_id", "duplicate_tube",
                         fmt::format("tube {} has a result earlier in this file", r.tube_label)});
    } else if (r.at > now) {
      out.errors.push_back(
          ResultRowError{row, "time", "in_future", "a result's time is not in the future"});
    } else {
      named.push_back(i);
    }
  }
  std::map<std::string, Tube, std::less<>> tubes;
  for (size_t from = 0; from < named.size(); from += kTubeBatch) {
    std::vector<store::Param> params;
    for (size_t k = 0; k < static_cast<size_t>(kTubeBatch); ++k) {
      const auto& label = results[named[std::min(from + k, named.size() - 1)]].tube_label;
      params.emplace_back(std::string_view(label));
    }
    KB_ASSIGN(auto found, c.query(select_tubes_by_labels(), params));
    for (const auto& f : found) {
      KB_ASSIGN(Tube t, tube_from(f));
      tubes.emplace(t.label, std::move(t));
    }
  }
  for (size_t i : named) {
    const LabResult& r = results[i];
    const int64_t row = i < rows.size() ? rows[i] : 0;
    auto fail = [&](std::string code, std::string message) {
      out.errors.push_back(ResultRowError{row, "tube_id", std::move(code), std::move(message)});
    };
    std::optional<Tube> tube;
    if (auto it = tubes.find(r.tube_label); it != tubes.end()) {
      tube = it->second;
      auto [round, fresh] = rounds.try_emplace(tube->round_id);
      if (fresh) {
        KB_ASSIGN(auto loaded, load_round(c, tube->round_id));
        if (loaded && sees(official, *loaded)) round->second = std::move(loaded);
      }
      if (!round->second) tube.reset();
    }
    if (!tube) {
      fail("tube_not_found", fmt::format("no tube labelled {}", r.tube_label));
      continue;
    }
    if (tube->members == 0) {
      fail("empty_tube", fmt::format("tube {} holds no sample", r.tube_label));
      continue;
    }
    if (tube->result) {
      if (*tube->result == finding_name(r.finding)) {
        ++out.applied.unchanged;
      } else {
        fail("result_conflict",
             fmt::format("tube {} was found {} already", r.tube_label, *tube->result));
      }
      continue;
    }
    const Round* round = &*rounds.at(tube->round_id);
    planned.push_back(Planned{std::move(*tube), &r, round});
  }
  std::sort(out.errors.begin(), out.errors.end(),
            [](const ResultRowError& a, const ResultRowError& b) { return a.row < b.row; });
  if (!out.errors.empty()) {
    out.applied = Applied{};
    return out;
  }
  // In batches of kTubeBatch tubes: the tubes' results, then their members'; a short batch is
  // padded with tube 0, which names no tube.
  for (size_t from = 0; from < planned.size(); from += kTubeBatch) {
    std::vector<store::Param> tubes_params, members_params;
    for (size_t k = 0; k < static_cast<size_t>(kTubeBatch); ++k) {
      if (from + k >= planned.size()) {
        tubes_params.insert(tubes_params.end(),
                            {int64_t{0}, std::string_view(), int64_t{0}, std::string_view()});
        members_params.insert(members_params.end(), {int64_t{0}, std::string_view(), int64_t{0}});
        continue;
      }
      const Planned& p = planned[from + k];
      const bool positive = p.result->finding == Finding::kPositive;
      const bool pool = p.tube.kind == TubeKind::kPool;
      tubes_params.insert(tubes_params.end(), {p.tube.id, finding_name(p.result->finding),
                                               p.result->at, std::string_view(p.result->lab)});
      std::string_view outcome = !positive ? "negative" : pool ? "recalled" : "positive";
      members_params.insert(members_params.end(), {p.tube.id, outcome, p.result->at});
      (!positive ? out.applied.cleared
       : pool    ? out.applied.recalled
                 : out.applied.positives) += p.tube.members;
    }
    KB_TRY(c.exec(set_tube_results(), tubes_params));
    KB_TRY(c.exec(record_member_results(), members_params));
  }
  out.applied.tubes = static_cast<int64_t>(planned.size());
  // Positive pools call every member back; a positive individual waits for an official.
  std::map<const Round*, std::vector<int64_t>> recalled;
  for (const auto& p : planned) {
    if (p.result->finding != Finding::kPositive) continue;
    if (p.tube.kind == TubeKind::kIndividual) {
      KB_TRY(c.exec(kAwaitConfirmation, {p.tube.id}));
      continue;
    }
    KB_ASSIGN(auto members, c.query(kSelectTubeMembers, {p.tube.id}));
    for (const auto& m : members) recalled[p.round].push_back(m.i64(0));
  }
  for (const auto& [round, people] : recalled) {
    KB_ASSIGN(auto sent, send_recalls(c, *round, people, now));
    out.applied.messaged.insert(out.applied.messaged.end(), sent.begin(), sent.end());
  }
  // Negative results count for the release of people in home care (few among those tested).
  std::optional<int64_t> first_negative;
  for (const auto& p : planned) {
    if (p.result->finding == Finding::kNegative)
      first_negative = std::min(first_negative.value_or(p.result->at), p.result->at);
  }
  if (first_negative) {
    KB_ASSIGN(auto negatives, c.query(kNegativesInHomeCare, {*first_negative}));
    for (const auto& n : negatives) {
      if (auto at = n.opt_i64(1)) KB_TRY(monitoring::note_negative_test(c, n.i64(0), *at, now));
    }
  }
  return out;
}

Result<std::vector<Positive>> awaiting_confirmation(store::Connection& c,
                                                    const accounts::User& official, int64_t limit) {
  KB_TRY(access::official(official));
  KB_ASSIGN(auto rows, c.query(kSelectAwaiting));
  std::vector<Positive> out;
  for (const auto& r : rows) {
    if (static_cast<int64_t>(out.size()) >= limit) break;
    if (!access::in_charge_of(official, r.str(kSampleColumns + 3), r.str(kSampleColumns + 4)))
      continue;
    out.push_back(Positive{sample_from(r), sealing::reveal(r.str(kSampleColumns)),
                           sealing::reveal(r.str(kSampleColumns + 1)), r.str(kSampleColumns + 2),
                           r.str(kSampleColumns + 5)});
  }
  return out;
}

namespace {
// The sample awaiting confirmation, if the official sees its round.
Result<Sample> awaiting_sample(store::Connection& c, const accounts::User& official,
                               int64_t sample_id) {
  KB_TRY(access::official(official));
  KB_ASSIGN(auto row, c.query_one(kSelectSample, {sample_id}));
  Error missing{ErrorKind::kNotFound, "sample_not_found", "no such test", "id"};
  if (!row) return missing;
  Sample s = sample_from(*row);
  auto round = visible_round(c, official, s.round_id);
  if (!round.ok()) return missing;
  if (s.confirmation != std::optional<std::string>("pending")) {
    return conflict("id", "not_awaiting", "this result is not awaiting a decision");
  }
  return s;
}
}  // namespace

Result<int64_t> confirm_positive(store::Connection& c, const trace::ExposureRule& rule,
                                 const areas::AreaDirectory& areas, const accounts::User& official,
                                 int64_t sample_id, int64_t now) {
  KB_ASSIGN(Sample s, awaiting_sample(c, official, sample_id));
  cases::NewCase n;
  n.person.person_id = s.person_id;
  n.test_date = s.result_at.value_or(s.taken_at);
  n.notes = fmt::format("Xét nghiệm {} dương tính (mẫu {})", s.kind == "rapid" ? "nhanh" : "RT-PCR",
                        s.id);
  KB_ASSIGN(cases::Recorded rec, cases::record_case(c, rule, areas, official, n, now));
  KB_TRY(c.exec(kDecideSample, {s.id, std::string_view("confirmed"), rec.kase.id}));
  return rec.kase.id;
}

Status dismiss_positive(store::Connection& c, const accounts::User& official, int64_t sample_id) {
  KB_ASSIGN(Sample s, awaiting_sample(c, official, sample_id));
  KB_TRY(c.exec(kDecideSample, {s.id, std::string_view("dismissed"), Param{nullptr}}));
  return {};
}

Result<std::vector<MyInvitation>> invitations_of_account(store::Connection& c, int64_t account_id,
                                                         std::string_view phone) {
  KB_ASSIGN(auto rows, c.query(kSelectInvitationsOfAccount, {account_id}));
  KB_ASSIGN(auto unmanaged, people::unmanaged_with_phone(c, phone));
  for (int64_t person_id : unmanaged) {
    KB_ASSIGN(auto theirs, c.query(kSelectOpenInvitationsOfPerson, {person_id}));
    for (auto& r : theirs) rows.push_back(std::move(r));
  }
  std::vector<MyInvitation> out;
  for (const auto& r : rows)
    out.push_back(MyInvitation{r.i64(0), r.str(1), sealing::reveal(r.str(2)), r.str(3)});
  return out;
}

Result<std::vector<MyTest>> tests_of_account(store::Connection& c, int64_t account_id) {
  KB_ASSIGN(auto rows, c.query(kSelectTestsOfAccount, {account_id}));
  std::vector<MyTest> out;
  for (const auto& r : rows) {
    out.push_back(MyTest{sample_from(r), sealing::reveal(r.str(kSampleColumns)),
                         r.str(kSampleColumns + 1), r.str(kSampleColumns + 2)});
  }
  return out;
}

}  // namespace kb::testing
