#include "levels/levels.h"

#include <fmt/format.h>

#include <charconv>
#include <map>
#include <set>
#include <unordered_map>

#include "access/policy.h"
#include "audit/audit_log.h"

namespace kb::levels {
namespace {

using store::Param;
using store::Sql;

#define KB_LEVEL_COLUMNS                                                                           \
  "area_code, kind, province_code, level, computed_level, community_cases, population, coverage, " \
  "raised, "                                                                                       \
  "override_id, override_level, override_reason, override_expires_at, explanation, "               \
  "explanation_vi, since, "                                                                        \
  "computed_at"

constexpr Sql kSelectAllLevels{"select_all_area_levels",
                               "SELECT " KB_LEVEL_COLUMNS " FROM area_levels"};
constexpr Sql kSelectProvinceLevels{"select_province_levels",
                                    "SELECT " KB_LEVEL_COLUMNS
                                    " FROM area_levels WHERE kind = 'province' ORDER BY area_code"};
constexpr Sql kSelectWardLevels{
    "select_ward_levels",
    "SELECT " KB_LEVEL_COLUMNS
    " FROM area_levels WHERE kind = 'ward' AND province_code = $1 ORDER BY area_code"};
constexpr Sql kSelectAreaLevel{"select_area_level",
                               "SELECT " KB_LEVEL_COLUMNS " FROM area_levels WHERE area_code = $1"};
constexpr Sql kUpsertLevel{
    "upsert_area_level",
    "INSERT INTO area_levels(" KB_LEVEL_COLUMNS
    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) "
    "ON CONFLICT (area_code) DO UPDATE SET level = excluded.level, computed_level = "
    "excluded.computed_level, "
    "community_cases = excluded.community_cases, population = excluded.population, coverage = "
    "excluded.coverage, "
    "raised = excluded.raised, override_id = excluded.override_id, override_level = "
    "excluded.override_level, "
    "override_reason = excluded.override_reason, override_expires_at = "
    "excluded.override_expires_at, "
    "explanation = excluded.explanation, explanation_vi = excluded.explanation_vi, since = "
    "excluded.since, "
    "computed_at = excluded.computed_at"};
constexpr Sql kInsertHistory{
    "insert_area_level_history",
    "INSERT INTO area_level_history(area_code, level, cause, explanation, explanation_vi, at) "
    "VALUES ($1, $2, $3, $4, $5, $6)"};
constexpr Sql kSelectHistory{"select_area_level_history",
                             "SELECT at, level, cause, explanation, explanation_vi FROM "
                             "area_level_history WHERE area_code = $1 "
                             "ORDER BY id DESC LIMIT $2"};
constexpr Sql kSelectComputedAt{"select_levels_computed_at",
                                "SELECT value FROM settings WHERE name = 'levels.computed_at'"};
constexpr Sql kSetComputedAt{"set_levels_computed_at",
                             "INSERT INTO settings(name, value) VALUES ('levels.computed_at', $1) "
                             "ON CONFLICT (name) DO UPDATE SET value = excluded.value"};

// Community cases: cases found among people already in quarantine never count, nor errors.
constexpr Sql kCommunityCases{
    "count_community_cases",
    "SELECT province_code, ward_code, COUNT(*) FROM cases WHERE found_in = 'community' AND status "
    "<> 'error' "
    "AND test_date > $1 AND test_date <= $2 GROUP BY province_code, ward_code"};
constexpr Sql kSelectPopulation{"select_ward_populations",
                                "SELECT ward_code, population FROM ward_populations"};
constexpr Sql kSelectCoverage{"select_ward_coverage",
                              "SELECT ward_code, adults, first_dose FROM ward_coverage"};
constexpr Sql kOverridesInForce{"select_level_overrides_in_force",
                                "SELECT id, area_code, level, reason, expires_at FROM "
                                "level_overrides WHERE lifted_at IS NULL AND "
                                "expires_at > $1 ORDER BY id"};
constexpr Sql kInsertOverride{
    "insert_level_override",
    "INSERT INTO level_overrides(area_code, level, reason, expires_at, set_by, set_at) "
    "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id"};
// A new override replaces the one in force; lifting ends it early.
constexpr Sql kLiftOverrides{"lift_level_overrides",
                             "UPDATE level_overrides SET lifted_at = $2, lifted_by = $3, "
                             "lift_reason = $4 WHERE area_code = $1 AND "
                             "lifted_at IS NULL AND expires_at > $2"};
constexpr Sql kUpsertPopulation{"upsert_ward_population",
                                "INSERT INTO ward_populations(ward_code, population, updated_at, "
                                "updated_by) VALUES ($1, $2, $3, $4) "
                                "ON CONFLICT (ward_code) DO UPDATE SET population = "
                                "excluded.population, updated_at = excluded.updated_at, "
                                "updated_by = excluded.updated_by"};
constexpr Sql kUpsertCoverage{"upsert_ward_coverage",
                              "INSERT INTO ward_coverage(ward_code, adults, first_dose, "
                              "updated_at, updated_by) VALUES ($1, $2, $3, $4, $5) "
                              "ON CONFLICT (ward_code) DO UPDATE SET adults = excluded.adults, "
                              "first_dose = excluded.first_dose, "
                              "updated_at = excluded.updated_at, updated_by = excluded.updated_by"};

Param opt(const std::optional<int64_t>& v) { return v ? Param{*v} : Param{nullptr}; }
Param opt(const std::optional<int>& v) { return v ? Param{int64_t{*v}} : Param{nullptr}; }
Param opt(const std::optional<double>& v) { return v ? Param{*v} : Param{nullptr}; }

std::optional<int> opt_int(const store::Row& r, size_t i) {
  auto v = r.opt_i64(i);
  return v ? std::optional<int>(static_cast<int>(*v)) : std::nullopt;
}

AreaLevel level_from_row(const store::Row& r) {
  AreaLevel a;
  a.code = r.str(0);
  a.kind = r.str(1) == "province" ? AreaKind::kProvince : AreaKind::kWard;
  a.province_code = r.str(2);
  a.level = opt_int(r, 3);
  a.computed = opt_int(r, 4);
  a.community_cases = r.i64(5);
  a.population = r.opt_i64(6);
  if (!r.is_null(7)) a.coverage = r.f64(7);
  a.raised_for_coverage = r.i64(8) != 0;
  if (!r.is_null(9))
    a.override_ = Override{r.i64(9), static_cast<int>(r.i64(10)), r.str(11), r.i64(12)};
  a.explanation = r.str(13);
  a.explanation_vi = r.str(14);
  a.since = r.i64(15);
  a.computed_at = r.i64(16);
  return a;
}

Result<std::vector<AreaLevel>> levels_of(store::Connection& c, const Sql& sql,
                                         std::initializer_list<Param> params) {
  KB_ASSIGN(auto rows, c.query(sql, params));
  std::vector<AreaLevel> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(level_from_row(r));
  return out;
}

// Whether what the public sees of an area differs (the time of the reading aside).
bool same_reading(const AreaLevel& a, const AreaLevel& b) {
  auto override_id = [](const AreaLevel& x) { return x.override_ ? x.override_->id : 0; };
  return a.level == b.level && a.computed == b.computed && a.community_cases == b.community_cases &&
         a.population == b.population && a.coverage == b.coverage &&
         a.raised_for_coverage == b.raised_for_coverage && override_id(a) == override_id(b) &&
         a.explanation == b.explanation && a.explanation_vi == b.explanation_vi;
}

Status store_level(store::Connection& c, const AreaLevel& a) {
  Param o_id = a.override_ ? Param{a.override_->id} : Param{nullptr};
  Param o_level = a.override_ ? Param{int64_t{a.override_->level}} : Param{nullptr};
  Param o_reason = a.override_ ? Param{std::string_view(a.override_->reason)} : Param{nullptr};
  Param o_expires = a.override_ ? Param{a.override_->expires_at} : Param{nullptr};
  std::array<Param, 17> params{std::string_view(a.code),
                               kind_name(a.kind),
                               std::string_view(a.province_code),
                               opt(a.level),
                               opt(a.computed),
                               a.community_cases,
                               opt(a.population),
                               opt(a.coverage),
                               int64_t{a.raised_for_coverage},
                               o_id,
                               o_level,
                               o_reason,
                               o_expires,
                               std::string_view(a.explanation),
                               std::string_view(a.explanation_vi),
                               a.since,
                               a.computed_at};
  KB_TRY(c.exec(kUpsertLevel, std::span<const Param>(params)));
  return {};
}

// The figures of every area, read in one pass.
struct Figures {
  std::unordered_map<std::string, int64_t> cases;  // area code → community cases in the window
  std::unordered_map<std::string, int64_t> population;
  std::unordered_map<std::string, std::pair<int64_t, int64_t>> coverage;  // adults, first dose
  std::unordered_map<std::string, Override> overrides;
};

Result<Figures> read_figures(store::Connection& c, const LevelRule& rule, int64_t now) {
  Figures f;
  KB_ASSIGN(auto cases, c.query(kCommunityCases, {now - rule.window_days * 86400, now}));
  for (const auto& r : cases) {
    std::string province = r.str(0), ward = r.str(1);
    int64_t n = r.i64(2);
    if (!province.empty()) f.cases[province] += n;
    if (!ward.empty()) f.cases[ward] += n;
  }
  KB_ASSIGN(auto population, c.query(kSelectPopulation));
  for (const auto& r : population) f.population[r.str(0)] = r.i64(1);
  KB_ASSIGN(auto coverage, c.query(kSelectCoverage));
  for (const auto& r : coverage) f.coverage[r.str(0)] = {r.i64(1), r.i64(2)};
  KB_ASSIGN(auto overrides, c.query(kOverridesInForce, {now}));
  for (const auto& r : overrides) {
    f.overrides[r.str(1)] = Override{r.i64(0), static_cast<int>(r.i64(2)), r.str(3), r.i64(4)};
  }
  return f;
}

// What decide() needs for one area; a province sums its wards.
LevelFacts facts_of(const Figures& f, const areas::AreaDirectory& areas, const std::string& code,
                    bool province, int64_t now) {
  LevelFacts facts;
  facts.now = now;
  if (auto it = f.cases.find(code); it != f.cases.end()) facts.community_cases = it->second;
  if (auto it = f.overrides.find(code); it != f.overrides.end()) facts.override_ = it->second;
  int64_t population = 0, adults = 0, first_dose = 0;
  auto add = [&](const std::string& ward) {
    if (auto it = f.population.find(ward); it != f.population.end()) population += it->second;
    if (auto it = f.coverage.find(ward); it != f.coverage.end()) {
      adults += it->second.first;
      first_dose += it->second.second;
    }
  };
  if (province) {
    for (const auto* w : areas.wards_of(code)) add(w->code);
  } else {
    add(code);
  }
  if (population > 0) facts.population = population;
  if (adults > 0) facts.coverage = static_cast<double>(first_dose) / static_cast<double>(adults);
  return facts;
}

AreaLevel reading(const LevelDecision& d, const LevelFacts& facts, std::string code, AreaKind kind,
                  std::string province, int64_t now) {
  AreaLevel a;
  a.code = std::move(code);
  a.kind = kind;
  a.province_code = std::move(province);
  a.level = d.level;
  a.computed = d.computed;
  a.community_cases = facts.community_cases;
  a.population = facts.population;
  a.coverage = facts.coverage;
  a.raised_for_coverage = d.raised_for_coverage;
  a.override_ = d.override_;
  a.explanation = d.explanation;
  a.explanation_vi = d.explanation_vi;
  a.since = now;
  a.computed_at = now;
  return a;
}

Cause cause_of(const AreaLevel& before, const AreaLevel& after) {
  auto id = [](const AreaLevel& x) { return x.override_ ? x.override_->id : 0; };
  if (after.override_ && id(after) != id(before)) return Cause::kOverride;
  return Cause::kRule;
}

// Decides every area and stores what changed. `cause` overrides the cause recorded for `area`.
Result<Recomputed> decide_all(store::Connection& c, const areas::AreaDirectory& areas,
                              const LevelRule& rule, int64_t now, std::string_view area = {},
                              std::optional<Cause> cause = {}) {
  KB_ASSIGN(Figures figures, read_figures(c, rule, now));
  KB_ASSIGN(auto stored, levels_of(c, kSelectAllLevels, {}));
  std::unordered_map<std::string, AreaLevel> before;
  for (auto& a : stored) before.emplace(a.code, std::move(a));
  Recomputed out;
  auto one = [&](const std::string& code, AreaKind kind, const std::string& province) -> Status {
    LevelFacts facts = facts_of(figures, areas, code, kind == AreaKind::kProvince, now);
    AreaLevel after = reading(decide(rule, facts), facts, code, kind, province, now);
    ++out.areas;
    auto it = before.find(code);
    bool known = it != before.end();
    if (known && same_reading(it->second, after)) return {};
    bool level_changed = !known || it->second.level != after.level;
    if (known && !level_changed) after.since = it->second.since;
    KB_TRY(store_level(c, after));
    ++out.changed;
    Cause why =
        cause && code == area ? *cause : (known ? cause_of(it->second, after) : Cause::kRule);
    bool override_changed =
        known && (it->second.override_.has_value() != after.override_.has_value() ||
                  (after.override_ && it->second.override_->id != after.override_->id));
    if ((level_changed && (known || after.level)) || override_changed || (cause && code == area)) {
      ++out.level_changes;
      KB_TRY(c.exec(kInsertHistory, {std::string_view(code), opt(after.level), cause_name(why),
                                     std::string_view(after.explanation),
                                     std::string_view(after.explanation_vi), now}));
    }
    return {};
  };
  for (const auto& p : areas.provinces()) {
    KB_TRY(one(p.code, AreaKind::kProvince, p.code));
    for (const auto* w : areas.wards_of(p.code)) KB_TRY(one(w->code, AreaKind::kWard, p.code));
  }
  KB_TRY(c.exec(kSetComputedAt, {std::string_view(std::to_string(now))}));
  return out;
}

// The area and its province, for the access check.
struct AreaRef {
  std::string province, ward;
};
std::optional<AreaRef> find_area(const areas::AreaDirectory& areas, std::string_view code) {
  if (const auto* p = areas.province(code)) return AreaRef{p->code, ""};
  if (const auto* w = areas.ward(code)) return AreaRef{w->province_code, w->code};
  return std::nullopt;
}

// CSV lines split into cells; a BOM, a header line (first cell not a number) and blank lines
// are skipped. Cells are trimmed; quotes are not needed for codes and numbers and not accepted.
struct CsvLine {
  int number = 0;
  std::vector<std::string_view> cells;
};
std::vector<CsvLine> csv_lines(std::string_view text) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  std::vector<CsvLine> out;
  int number = 0;
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    ++number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    CsvLine l{number, {}};
    for (size_t start = 0;;) {
      size_t comma = line.find(',', start);
      std::string_view cell =
          line.substr(start, comma == std::string_view::npos ? line.npos : comma - start);
      while (!cell.empty() && (cell.front() == ' ' || cell.front() == '\t' || cell.front() == '"'))
        cell.remove_prefix(1);
      while (!cell.empty() && (cell.back() == ' ' || cell.back() == '\t' || cell.back() == '"'))
        cell.remove_suffix(1);
      l.cells.push_back(cell);
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
    if (l.cells.size() == 1 && l.cells[0].empty()) continue;
    bool header = out.empty() && number <= 1 && !l.cells[0].empty() &&
                  (l.cells[0][0] < '0' || l.cells[0][0] > '9');
    if (!header) out.push_back(std::move(l));
  }
  return out;
}

