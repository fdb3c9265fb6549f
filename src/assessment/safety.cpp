#include "assessment/safety.h"

#include "access/policy.h"
#include "audit/audit_log.h"

namespace kb::assessment {
namespace {

using store::Param;
using store::Sql;

constexpr std::array<std::string_view, 4> kClassNames = {"low", "medium", "high", "very_high"};

constexpr Sql kInsertAssessment{
    "insert_venue_assessment",
    "INSERT INTO venue_assessments(venue_id, answers, score, risk_class, assessed_by, "
    "assessed_at, due_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id"};
// venue_safety holds each venue's newest assessment, so that an area's list is one join.
constexpr Sql kUpsertCurrent{
    "upsert_venue_safety",
    "INSERT INTO venue_safety(venue_id, assessment_id, score, risk_class, assessed_at, due_at) "
    "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (venue_id) DO UPDATE SET assessment_id = "
    "excluded.assessment_id, score = excluded.score, risk_class = excluded.risk_class, "
    "assessed_at = excluded.assessed_at, due_at = excluded.due_at"};

#define KB_ASSESSMENT_COLUMNS "a.id, a.venue_id, a.answers, a.assessed_by, a.assessed_at, a.due_at"
constexpr Sql kSelectCurrent{"select_current_venue_assessment",
                             "SELECT " KB_ASSESSMENT_COLUMNS
                             " FROM venue_safety s JOIN venue_assessments a ON a.id = "
                             "s.assessment_id WHERE s.venue_id = $1"};

// The open venues of an area ($1 province or '', $2 ward or '') counted by where they stand.
constexpr Sql kCountArea{
    "count_venue_safety_of_area",
    "SELECT COUNT(*), "
    "COALESCE(SUM(CASE WHEN s.venue_id IS NULL THEN 1 ELSE 0 END), 0), "
    "COALESCE(SUM(CASE WHEN s.due_at <= $3 THEN 1 ELSE 0 END), 0), "
    "COALESCE(SUM(CASE WHEN s.due_at > $3 AND s.risk_class = 'low' THEN 1 ELSE 0 END), 0), "
    "COALESCE(SUM(CASE WHEN s.due_at > $3 AND s.risk_class = 'medium' THEN 1 ELSE 0 END), 0), "
    "COALESCE(SUM(CASE WHEN s.due_at > $3 AND s.risk_class = 'high' THEN 1 ELSE 0 END), 0), "
    "COALESCE(SUM(CASE WHEN s.due_at > $3 AND s.risk_class = 'very_high' THEN 1 ELSE 0 END), 0) "
    "FROM venues v LEFT JOIN venue_safety s ON s.venue_id = v.id "
    "WHERE v.status = 'open' AND ($1 = '' OR v.province_code = $1) AND ($2 = '' OR v.ward_code = "
    "$2)"};
// $4: a class ('' any) among current assessments; $5 = 1: overdue or never assessed only.
// Lowest score first, never assessed before all.
constexpr Sql kListArea{
    "list_venue_safety_of_area",
    "SELECT v.id, v.name, v.code, v.province_code, v.ward_code, v.street, " KB_ASSESSMENT_COLUMNS
    " FROM venues v LEFT JOIN venue_safety s ON s.venue_id = v.id LEFT JOIN venue_assessments a "
    "ON a.id = s.assessment_id WHERE v.status = 'open' AND ($1 = '' OR v.province_code = $1) AND "
    "($2 = '' OR v.ward_code = $2) AND ($4 = '' OR (s.risk_class = $4 AND s.due_at > $3)) AND "
    "($5 = 0 OR s.venue_id IS NULL OR s.due_at <= $3) "
    "ORDER BY COALESCE(s.score, -1), v.id LIMIT $6"};

std::string answers_text(const Answers& answers) {
  std::string out;
  for (size_t i = 0; i < kChecklist.size(); ++i) {
    if (!answers[i]) continue;
    if (!out.empty()) out += ',';
    out += kChecklist[i].key;
  }
  return out;
}

Answers answers_from(std::string_view text) {
  Answers a{};
  while (!text.empty()) {
    size_t comma = text.find(',');
    std::string_view key = text.substr(0, comma);
    for (size_t i = 0; i < kChecklist.size(); ++i) a[i] = a[i] || kChecklist[i].key == key;
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
  }
  return a;
}

// Reads KB_ASSESSMENT_COLUMNS starting at column `at`.
Assessment from_row(const store::Row& r, size_t at) {
  Assessment a;
  a.id = r.i64(at);
  a.venue_id = r.i64(at + 1);
  a.answers = answers_from(r.str(at + 2));
  a.score = score(a.answers);
  a.assessed_by = r.i64(at + 3);
  a.assessed_at = r.i64(at + 4);
  a.due_at = r.i64(at + 5);
  return a;
}

// (province, ward) of a jurisdiction for the area queries; both empty for the country.
std::pair<std::string, std::string> area_params(const areas::Jurisdiction& j) {
  switch (j.level) {
    case areas::Jurisdiction::Level::kProvince:
      return {j.code, ""};
    case areas::Jurisdiction::Level::kWard:
      return {"", j.code};
    case areas::Jurisdiction::Level::kNational:
      break;
  }
  return {"", ""};
}

}  // namespace

std::string_view class_name(RiskClass c) { return kClassNames[static_cast<size_t>(c)]; }

Result<RiskClass> parse_class(std::string_view text, std::string_view field) {
  for (size_t i = 0; i < kClassNames.size(); ++i) {
    if (text == kClassNames[i]) return static_cast<RiskClass>(i);
  }
  return invalid(std::string(field), "invalid_risk_class",
                 "the class is one of low, medium, high, very_high");
}

Score score(const Answers& answers) {
  Score s;
  bool critical_unmet = false;
  for (size_t i = 0; i < kChecklist.size(); ++i) {
    if (answers[i]) {
      s.points += kChecklist[i].weight;
    } else {
      s.unmet.push_back(kChecklist[i].key);
      critical_unmet = critical_unmet || kChecklist[i].critical;
    }
  }
  if (s.points >= 80) {
    s.risk_class = RiskClass::kLow;
  } else if (s.points >= 60) {
    s.risk_class = RiskClass::kMedium;
  } else if (s.points >= 40) {
    s.risk_class = RiskClass::kHigh;
  } else {
    s.risk_class = RiskClass::kVeryHigh;
  }
  if (critical_unmet && s.risk_class < RiskClass::kHigh) s.risk_class = RiskClass::kHigh;
  return s;
}

Result<Assessment> assess(store::Connection& c, int64_t venue_id, const Answers& answers,
                          int64_t actor_id, int64_t now) {
  Assessment a;
  a.venue_id = venue_id;
  a.answers = answers;
  a.score = score(answers);
  a.assessed_by = actor_id;
  a.assessed_at = now;
  a.due_at = now + kValidSeconds;
  std::string text = answers_text(answers);
  std::string_view risk = class_name(a.score.risk_class);
  KB_ASSIGN(auto row, c.query_one(kInsertAssessment,
                                  {venue_id, std::string_view(text), int64_t{a.score.points}, risk,
                                   actor_id, now, a.due_at}));
  if (!row) return internal("insert into venue_assessments returned no id");
  a.id = row->i64(0);
  KB_TRY(c.exec(kUpsertCurrent,
                {venue_id, a.id, int64_t{a.score.points}, risk, a.assessed_at, a.due_at}));
  KB_TRY(audit::record(c, {now,
                           actor_id,
                           "venue.safety_assessment",
                           "venue:" + std::to_string(venue_id),
                           {},
                           std::string(risk)}));
  return a;
}

Result<std::optional<Assessment>> current(store::Connection& c, int64_t venue_id) {
  KB_ASSIGN(auto row, c.query_one(kSelectCurrent, {venue_id}));
  if (!row) return std::optional<Assessment>{};
  return std::optional<Assessment>{from_row(*row, 0)};
}

Result<AreaSafety> area_safety(store::Connection& c, const accounts::User& official,
                               const SafetyFilter& filter, int64_t now) {
  KB_TRY(access::official(official));
  auto [province, ward] = area_params(*official.jurisdiction);
  AreaSafety out;
  KB_ASSIGN(auto counts,
            c.query_one(kCountArea, {std::string_view(province), std::string_view(ward), now}));
  if (counts) {
    out.not_assessed = counts->i64(1);
    out.overdue = counts->i64(2);
    out.low = counts->i64(3);
    out.medium = counts->i64(4);
    out.high = counts->i64(5);
    out.very_high = counts->i64(6);
  }
  std::string_view risk = filter.risk_class ? class_name(*filter.risk_class) : "";
  KB_ASSIGN(auto rows, c.query(kListArea, {std::string_view(province), std::string_view(ward), now,
                                           risk, int64_t{filter.overdue_only}, filter.limit}));
  for (const auto& r : rows) {
    VenueSafety v{r.i64(0), r.str(1), r.str(2), r.str(3), r.str(4), r.str(5), std::nullopt};
    if (!r.is_null(6)) v.assessment = from_row(r, 6);
    out.venues.push_back(std::move(v));
  }
  return out;
}

}  // namespace kb::assessment
