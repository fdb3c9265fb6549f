// Contact tracing: the exposure rule alone, a hand-built table of scenarios with exact contact
// sets, cases end to end in the store (household, F2 through two hops, a case marked as an
// error, clusters), and a randomised comparison of the indexed query with a scan of every
// visit. The database tests run on SQLite, and on PostgreSQL when KB_TEST_PG_URL is set
// (scripts/with-postgres.sh; ctest entry tracing-postgres).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <random>
#include <set>

#include "cases/case.h"
#include "cases/clusters.h"
#include "cases/notice_text.h"
#include "checkin/visit_days.h"
#include "core/crypto.h"
#include "health/health_status.h"
#include "notify/messages.h"
#include "schema/schema.h"
#include "scratch_database.h"
#include "store/database.h"
#include "store/writer.h"
#include "trace/contacts.h"
#include "trace/exposure.h"

namespace kb {
namespace {

using trace::ExposureRule;
using trace::ExposureWindow;
using trace::Stay;

constexpr int64_t kMin = 60;
constexpr int64_t kHour = 3600;
constexpr int64_t kDay = 86400;
constexpr int64_t B = 1'800'000'000;  // the case's first visit in most scenarios

// ---- the rule alone ----

TEST(TracingRule, InfectiousWindowFromOnsetOrTestDateToIsolationOrNow) {
  ExposureRule rule;
  auto w = trace::infectious_window(rule, B, B - 1 * kDay, B + 1 * kDay, B + 9 * kDay);
  EXPECT_EQ(w.from, B - 3 * kDay);  // onset − 2 days
  EXPECT_EQ(w.to, B + 1 * kDay);
  w = trace::infectious_window(rule, B, std::nullopt, std::nullopt, B + 2 * kDay);
  EXPECT_EQ(w.from, B - 3 * kDay);  // test − 3 days
  EXPECT_EQ(w.to, B + 2 * kDay);    // not isolated: now
  w = trace::infectious_window(rule, B, std::nullopt, B - 10 * kDay, B);
  EXPECT_EQ(w.to, w.from);  // isolation before the window starts: empty, never negative
}

TEST(TracingRule, StaysUseAssumedOutAndAreCapped) {
  ExposureRule rule;
  EXPECT_EQ(trace::effective_stay(rule, B, std::nullopt, B + kHour).out, B + kHour);
  EXPECT_EQ(trace::effective_stay(rule, B, B + 2 * kHour, B + kHour).out, B + 2 * kHour);
  EXPECT_EQ(trace::effective_stay(rule, B, B + 20 * kHour, B + kHour).out, B + 12 * kHour);
  EXPECT_EQ(trace::effective_stay(rule, B, B - 5, B + kHour).out,
            B);  // checked out before in: a moment
}

TEST(TracingRule, OverlapCountsTouchingAndRespectsTheMinimum) {
  ExposureRule rule;
  Stay kase{B, B + kHour};
  EXPECT_EQ(trace::exposure_overlap(rule, kase, {B - 2 * kHour, B - kHour}),
            0);  // touches the margin
  EXPECT_FALSE(trace::exposure_overlap(rule, kase, {B - 2 * kHour, B - kHour - 1}));
  EXPECT_EQ(trace::exposure_overlap(rule, kase, {B + 2 * kHour, B + 3 * kHour}), 0);
  EXPECT_FALSE(trace::exposure_overlap(rule, kase, {B + 2 * kHour + 1, B + 3 * kHour}));
  EXPECT_EQ(trace::exposure_overlap(rule, kase, {B, B + kHour}), kHour);
  EXPECT_EQ(trace::exposure_overlap(rule, kase, {B - 5 * kHour, B + 5 * kHour}), 3 * kHour);
  rule.min_overlap_seconds = 10 * kMin;
  EXPECT_EQ(trace::exposure_overlap(rule, kase, {B - kHour - 50 * kMin, B - 50 * kMin}), 10 * kMin);
  EXPECT_FALSE(trace::exposure_overlap(rule, kase, {B - kHour - 51 * kMin, B - 51 * kMin}));
}

// ---- a database per backend ----

struct Visit {
  int64_t venue = 0;
  int64_t person = 0;
  int64_t in = 0;
  std::optional<int64_t> out;
  int64_t assumed = 0;  // 0: in + 1 hour
};

class TracingDb : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    ASSERT_TRUE(crypto_init());
    scratch_.emplace(GetParam() == "postgres" ? store::Dialect::kPostgres : store::Dialect::kSqlite,
                     "trace");
    if (!scratch_->available()) GTEST_SKIP() << test_support::ScratchDatabase::kSkipReason;
    auto db = store::Database::open(scratch_->url(), schema::khaibao());
    ASSERT_TRUE(db.ok()) << db.error().message;
    db_ = std::move(*db);
    auto official = db_->writer().write_sync([](store::Connection& c) -> Result<int64_t> {
      static constexpr store::Sql kUser{"test_trace_user",
                                        "INSERT INTO users(role, username, jurisdiction_level, "
                                        "created_at) VALUES ('official', 'cdc', 'national', 0) "
                                        "RETURNING id"};
      KB_ASSIGN(auto row, c.query_one(kUser));
      return row->i64(0);
    });
    ASSERT_TRUE(official.ok()) << official.error().message;
    official_.id = *official;
    official_.role = accounts::Role::kOfficial;
    official_.jurisdiction = areas::Jurisdiction{};
  }
  void TearDown() override {
    db_.reset();  // before its files go with scratch_
    scratch_.reset();
  }
  template <class F>
  auto write(F fn) {
    return db_->writer().write_sync(std::move(fn));
  }
  template <class F>
  auto read(F fn) {
    return db_->read(fn);
  }

