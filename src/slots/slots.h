// Slots: a site's day cut into time slots, each with a capacity, owned by whatever invites
// people to them ("vaccination" campaigns today, mass-testing rounds later). The module knows
// nothing of its owners: it makes slots, books a place in one (never past its capacity), moves a
// booking, releases it, and counts how full each slot is. The owner keeps who holds which
// booking; a booking here is only a count.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "store/database.h"

namespace kb::slots {

// Who owns a slot: a kind and the owner's id ("vaccination", 12).
struct Owner {
  std::string_view kind;
  int64_t id = 0;
};

inline constexpr int64_t kMaxCapacity = 100000;
inline constexpr int64_t kMaxSlotSeconds = 24 * 3600;

struct NewSlot {
  int64_t venue_id = 0;
  std::string day;    // YYYY-MM-DD (Vietnam's day the slot is on)
  std::string start;  // HH:MM, Vietnam time
  std::string end;    // HH:MM, after start
  int64_t capacity = 0;
};

struct Slot {
  int64_t id = 0;
  int64_t venue_id = 0;
  std::string day;
  int64_t starts_at = 0, ends_at = 0;
  int64_t capacity = 0, booked = 0;
  int64_t free() const { return capacity > booked ? capacity - booked : 0; }
};

// The Unix times of a slot's start and end. Errors name `field` (invalid_day, invalid_time,
// end_before_start, capacity).
struct Span {
  int64_t starts_at = 0, ends_at = 0;
};
Result<Span> slot_span(const NewSlot& n, std::string_view field = "slots");

// Adds slots (all or none; errors name `field`). The caller checked the venue belongs to the
// owner.
Result<std::vector<Slot>> add_slots(store::Connection& c, Owner owner,
                                    const std::vector<NewSlot>& slots,
                                    std::string_view field = "slots");
// The owner's slots in time order (with their fill counts).
Result<std::vector<Slot>> slots_of(store::Connection& c, Owner owner);
// One slot of the owner (kNotFound slot_not_found naming `field` otherwise).
Result<Slot> slot_of(store::Connection& c, Owner owner, int64_t slot_id,
                     std::string_view field = "slot_id");

// Books a place: kConflict slot_full naming `field` when no place is left.
Status book(store::Connection& c, int64_t slot_id, std::string_view field = "slot_id");
// Gives a booked place back (never below zero).
Status release(store::Connection& c, int64_t slot_id);
// Moves a booking from `from` (may be empty) to `to`: the new place first, so a full slot
// leaves the old booking as it was.
Status move(store::Connection& c, std::optional<int64_t> from, int64_t to,
            std::string_view field = "slot_id");

// Fill counts per site and day and in total.
struct Fill {
  int64_t venue_id = 0;
  std::string day;
  int64_t capacity = 0, booked = 0;
};
std::vector<Fill> fill_by_site_day(const std::vector<Slot>& slots);

}  // namespace kb::slots
