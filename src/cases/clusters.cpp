#include "cases/clusters.h"

#include <algorithm>
#include <map>

#include "access/policy.h"
#include "cases/case.h"
#include "trace/contacts.h"

namespace kb::cases {
namespace {

using store::Sql;

constexpr Sql kRecentCases{"cluster_recent_cases",
                           "SELECT c.id FROM cases c WHERE c.status <> 'error' AND "
                           "(c.isolation_date IS NULL OR c.isolation_date >= $1) "
                           "ORDER BY c.id"};
constexpr Sql kVenue{
    "cluster_venue",
    "SELECT name, code, province_code, ward_code, street FROM venues WHERE id = $1"};
constexpr Sql kExposed{
    "cluster_exposed",
    "SELECT COUNT(DISTINCT k.person_id) FROM contact_exposures e JOIN contacts k ON k.id = "
    "e.contact_id "
    "JOIN cases c ON c.id = e.case_id WHERE e.venue_id = $1 AND k.degree = 1 AND "
    "k.status IN ('pending', 'confirmed', 'converted') AND c.status <> 'error' AND e.source_in >= "
    "$2"};

struct CaseStay {
  int64_t in = 0;
  int64_t case_id = 0;
};

// The most distinct cases whose stays start within `window` of each other.
int64_t peak_distinct(const std::vector<CaseStay>& stays, int64_t window) {
  std::map<int64_t, int> in_window;  // case → stays inside the sliding window
  int64_t best = 0;
  size_t lo = 0;
  for (size_t hi = 0; hi < stays.size(); ++hi) {
    ++in_window[stays[hi].case_id];
    while (stays[hi].in - stays[lo].in > window) {
      if (--in_window[stays[lo].case_id] == 0) in_window.erase(stays[lo].case_id);
      ++lo;
    }
    best = std::max<int64_t>(best, static_cast<int64_t>(in_window.size()));
  }
  return best;
}

}  // namespace

Result<std::vector<Cluster>> find_clusters(store::Connection& c, const trace::ExposureRule& rule,
                                           const ClusterRule& cluster_rule,
                                           const accounts::User& official, int64_t now) {
  KB_TRY(access::official(official));
  const areas::Jurisdiction& j = *official.jurisdiction;
  const int64_t since = now - cluster_rule.lookback_seconds;
  KB_ASSIGN(store::Rows ids, c.query(kRecentCases, {since}));
  std::map<int64_t, std::vector<CaseStay>> by_venue;
  for (const auto& r : ids) {
    KB_ASSIGN(auto kase, find_case(c, r.i64(0)));
    if (!kase) continue;
    KB_ASSIGN(auto stays, trace::source_stays(c, rule, kase->person_id, kase->window(rule, now)));
    for (const auto& s : stays) {
      if (s.stay.out < since) continue;
      by_venue[s.venue_id].push_back({s.stay.in, kase->id});
    }
  }
  std::vector<Cluster> out;
  for (auto& [venue_id, stays] : by_venue) {
    std::sort(stays.begin(), stays.end(),
              [](const CaseStay& a, const CaseStay& b) { return a.in < b.in; });
    int64_t peak = peak_distinct(stays, cluster_rule.window_seconds);
    if (peak < cluster_rule.min_cases) continue;
    KB_ASSIGN(auto v, c.query_one(kVenue, {venue_id}));
    if (!v || !j.covers(v->str(2), v->str(3))) continue;
    Cluster cl;
    cl.venue_id = venue_id;
    cl.venue_name = v->str(0);
    cl.venue_code = v->str(1);
    cl.province_code = v->str(2);
    cl.ward_code = v->str(3);
    cl.street = v->str(4);
    cl.peak_cases = peak;
    cl.first_visit = stays.front().in;
    cl.last_visit = stays.back().in;
    for (const auto& s : stays) cl.case_ids.push_back(s.case_id);
    std::sort(cl.case_ids.begin(), cl.case_ids.end());
    cl.case_ids.erase(std::unique(cl.case_ids.begin(), cl.case_ids.end()), cl.case_ids.end());
    cl.case_count = static_cast<int64_t>(cl.case_ids.size());
    KB_ASSIGN(auto exposed, c.query_one(kExposed, {venue_id, since - rule.max_stay_seconds}));
    cl.exposed_count = exposed ? exposed->i64(0) : 0;
    out.push_back(std::move(cl));
  }
  std::sort(out.begin(), out.end(), [](const Cluster& a, const Cluster& b) {
    if (a.case_count != b.case_count) return a.case_count > b.case_count;
    if (a.last_visit != b.last_visit) return a.last_visit > b.last_visit;
    return a.venue_id < b.venue_id;
  });
  return out;
}

}  // namespace kb::cases
