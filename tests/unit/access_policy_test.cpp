// The access policy as a table: each role and jurisdiction × each question the handlers ask
// → allowed or the refusal's code. One place answers each question (access/policy.h).
#include <gtest/gtest.h>

#include <string>

#include "access/policy.h"

namespace kb::access {
namespace {

using accounts::Role;
using Level = areas::Jurisdiction::Level;

// A directory with two provinces and a ward in each: enough to tell inside from outside.
class AccessPolicyTest : public ::testing::Test {
 protected:
  static accounts::User user(Role role, std::optional<areas::Jurisdiction> j = std::nullopt) {
    accounts::User u;
    u.id = 1;
    u.role = role;
    u.jurisdiction = std::move(j);
    return u;
  }
  static areas::Jurisdiction national() { return {Level::kNational, ""}; }
  static areas::Jurisdiction province(std::string code) {
    return {Level::kProvince, std::move(code)};
  }
  static areas::Jurisdiction ward(std::string code) { return {Level::kWard, std::move(code)}; }
  static std::string code(const Status& s) { return s.ok() ? "ok" : s.error().code; }
};

TEST_F(AccessPolicyTest, RolesAndAreas) {
  const auto a_citizen = user(Role::kCitizen);
  const auto staff = user(Role::kVenueStaff);
  const auto admin = user(Role::kAdmin, national());
  const auto nation = user(Role::kOfficial, national());
  const auto hcm = user(Role::kOfficial, province("79"));
  const auto hcm_ward = user(Role::kOfficial, ward("26743"));
  const auto official_without_area = user(Role::kOfficial);
  struct Row {
    const accounts::User* who;
    std::string official, administrator, citizen_q, hcm_ward_address, hanoi_address,
        registers_venues;
  };
  // The address columns: an address in ward 26743 of province 79, and one in province 01.
  const Row rows[] = {
      {&a_citizen, "officials_only", "admins_only", "ok", "officials_only", "officials_only", "ok"},
      {&staff, "officials_only", "admins_only", "citizens_only", "officials_only", "officials_only",
       "ok"},
      // Administrators run the system; they are not health officials and read no one's data.
      {&admin, "officials_only", "ok", "citizens_only", "officials_only", "officials_only",
       "venue_accounts_only"},
      {&nation, "ok", "admins_only", "citizens_only", "ok", "ok", "venue_accounts_only"},
      {&hcm, "ok", "admins_only", "citizens_only", "ok", "outside_jurisdiction",
       "venue_accounts_only"},
      {&hcm_ward, "ok", "admins_only", "citizens_only", "ok", "outside_jurisdiction",
       "venue_accounts_only"},
      {&official_without_area, "officials_only", "admins_only", "citizens_only", "officials_only",
       "officials_only", "venue_accounts_only"},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(std::string(accounts::role_name(r.who->role)) + " " +
                 (r.who->jurisdiction
                      ? std::string(r.who->jurisdiction->level_name()) + r.who->jurisdiction->code
                      : "-"));
    EXPECT_EQ(code(access::official(*r.who)), r.official);
    EXPECT_EQ(code(access::administrator(*r.who)), r.administrator);
    EXPECT_EQ(code(access::citizen(*r.who)), r.citizen_q);
    EXPECT_EQ(code(in_charge(*r.who, "79", "26743")), r.hcm_ward_address);
    EXPECT_EQ(code(in_charge(*r.who, "01", "00004")), r.hanoi_address);
    EXPECT_EQ(code(registers_venues(*r.who)), r.registers_venues);
  }
  // A ward official is not in charge of the rest of the province.
  EXPECT_FALSE(in_charge_of(hcm_ward, "79", "26734"));
  EXPECT_TRUE(in_charge_of(hcm, "79", "26734"));
}

TEST_F(AccessPolicyTest, VenueRolesAndWhatEachMayDo) {
  using venues::VenueStatus;
  struct Row {
    VenueRole role;
    std::string runs, scans, reads_log, closes, suspends, reopens_suspended;
  };
  const Row rows[] = {
      {VenueRole::kManager, "ok", "ok", "ok", "ok", "officials_only", "venue_suspended"},
      {VenueRole::kStaff, "not_venue_manager", "ok", "ok", "not_venue_manager", "not_venue_manager",
       "not_venue_manager"},
      {VenueRole::kOfficial, "not_venue_manager", "not_venue_staff", "ok", "ok", "ok", "ok"},
      {VenueRole::kNone, "not_venue_manager", "not_venue_staff", "not_venue_staff",
       "not_venue_manager", "not_venue_manager", "not_venue_manager"},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(static_cast<int>(r.role));
    EXPECT_EQ(code(runs_venue(r.role)), r.runs);
    EXPECT_EQ(code(scans_at_venue(r.role)), r.scans);
    EXPECT_EQ(code(reads_guest_log(r.role)), r.reads_log);
    EXPECT_EQ(code(sets_venue_status(r.role, VenueStatus::kOpen, VenueStatus::kClosed)), r.closes);
    EXPECT_EQ(code(sets_venue_status(r.role, VenueStatus::kOpen, VenueStatus::kSuspended)),
              r.suspends);
    EXPECT_EQ(code(sets_venue_status(r.role, VenueStatus::kSuspended, VenueStatus::kOpen)),
              r.reopens_suspended);
  }
}

}  // namespace
}  // namespace kb::access