Result<int64_t> count_cell(const CsvLine& l, size_t i, std::string_view field) {
  std::string_view cell = i < l.cells.size() ? l.cells[i] : std::string_view();
  if (cell.empty())
    return invalid(std::string(field), "missing_field",
                   fmt::format("line {}: no {}", l.number, field));
  int64_t v = 0;
  bool negative = cell.front() == '-';
  auto digits = negative ? cell.substr(1) : cell;
  auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (ec != std::errc() || p != digits.data() + digits.size() || digits.empty()) {
    return invalid(std::string(field), "invalid_number",
                   fmt::format("line {}: {} is not a whole number", l.number, field));
  }
  if (negative) {
    return invalid(std::string(field), fmt::format("negative_{}", field),
                   fmt::format("line {}: {} cannot be negative", l.number, field));
  }
  if (v > kMaxWardPopulation) {
    return invalid(std::string(field), fmt::format("absurd_{}", field),
                   fmt::format("line {}: {} {} is more than any ward holds ({})", l.number, field,
                               v, kMaxWardPopulation));
  }
  return v;
}

Result<std::string> ward_cell(const CsvLine& l, const areas::AreaDirectory& areas,
                              std::set<std::string>& seen) {
  std::string code(l.cells[0]);
  if (code.empty())
    return invalid("ward_code", "missing_field", fmt::format("line {}: no ward code", l.number));
  if (!areas.ward(code)) {
    return invalid("ward_code", "unknown_ward",
                   fmt::format("line {}: no ward has the code {}", l.number, code));
  }
  if (!seen.insert(code).second) {
    return invalid("ward_code", "duplicate_ward",
                   fmt::format("line {}: ward {} appears twice", l.number, code));
  }
  return code;
}