  // People with ids 1..n (as the scenarios name them); `account` shares one account (a family).
  void add_people(int64_t n, std::optional<int64_t> account = std::nullopt, int64_t first = 1) {
    auto r = write([=](store::Connection& c) -> Status {
      static constexpr store::Sql kPerson{"test_trace_person",
                                          "INSERT INTO people(id, account_id, full_name, "
                                          "province_code, ward_code, created_at, updated_at) "
                                          "VALUES ($1, $2, $3, '79', '26734', 0, 0)"};
      for (int64_t id = first; id < first + n; ++id) {
        std::string name = "Người " + std::to_string(id);
        store::Param acc = account ? store::Param{*account} : store::Param{nullptr};
        KB_TRY(c.exec(kPerson, {id, acc, std::string_view(name)}));
      }
      return {};
    });
    ASSERT_TRUE(r.ok()) << r.error().message;
  }
  void add_venues(int64_t n) {
    auto r = write([=, by = official_.id](store::Connection& c) -> Status {
      static constexpr store::Sql kVenue{
          "test_trace_venue",
          "INSERT INTO venues(id, code, name, kind, province_code, ward_code, street, status, "
          "created_by, created_at, "
          "updated_at) VALUES ($1, $2, $3, 'shop', '79', '26734', '1 Lê Lợi', 'open', $4, 0, 0)"};
      for (int64_t id = 1; id <= n; ++id) {
        std::string code = "venue" + std::to_string(id);
        KB_TRY(c.exec(kVenue, {id, std::string_view(code), std::string_view(code), by}));
      }
      return {};
    });
    ASSERT_TRUE(r.ok()) << r.error().message;
  }
  void add_visits(const std::vector<Visit>& visits) {
    auto r = write([visits](store::Connection& c) -> Status {
      static constexpr store::Sql kVisit{"test_trace_visit",
                                         "INSERT INTO {visits}(id, venue_id, person_id, t_in, "
                                         "t_out, assumed_out, source, trust, created_at) "
                                         "VALUES ({next_id}, $1, $2, $3, $4, $5, 1, 3, $3)"};
      for (const auto& v : visits) {
        store::Param out = v.out ? store::Param{*v.out} : store::Param{nullptr};
        int64_t day = checkin::visit_day(v.in);
        KB_TRY(checkin::ensure_visit_day(c, day));
        KB_TRY(c.exec(checkin::for_day(c, kVisit, day),
                      {v.venue, v.person, v.in, out, v.assumed ? v.assumed : v.in + kHour}));
      }
      return {};
    });
    ASSERT_TRUE(r.ok()) << r.error().message;
  }
  void clear_visits() {
    auto r = write([](store::Connection& c) -> Status {
      KB_ASSIGN(auto days, checkin::visit_days(c));
      for (int64_t day : days)
        KB_TRY(c.exec(checkin::for_day(c, {"test_trace_clear", "DELETE FROM {visits}"}, day)));
      return {};
    });
    ASSERT_TRUE(r.ok());
  }
  std::string colour(int64_t person) {
    auto s = read([&](store::Connection& c) { return health::stored_status(c, person); });
    return s.ok() ? s->colour : "?";
  }

  std::optional<test_support::ScratchDatabase> scratch_;
  std::unique_ptr<store::Database> db_;
  accounts::User official_;
  areas::AreaDirectory areas_;
};

