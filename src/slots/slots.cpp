#include "slots/slots.h"

#include <fmt/format.h>

#include <map>

#include "core/clock.h"

namespace kb::slots {
namespace {

using store::Sql;

constexpr Sql kInsertSlot{
    "slots_insert",
    "INSERT INTO slots (owner_kind, owner_id, venue_id, day, starts_at, ends_at, capacity) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id"};
constexpr Sql kSelectSlots{
    "slots_select_of_owner",
    "SELECT id, venue_id, day, starts_at, ends_at, capacity, booked FROM slots "
    "WHERE owner_kind = $1 AND owner_id = $2 ORDER BY starts_at, id"};
constexpr Sql kSelectSlot{
    "slots_select_one",
    "SELECT id, venue_id, day, starts_at, ends_at, capacity, booked FROM slots "
    "WHERE id = $1 AND owner_kind = $2 AND owner_id = $3"};
constexpr Sql kBook{"slots_book",
                    "UPDATE slots SET booked = booked + 1 WHERE id = $1 AND booked < capacity"};
constexpr Sql kRelease{"slots_release",
                       "UPDATE slots SET booked = booked - 1 WHERE id = $1 AND booked > 0"};

Slot from_row(const store::Row& r) {
  return Slot{r.i64(0), r.i64(1), r.str(2), r.i64(3), r.i64(4), r.i64(5), r.i64(6)};
}

bool digits_at(std::string_view s, std::initializer_list<size_t> at) {
  for (size_t i : at) {
    if (i >= s.size() || s[i] < '0' || s[i] > '9') return false;
  }
  return true;
}

bool is_day(std::string_view s) {
  return s.size() == 10 && s[4] == '-' && s[7] == '-' && digits_at(s, {0, 1, 2, 3, 5, 6, 8, 9});
}

bool is_time(std::string_view s) {
  return s.size() == 5 && s[2] == ':' && digits_at(s, {0, 1, 3, 4});
}

std::optional<int64_t> at(std::string_view day, std::string_view time) {
  return parse_rfc3339(fmt::format("{}T{}:00+07:00", day, time));
}

}  // namespace

Result<Span> slot_span(const NewSlot& n, std::string_view field) {
  std::string f(field);
  if (!is_day(n.day)) return invalid(f, "invalid_day", "a slot's day is YYYY-MM-DD");
  if (!is_time(n.start) || !is_time(n.end)) {
    return invalid(f, "invalid_time", "a slot's start and end are HH:MM");
  }
  auto start = at(n.day, n.start);
  auto end = at(n.day, n.end);
  if (!start || !end) return invalid(f, "invalid_time", "no such day or time");
  if (*end <= *start || *end - *start > kMaxSlotSeconds) {
    return invalid(f, "end_before_start", "a slot ends after it starts, the same day");
  }
  if (n.capacity < 1 || n.capacity > kMaxCapacity) {
    return invalid(f, "invalid_capacity",
                   fmt::format("a slot's capacity is 1 to {} people", kMaxCapacity));
  }
  return Span{*start, *end};
}

Result<std::vector<Slot>> add_slots(store::Connection& c, Owner owner,
                                    const std::vector<NewSlot>& slots, std::string_view field) {
  std::vector<Span> spans;
  for (const auto& n : slots) {
    KB_ASSIGN(Span s, slot_span(n, field));
    spans.push_back(s);
  }
  std::vector<Slot> out;
  for (size_t i = 0; i < slots.size(); ++i) {
    const auto& n = slots[i];
    KB_ASSIGN(auto row,
              c.query_one(kInsertSlot, {owner.kind, owner.id, n.venue_id, std::string_view(n.day),
                                        spans[i].starts_at, spans[i].ends_at, n.capacity}));
    out.push_back(
        Slot{row->i64(0), n.venue_id, n.day, spans[i].starts_at, spans[i].ends_at, n.capacity, 0});
  }
  return out;
}

Result<std::vector<Slot>> slots_of(store::Connection& c, Owner owner) {
  KB_ASSIGN(auto rows, c.query(kSelectSlots, {owner.kind, owner.id}));
  std::vector<Slot> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(from_row(r));
  return out;
}

Result<Slot> slot_of(store::Connection& c, Owner owner, int64_t slot_id, std::string_view field) {
  KB_ASSIGN(auto row, c.query_one(kSelectSlot, {slot_id, owner.kind, owner.id}));
  if (!row) {
    return Error{ErrorKind::kNotFound, "slot_not_found", "no such slot here", std::string(field)};
  }
  return from_row(*row);
}

Status book(store::Connection& c, int64_t slot_id, std::string_view field) {
  KB_ASSIGN(int64_t n, c.exec(kBook, {slot_id}));
  if (n == 0) {
    return Error{ErrorKind::kConflict, "slot_full", "this slot has no free place left",
                 std::string(field)};
  }
  return {};
}

Status release(store::Connection& c, int64_t slot_id) {
  KB_TRY(c.exec(kRelease, {slot_id}));
  return {};
}

Status move(store::Connection& c, std::optional<int64_t> from, int64_t to, std::string_view field) {
  if (from && *from == to) return {};
  KB_TRY(book(c, to, field));
  if (from) KB_TRY(release(c, *from));
  return {};
}

std::vector<Fill> fill_by_site_day(const std::vector<Slot>& slots) {
  std::map<std::pair<int64_t, std::string>, Fill> by;
  for (const auto& s : slots) {
    Fill& f = by[{s.venue_id, s.day}];
    f.venue_id = s.venue_id;
    f.day = s.day;
    f.capacity += s.capacity;
    f.booked += s.booked;
  }
  std::vector<Fill> out;
  for (auto& [key, f] : by) out.push_back(std::move(f));
  return out;
}

}  // namespace kb::slots