Status check_columns(const CsvLine& l, size_t want, std::string_view columns) {
  if (l.cells.size() != want) {
    return invalid("csv", "wrong_columns",
                   fmt::format("line {}: expected {} columns ({}), found {}", l.number, want,
                               columns, l.cells.size()));
  }
  return {};
}

Status in_charge_of_wards(const accounts::User& official, const areas::AreaDirectory& areas,
                          const std::vector<std::string>& wards) {
  KB_TRY(access::official(official));
  for (const auto& code : wards) {
    const auto* w = areas.ward(code);
    if (!w || !access::in_charge_of(official, w->province_code, w->code)) {
      return Error{ErrorKind::kForbidden, "outside_jurisdiction",
                   fmt::format("ward {} is outside your jurisdiction", code), "ward_code"};
    }
  }
  return {};
}

}  // namespace

std::string_view kind_name(AreaKind kind) {
  return kind == AreaKind::kProvince ? "province" : "ward";
}

std::string_view cause_name(Cause cause) {
  switch (cause) {
    case Cause::kRule:
      return "rule";
    case Cause::kOverride:
      return "override";
    case Cause::kOverrideLifted:
      return "override_lifted";
  }
  return "rule";
}

Result<int64_t> computed_at(store::Connection& c) {
  KB_ASSIGN(auto row, c.query_one(kSelectComputedAt));
  if (!row) return int64_t{0};
  return static_cast<int64_t>(std::stoll(row->str(0)));
}