INSTANTIATE_TEST_SUITE_P(Tracing, TracingDb, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

std::set<int64_t> people_of(const std::vector<trace::Contact>& list) {
  std::set<int64_t> out;
  for (const auto& c : list) out.insert(c.person_id);
  return out;
}

struct Scenario {
  const char* name;
  std::vector<Visit> visits;  // person 1 is the case
  std::set<int64_t> expected;
  ExposureRule rule = {};
  ExposureWindow window = {B - 3 * kDay, B + 1 * kDay};
};

std::vector<Scenario> scenarios() {
  std::vector<Scenario> s;
  s.push_back(
      {"same venue, same time", {{1, 1, B, B + kHour}, {1, 2, B + 15 * kMin, B + 45 * kMin}}, {2}});
  s.push_back({"stay ending exactly at the margin counts, one second earlier does not",
               {{1, 1, B, B + kHour},
                {1, 3, B - 2 * kHour, B - kHour},
                {1, 4, B - 2 * kHour, B - kHour - 1}},
               {3}});
  s.push_back({"stay starting exactly at the end margin counts, one second later does not",
               {{1, 1, B, B + kHour},
                {1, 5, B + 2 * kHour, B + 3 * kHour},
                {1, 6, B + 2 * kHour + 1, B + 3 * kHour}},
               {5}});
  {
    Scenario m{"minimum overlap of 10 minutes: exactly 10 counts, 9 does not",
               {{1, 1, B, B + kHour},
                {1, 7, B - 2 * kHour, B - 50 * kMin},
                {1, 8, B - 2 * kHour, B - 51 * kMin}},
               {7}};
    m.rule.min_overlap_seconds = 10 * kMin;
    s.push_back(m);
  }
  s.push_back({"no check-out: the venue's assumed stay is used",
               {{1, 1, B, B + kHour},
                {1, 9, B - 2 * kHour, std::nullopt, B - 30 * kMin},
                {1, 10, B - 3 * kHour, std::nullopt, B - kHour - 30 * kMin}},
               {9}});
  s.push_back(
      {"the case without check-out: assumed stay",
       {{1, 1, B, std::nullopt, B + 3 * kHour}, {1, 11, B + 3 * kHour + 30 * kMin, B + 5 * kHour}},
       {11}});
  s.push_back({"a forgotten check-out counts at most 12 hours",
               {{1, 1, B, B + kHour},
                {1, 12, B - 13 * kHour, B + 3 * kHour},  // counted to B − 1 h: touches the margin
                {1, 13, B - 14 * kHour, B + 3 * kHour}},  // counted to B − 2 h
               {12}});
  s.push_back({"same person, many visits: listed once",
               {{1, 1, B, B + kHour},
                {1, 1, B + 5 * kHour, B + 6 * kHour},
                {2, 1, B + 1 * kDay - 2 * kHour, B + 1 * kDay - kHour},
                {1, 14, B, B + 30 * kMin},
                {1, 14, B + 5 * kHour, B + 5 * kHour + 10 * kMin},
                {2, 14, B + 1 * kDay - 2 * kHour, B + 1 * kDay}},
               {14}});
  s.push_back({"the case's own visits are not contacts",
               {{1, 1, B, B + kHour}, {1, 1, B + 30 * kMin, B + 2 * kHour}},
               {}});
  s.push_back({"visits outside the window are not traced",
               {{1, 1, B - 10 * kDay, B - 10 * kDay + kHour},
                {1, 16, B - 10 * kDay, B - 10 * kDay + kHour},
                {1, 1, B + 3 * kDay, B + 3 * kDay + kHour},
                {1, 17, B + 3 * kDay, B + 3 * kDay + kHour}},
               {}});
  s.push_back({"a case stay across the window's end counts only up to it",
               {{1, 1, B + 1 * kDay - kHour, B + 1 * kDay + 5 * kHour},
                {1, 18, B + 1 * kDay + 30 * kMin,
                 B + 1 * kDay + 2 * kHour},  // within the margin of the end
                {1, 19, B + 1 * kDay + 3 * kHour,
                 B + 1 * kDay + 4 * kHour}},  // the case was isolated by then
               {18}});
  s.push_back({"different venues at the same time",
               {{1, 1, B, B + kHour}, {2, 20, B, B + kHour}, {3, 21, B - kHour, B + 2 * kHour}},
               {}});
  s.push_back({"checked out before checking in: a moment at t_in",
               {{1, 1, B, B + kHour}, {1, 22, B + 30 * kMin, B + 10 * kMin}},
               {22}});
  {
    Scenario m{"margin 0: touching at the door counts with minimum 0",
               {{1, 1, B, B + kHour}, {1, 23, B - kHour, B}, {1, 24, B - kHour, B - 1}},
               {23}};
    m.rule.margin_seconds = 0;
    s.push_back(m);
  }
  {
    Scenario m{"margin 0 and minimum 1 second: touching does not count",
               {{1, 1, B, B + kHour}, {1, 23, B - kHour, B}, {1, 25, B + 59 * kMin, B + 2 * kHour}},
               {25}};
    m.rule.margin_seconds = 0;
    m.rule.min_overlap_seconds = 1;
    s.push_back(m);
  }
  s.push_back({"a long stay of another person spanning the case's",
               {{1, 1, B, B + kHour}, {1, 26, B - 5 * kHour, B + 5 * kHour}},
               {26}});
  s.push_back({"many case visits at one venue, contacts of each",
               {{1, 1, B, B + kHour},
                {1, 1, B + 8 * kHour, B + 9 * kHour},
                {1, 27, B + 4 * kHour, B + 5 * kHour},  // between the two, beyond both margins
                {1, 28, B + 7 * kHour + 30 * kMin, B + 7 * kHour + 40 * kMin},
                {1, 29, B - kHour - 10 * kMin, B - 50 * kMin}},
               {28, 29}});
  return s;
}

TEST_P(TracingDb, ScenarioTable) {
  add_people(30);
  add_venues(3);
  for (const auto& sc : scenarios()) {
    SCOPED_TRACE(sc.name);
    clear_visits();
    add_visits(sc.visits);
    auto found =
        read([&](store::Connection& c) { return trace::find_contacts(c, sc.rule, 1, sc.window); });
    ASSERT_TRUE(found.ok()) << found.error().message;
    EXPECT_EQ(people_of(*found), sc.expected);
  }
}

TEST_P(TracingDb, OneContactWithEveryExposureSortedByRisk) {
  add_people(5);
  add_venues(2);
  add_visits({{1, 1, B, B + kHour},
              {2, 1, B + 3 * kHour, B + 4 * kHour},
              {1, 2, B, B + kHour},  // 60 + 60 margin-widened… overlap 60 min
              {2, 2, B + 3 * kHour, B + 3 * kHour + 20 * kMin},  // 20 min
              {1, 3, B + 10 * kMin, B + 3 * kHour}});            // 110 min (to case out + margin)
  ExposureRule rule;
  auto found = read([&](store::Connection& c) {
    return trace::find_contacts(c, rule, 1, {B - kDay, B + kDay});
  });
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found->size(), 2u);
  EXPECT_EQ((*found)[0].person_id, 3);
  EXPECT_EQ((*found)[0].total_overlap_seconds, 110 * kMin);
  EXPECT_EQ((*found)[1].person_id, 2);
  EXPECT_EQ((*found)[1].total_overlap_seconds, 80 * kMin);
  ASSERT_EQ((*found)[1].exposures.size(), 2u);
  EXPECT_EQ((*found)[1].exposures[0].venue_id, 1);
  EXPECT_EQ((*found)[1].exposures[1].venue_id, 2);
  EXPECT_EQ((*found)[1].first_exposure, B);
  EXPECT_EQ((*found)[1].last_exposure, B + 3 * kHour + 20 * kMin);
}

