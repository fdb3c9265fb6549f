// Area risk levels of every province and ward (the rule is level_rule.h): the figures they come
// from (community cases of the last days, population imported per ward, adult first-dose
// coverage), officials' overrides, the current level of each area with its explanation, and the
// history of its changes.
//
// recompute() reads the figures of all 3,355 areas in a few queries, decides each in memory and
// writes only the areas whose level or explanation changed, so that it runs well within a
// second; the scheduler runs it hourly (main.cpp) and officials on demand. A province's figures
// are its wards' together: every community case recorded in the province, over the population
// of its wards that have one imported.
//
// Who may act: health officials, on areas inside their jurisdiction (access::in_charge); a
// ward official sets no province's level. Everyone may read the levels (the public map).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "accounts/accounts.h"
#include "areas/area_directory.h"
#include "core/result.h"
#include "levels/level_rule.h"
#include "store/database.h"

namespace kb::levels {

enum class AreaKind { kProvince, kWard };
std::string_view kind_name(AreaKind kind);

struct AreaLevel {
  std::string code;  // province "79" or ward "26882"
  AreaKind kind = AreaKind::kWard;
  std::string province_code;  // the province itself for a province
  std::optional<int> level;   // none: no population imported and no override
  std::optional<int> computed;
  int64_t community_cases = 0;
  std::optional<int64_t> population;
  std::optional<double> coverage;
  bool raised_for_coverage = false;
  std::optional<Override> override_;
  std::string explanation, explanation_vi;
  int64_t since = 0;        // when the level last changed
  int64_t computed_at = 0;  // when the figures were last read
};

// When all levels were last recomputed (0: never).
Result<int64_t> computed_at(store::Connection& c);
Result<std::vector<AreaLevel>> province_levels(store::Connection& c);
Result<std::vector<AreaLevel>> ward_levels(store::Connection& c, std::string_view province_code);
Result<std::optional<AreaLevel>> area_level(store::Connection& c, std::string_view code);

enum class Cause { kRule, kOverride, kOverrideLifted };
std::string_view cause_name(Cause cause);

struct HistoryEntry {
  int64_t at = 0;
  std::optional<int> level;
  std::string cause;  // rule | override | override_lifted
  std::string explanation, explanation_vi;
};
// Newest first.
Result<std::vector<HistoryEntry>> history(store::Connection& c, std::string_view code,
                                          int64_t limit);

struct Recomputed {
  int64_t areas = 0;
  int64_t changed = 0;  // areas whose level or explanation changed
  int64_t level_changes = 0;
};
// Decides every area's level now and stores what changed (call inside a write job).
Result<Recomputed> recompute(store::Connection& c, const areas::AreaDirectory& areas,
                             const LevelRule& rule, int64_t now);

// ---- overrides ----

struct NewOverride {
  std::string area_code;
  int level = 1;
  std::string reason;
  int64_t expires_at = 0;
};
// Checks the level (1–4), the reason (not empty) and the expiry (after now, within 90 days),
// naming the field; the area must exist (unknown_area, field area_code).
Status check_override(const NewOverride& o, const areas::AreaDirectory& areas, int64_t now);
// Sets the override (replacing one in force) and recomputes; kForbidden outside the official's
// jurisdiction. Returns the area's new level.
Result<AreaLevel> set_override(store::Connection& c, const areas::AreaDirectory& areas,
                               const LevelRule& rule, const accounts::User& official,
                               const NewOverride& o, int64_t now);
// Lifts the override in force on the area (kNotFound no_override when none) and recomputes.
Result<AreaLevel> lift_override(store::Connection& c, const areas::AreaDirectory& areas,
                                const LevelRule& rule, const accounts::User& official,
                                std::string_view area_code, std::string_view reason, int64_t now);

// ---- figures imported per ward ----

struct PopulationRow {
  std::string ward_code;
  int64_t population = 0;
};
inline constexpr int64_t kMaxWardPopulation = 5'000'000;
// `ward_code,population` lines (a header line and a UTF-8 BOM allowed). Every row is checked
// before anything is written: unknown_ward (field ward_code), invalid_population, negative or
// absurd (field population), duplicate_ward; the message names the line.
Result<std::vector<PopulationRow>> parse_population_csv(std::string_view text,
                                                        const areas::AreaDirectory& areas);

struct CoverageRow {
  std::string ward_code;
  int64_t adults = 0;
  int64_t first_dose = 0;  // adults with at least one dose
};
// `ward_code,adults,first_dose` lines; first_dose ≤ adults ≤ kMaxWardPopulation.
Result<std::vector<CoverageRow>> parse_coverage_csv(std::string_view text,
                                                    const areas::AreaDirectory& areas);

// Stores the rows (replacing earlier figures of the same wards); kForbidden when a ward lies
// outside the official's jurisdiction (nothing written). Returns how many rows were stored.
Result<int64_t> import_population(store::Connection& c, const areas::AreaDirectory& areas,
                                  const accounts::User& official,
                                  const std::vector<PopulationRow>& rows, int64_t now);
Result<int64_t> import_coverage(store::Connection& c, const areas::AreaDirectory& areas,
                                const accounts::User& official,
                                const std::vector<CoverageRow>& rows, int64_t now);

}  // namespace kb::levels
