#include "dashboard/tally.h"

namespace kb::dashboard {

void CheckinTally::count(int64_t day, int64_t venue_id, std::string_view province_code,
                         std::string_view ward_code, int64_t n) {
  Stripe& s = stripes_[static_cast<uint64_t>(venue_id) % kStripes];
  std::lock_guard lock(s.mu);
  auto [it, created] = s.venues.try_emplace(Key{day, venue_id});
  if (created)
    it->second = VenueDay{day, venue_id, std::string(province_code), std::string(ward_code), 0};
  it->second.checkins += n;
  s.areas[AreaKey{day, "*"}] += n;
  if (!province_code.empty()) s.areas[AreaKey{day, std::string(province_code)}] += n;
  if (!ward_code.empty()) s.areas[AreaKey{day, std::string(ward_code)}] += n;
}

std::vector<VenueDay> CheckinTally::take() {
  std::vector<VenueDay> out;
  for (Stripe& s : stripes_) {
    std::lock_guard lock(s.mu);
    for (auto& [key, v] : s.venues) {
      s.taken.push_back(v);
      out.push_back(std::move(v));
    }
    s.venues.clear();
    for (auto& [key, n] : s.areas) s.in_flight[key] += n;
    s.areas.clear();
  }
  return out;
}

void CheckinTally::settle(bool stored) {
  bool any = false;
  for (Stripe& s : stripes_) {
    std::lock_guard lock(s.mu);
    any = any || !s.taken.empty();
    if (!stored) {
      for (auto& v : s.taken) {
        auto [it, created] = s.venues.try_emplace(Key{v.day, v.venue_id}, v);
        if (!created) it->second.checkins += v.checkins;
      }
      for (auto& [key, n] : s.in_flight) s.areas[key] += n;
    }
    s.taken.clear();
    s.in_flight.clear();
  }
  if (stored && any) ++stored_flushes_;
}

int64_t CheckinTally::pending(std::string_view area_code, int64_t day) const {
  AreaKey key{day, std::string(area_code)};
  int64_t n = 0;
  for (const Stripe& s : stripes_) {
    std::lock_guard lock(s.mu);
    if (auto it = s.areas.find(key); it != s.areas.end()) n += it->second;
    if (auto it = s.in_flight.find(key); it != s.in_flight.end()) n += it->second;
  }
  return n;
}

}  // namespace kb::dashboard