// ---- cases end to end in the store ----

TEST_P(TracingDb, CaseTracesFamilyAndVisitsThenErrorUndoesIt) {
  // 1 is the case; 2 and 3 are their family (one account); 3 also came along to the shop;
  // 4 met the case at the shop; 5 was at another shop.
  auto account = official_.id;  // any users row serves as the family's account
  add_people(1, account, 1);
  add_people(2, account, 2);
  add_people(3, std::nullopt, 4);
  add_venues(2);
  add_visits({{1, 1, B, B + kHour},
              {1, 3, B, B + kHour},
              {1, 4, B + 30 * kMin, B + 90 * kMin},
              {2, 5, B, B + kHour}});
  const int64_t now = B + 2 * kDay;
  ExposureRule rule;
  cases::NewCase n;
  n.person.person_id = 1;
  n.test_date = B + kDay;
  auto rec = write(
      [&](store::Connection& c) { return cases::record_case(c, rule, areas_, official_, n, now); });
  ASSERT_TRUE(rec.ok()) << rec.error().message;
  EXPECT_EQ(rec->trace.f1, 3);
  EXPECT_EQ(rec->trace.f1_new, 3);
  EXPECT_EQ(colour(1), "red");
  EXPECT_EQ(colour(2), "yellow");
  EXPECT_EQ(colour(4), "yellow");
  EXPECT_EQ(colour(5), "green");

  auto list =
      read([&](store::Connection& c) { return cases::list_contacts(c, rule, rec->kase, 1, now); });
  ASSERT_TRUE(list.ok()) << list.error().message;
  std::map<int64_t, std::string> basis;
  for (const auto& lc : *list) {
    basis[lc.found.person_id] = lc.basis;
    ASSERT_TRUE(lc.stored.has_value());
    EXPECT_EQ(lc.stored->status, cases::ContactStatus::kPending);
  }
  EXPECT_EQ(basis,
            (std::map<int64_t, std::string>{{2, "household"}, {3, "household"}, {4, "visit"}}));

  // A second case is refused while the first is active; tracing again finds nothing new.
  auto again = write(
      [&](store::Connection& c) { return cases::record_case(c, rule, areas_, official_, n, now); });
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, "already_a_case");
  auto retrace = write([&](store::Connection& c) {
    return cases::trace_case(c, rule, official_, rec->kase.id, 1, now);
  });
  ASSERT_TRUE(retrace.ok());
  EXPECT_EQ(retrace->f1, 3);
  EXPECT_EQ(retrace->f1_new, 0);

  // Dismissing lifts the colour; marking the case as an error voids every contact.
  auto contacts =
      read([&](store::Connection& c) { return cases::contacts_of_case(c, rec->kase.id, 1); });
  ASSERT_TRUE(contacts.ok());
  int64_t contact4 = 0;
  for (const auto& k : *contacts) {
    if (k.person_id == 4) contact4 = k.id;
  }
  auto dismissed = write([&](store::Connection& c) {
    return cases::decide_contact(c, official_, contact4, cases::ContactStatus::kDismissed, now);
  });
  ASSERT_TRUE(dismissed.ok()) << dismissed.error().message;
  EXPECT_EQ(colour(4), "not_declared");  // back to what it was: nobody declared here
  auto err = write([&](store::Connection& c) {
    return cases::mark_error(c, rule, official_, rec->kase.id, "wrong sample", now);
  });
  ASSERT_TRUE(err.ok()) << err.error().message;
  EXPECT_EQ(err->kase.status, cases::CaseStatus::kError);
  EXPECT_EQ(colour(1), "not_declared");
  EXPECT_EQ(colour(2), "not_declared");
  EXPECT_EQ(colour(3), "not_declared");
  auto after =
      read([&](store::Connection& c) { return cases::contacts_of_case(c, rec->kase.id, 0); });
  ASSERT_TRUE(after.ok());
  for (const auto& k : *after) EXPECT_EQ(k.status, cases::ContactStatus::kVoid);
  // The person can now be recorded again, correctly.
  auto fresh = write(
      [&](store::Connection& c) { return cases::record_case(c, rule, areas_, official_, n, now); });
  EXPECT_TRUE(fresh.ok());
}

