// Clusters (ổ dịch): a venue where at least `min_cases` confirmed cases (not marked as errors)
// stayed during their infectious windows within `window` of each other. Computed on demand
// from the cases of the last `lookback` and their visits, so marking a case as an error or
// closing nothing needs no bookkeeping: the board always reflects the cases as they stand.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "accounts/accounts.h"
#include "areas/area_directory.h"
#include "core/result.h"
#include "store/database.h"
#include "trace/exposure.h"

namespace kb::cases {

struct ClusterRule {
  int64_t window_seconds = 7 * 86400;
  int64_t min_cases = 2;
  int64_t lookback_seconds = 28 * 86400;  // cases isolated longer ago than this are history
};

struct Cluster {
  int64_t venue_id = 0;
  std::string venue_name, venue_code, province_code, ward_code, street;
  int64_t case_count = 0;     // distinct cases that stayed at the venue (over the lookback)
  int64_t peak_cases = 0;     // most distinct cases within one window
  int64_t exposed_count = 0;  // distinct F1 recorded for exposures at the venue
  int64_t first_visit = 0;    // earliest and latest case stay start
  int64_t last_visit = 0;
  std::vector<int64_t> case_ids;
};

// The clusters at venues inside the official's jurisdiction, the largest first (kForbidden for
// anyone but a health official).
Result<std::vector<Cluster>> find_clusters(store::Connection& c, const trace::ExposureRule& rule,
                                           const ClusterRule& cluster_rule,
                                           const accounts::User& official, int64_t now);

}  // namespace kb::cases
