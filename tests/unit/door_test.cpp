// The door's planning step, without a database: venue state, the caller's rights at the
// venue, kiosk freshness, people managed by the caller, and the trust each path earns.
#include "checkin/door.h"

#include <gtest/gtest.h>

#include "venues/kiosk.h"

namespace kb::checkin {
namespace {

using access::VenueRole;
using accounts::Role;

constexpr int64_t kNow = 1'800'000'000;

venues::Venue venue(venues::VenueStatus status = venues::VenueStatus::kOpen) {
  venues::Venue v;
  v.id = 7;
  v.code = "abcdefghjk";
  v.status = status;
  return v;
}

accounts::User user(Role role) {
  accounts::User u;
  u.id = 42;
  u.role = role;
  return u;
}

std::string code_of(const Result<DoorPlan>& r) { return r.ok() ? "ok" : r.error().code; }

TEST(DoorPlan, EachPathNeedsItsCallerAndEarnsItsTrust) {
  const venues::Venue open = venue();
  const accounts::User citizen = user(Role::kCitizen), staff = user(Role::kVenueStaff),
                       official = user(Role::kOfficial), admin = user(Role::kAdmin);
  struct Row {
    DoorPath path;
    const accounts::User* caller;
    VenueRole role;
    std::string want;  // "ok" or the refusal's code
    Trust trust = Trust::kGuestForm;
  };
  const Row rows[] = {
      {DoorPath::kPoster, &citizen, VenueRole::kNone, "ok", Trust::kSelfPoster},
      {DoorPath::kPoster, nullptr, VenueRole::kNone, "unauthenticated"},
      {DoorPath::kPoster, &staff, VenueRole::kStaff, "citizens_only"},
      {DoorPath::kPoster, &official, VenueRole::kOfficial, "citizens_only"},
      {DoorPath::kGuestForm, nullptr, VenueRole::kNone, "ok", Trust::kGuestForm},
      {DoorPath::kGuestForm, &citizen, VenueRole::kNone, "guest_signed_in"},
      {DoorPath::kPersonalQr, &staff, VenueRole::kStaff, "ok", Trust::kPersonalQr},
      {DoorPath::kCccd, &citizen, VenueRole::kManager, "ok", Trust::kCccd},
      {DoorPath::kBhyt, &staff, VenueRole::kStaff, "ok", Trust::kBhyt},
      {DoorPath::kPhoneCode, &staff, VenueRole::kStaff, "ok", Trust::kPhoneOtp},
      {DoorPath::kManual, &staff, VenueRole::kManager, "ok", Trust::kManual},
      {DoorPath::kCccd, &staff, VenueRole::kNone, "not_venue_staff"},
      {DoorPath::kCccd, &official, VenueRole::kOfficial, "not_venue_staff"},
      {DoorPath::kManual, &admin, VenueRole::kNone, "not_venue_staff"},
      {DoorPath::kPersonalQr, nullptr, VenueRole::kNone, "unauthenticated"},
  };
  for (const auto& row : rows) {
    DoorFacts f{.path = row.path,
                .venue = &open,
                .caller = row.caller,
                .caller_role = row.role,
                .now = kNow};
    auto p = plan(f);
    EXPECT_EQ(code_of(p), row.want) << path_name(row.path);
    if (!p.ok()) continue;
    EXPECT_EQ(p->trust, row.trust) << path_name(row.path);
    EXPECT_EQ(p->venue_id, 7);
    EXPECT_EQ(p->source, row.path == DoorPath::kManual ? Source::kManual
                         : staff_path(row.path)        ? Source::kStaffScan
                                                       : Source::kSelf);
    EXPECT_EQ(p->recorded_by.has_value(), row.caller != nullptr);
  }
}

TEST(DoorPlan, ClosedAndSuspendedVenuesAdmitNobody) {
  const accounts::User citizen = user(Role::kCitizen), staff = user(Role::kVenueStaff);
  for (auto status : {venues::VenueStatus::kClosed, venues::VenueStatus::kSuspended}) {
    const venues::Venue v = venue(status);
    EXPECT_EQ(
        code_of(plan({.path = DoorPath::kPoster, .venue = &v, .caller = &citizen, .now = kNow})),
        "venue_closed");
    EXPECT_EQ(code_of(plan({.path = DoorPath::kCccd,
                            .venue = &v,
                            .caller = &staff,
                            .caller_role = VenueRole::kStaff,
                            .now = kNow})),
              "venue_closed");
  }
  const accounts::User* nobody = nullptr;
  auto missing = plan({.path = DoorPath::kPoster, .venue = nullptr, .caller = nobody, .now = kNow});
  EXPECT_EQ(code_of(missing), "venue_not_found");
}

TEST(DoorPlan, ChosenPeopleMustBeManaged) {
  const venues::Venue open = venue();
  const accounts::User citizen = user(Role::kCitizen);
  const int64_t managed[] = {1, 2, 3};
  const int64_t mine[] = {3, 1};
  const int64_t theirs[] = {1, 9};
  EXPECT_EQ(code_of(plan({.path = DoorPath::kPoster,
                          .venue = &open,
                          .caller = &citizen,
                          .chosen = mine,
                          .managed = managed,
                          .now = kNow})),
            "ok");
  auto refused = plan({.path = DoorPath::kPoster,
                       .venue = &open,
                       .caller = &citizen,
                       .chosen = theirs,
                       .managed = managed,
                       .now = kNow});
  EXPECT_EQ(code_of(refused), "not_your_person");
  EXPECT_EQ(refused.error().field, "person_ids");
}

TEST(DoorPlan, KioskCodesMustBeFreshAndForThisVenue) {
  const venues::Venue open = venue();
  const accounts::User citizen = user(Role::kCitizen);
  const std::string secret = "a server secret of enough length";
  const std::string fresh = venues::kiosk_code(secret, open.code, kNow).token;
  const std::string stale = venues::kiosk_code(secret, open.code, kNow - 600).token;
  const std::string elsewhere = venues::kiosk_code(secret, "bcdefghjkm", kNow).token;
  auto with = [&](const std::string& token) {
    return plan({.path = DoorPath::kKiosk,
                 .venue = &open,
                 .caller = &citizen,
                 .kiosk_token = token,
                 .kiosk_secret = secret,
                 .now = kNow});
  };
  ASSERT_EQ(code_of(with(fresh)), "ok");
  EXPECT_EQ(with(fresh)->trust, Trust::kSelfKiosk);
  EXPECT_EQ(code_of(with(stale)), "kiosk_code_expired");
  EXPECT_EQ(code_of(with(elsewhere)), "invalid_kiosk_code");
  EXPECT_EQ(code_of(with("not-a-code")), "invalid_kiosk_code");
}

TEST(DoorPath, OfAnEntryFollowsTheVisitor) {
  Entry e;
  e.visitor = AccountHolder{};
  EXPECT_EQ(path_of(e), DoorPath::kPoster);
  e.kiosk_token = "1.abc";
  EXPECT_EQ(path_of(e), DoorPath::kKiosk);
  e.visitor = Guest{};
  EXPECT_EQ(path_of(e), DoorPath::kGuestForm);
  e.visitor = scan::CccdCard{};
  EXPECT_EQ(path_of(e), DoorPath::kCccd);
  e.visitor = TypedIn{};
  EXPECT_EQ(path_of(e), DoorPath::kManual);
}

}  // namespace
}  // namespace kb::checkin