TEST_P(TracingDb, SecondDegreeThroughTwoHops) {
  add_people(6);
  add_venues(3);
  // 1 (case) meets 2 at venue 1; 2 later meets 3 at venue 2; 3 later meets 4 at venue 3 (a
  // third hop: not F2). 5 was at venue 2 before 2 ever met the case (not F2). 6 met both the
  // case and 2: they are F1, not F2 (and 3 met 6 too).
  add_visits({{1, 1, B, B + kHour},
              {1, 2, B, B + kHour},
              {1, 6, B, B + kHour},
              {2, 2, B + 1 * kDay, B + 1 * kDay + kHour},
              {2, 6, B + 1 * kDay, B + 1 * kDay + kHour},
              {2, 3, B + 1 * kDay + 30 * kMin, B + 1 * kDay + 2 * kHour},
              {2, 5, B - 1 * kDay, B - 1 * kDay + kHour},
              {2, 2, B - 1 * kDay, B - 1 * kDay + kHour},
              {3, 3, B + 2 * kDay, B + 2 * kDay + kHour},
              {3, 4, B + 2 * kDay, B + 2 * kDay + kHour}});
  ExposureRule rule;
  rule.household_contacts = false;
  const int64_t now = B + 3 * kDay;
  cases::NewCase n;
  n.person.person_id = 1;
  n.test_date = B + kHour;
  n.isolation_date = B + 2 * kHour;
  auto rec = write(
      [&](store::Connection& c) { return cases::record_case(c, rule, areas_, official_, n, now); });
  ASSERT_TRUE(rec.ok()) << rec.error().message;
  auto f1 =
      read([&](store::Connection& c) { return cases::list_contacts(c, rule, rec->kase, 1, now); });
  auto f2 =
      read([&](store::Connection& c) { return cases::list_contacts(c, rule, rec->kase, 2, now); });
  ASSERT_TRUE(f1.ok() && f2.ok());
  std::set<int64_t> f1_people, f2_people;
  for (const auto& lc : *f1) f1_people.insert(lc.found.person_id);
  for (const auto& lc : *f2) f2_people.insert(lc.found.person_id);
  EXPECT_EQ(f1_people, (std::set<int64_t>{2, 6}));
  EXPECT_EQ(f2_people, (std::set<int64_t>{3}));
  ASSERT_EQ(f2->size(), 1u);
  EXPECT_EQ((*f2)[0].via, (std::vector<int64_t>{2, 6}));  // met through both F1
  // Recording F2 keeps their colour (follow-up only).
  auto sum = write([&](store::Connection& c) {
    return cases::trace_case(c, rule, official_, rec->kase.id, 2, now);
  });
  ASSERT_TRUE(sum.ok()) << sum.error().message;
  EXPECT_EQ(sum->f1, 2);
  EXPECT_EQ(sum->f2, 1);
  EXPECT_EQ(sum->f2_new, 1);
  EXPECT_EQ(colour(3), "green");
  EXPECT_EQ(colour(2), "yellow");
}

