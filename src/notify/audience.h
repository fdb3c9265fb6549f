// Who a broadcast reaches: the whole country, or provinces and wards, optionally narrowed by
// a filter on the people living there. A broadcast is stored once with one coverage row per
// area (table message_areas, with the filter); an inbox read matches the reader's addresses
// against those rows, so sending never touches one row per recipient.
//
// Adding a filter (for example everyone under quarantine): a Filter value, its name in
// filter_name/parse_filter, its condition on `people p` in inbox.cpp's coverage clause and
// in count_people below.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "areas/area_directory.h"
#include "core/periodic_task.h"
#include "core/result.h"
#include "store/database.h"

namespace kb::notify {

enum class Filter {
  kEveryone,         // everyone whose address is in the areas
  kUnderQuarantine,  // … and who is under quarantine now (people.quarantine_until > now)
};
std::string_view filter_name(Filter f);
Result<Filter> parse_filter(std::string_view text, std::string_view field = "audience.filter");

struct Audience {
  bool national = false;
  std::vector<std::string> provinces;  // codes
  std::vector<std::string> wards;      // codes; wards inside a listed province are dropped
  Filter filter = Filter::kEveryone;

  // The coverage rows: "*" for national, else the province and ward codes.
  std::vector<std::string> area_codes() const;
  std::string to_json() const;
  static Audience from_json(std::string_view text);
};

// Checks every code against the directory (errors name audience.provinces / audience.wards,
// code unknown_area), drops duplicates and wards of listed provinces, refuses an empty
// audience (field audience), and refuses areas outside `jurisdiction` (kForbidden,
// outside_jurisdiction).
Result<Audience> check_audience(Audience audience, const areas::AreaDirectory& areas,
                                const areas::Jurisdiction& jurisdiction);

// Whether the whole audience lies inside `jurisdiction` (for approvals and recalls).
bool within(const Audience& audience, const areas::Jurisdiction& jurisdiction,
            const areas::AreaDirectory& areas);

// How many people one area holds (an exact count over the people table: O(people in it)).
Result<int64_t> count_area(store::Connection& c, const areas::AreaDirectory& areas,
                           std::string_view code, Filter filter, int64_t now);

// Area head-counts. Small areas (under kExactBelow people) are counted exactly every time —
// cheap, and exact where a wrong figure would show; bigger ones reuse a figure at most
// `max_age` old (from the CensusThread or an earlier count), so a preview or an accept for a
// province of millions costs milliseconds. Thread-safe.
class AudienceCounter {
 public:
  explicit AudienceCounter(std::chrono::seconds max_age = std::chrono::seconds(600))
      : max_age_(max_age) {}

  struct Count {
    int64_t total = 0;
    std::vector<std::pair<std::string, int64_t>> by_area;  // code → people
  };
  static constexpr int64_t kExactBelow = 50'000;
  Result<Count> count(store::Connection& c, const areas::AreaDirectory& areas,
                      const Audience& audience, int64_t now);
  std::chrono::seconds max_age() const { return max_age_; }
  // Counts every province and ward (filter everyone) in one pass over the people index and
  // caches the figures, so that no accept has to count.
  Status refresh_all(store::Connection& c, const areas::AreaDirectory& areas);

 private:
  std::chrono::seconds max_age_;
  std::mutex mu_;
  std::map<std::string, std::pair<int64_t, std::chrono::steady_clock::time_point>>
      cache_;  // guarded by mu_
};

// Runs AudienceCounter::refresh_all at start and then every `interval` on its own thread.
class CensusThread {
 public:
  CensusThread(store::Database& db, AudienceCounter& counter, const areas::AreaDirectory& areas,
               std::chrono::seconds interval);
  ~CensusThread();
  void start();
  void stop();

 private:
  store::Database& db_;
  AudienceCounter& counter_;
  const areas::AreaDirectory& areas_;
  std::chrono::seconds interval_;
  PeriodicTask task_;  // last: stopped before the members it uses go
};

}  // namespace kb::notify
