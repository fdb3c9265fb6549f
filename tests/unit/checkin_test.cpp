// Venue codes, kiosk codes, visits (against a real SQLite database) and the guest-log CSV.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "checkin/guest_log.h"
#include "checkin/visit.h"
#include "checkin/visitors.h"
#include "core/crypto.h"
#include "identity/identifiers.h"
#include "schema/schema.h"
#include "store/database.h"
#include "store/writer.h"
#include "venues/kiosk.h"
#include "venues/venue.h"

namespace kb {
namespace {

TEST(VenueCode, IsShortRandomAndRecognised) {
  ASSERT_TRUE(crypto_init());
  std::string a = venues::new_code();
  std::string b = venues::new_code();
  EXPECT_EQ(a.size(), 10u);
  EXPECT_NE(a, b);
  EXPECT_EQ(venues::VenueCode::parse(a)->str(), a);
  // A code read off a poster in capitals is the same code.
  EXPECT_EQ(venues::VenueCode::parse("ABCDEFGHJK")->str(), "abcdefghjk");
  for (const char* bad :
       {"", "abc", "abcdefghj1", "abcdefghjkm", "abcdefgh/k", "abcdefghi0", "ABCDEFGHI0"}) {
    auto parsed = venues::VenueCode::parse(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.error().field, "venue_code");
  }
}

TEST(KioskCode, FreshCodesPassStaleAndForgedOnesDoNot) {
  const std::string secret = "a server secret of enough length";
  const int64_t t = 1'800'000'000;
  auto k = venues::kiosk_code(secret, "abcdefghjk", t);
  EXPECT_TRUE(venues::check_kiosk_code(secret, "abcdefghjk", k.token, t).ok());
  EXPECT_TRUE(venues::check_kiosk_code(secret, "abcdefghjk", k.token, t + 60).ok());
  EXPECT_GT(k.expires_at, t + 60);
  EXPECT_LE(k.expires_at, t + 120);
  auto stale = venues::check_kiosk_code(secret, "abcdefghjk", k.token, t + 180);
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, "kiosk_code_expired");
  EXPECT_EQ(stale.error().kind, ErrorKind::kGone);
  // Another venue's code, another secret, a tampered window, garbage: all refused as invalid.
  for (auto [s, venue, token] :
       {std::tuple<std::string, std::string, std::string>{secret, "zzzzzzzzzz", k.token},
        {"another secret", "abcdefghjk", k.token},
        {secret, "abcdefghjk", "1" + k.token},
        {secret, "abcdefghjk", "nonsense"},
        {"", "abcdefghjk", k.token}}) {
    auto st = venues::check_kiosk_code(s, venue, token, t);
    ASSERT_FALSE(st.ok()) << token;
    EXPECT_EQ(st.error().code, "invalid_kiosk_code");
    EXPECT_EQ(st.error().field, "kiosk");
  }
}

TEST(GuestLogCsv, NeutralisesFormulasAndQuotes) {
  checkin::GuestLogEntry e;
  e.visit.id = 7;
  e.visit.t_in = 1'800'000'000;
  e.visit.assumed_out = e.visit.t_in + 3600;
  e.visit.trust = checkin::Trust::kCccd;
  e.visit.source = checkin::Source::kStaffScan;
  e.full_name = "=cmd|' /C calc'!A0";
  e.phone = "+84912345678";
  std::vector<checkin::GuestLogEntry> entries{e};
  std::string csv = checkin::guest_log_csv(entries);
  ASSERT_TRUE(csv.starts_with("\xEF\xBB\xBFvisit_id,"));
  EXPECT_NE(csv.find("\r\n7,"), std::string::npos);
  EXPECT_NE(csv.find(",'=cmd|' /C calc'!A0,'+84912345678,staff_scan,cccd,4,\r\n"),
            std::string::npos)
      << csv;
}

TEST(GuestLogCsv, AnOfflineScanSaysWhenItArrived) {
  checkin::GuestLogEntry e;
  e.visit.id = 8;
  e.visit.t_in = 1'800'000'000;
  e.visit.assumed_out = e.visit.t_in + 3600;
  e.received_at = e.visit.t_in + 4 * 3600;
  std::vector<checkin::GuestLogEntry> entries{e};
  std::string csv = checkin::guest_log_csv(entries);
  EXPECT_NE(csv.find(",offline_received_at\r\n"), std::string::npos) << csv;
  EXPECT_TRUE(csv.ends_with(",2027-01-15T19:00:00+07:00\r\n")) << csv;
}

TEST(VietnamDays, StartAndName) {
  auto start = checkin::day_start("2026-11-21");
  ASSERT_TRUE(start);
  EXPECT_EQ(checkin::day_of(*start), "2026-11-21");
  EXPECT_EQ(checkin::day_of(*start - 1), "2026-11-20");
  EXPECT_EQ(checkin::day_of(*start + 86399), "2026-11-21");
  for (const char* bad : {"", "2026-11-31", "2026-13-01", "21/11/2026", "2026-11-21T00"}) {
    EXPECT_FALSE(checkin::day_start(bad)) << bad;
  }
}

TEST(TrustLevels, OrderBySource) {
  using checkin::Trust;
  EXPECT_LT(checkin::trust_level(Trust::kSelfPoster), checkin::trust_level(Trust::kSelfKiosk));
  EXPECT_LT(checkin::trust_level(Trust::kManual), checkin::trust_level(Trust::kPhoneOtp));
  EXPECT_LT(checkin::trust_level(Trust::kCccd), checkin::trust_level(Trust::kPersonalQr));
  EXPECT_EQ(checkin::trust_name(Trust::kPersonalQr), "personal_qr");
}

class VisitsOnSqlite : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(crypto_init());
    path_ = std::filesystem::temp_directory_path() /
            ("kb-visits-" + std::to_string(::getpid()) + ".db");
    std::filesystem::remove(path_);
    auto db = store::Database::open("sqlite:" + path_.string(), schema::khaibao());
    ASSERT_TRUE(db.ok()) << db.error().message;
    db_ = std::move(*db);
  }
  void TearDown() override {
    db_.reset();
    std::filesystem::remove(path_);
    std::filesystem::remove(path_.string() + "-wal");
    std::filesystem::remove(path_.string() + "-shm");
  }
  template <class F>
  auto write(F fn) {
    return db_->writer().write_sync(std::move(fn));
  }
  std::filesystem::path path_;
  std::unique_ptr<store::Database> db_;
};

