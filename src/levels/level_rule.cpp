#include "levels/level_rule.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "core/clock.h"

namespace kb::levels {
namespace {

// "62" for rates of 10 and more, "4.5" below, so that small areas still show a difference.
std::string rate_text(double rate) {
  return rate >= 10 ? fmt::format("{:.0f}", rate) : fmt::format("{:.1f}", rate);
}

int percent(double share) { return static_cast<int>(std::lround(share * 100)); }

// "21/11/2026" in Vietnam time.
std::string vn_date(int64_t t) {
  std::string s = format_rfc3339(t);
  return fmt::format("{}/{}/{}", s.substr(8, 2), s.substr(5, 2), s.substr(0, 4));
}

struct Words {
  std::string en, vi;
};

// What the rule found, without the level: the rate and the coverage.
Words figures(const LevelRule& rule, const LevelFacts& f, const std::optional<double>& rate,
              bool raised) {
  Words w;
  if (!rate) {
    w.en = fmt::format("{} new cases in {} days, no population imported", f.community_cases,
                       rule.window_days);
    w.vi =
        fmt::format("{} ca mới trong {} ngày, chưa có số dân", f.community_cases, rule.window_days);
  } else {
    w.en = fmt::format("{} new cases per 100,000 in {} days", rate_text(*rate), rule.window_days);
    w.vi = fmt::format("{} ca mới/100.000 dân trong {} ngày", rate_text(*rate), rule.window_days);
  }
  if (!f.coverage) {
    w.en += "; coverage unknown";
    w.vi += "; chưa có tỷ lệ tiêm chủng";
  } else {
    int pct = percent(*f.coverage);
    w.en += fmt::format("; coverage {} %", pct);
    w.vi += fmt::format("; tỷ lệ người lớn tiêm mũi 1: {} %", pct);
    if (raised) {
      int threshold = percent(rule.coverage_threshold);
      w.en += fmt::format(", below {} %: one level up", threshold);
      w.vi += fmt::format(", dưới {} %: tăng một cấp", threshold);
    }
  }
  return w;
}

}  // namespace

Status check_rule(const LevelRule& rule) {
  if (rule.bands[0] <= 0 || rule.bands[0] >= rule.bands[1] || rule.bands[1] >= rule.bands[2]) {
    return invalid("level-bands", "invalid_bands",
                   "the level bands must be positive and rise strictly");
  }
  if (!(rule.coverage_threshold >= 0 && rule.coverage_threshold <= 1)) {
    return invalid("level-coverage-threshold", "invalid_threshold",
                   "the coverage threshold lies between 0 and 1");
  }
  if (rule.window_days < 1 || rule.window_days > 60) {
    return invalid("level-window-days", "invalid_window", "the window lies between 1 and 60 days");
  }
  return {};
}

int band_of(const LevelRule& rule, double rate) {
  int level = kMinLevel;
  for (double lower : rule.bands) {
    if (rate >= lower) ++level;
  }
  return level;
}

LevelDecision decide(const LevelRule& rule, const LevelFacts& f) {
  LevelDecision d;
  if (f.population && *f.population > 0) {
    d.rate = static_cast<double>(f.community_cases) * 100000.0 / static_cast<double>(*f.population);
    int level = band_of(rule, *d.rate);
    if (f.coverage && *f.coverage < rule.coverage_threshold && level < kMaxLevel) {
      ++level;
      d.raised_for_coverage = true;
    }
    d.computed = level;
  }
  Words words = figures(rule, f, d.rate, d.raised_for_coverage);
  if (f.override_ && f.override_->expires_at > f.now) {
    d.override_ = f.override_;
    d.level = f.override_->level;
    std::string until = vn_date(f.override_->expires_at);
    std::string rule_en =
        d.computed ? fmt::format("level {}", *d.computed) : std::string("no level");
    std::string rule_vi =
        d.computed ? fmt::format("cấp {}", *d.computed) : std::string("chưa xác định");
    d.explanation = fmt::format("level {}: set by an official until {}: {} (the rule gives {}: {})",
                                *d.level, until, f.override_->reason, rule_en, words.en);
    d.explanation_vi = fmt::format("cấp {}: do cán bộ y tế đặt đến {}: {} (theo quy tắc: {}; {})",
                                   *d.level, until, f.override_->reason, rule_vi, words.vi);
    return d;
  }
  d.level = d.computed;
  if (d.level) {
    d.explanation = fmt::format("level {}: {}", *d.level, words.en);
    d.explanation_vi = fmt::format("cấp {}: {}", *d.level, words.vi);
  } else {
    d.explanation = fmt::format("no level: {}", words.en);
    d.explanation_vi = fmt::format("chưa xác định cấp: {}", words.vi);
  }
  return d;
}

}  // namespace kb::levels