Result<std::vector<AreaLevel>> province_levels(store::Connection& c) {
  return levels_of(c, kSelectProvinceLevels, {});
}

Result<std::vector<AreaLevel>> ward_levels(store::Connection& c, std::string_view province_code) {
  return levels_of(c, kSelectWardLevels, {province_code});
}

Result<std::optional<AreaLevel>> area_level(store::Connection& c, std::string_view code) {
  KB_ASSIGN(auto row, c.query_one(kSelectAreaLevel, {code}));
  if (!row) return std::optional<AreaLevel>();
  return std::optional<AreaLevel>(level_from_row(*row));
}

Result<std::vector<HistoryEntry>> history(store::Connection& c, std::string_view code,
                                          int64_t limit) {
  KB_ASSIGN(auto rows, c.query(kSelectHistory, {code, limit}));
  std::vector<HistoryEntry> out;
  for (const auto& r : rows) out.push_back({r.i64(0), opt_int(r, 1), r.str(2), r.str(3), r.str(4)});
  return out;
}

Result<Recomputed> recompute(store::Connection& c, const areas::AreaDirectory& areas,
                             const LevelRule& rule, int64_t now) {
  return decide_all(c, areas, rule, now);
}

Status check_override(const NewOverride& o, const areas::AreaDirectory& areas, int64_t now) {
  if (!find_area(areas, o.area_code))
    return invalid("area_code", "unknown_area", "no province or ward has this code");
  if (o.level < kMinLevel || o.level > kMaxLevel)
    return invalid("level", "invalid_level", "the level is 1, 2, 3 or 4");
  if (o.reason.empty()) return invalid("reason", "missing_reason", "an override needs a reason");
  if (o.expires_at <= now)
    return invalid("expires_at", "expired", "the expiry must be in the future");
  if (o.expires_at > now + 90 * 86400) {
    return invalid("expires_at", "too_far",
                   "an override lasts at most 90 days; set it again after");
  }
  return {};
}

