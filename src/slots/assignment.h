// Who gets which slot, decided without a database so the rule can be read and tested alone:
// people in priority order (a lower rank first; the same rank in the order given), each to the
// earliest slot with a free place at the nearest site — a site in their own ward first, then one
// in their province, then any. Someone for whom no place is left gets none.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kb::slots {

struct Candidate {
  int64_t id = 0;    // the owner's id for them (a person)
  int64_t rank = 0;  // priority: 0 first
  std::string province_code, ward_code;
};

struct OpenSlot {
  int64_t id = 0;
  int64_t starts_at = 0;
  int64_t free = 0;
  std::string province_code, ward_code;  // the site's
};

// 0 same ward, 1 same province, 2 elsewhere.
int distance(const Candidate& who, const OpenSlot& where);

struct Assignment {
  int64_t candidate_id = 0;
  std::optional<int64_t> slot_id;  // none: no place left
};
std::vector<Assignment> assign(std::vector<Candidate> candidates, std::vector<OpenSlot> slots);

}  // namespace kb::slots