TEST_P(TracingDb, ClustersNeedTwoCasesWithinTheWindowAndIgnoreErrors) {
  add_people(4);
  add_venues(2);
  // Cases 1 and 2 both at venue 1 (three days apart); case 3 at venue 2 alone; 4 an F1 at venue 1.
  add_visits({{1, 1, B, B + kHour},
              {1, 4, B, B + kHour},
              {1, 2, B + 3 * kDay, B + 3 * kDay + kHour},
              {2, 3, B, B + kHour}});
  ExposureRule rule;
  cases::ClusterRule cl;
  const int64_t now = B + 5 * kDay;
  std::vector<int64_t> ids;
  for (int64_t p : {1, 2, 3}) {
    cases::NewCase n;
    n.person.person_id = p;
    n.test_date = B + 2 * kDay;  // window from B − 1 day
    auto rec = write([&](store::Connection& c) {
      return cases::record_case(c, rule, areas_, official_, n, now);
    });
    ASSERT_TRUE(rec.ok()) << rec.error().message;
    ids.push_back(rec->kase.id);
  }
  auto found =
      read([&](store::Connection& c) { return cases::find_clusters(c, rule, cl, official_, now); });
  ASSERT_TRUE(found.ok()) << found.error().message;
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ((*found)[0].venue_id, 1);
  EXPECT_EQ((*found)[0].case_count, 2);
  EXPECT_EQ((*found)[0].exposed_count, 1);  // 4, the F1 of case 1 there
  // A window of two days no longer holds both cases.
  cl.window_seconds = 2 * kDay;
  found =
      read([&](store::Connection& c) { return cases::find_clusters(c, rule, cl, official_, now); });
  ASSERT_TRUE(found.ok());
  EXPECT_TRUE(found->empty());
  cl.window_seconds = 7 * kDay;
  auto err = write([&](store::Connection& c) {
    return cases::mark_error(c, rule, official_, ids[1], "duplicate record", now);
  });
  ASSERT_TRUE(err.ok());
  found =
      read([&](store::Connection& c) { return cases::find_clusters(c, rule, cl, official_, now); });
  ASSERT_TRUE(found.ok());
  EXPECT_TRUE(found->empty());
}

TEST_P(TracingDb, PeopleWhoAreCasesAreNobodysContacts) {
  add_people(3);
  add_venues(1);
  // 1, 2 and 3 were at the venue together.
  add_visits({{1, 1, B, B + kHour}, {1, 2, B, B + kHour}, {1, 3, B, B + kHour}});
  ExposureRule rule;
  const int64_t now = B + kDay;
  auto record = [&](int64_t person) {
    cases::NewCase n;
    n.person.person_id = person;
    n.test_date = B;
    return write([&](store::Connection& c) {
      return cases::record_case(c, rule, areas_, official_, n, now);
    });
  };
  auto first = record(1);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->trace.f1, 2);
  // 2 tests positive too: their open contact of case 1 is closed as converted to their case,
  // and case 1's person, a case, is not their contact; 3 is.
  auto second = record(2);
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_EQ(second->trace.f1, 1);
  auto f1 = read(
      [&](store::Connection& c) { return cases::list_contacts(c, rule, second->kase, 1, now); });
  ASSERT_TRUE(f1.ok());
  ASSERT_EQ(f1->size(), 1u);
  EXPECT_EQ((*f1)[0].found.person_id, 3);
  auto of_first =
      read([&](store::Connection& c) { return cases::contacts_of_case(c, first->kase.id, 1); });
  ASSERT_TRUE(of_first.ok());
  for (const auto& k : *of_first) {
    if (k.person_id != 2) continue;
    EXPECT_EQ(k.status, cases::ContactStatus::kConverted);
    EXPECT_EQ(k.converted_case_id, second->kase.id);
  }
  // Case 1 was a mistake: its person is no case after all, so the case converted from its
  // contact is traced again and finds them.
  auto err = write([&](store::Connection& c) {
    return cases::mark_error(c, rule, official_, first->kase.id, "wrong", now);
  });
  ASSERT_TRUE(err.ok()) << err.error().message;
  auto again =
      read([&](store::Connection& c) { return cases::contacts_of_case(c, second->kase.id, 1); });
  ASSERT_TRUE(again.ok());
  std::set<int64_t> people;
  for (const auto& k : *again) people.insert(k.person_id);
  EXPECT_EQ(people, (std::set<int64_t>{1, 3}));
  EXPECT_EQ(colour(1), "yellow");
}