Result<AreaLevel> set_override(store::Connection& c, const areas::AreaDirectory& areas,
                               const LevelRule& rule, const accounts::User& official,
                               const NewOverride& o, int64_t now) {
  KB_TRY(check_override(o, areas, now));
  auto area = *find_area(areas, o.area_code);
  KB_TRY(access::in_charge(official, area.province, area.ward));
  KB_TRY(c.exec(kLiftOverrides, {std::string_view(o.area_code), now, official.id, "replaced"}));
  KB_ASSIGN(auto row, c.query_one(kInsertOverride,
                                  {std::string_view(o.area_code), int64_t{o.level},
                                   std::string_view(o.reason), o.expires_at, official.id, now}));
  if (!row) return internal("insert into level_overrides returned no id");
  KB_TRY(audit::record(c,
                       {now, official.id, "level.override", fmt::format("area:{}", o.area_code),
                        o.reason, fmt::format("level {} until {}", o.level, o.expires_at)},
                       official));
  KB_TRY(decide_all(c, areas, rule, now, o.area_code, Cause::kOverride));
  KB_ASSIGN(auto level, area_level(c, o.area_code));
  if (!level) return internal("the area has no level after recomputing");
  return *level;
}

Result<AreaLevel> lift_override(store::Connection& c, const areas::AreaDirectory& areas,
                                const LevelRule& rule, const accounts::User& official,
                                std::string_view area_code, std::string_view reason, int64_t now) {
  auto area = find_area(areas, area_code);
  if (!area) return invalid("area_code", "unknown_area", "no province or ward has this code");
  if (reason.empty())
    return invalid("reason", "missing_reason", "lifting an override needs a reason");
  KB_TRY(access::in_charge(official, area->province, area->ward));
  KB_ASSIGN(int64_t lifted, c.exec(kLiftOverrides, {area_code, now, official.id, reason}));
  if (lifted == 0)
    return make_error(ErrorKind::kNotFound, "no_override", "no override is in force on this area");
  KB_TRY(audit::record(
      c, {now, official.id, "level.override.lift", fmt::format("area:{}", area_code), reason, ""},
      official));
  KB_TRY(decide_all(c, areas, rule, now, area_code, Cause::kOverrideLifted));
  KB_ASSIGN(auto level, area_level(c, area_code));
  if (!level) return internal("the area has no level after recomputing");
  return *level;
}