TEST_F(VisitsOnSqlite, DuplicatesWithinAMinuteAreOneVisitAndCheckOutCloses) {
  const int64_t t = 1'800'000'000;
  auto first = write([&](store::Connection& c) {
    return checkin::record(
        c, {.venue_id = 1, .person_id = 2, .at = t, .trust = checkin::Trust::kSelfPoster});
  });
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_FALSE(first->duplicate);
  EXPECT_EQ(first->visit.assumed_out, t + 3600);
  auto again = write([&](store::Connection& c) {
    return checkin::record(c, {.venue_id = 1, .person_id = 2, .at = t + 30});
  });
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->visit.id, first->visit.id);
  auto elsewhere = write([&](store::Connection& c) {
    return checkin::record(c, {.venue_id = 3, .person_id = 2, .at = t + 30});
  });
  ASSERT_TRUE(elsewhere.ok());
  EXPECT_FALSE(elsewhere->duplicate);
  auto later = write([&](store::Connection& c) {
    return checkin::record(c, {.venue_id = 1, .person_id = 2, .at = t + 120});
  });
  ASSERT_TRUE(later.ok());
  EXPECT_FALSE(later->duplicate);

  int64_t id = first->visit.id;
  auto closed = write([&](store::Connection& c) { return checkin::check_out(c, id, t + 600); });
  ASSERT_TRUE(closed.ok());
  EXPECT_EQ(closed->t_out, t + 600);
  auto twice = write([&](store::Connection& c) { return checkin::check_out(c, id, t + 700); });
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().code, "already_checked_out");
  auto none = write([&](store::Connection& c) { return checkin::check_out(c, 9999, t + 700); });
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, "visit_not_found");

  auto counts = db_->read(
      [&](store::Connection& c) { return checkin::day_counts(c, 1, t - 86400, t + 86400); });
  ASSERT_TRUE(counts.ok());
  ASSERT_EQ(counts->size(), 1u);
  EXPECT_EQ((*counts)[0].date, checkin::day_of(t));
  EXPECT_EQ((*counts)[0].in, 2);
  EXPECT_EQ((*counts)[0].out, 1);
  auto inside = db_->read([&](store::Connection& c) { return checkin::inside_now(c, 1, t + 900); });
  ASSERT_TRUE(inside.ok());
  EXPECT_EQ(*inside, 1);  // the later visit; the first was checked out
}

TEST_F(VisitsOnSqlite, ACardIsSeenAtTheDoorThatReadIt) {
  // A venue's door records the card as seen at the venue; a door that is no venue (a testing
  // round's site, the hotline) names itself, never "venue:0".
  const int64_t t = 1'800'000'000;
  scan::CccdCard card;
  card.id_number = "079090001234";
  card.full_name = "Trần Thị Bích";
  card.birth_date = "1990-05-06";
  card.sex = "female";
  auto at_venue = write([&](store::Connection& c) {
    return checkin::person_for_cccd(c, card, {.venue_id = 12, .province_code = "79"}, t);
  });
  ASSERT_TRUE(at_venue.ok()) << at_venue.error().message;
  card.id_number = "079090001235";
  card.full_name = "Lê Văn Cường";
  card.birth_date = "1985-01-02";
  card.sex = "male";
  auto at_round = write([&](store::Connection& c) {
    return checkin::person_for_cccd(c, card, {.province_code = "79", .seen_at = "test_round:4"}, t);
  });
  ASSERT_TRUE(at_round.ok()) << at_round.error().message;
  auto place_of = [&](int64_t person_id) {
    auto ids =
        db_->read([&](store::Connection& c) { return identity::identifiers_of(c, person_id); });
    EXPECT_TRUE(ids.ok());
    return ids.ok() && !ids->empty() ? ids->front().place : std::string("(none)");
  };
  EXPECT_EQ(place_of(at_venue->id), "venue:12");
  EXPECT_EQ(place_of(at_round->id), "test_round:4");
}

}  // namespace
}  // namespace kb
