// Check-ins counted as they arrive, in memory, for the officials' dashboards: the door bumps a
// counter after a visit is recorded (a mutex of one of 16 stripes and a hash-map increment:
// nothing measurable next to the write itself), and a thread of each server process hands the
// counts to flush_checkins() (dashboard/figures.h) every couple of seconds. Dashboards read
// the stored figures plus what this process has not stored yet, so an open dashboard moves
// with every check-in through this process, and with those of other processes at their flush.
//
// Thread-safe. Counts taken by take() still show in pending() until settle() says whether they
// were stored (dropped) or not (kept for the next flush). Counts not yet stored are lost if the
// process dies: at most one flush interval of one process's check-ins in the dashboard figures
// (the visits themselves are stored).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace kb::dashboard {

struct VenueDay {
  int64_t day = 0;  // checkin::visit_day
  int64_t venue_id = 0;
  std::string province_code, ward_code;
  int64_t checkins = 0;
};

class CheckinTally {
 public:
  // One check-in (or `n`) at the venue on the day.
  void count(int64_t day, int64_t venue_id, std::string_view province_code,
             std::string_view ward_code, int64_t n = 1);
  // The counts not yet taken, which stay pending until settle().
  std::vector<VenueDay> take();
  // After a flush of what take() returned: stored (forget them) or not (count them again).
  void settle(bool stored);
  // Check-ins counted but not stored yet for an area ("*" for the country, a province or a
  // ward code) on a day.
  int64_t pending(std::string_view area_code, int64_t day) const;
  // How many non-empty flushes have been stored: figures read from the database before a change of
  // it may lack check-ins that pending() no longer counts (BoardCache).
  uint64_t stored_flushes() const { return stored_flushes_.load(); }

 private:
  struct Key {
    int64_t day, id;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    size_t operator()(const Key& k) const { return std::hash<int64_t>()(k.id * 1'000'003 + k.day); }
  };
  struct AreaKey {
    int64_t day;
    std::string area;
    bool operator==(const AreaKey&) const = default;
  };
  struct AreaKeyHash {
    size_t operator()(const AreaKey& k) const {
      return std::hash<std::string>()(k.area) ^ std::hash<int64_t>()(k.day);
    }
  };
  struct Stripe {
    mutable std::mutex mu;
    std::unordered_map<Key, VenueDay, KeyHash> venues;        // guarded by mu
    std::unordered_map<AreaKey, int64_t, AreaKeyHash> areas;  // guarded by mu: counted, not taken
    std::unordered_map<AreaKey, int64_t, AreaKeyHash>
        in_flight;                // guarded by mu: taken, not settled
    std::vector<VenueDay> taken;  // guarded by mu
  };
  static constexpr size_t kStripes = 16;
  std::array<Stripe, kStripes> stripes_;
  std::atomic<uint64_t> stored_flushes_{0};
};

}  // namespace kb::dashboard
