// A synthetic nation for benchmarks: people with valid-looking CCCD numbers, phones and
// addresses over the real provinces and wards, venues with a realistic size skew (a few
// markets and hospitals with thousands of visits a day, most shops with tens), and days of
// visits with daily peaks — written straight into the database in bulk, in time order.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "areas/area_directory.h"
#include "core/result.h"
#include "store/database.h"

namespace kb::synth {

struct SynthOptions {
  int64_t people = 100'000;
  int64_t venues = 10'000;
  int64_t days = 14;
  int64_t visits_per_day = 100'000;
  int64_t end_time = 0;  // visits end at this Unix time (default: now)
  uint64_t seed = 20200125;
};

struct SynthReport {
  int64_t first_person_id = 0, people = 0;
  int64_t first_venue_id = 0, venues = 0;
  int64_t visits = 0;
  double seconds = 0;
};

// Appends the synthetic data. `progress(line)` is told of each finished stage.
Result<SynthReport> synthesize(store::Database& db, const areas::AreaDirectory& areas,
                               const SynthOptions& options,
                               const std::function<void(const std::string&)>& progress);

}  // namespace kb::synth