TEST_P(TracingDb, CasesAreForHealthOfficialsOnly) {
  add_people(1);
  accounts::User admin = official_;
  admin.role = accounts::Role::kAdmin;
  cases::NewCase n;
  n.person.person_id = 1;
  n.test_date = B;
  ExposureRule rule;
  auto r = write([&](store::Connection& c) {
    return cases::record_case(c, rule, areas_, admin, n, B + kDay);
  });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "officials_only");
  auto listed =
      read([&](store::Connection& c) { return cases::list_cases(c, admin, cases::CaseFilter{}); });
  ASSERT_FALSE(listed.ok());
  EXPECT_EQ(listed.error().kind, ErrorKind::kForbidden);
}

// ---- the words of tracing notices ----

people::Person person(std::optional<int64_t> account, bool self, std::string name) {
  people::Person p;
  p.account_id = account;
  p.is_self = self;
  p.full_name = std::move(name);
  return p;
}

TEST(NoticeText, SpeaksToTheReaderAboutThePersonTheyManage) {
  // The account holder reads their own notice as "bạn"; a dependant's by name.
  EXPECT_TRUE(cases::addressee_of(person(7, true, "Nguyễn Thị Mai")).self);
  EXPECT_TRUE(cases::addressee_of(person(std::nullopt, false, "Khách")).self)
      << "no account: their own phone";
  auto father = cases::addressee_of(person(7, false, "Nguyễn Văn Ánh"));
  EXPECT_FALSE(father.self);
  EXPECT_EQ(father.name, "Nguyễn Văn Ánh");

  cases::ContactNoticeFacts visit{
      father, false, std::nullopt, {"Chợ Bến Thành, từ 09:30 21/11/2026 đến 10:30 21/11/2026"}, B};
  auto t = cases::contact_notice(visit);
  EXPECT_EQ(t.title, "Thông báo truy vết: Nguyễn Văn Ánh là F1 (tiếp xúc gần với ca bệnh)");
  EXPECT_NE(t.body.find("Nguyễn Văn Ánh, người bạn quản lý, đã có mặt"), std::string::npos)
      << t.body;
  EXPECT_NE(t.body.find("Chợ Bến Thành"), std::string::npos);
  EXPECT_EQ(t.body.find("Bạn đã có mặt"), std::string::npos);

  // The reader is the case; the F1 is the father they live with.
  cases::ContactNoticeFacts home{father, true, cases::Addressee{true, ""}, {}, B};
  t = cases::contact_notice(home);
  EXPECT_NE(
      t.body.find("Bạn đã được xác nhận mắc COVID-19 (F0), nên Nguyễn Văn Ánh, người bạn quản lý"),
      std::string::npos)
      << t.body;
  EXPECT_EQ(t.body.find("Một người trong hộ gia đình"), std::string::npos);

  // The case is a child the reader manages; the reader is the F1.
  cases::ContactNoticeFacts parent{
      {true, ""}, true, cases::Addressee{false, "Nguyễn Minh Khang"}, {}, B};
  t = cases::contact_notice(parent);
  EXPECT_EQ(t.title, "Thông báo truy vết: bạn là F1 (tiếp xúc gần với ca bệnh)");
  EXPECT_NE(t.body.find("Nguyễn Minh Khang, người bạn quản lý, đã được xác nhận"),
            std::string::npos)
      << t.body;
  EXPECT_NE(t.body.find("Bạn sống cùng hộ gia đình"), std::string::npos) << t.body;

  auto own = cases::case_notice({father, B, "Trạm Y tế Phường Sài Gòn"});
  EXPECT_EQ(own.title, "Nguyễn Văn Ánh, người bạn quản lý, đã được xác nhận mắc COVID-19 (F0)");
  EXPECT_NE(own.body.find("Trạm Y tế Phường Sài Gòn"), std::string::npos);
  EXPECT_NE(own.body.find("115"), std::string::npos);
  EXPECT_EQ(own.body.find("F1"), std::string::npos);
}

