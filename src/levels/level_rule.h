// The area risk level rule, in the spirit of Resolution 128/NQ-CP and Decision 4800/QĐ-BYT:
// new community cases per 100,000 people over 7 days fall into bands (level 1 green, 2 yellow,
// 3 orange, 4 red); an area whose adult first-dose coverage is below a threshold goes up one
// level (never past 4); an official's override, while it has not expired, replaces the result.
// Cases found among people already in quarantine are not community cases and never count.
//
// decide() is pure: the recomputation (levels.h) reads the figures and calls it for every area.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "core/result.h"

namespace kb::levels {

inline constexpr int kMinLevel = 1;
inline constexpr int kMaxLevel = 4;

struct LevelRule {
  // Lower bounds, in new community cases per 100,000 over the window, of levels 2, 3 and 4
  // (Decision 4800/QĐ-BYT: < 20, 20–< 50, 50–< 150, ≥ 150).
  std::array<double, 3> bands{20, 50, 150};
  double coverage_threshold = 0.70;  // adult first-dose share below which the level goes up one
  int64_t window_days = 7;
};
// The bands must rise strictly and be positive; the threshold lies in [0, 1]. Errors name the
// command-line option.
Status check_rule(const LevelRule& rule);

struct Override {
  int64_t id = 0;
  int level = 1;
  std::string reason;
  int64_t expires_at = 0;
};

// What the rule decides from.
struct LevelFacts {
  int64_t community_cases = 0;        // in the window
  std::optional<int64_t> population;  // none (or 0): not imported
  std::optional<double> coverage;     // adult first-dose share; none: unknown
  std::optional<Override> override_;  // the newest one not lifted; ignored once expired
  int64_t now = 0;
};

struct LevelDecision {
  // 1–4; none when the rate cannot be computed (no population) and no override stands.
  std::optional<int> level;
  std::optional<int> computed;  // what the rule alone gives
  std::optional<double> rate;   // cases per 100,000 over the window
  bool raised_for_coverage = false;
  std::optional<Override> override_;  // the override in force
  std::string explanation;  // English: "level 3: 62 new cases per 100,000 in 7 days; coverage 81 %"
  std::string explanation_vi;  // the same in Vietnamese
};

LevelDecision decide(const LevelRule& rule, const LevelFacts& facts);

// The band of a rate alone (1–4).
int band_of(const LevelRule& rule, double rate);

}  // namespace kb::levels
