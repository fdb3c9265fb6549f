// A synthetic province under monitoring, for benchmarks (`khaibao admin synth-monitoring`):
// people with phones and birth dates over the province's wards, each under an open order (7 in
// 10 F1 in quarantine, 2 F0 at home reporting twice a day, 1 arrival) started over the last
// `days` days, and their daily reports since (nine in ten slots reported, one person in twelve
// silent for the last two days, one report in two hundred over a threshold with its alert, most
// of them acknowledged) — written straight into the database in bulk, with the board's figures
// and tallies as the server keeps them.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "areas/area_directory.h"
#include "core/result.h"
#include "store/database.h"

namespace kb::monitoring {

struct SynthOptions {
  std::string province_code = "79";
  int64_t people = 200'000;
  int64_t days = 14;
  int64_t now = 0;  // default: the clock
  uint64_t seed = 20211001;
};

struct SynthReport {
  int64_t people = 0, orders = 0, reports = 0, alerts = 0;
  double seconds = 0;
};

Result<SynthReport> synthesize(store::Database& db, const areas::AreaDirectory& areas,
                               const SynthOptions& options,
                               const std::function<void(const std::string&)>& progress);

}  // namespace kb::monitoring
