#include "slots/assignment.h"

#include <algorithm>

namespace kb::slots {

int distance(const Candidate& who, const OpenSlot& where) {
  if (!who.ward_code.empty() && who.ward_code == where.ward_code) return 0;
  if (!who.province_code.empty() && who.province_code == where.province_code) return 1;
  return 2;
}

std::vector<Assignment> assign(std::vector<Candidate> candidates, std::vector<OpenSlot> slots) {
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const Candidate& a, const Candidate& b) { return a.rank < b.rank; });
  std::stable_sort(slots.begin(), slots.end(),
                   [](const OpenSlot& a, const OpenSlot& b) { return a.starts_at < b.starts_at; });
  std::vector<Assignment> out;
  out.reserve(candidates.size());
  for (const auto& who : candidates) {
    OpenSlot* best = nullptr;
    for (auto& s : slots) {  // earliest first, so the first at the least distance wins
      if (s.free <= 0) continue;
      if (!best || distance(who, s) < distance(who, *best)) best = &s;
    }
    Assignment a{who.id, std::nullopt};
    if (best) {
      --best->free;
      a.slot_id = best->id;
    }
    out.push_back(a);
  }
  return out;
}

}  // namespace kb::slots