TEST(NoticeText, FitsTheMessageLimitsWhateverTheNamesAndPlaces) {
  std::string long_name;
  while (long_name.size() < 300) long_name += "Nguyễn Thị Hồng Ánh ";
  std::vector<std::string> places(9, "Trung tâm thương mại " + long_name +
                                         "(số 1 đường Nguyễn Huệ), từ 09:30 21/11/2026 "
                                         "đến 10:30 21/11/2026");
  auto who = cases::addressee_of(person(7, false, long_name));
  EXPECT_LE(who.name.size(), 83u);
  for (bool household : {false, true}) {
    auto t = cases::contact_notice({who, household, cases::Addressee{false, who.name}, places, B});
    EXPECT_LE(t.title.size(), notify::kMaxTitleBytes);
    EXPECT_LE(t.body.size(), notify::kMaxBodyBytes);
    EXPECT_NE(t.body.find("Việc cần làm"), std::string::npos) << "what to do is never cut";
    EXPECT_NE(t.body.find("lần khác."), std::string::npos) << "places left out are counted";
  }
  auto own = cases::case_notice({who, B, ""});
  EXPECT_LE(own.title.size(), notify::kMaxTitleBytes);
  EXPECT_LE(own.body.size(), notify::kMaxBodyBytes);
}

// ---- the indexed query against a scan of everything ----

struct Summary {
  int64_t total = 0;
  size_t exposures = 0;
  bool operator==(const Summary&) const = default;
};

std::map<int64_t, Summary> brute_force(const std::vector<Visit>& all, const ExposureRule& rule,
                                       int64_t person, ExposureWindow w) {
  std::map<int64_t, Summary> out;
  for (const auto& s : all) {
    if (s.person != person) continue;
    auto stay = trace::case_stay_in_window(trace::effective_stay(rule, s.in, s.out, s.assumed), w);
    if (!stay) continue;
    for (const auto& v : all) {
      if (v.person == person || v.venue != s.venue) continue;
      auto overlap =
          trace::exposure_overlap(rule, *stay, trace::effective_stay(rule, v.in, v.out, v.assumed));
      if (!overlap) continue;
      out[v.person].total += *overlap;
      out[v.person].exposures++;
    }
  }
  return out;
}

TEST_P(TracingDb, IndexedQueryMatchesBruteForceOnRandomVisits) {
  std::mt19937_64 rng(20261121);
  constexpr int64_t kPeople = 150, kVenues = 25, kVisits = 4000;
  add_venues(kVenues);
  std::vector<Visit> all;
  all.reserve(kVisits);
  auto uniform = [&](int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  };
  for (int64_t i = 0; i < kVisits; ++i) {
    Visit v;
    v.venue = uniform(1, kVenues);
    v.person = uniform(1, kPeople);
    v.in = B + uniform(0, 6 * kDay) / 60 * 60;  // minute steps make touching intervals common
    int64_t kind = uniform(0, 9);
    if (kind < 5) {
      v.out = v.in + uniform(0, 3 * kHour) / 60 * 60;
    } else if (kind < 7) {
      v.out = v.in + uniform(10 * kHour, 20 * kHour);  // forgotten check-outs (capped)
    } else if (kind == 7) {
      v.out = v.in - uniform(1, 600);  // bad data: out before in
    }
    v.assumed = v.in + uniform(30, 180) * kMin;
    all.push_back(v);
  }
  add_visits(all);
  int64_t checked = 0, nonempty = 0;
  for (int round = 0; round < 40; ++round) {
    ExposureRule rule;
    rule.margin_seconds = std::array<int64_t, 4>{0, 15 * kMin, 60 * kMin, 90 * kMin}[uniform(0, 3)];
    rule.min_overlap_seconds = std::array<int64_t, 3>{0, 1, 15 * kMin}[uniform(0, 2)];
    rule.max_stay_seconds =
        std::array<int64_t, 3>{2 * kHour, 12 * kHour, 24 * kHour}[uniform(0, 2)];
    int64_t person = uniform(1, kPeople);
    int64_t from = B + uniform(-kDay, 5 * kDay) / 60 * 60;
    ExposureWindow w{from, from + uniform(0, 4 * kDay) / 60 * 60};
    SCOPED_TRACE(testing::Message()
                 << "round " << round << " person " << person << " margin " << rule.margin_seconds
                 << " min " << rule.min_overlap_seconds << " max_stay " << rule.max_stay_seconds);
    auto found =
        read([&](store::Connection& c) { return trace::find_contacts(c, rule, person, w); });
    ASSERT_TRUE(found.ok()) << found.error().message;
    std::map<int64_t, Summary> got;
    for (const auto& ct : *found) {
      ASSERT_FALSE(got.contains(ct.person_id)) << "listed twice: " << ct.person_id;
      got[ct.person_id] = {ct.total_overlap_seconds, ct.exposures.size()};
    }
    EXPECT_EQ(got, brute_force(all, rule, person, w));
    for (size_t i = 1; i < found->size(); ++i) {
      EXPECT_GE((*found)[i - 1].total_overlap_seconds, (*found)[i].total_overlap_seconds);
    }
    ++checked;
    nonempty += !found->empty();
  }
  EXPECT_EQ(checked, 40);
  EXPECT_GT(nonempty, 20);  // the data is dense enough for the comparison to mean something
}

}  // namespace
}  // namespace kb