Result<std::vector<PopulationRow>> parse_population_csv(std::string_view text,
                                                        const areas::AreaDirectory& areas) {
  std::vector<PopulationRow> out;
  std::set<std::string> seen;
  for (const auto& l : csv_lines(text)) {
    KB_TRY(check_columns(l, 2, "ward_code,population"));
    KB_ASSIGN(std::string code, ward_cell(l, areas, seen));
    KB_ASSIGN(int64_t population, count_cell(l, 1, "population"));
    out.push_back({std::move(code), population});
  }
  if (out.empty()) return invalid("csv", "empty", "no rows: send lines of ward_code,population");
  return out;
}

Result<std::vector<CoverageRow>> parse_coverage_csv(std::string_view text,
                                                    const areas::AreaDirectory& areas) {
  std::vector<CoverageRow> out;
  std::set<std::string> seen;
  for (const auto& l : csv_lines(text)) {
    KB_TRY(check_columns(l, 3, "ward_code,adults,first_dose"));
    KB_ASSIGN(std::string code, ward_cell(l, areas, seen));
    KB_ASSIGN(int64_t adults, count_cell(l, 1, "adults"));
    KB_ASSIGN(int64_t first_dose, count_cell(l, 2, "first_dose"));
    if (first_dose > adults) {
      return invalid("first_dose", "more_than_adults",
                     fmt::format("line {}: more adults with a first dose than adults", l.number));
    }
    out.push_back({std::move(code), adults, first_dose});
  }
  if (out.empty())
    return invalid("csv", "empty", "no rows: send lines of ward_code,adults,first_dose");
  return out;
}

Result<int64_t> import_population(store::Connection& c, const areas::AreaDirectory& areas,
                                  const accounts::User& official,
                                  const std::vector<PopulationRow>& rows, int64_t now) {
  std::vector<std::string> wards;
  for (const auto& r : rows) wards.push_back(r.ward_code);
  KB_TRY(in_charge_of_wards(official, areas, wards));
  for (const auto& r : rows) {
    KB_TRY(
        c.exec(kUpsertPopulation, {std::string_view(r.ward_code), r.population, now, official.id}));
  }
  KB_TRY(audit::record(
      c,
      {now, official.id, "levels.population.import", "", "", fmt::format("{} wards", rows.size())},
      official));
  return static_cast<int64_t>(rows.size());
}

Result<int64_t> import_coverage(store::Connection& c, const areas::AreaDirectory& areas,
                                const accounts::User& official,
                                const std::vector<CoverageRow>& rows, int64_t now) {
  std::vector<std::string> wards;
  for (const auto& r : rows) wards.push_back(r.ward_code);
  KB_TRY(in_charge_of_wards(official, areas, wards));
  for (const auto& r : rows) {
    KB_TRY(c.exec(kUpsertCoverage,
                  {std::string_view(r.ward_code), r.adults, r.first_dose, now, official.id}));
  }
  KB_TRY(audit::record(
      c, {now, official.id, "levels.coverage.import", "", "", fmt::format("{} wards", rows.size())},
      official));
  return static_cast<int64_t>(rows.size());
}

}  // namespace kb::levels
