#include "identity/candidates.h"

#include <fmt/format.h>

#include <boost/json.hpp>

#include "access/policy.h"
#include "audit/audit_log.h"
#include "crypto/sealing.h"
#include "health/health_status.h"
#include "identity/resolve.h"

namespace kb::identity {
namespace {

using store::Param;
using store::Sql;

#define KB_CANDIDATE_COLUMNS                                                                       \
  "c.id, c.person_id, c.match_id, c.rule, c.evidence, c.door, c.province_code, c.ward_code, "      \
  "c.match_province_code, c.match_ward_code, c.status, c.created_at, c.decided_by, c.decided_at, " \
  "c.decision_reason, c.merge_id"
// The summary of both records that a queue line shows.
#define KB_QUEUE_COLUMNS                                                        \
  KB_CANDIDATE_COLUMNS                                                          \
  ", p.full_name, p.birth_date, p.sex, p.phone, p.id_number, p.province_code, " \
  "p.ward_code, m.full_name, m.birth_date, m.sex, m.phone, m.id_number, "       \
  "m.province_code, m.ward_code FROM identity_candidates c "                    \
  "JOIN people p ON p.id = c.person_id JOIN people m ON m.id = c.match_id "

constexpr Sql kInsert{"insert_identity_candidate",
                      "INSERT INTO identity_candidates(person_id, match_id, rule, evidence, door, "
                      "province_code, ward_code, "
                      "match_province_code, match_ward_code, status, created_at) VALUES ($1, $2, "
                      "$3, $4, $5, $6, $7, $8, $9, "
                      "'open', $10) ON CONFLICT (person_id, match_id) DO NOTHING RETURNING id"};
constexpr Sql kSelectPairId{
    "select_identity_candidate_id",
    "SELECT id FROM identity_candidates WHERE person_id = $1 AND match_id = $2"};
constexpr Sql kSelect{"select_identity_candidate",
                      "SELECT " KB_CANDIDATE_COLUMNS " FROM identity_candidates c WHERE c.id = $1"};
// One statement per level, so that each reads its own index.
constexpr Sql kQueueNational{"identity_queue_national",
                             "SELECT " KB_QUEUE_COLUMNS
                             "WHERE c.status = $1 AND c.id < $2 ORDER BY c.id DESC LIMIT $3"};
constexpr Sql kQueueProvince{
    "identity_queue_province",
    "SELECT " KB_QUEUE_COLUMNS
    "WHERE c.province_code = $4 AND c.status = $1 AND c.match_province_code = $4 "
    "AND c.id < $2 ORDER BY c.id DESC LIMIT $3"};
constexpr Sql kQueueWard{"identity_queue_ward",
                         "SELECT " KB_QUEUE_COLUMNS
                         "WHERE c.ward_code = $4 AND c.status = $1 AND c.match_ward_code = $4 "
                         "AND c.id < $2 ORDER BY c.id DESC LIMIT $3"};
constexpr Sql kDismiss{"dismiss_identity_candidate",
                       "UPDATE identity_candidates SET status = 'dismissed', decided_by = $2, "
                       "decided_at = $3, decision_reason = $4 "
                       "WHERE id = $1 AND status = 'open'"};
constexpr Sql kCountVisits{"identity_count_visits",
                           "SELECT COUNT(*) FROM visits WHERE person_id = $1"};
constexpr Sql kCountDeclarations{"identity_count_declarations",
                                 "SELECT COUNT(*) FROM declarations WHERE person_id = $1"};
constexpr Sql kCountCases{"identity_count_cases",
                          "SELECT COUNT(*) FROM cases WHERE person_id = $1"};

Error no_pair() {
  return make_error(ErrorKind::kNotFound, "candidate_not_found", "no such candidate pair");
}

Result<Candidate> from_row(const store::Row& r) {
  Candidate k;
  k.id = r.i64(0);
  k.person_id = r.i64(1);
  k.match_id = r.i64(2);
  k.rule = r.str(3);
  k.evidence = r.str(4);
  k.door = r.str(5);
  k.province_code = r.str(6);
  k.ward_code = r.str(7);
  k.match_province_code = r.str(8);
  k.match_ward_code = r.str(9);
  auto status = parse_pair_status(r.str(10));
  if (!status.ok()) return internal("identity_candidates has an unknown status");
  k.status = *status;
  k.created_at = r.i64(11);
  k.decided_by = r.opt_i64(12);
  k.decided_at = r.opt_i64(13);
  k.decision_reason = r.str(14);
  k.merge_id = r.opt_i64(15);
  return k;
}

PersonSummary summary_at(const store::Row& r, size_t from, int64_t id) {
  return {id,
          sealing::reveal(r.str(from)),  // sealed at rest (crypto/sealing.h)
          r.str(from + 1),
          r.str(from + 2),
          sealing::reveal(r.str(from + 3)),
          sealing::reveal(r.str(from + 4)),
          r.str(from + 5),
          r.str(from + 6)};
}

bool sees(const accounts::User& official, const Candidate& k) {
  return access::in_charge_of(official, k.province_code, k.ward_code) &&
         access::in_charge_of(official, k.match_province_code, k.match_ward_code);
}

Result<int64_t> count(store::Connection& c, const Sql& sql, int64_t person_id) {
  KB_ASSIGN(auto row, c.query_one(sql, {person_id}));
  return row ? row->i64(0) : 0;
}

Result<Side> side_of(store::Connection& c, int64_t person_id) {
  KB_ASSIGN(auto p, people::find_record(c, person_id));
  if (!p) return internal(fmt::format("person {} of a candidate pair is gone", person_id));
  Side s;
  s.person = std::move(*p);
  KB_ASSIGN(s.identifiers, identifiers_of(c, person_id));
  KB_ASSIGN(auto status, health::stored_status(c, person_id));
  s.colour = status.colour;
  s.reason = status.reason;
  s.account_holder = s.person.is_self;
  s.managed = s.person.account_id.has_value();
  KB_ASSIGN(s.visits, count(c, kCountVisits, person_id));
  KB_ASSIGN(s.declarations, count(c, kCountDeclarations, person_id));
  KB_ASSIGN(s.cases, count(c, kCountCases, person_id));
  return s;
}

}  // namespace

std::string_view pair_status_name(PairStatus s) {
  switch (s) {
    case PairStatus::kOpen:
      return "open";
    case PairStatus::kMerged:
      return "merged";
    case PairStatus::kDismissed:
      return "dismissed";
  }
  return "open";
}

Result<PairStatus> parse_pair_status(std::string_view text, std::string_view field) {
  if (text == "open") return PairStatus::kOpen;
  if (text == "merged") return PairStatus::kMerged;
  if (text == "dismissed") return PairStatus::kDismissed;
  return invalid(std::string(field), "invalid_status", "status must be open, merged or dismissed");
}

std::string evidence_json(const Comparison& c) {
  boost::json::object o{
      {"name", name_match_name(c.name)},    {"birth_date", agreement_name(c.birth_date)},
      {"sex", agreement_name(c.sex)},       {"ward", agreement_name(c.ward)},
      {"phone", agreement_name(c.phone)},   {"phone_proven", c.phone_proven},
      {"verdict", verdict_name(c.verdict)}, {"rule", c.rule}};
  o["different_identifier"] = c.different_identifier
                                  ? boost::json::value(kind_name(*c.different_identifier))
                                  : boost::json::value(nullptr);
  return boost::json::serialize(o);
}

Result<int64_t> queue_pair(store::Connection& c, const people::Person& a, const people::Person& b,
                           const Comparison& comparison, std::string_view rule,
                           std::string_view door, int64_t now) {
  const people::Person& newer = a.id > b.id ? a : b;
  const people::Person& older = a.id > b.id ? b : a;
  auto [province, ward] = area_of(newer);
  auto [match_province, match_ward] = area_of(older);
  // A record with no area at all is seen by whoever sees the other one.
  if (province.empty() && ward.empty())
    std::tie(province, ward) = std::tie(match_province, match_ward);
  if (match_province.empty() && match_ward.empty())
    std::tie(match_province, match_ward) = std::tie(province, ward);
  std::string evidence = evidence_json(comparison);
  KB_ASSIGN(
      auto row,
      c.query_one(kInsert, {newer.id, older.id, rule, std::string_view(evidence), door,
                            std::string_view(province), std::string_view(ward),
                            std::string_view(match_province), std::string_view(match_ward), now}));
  if (row) return row->i64(0);
  KB_ASSIGN(auto existing, c.query_one(kSelectPairId, {newer.id, older.id}));
  if (!existing) return internal("a candidate pair is neither new nor stored");
  return existing->i64(0);
}

Result<Candidate> candidate_for(store::Connection& c, const accounts::User& official, int64_t id) {
  KB_TRY(access::official(official));
  KB_ASSIGN(auto row, c.query_one(kSelect, {id}));
  if (!row) return no_pair();
  KB_ASSIGN(Candidate k, from_row(*row));
  if (!sees(official, k)) return no_pair();
  return k;
}

Result<std::vector<QueueLine>> queue_for(store::Connection& c, const accounts::User& official,
                                         const QueueFilter& f) {
  KB_TRY(access::official(official));
  const areas::Jurisdiction& j = *official.jurisdiction;
  std::string_view status = pair_status_name(f.status);
  int64_t before = f.before_id.value_or(INT64_MAX);
  store::Rows rows;
  switch (j.level) {
    case areas::Jurisdiction::Level::kNational: {
      KB_ASSIGN(rows, c.query(kQueueNational, {status, before, f.limit}));
      break;
    }
    case areas::Jurisdiction::Level::kProvince: {
      KB_ASSIGN(rows, c.query(kQueueProvince, {status, before, f.limit, std::string_view(j.code)}));
      break;
    }
    case areas::Jurisdiction::Level::kWard: {
      KB_ASSIGN(rows, c.query(kQueueWard, {status, before, f.limit, std::string_view(j.code)}));
      break;
    }
  }
  std::vector<QueueLine> out;
  out.reserve(rows.size());
  for (const auto& r : rows) {
    KB_ASSIGN(Candidate k, from_row(r));
    QueueLine line{std::move(k), {}, {}};
    line.person = summary_at(r, 16, line.pair.person_id);
    line.match = summary_at(r, 23, line.pair.match_id);
    out.push_back(std::move(line));
  }
  return out;
}

Result<PairFile> pair_file(store::Connection& c, const accounts::User& official, int64_t id) {
  PairFile f;
  KB_ASSIGN(f.pair, candidate_for(c, official, id));
  KB_ASSIGN(f.person, side_of(c, f.pair.person_id));
  KB_ASSIGN(f.match, side_of(c, f.pair.match_id));
  KB_ASSIGN(Details a, details_of(c, f.person.person));
  KB_ASSIGN(Details b, details_of(c, f.match.person));
  f.now = compare(a, b);
  return f;
}

Result<Candidate> dismiss(store::Connection& c, const accounts::User& official, int64_t id,
                          std::string_view reason, int64_t now) {
  KB_ASSIGN(Candidate k, candidate_for(c, official, id));
  KB_ASSIGN(int64_t changed, c.exec(kDismiss, {id, official.id, now, reason}));
  if (changed == 0) {
    return Error{ErrorKind::kConflict, "candidate_closed",
                 fmt::format("this pair is already {}", pair_status_name(k.status)), "id"};
  }
  KB_TRY(audit::record(c,
                       {now, official.id, "identity.dismiss", fmt::format("candidate:{}", id),
                        reason, fmt::format("person:{} person:{}", k.person_id, k.match_id)},
                       official));
  return candidate_for(c, official, id);
}

}  // namespace kb::identity
