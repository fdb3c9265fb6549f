// Slots (slots/slots.h, slots/assignment.h): a slot's time span from its day and hours, the
// assignment rule (priority first, then the nearest site, earliest slot), the fill counts, and
// booking on both databases.
#include "slots/slots.h"

#include <gtest/gtest.h>

#include <optional>

#include "schema/schema.h"
#include "scratch_database.h"
#include "slots/assignment.h"
#include "store/writer.h"

namespace kb::slots {
namespace {

OpenSlot slot(int64_t id, int64_t starts_at, int64_t free, std::string ward,
              std::string province = "79") {
  return OpenSlot{id, starts_at, free, std::move(province), std::move(ward)};
}

Candidate person(int64_t id, int64_t rank, std::string ward, std::string province = "79") {
  return Candidate{id, rank, std::move(province), std::move(ward)};
}

std::optional<int64_t> slot_of(const std::vector<Assignment>& plan, int64_t id) {
  for (const auto& a : plan) {
    if (a.candidate_id == id) return a.slot_id;
  }
  return std::nullopt;
}

TEST(SlotAssignment, PriorityFirstWhateverTheOrderGiven) {
  // One place only: the lower rank gets it though listed last.
  auto plan =
      assign({person(1, 2, "A"), person(2, 1, "A"), person(3, 0, "B")}, {slot(10, 100, 1, "A")});
  EXPECT_EQ(slot_of(plan, 3), 10);
  EXPECT_EQ(slot_of(plan, 2), std::nullopt);
  EXPECT_EQ(slot_of(plan, 1), std::nullopt);
  EXPECT_EQ(plan.front().candidate_id, 3);
}

TEST(SlotAssignment, SameWardThenSameProvinceThenAnywhere) {
  std::vector<OpenSlot> slots = {slot(10, 100, 5, "A"), slot(11, 200, 5, "B"),
                                 slot(12, 50, 5, "C", "01")};
  auto plan = assign({person(1, 0, "B"), person(2, 0, "Z"), person(3, 0, "Q", "48")}, slots);
  EXPECT_EQ(slot_of(plan, 1), 11) << "own ward although a slot elsewhere is earlier";
  EXPECT_EQ(slot_of(plan, 2), 10) << "same province, the earliest there";
  EXPECT_EQ(slot_of(plan, 3), 12) << "another province: the earliest anywhere";
  EXPECT_EQ(distance(person(1, 0, "B"), slots[1]), 0);
  EXPECT_EQ(distance(person(1, 0, "B"), slots[0]), 1);
  EXPECT_EQ(distance(person(1, 0, "B"), slots[2]), 2);
}

TEST(SlotAssignment, FullSlotsOverflowToTheNextNearestAndThenToNone) {
  auto plan = assign({person(1, 0, "A"), person(2, 0, "A"), person(3, 0, "A"), person(4, 0, "A")},
                     {slot(11, 200, 1, "A"), slot(10, 100, 1, "A"), slot(12, 100, 1, "B")});
  EXPECT_EQ(slot_of(plan, 1), 10);  // earliest first
  EXPECT_EQ(slot_of(plan, 2), 11);
  EXPECT_EQ(slot_of(plan, 3), 12);  // own ward full: the province's
  EXPECT_EQ(slot_of(plan, 4), std::nullopt);
}

TEST(SlotSpan, DayAndHoursInVietnamTime) {
  auto span = slot_span(NewSlot{1, "2027-01-15", "08:00", "09:30", 10});
  ASSERT_TRUE(span.ok());
  EXPECT_EQ(span->starts_at, 1799974800);  // 2027-01-15T08:00:00+07:00
  EXPECT_EQ(span->ends_at - span->starts_at, 5400);
  EXPECT_EQ(slot_span(NewSlot{1, "15/01/2027", "08:00", "09:00", 1}).error().code, "invalid_day");
  EXPECT_EQ(slot_span(NewSlot{1, "2027-01-15", "8h", "09:00", 1}).error().code, "invalid_time");
  EXPECT_EQ(slot_span(NewSlot{1, "2027-01-15", "09:00", "09:00", 1}).error().code,
            "end_before_start");
  EXPECT_EQ(slot_span(NewSlot{1, "2027-01-15", "08:00", "09:00", 0}).error().code,
            "invalid_capacity");
  EXPECT_EQ(slot_span(NewSlot{1, "2027-02-30", "08:00", "09:00", 1}).error().field, "slots");
}

TEST(SlotFill, SumsBySiteAndDay) {
  std::vector<Slot> slots = {{1, 7, "2027-01-15", 0, 1, 10, 4},
                             {2, 7, "2027-01-15", 1, 2, 10, 10},
                             {3, 7, "2027-01-16", 0, 1, 5, 0},
                             {4, 8, "2027-01-15", 0, 1, 3, 3}};
  auto fill = fill_by_site_day(slots);
  ASSERT_EQ(fill.size(), 3u);
  EXPECT_EQ(fill[0].venue_id, 7);
  EXPECT_EQ(fill[0].capacity, 20);
  EXPECT_EQ(fill[0].booked, 14);
  EXPECT_EQ(fill[1].day, "2027-01-16");
  EXPECT_EQ(fill[2].booked, 3);
  EXPECT_EQ(slots[1].free(), 0);
}

// Booking, moving and releasing on each database: a slot never holds more than its capacity, and
// a move into a full slot leaves the booking where it was.
class SlotBooking : public ::testing::TestWithParam<store::Dialect> {
 protected:
  void SetUp() override {
    scratch_.emplace(GetParam(), "slots");
    if (!scratch_->available()) GTEST_SKIP() << test_support::ScratchDatabase::kSkipReason;
    auto db = store::Database::open(scratch_->url(), schema::khaibao());
    ASSERT_TRUE(db.ok()) << db.error().message;
    db_ = std::move(db).value();
    auto made = write([](store::Connection& c) -> Status {
      return c.exec_script(
          "INSERT INTO users (role, username, created_at) VALUES ('venue_staff', 'm', 0);"
          "INSERT INTO venues (code, name, kind, province_code, ward_code, street, status, "
          "created_by, created_at, updated_at) VALUES ('abcdefghjk', 'Trạm y tế', 'hospital', "
          "'79', '26743', '', 'open', 1, 0, 0);");
    });
    ASSERT_TRUE(made.ok()) << made.error().message;
  }
  template <class F>
  auto write(F f) -> decltype(f(std::declval<store::Connection&>())) {
    return db_->writer().write_sync(f);
  }
  std::vector<Slot> all() {
    auto r = db_->read([](store::Connection& c) { return slots_of(c, kOwner); });
    return r.ok() ? *r : std::vector<Slot>{};
  }
  static constexpr Owner kOwner{"vaccination", 1};
  std::optional<test_support::ScratchDatabase> scratch_;
  std::unique_ptr<store::Database> db_;
};

TEST_P(SlotBooking, NeverPastCapacityAndMovesAllOrNothing) {
  auto added = write([](store::Connection& c) {
    return add_slots(c, kOwner,
                     {NewSlot{1, "2027-01-15", "09:00", "10:00", 1},
                      NewSlot{1, "2027-01-15", "08:00", "09:00", 2}});
  });
  ASSERT_TRUE(added.ok()) << added.error().message;
  int64_t nine = (*added)[0].id, eight = (*added)[1].id;
  EXPECT_EQ(all().front().id, eight) << "in time order";
  for (int i = 0; i < 2; ++i) {
    EXPECT_TRUE(write([&](store::Connection& c) { return book(c, eight); }).ok());
  }
  auto full = write([&](store::Connection& c) { return book(c, eight); });
  ASSERT_FALSE(full.ok());
  EXPECT_EQ(full.error().code, "slot_full");
  EXPECT_TRUE(write([&](store::Connection& c) { return move(c, eight, nine); }).ok());
  auto moved = write([&](store::Connection& c) { return move(c, eight, nine); });
  EXPECT_EQ(moved.error().code, "slot_full");
  auto slots = all();
  EXPECT_EQ(slots[0].booked, 1);  // 08:00: one moved out, the failed move changed nothing
  EXPECT_EQ(slots[1].booked, 1);
  EXPECT_TRUE(write([&](store::Connection& c) { return release(c, nine); }).ok());
  EXPECT_TRUE(write([&](store::Connection& c) { return release(c, nine); }).ok());
  EXPECT_EQ(all()[1].booked, 0) << "never below zero";
  auto other = db_->read([&](store::Connection& c) {
    return slot_of(c, Owner{"testing", 1}, eight);
  });
  EXPECT_EQ(other.error().code, "slot_not_found");
  auto fill = fill_by_site_day(all());
  ASSERT_EQ(fill.size(), 1u);
  EXPECT_EQ(fill[0].capacity, 3);
  EXPECT_EQ(fill[0].booked, 1);
}

INSTANTIATE_TEST_SUITE_P(Databases, SlotBooking,
                         ::testing::Values(store::Dialect::kSqlite, store::Dialect::kPostgres),
                         [](const auto& info) {
                           return info.param == store::Dialect::kSqlite ? "sqlite" : "postgres";
                         });

}  // namespace
}  // namespace kb::slots
