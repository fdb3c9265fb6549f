// Prepares a synthetic store (khaibao admin synth) for the dashboard and levels benchmarks, then
// times the levels recomputation of every ward and province.
//   1. the dashboard's check-in figures, as if the store's visits had come through the door:
//      counted per venue and day once here (the server counts them in memory as they arrive,
//      dashboard/tally.h) and stored with dashboard::flush_checkins;
//   2. a population for every ward and CASES community cases over the last 7 days spread over
//      the wards (people of the store), then dashboard::refresh_figures;
//   3. the people's name keys, which the server's identity.name_keys job would otherwise fill
//      (in the background, for minutes) while the dashboard is measured;
//   4. levels::recompute of all areas, RUNS times, each in its own transaction as the scheduled
//      job runs it; prints the median and the slowest.
// Usage: bench_dashboard DB_URL [CASES=20000] [RUNS=5]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "areas/area_directory.h"
#include "core/clock.h"
#include "core/crypto.h"
#include "dashboard/figures.h"
#include "identity/resolve.h"
#include "levels/levels.h"
#include "schema/schema.h"
#include "store/database.h"

namespace {

using kb::store::Sql;

constexpr Sql kVisitsPerVenueDay{
    "bench_visits_per_venue_day",
    "SELECT venue_id, (t_in + 25200) / 86400, COUNT(*) FROM visits GROUP BY venue_id, "
    "(t_in + 25200) / 86400"};
constexpr Sql kVenues{"bench_venue_areas", "SELECT id, province_code, ward_code FROM venues"};
constexpr Sql kPeople{"bench_people_span",
                      "SELECT COALESCE(MIN(id), 0), COALESCE(MAX(id), 0) FROM people"};
constexpr Sql kPopulation{"bench_population",
                          "INSERT INTO ward_populations(ward_code, population, updated_at) VALUES "
                          "($1, $2, $3) ON CONFLICT (ward_code) DO UPDATE SET population = "
                          "excluded.population"};
constexpr Sql kCase{"bench_case",
                    "INSERT INTO cases(person_id, province_code, ward_code, test_date, status, "
                    "notes, recorded_by, created_at, updated_at, found_in) VALUES ($1, $2, $3, "
                    "$4, 'active', '', 1, $4, $4, 'community')"};

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

template <class T>
bool ok(const kb::Result<T>& r, const char* what) {
  if (r.ok()) return true;
  std::fprintf(stderr, "%s: %s\n", what, r.error().message.c_str());
  return false;
}

bool in_transaction(kb::store::Connection& c, const auto& work, const char* what) {
  if (!ok(c.exec_script("BEGIN"), what)) return false;
  if (!work()) {
    (void)c.exec_script("ROLLBACK");
    return false;
  }
  return ok(c.exec_script("COMMIT"), what);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s DB_URL [CASES] [RUNS]\n", argv[0]);
    return 2;
  }
  kb::crypto_init();
  int cases = argc > 2 ? std::stoi(argv[2]) : 20000;
  int runs = argc > 3 ? std::stoi(argv[3]) : 5;
  auto db = kb::store::Database::open(argv[1], kb::schema::khaibao());
  if (!ok(db, "open")) return 1;
  auto conn = (*db)->connect();
  if (!ok(conn, "connect")) return 1;
  auto& c = **conn;
  auto areas = kb::areas::AreaDirectory::load(c);
  if (!ok(areas, "areas")) return 1;
  int64_t now = static_cast<int64_t>(::time(nullptr));

  // 1. Check-in figures.
  auto t0 = std::chrono::steady_clock::now();
  auto venue_rows = c.query(kVenues);
  if (!ok(venue_rows, "venues")) return 1;
  std::map<int64_t, std::pair<std::string, std::string>> venue_area;
  for (const auto& r : *venue_rows) venue_area[r.i64(0)] = {r.str(1), r.str(2)};
  auto counted = c.query(kVisitsPerVenueDay);
  if (!ok(counted, "count visits")) return 1;
  std::vector<kb::dashboard::VenueDay> days;
  int64_t visits = 0;
  for (const auto& r : *counted) {
    const auto& [province, ward] = venue_area[r.i64(0)];
    days.push_back({r.i64(1), r.i64(0), province, ward, r.i64(2)});
    visits += r.i64(2);
  }
  bool stored = in_transaction(
      c, [&] { return ok(kb::dashboard::flush_checkins(c, days), "flush_checkins"); }, "figures");
  if (!stored) return 1;
  double figures_s = seconds_since(t0);

  // 2. Populations and cases.
  auto people = c.query(kPeople);
  if (!ok(people, "people") || people->empty() || (*people)[0].i64(1) == 0) {
    std::fprintf(stderr, "no people: run `khaibao admin synth` first\n");
    return 1;
  }
  int64_t first = (*people)[0].i64(0);
  uint64_t span = static_cast<uint64_t>((*people)[0].i64(1) - first + 1);
  std::vector<const kb::areas::Ward*> wards;
  for (const auto& p : areas->provinces()) {
    for (const auto* w : areas->wards_of(p.code)) wards.push_back(w);
  }
  std::mt19937_64 rng(16);
  bool seeded = in_transaction(
      c,
      [&] {
        for (const auto* w : wards) {
          int64_t population = 3000 + static_cast<int64_t>(rng() % 60000);
          if (!ok(c.exec(kPopulation, {std::string_view(w->code), population, now}), "population"))
            return false;
        }
        // Skewed over the wards, so that every level occurs: a few wards get most cases.
        for (int i = 0; i < cases; ++i) {
          size_t pick = static_cast<size_t>(rng() % wards.size());
          if (i % 2 == 0) pick %= std::max<size_t>(1, wards.size() / 20);
          const auto* w = wards[pick];
          int64_t person = first + static_cast<int64_t>(rng() % span);
          int64_t tested = now - static_cast<int64_t>(rng() % (7 * 86400));
          if (!ok(c.exec(kCase, {person, std::string_view(w->province_code),
                                 std::string_view(w->code), tested}),
                  "case"))
            return false;
        }
        return ok(kb::dashboard::refresh_figures(c, now), "refresh_figures");
      },
      "seed");
  if (!seeded) return 1;

  // 3. Name keys.
  for (bool more = true; more;) {
    if (!in_transaction(
            c,
            [&] {
              auto filled = kb::identity::fill_name_keys(c, 100000);
              if (!ok(filled, "name keys")) return false;
              more = *filled == 100000;
              return true;
            },
            "name keys"))
      return 1;
  }

  // 4. Levels of every area.
  kb::levels::LevelRule rule;
  std::vector<double> took;
  int64_t recomputed = 0;
  for (int i = 0; i < runs; ++i) {
    auto start = std::chrono::steady_clock::now();
    bool done = in_transaction(
        c,
        [&] {
          auto r = kb::levels::recompute(c, *areas, rule, now + i);
          if (!ok(r, "recompute")) return false;
          recomputed = r->areas;
          return true;
        },
        "levels");
    if (!done) return 1;
    took.push_back(seconds_since(start));
  }
  std::sort(took.begin(), took.end());
  std::printf(
      "visits=%lld venue_days=%zu figures_s=%.1f wards=%zu cases=%d areas=%lld "
      "levels_median_s=%.3f levels_max_s=%.3f\n",
      static_cast<long long>(visits), days.size(), figures_s, wards.size(), cases,
      static_cast<long long>(recomputed), took[took.size() / 2], took.back());
  return 0;
}
