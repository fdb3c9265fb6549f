// Account administration on both databases: search by part of a username or a whole phone, role and
// jurisdiction; disabling (never one's own account); a password reset that must be changed.
// And the entry details of a declaration, written and read back by one pair of functions.
// PostgreSQL runs when KB_TEST_PG_URL is set (scripts/with-postgres.sh sets it).
#include "accounts/accounts.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "access/policy.h"
#include "crypto/sealing.h"
#include "declarations/declaration.h"
#include "schema/schema.h"
#include "scratch_database.h"
#include "store/database.h"
#include "store/writer.h"

namespace kb::accounts {
namespace {

using store::Dialect;

constexpr store::Sql kAddCitizen{
    "test_add_citizen",
    "INSERT INTO users(role, phone, phone_index, created_at) VALUES ('citizen', $1, $2, $3) "
    "RETURNING id"};
constexpr store::Sql kOpenSessions{
    "test_open_sessions",
    "SELECT COUNT(*) FROM sessions WHERE user_id = $1 AND revoked_at IS NULL"};

class AccountsTest : public ::testing::TestWithParam<Dialect> {
 protected:
  // The value of a write that must succeed.
  template <class F, class R = decltype(std::declval<F&>()(std::declval<store::Connection&>()))>
  std::decay_t<decltype(std::declval<R>().value())> write(F fn) {
    R r = db_->writer().write_sync(fn);
    EXPECT_TRUE(r.ok()) << r.error().message;
    return std::move(r).value();
  }
  void SetUp() override {
    scratch_.emplace(GetParam(), "accounts");
    if (!scratch_->available()) GTEST_SKIP() << test_support::ScratchDatabase::kSkipReason;
    auto db = store::Database::open(scratch_->url(), schema::khaibao());
    ASSERT_TRUE(db.ok()) << db.error().message;
    db_ = std::move(db).value();
    admin_ = staff("root.admin", Role::kAdmin);
    official_ = staff("hcm_city.official", Role::kOfficial);
    citizen_ = write([](store::Connection& c) -> Result<int64_t> {
      KB_ASSIGN(auto row,
                c.query_one(kAddCitizen, {sealing::seal("+84912345678"),
                                          sealing::blind("phone", "+84912345678"), int64_t{1000}}));
      return row->i64(0);
    });
  }
  void TearDown() override {
    db_.reset();
    scratch_.reset();
  }

  int64_t staff(std::string username, Role role) {
    NewStaff s{username, "$argon2id$not-a-real-hash", role, areas::Jurisdiction{}, false};
    return write([&](store::Connection& c) { return create_staff(c, s, std::nullopt, 1000); }).id;
  }
  std::vector<std::string> names(AccountQuery q) {
    auto found = db_->read([&](store::Connection& c) { return find_accounts(c, areas_, q); });
    EXPECT_TRUE(found.ok()) << found.error().message;
    std::vector<std::string> out;
    for (const auto& a : *found)
      out.push_back(a.user.username.empty() ? a.user.phone : a.user.username);
    return out;
  }

  std::unique_ptr<store::Database> db_;
  std::optional<test_support::ScratchDatabase> scratch_;
  areas::AreaDirectory areas_;
  int64_t admin_ = 0, official_ = 0, citizen_ = 0;
};

TEST_P(AccountsTest, FindsAccountsByPartOfAUsernameOrAWholePhoneInAnyForm) {
  EXPECT_EQ(names({}),
            (std::vector<std::string>{"+84912345678", "hcm_city.official", "root.admin"}));
  EXPECT_EQ(names({.text = "ROOT"}), std::vector<std::string>{"root.admin"});
  for (std::string form : {"0912 345 678", "+84912345678", "091.234.5678"}) {
    EXPECT_EQ(names({.text = form}), std::vector<std::string>{"+84912345678"}) << form;
  }
  // Phones are sealed at rest and found by their blind index: whole, not by a part.
  for (std::string form : {"912.345", "45678"}) {
    EXPECT_EQ(names({.text = form}), std::vector<std::string>{}) << form;
  }
  EXPECT_EQ(names({.text = "m_c"}), std::vector<std::string>{"hcm_city.official"});
  EXPECT_EQ(names({.text = "t_a"}), std::vector<std::string>{})
      << "'_' is a letter here, not a wildcard";
  EXPECT_EQ(names({.text = "%"}), std::vector<std::string>{});
  EXPECT_EQ(names({.role = Role::kOfficial}), std::vector<std::string>{"hcm_city.official"});
  EXPECT_EQ(names({.limit = 2}), (std::vector<std::string>{"+84912345678", "hcm_city.official"}));
  EXPECT_EQ(names({.before_id = official_}), std::vector<std::string>{"root.admin"});
}

TEST_P(AccountsTest, DisablingRevokesSessionsButNeverLocksOutTheAdministratorActing) {
  write(
      [&](store::Connection& c) { return open_staff_session(c, {}, {.id = official_}, "", 2000); });
  auto own = db_->writer().write_sync([&](store::Connection& c) {
    return set_account_disabled(c, areas_, admin_, admin_, true, 3000);
  });
  ASSERT_FALSE(own.ok());
  EXPECT_EQ(own.error().code, "own_account");
  Account off = write([&](store::Connection& c) {
    return set_account_disabled(c, areas_, admin_, official_, true, 3000);
  });
  EXPECT_TRUE(off.disabled);
  auto open =
      db_->read([&](store::Connection& c) { return c.query_one(kOpenSessions, {official_}); });
  EXPECT_EQ((*open)->i64(0), 0);
  Account on = write([&](store::Connection& c) {
    return set_account_disabled(c, areas_, admin_, official_, false, 3001);
  });
  EXPECT_FALSE(on.disabled);
}

TEST_P(AccountsTest, AResetPasswordMustBeChangedAndCitizensHaveNone) {
  Account reset = write([&](store::Connection& c) {
    return reset_password(c, areas_, admin_, official_, "new-hash", 4000);
  });
  EXPECT_TRUE(reset.user.must_change_password);
  EXPECT_EQ(access::password_settled(reset.user).error().code, "password_change_required");
  auto hash = db_->read([&](store::Connection& c) { return password_hash_of(c, official_); });
  EXPECT_EQ(*hash, "new-hash");
  for (int64_t refused : {citizen_, admin_}) {
    auto r = db_->writer().write_sync([&](store::Connection& c) {
      return reset_password(c, areas_, admin_, refused, "x", 4000);
    });
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, refused == admin_ ? "own_account" : "no_password");
  }
  ASSERT_TRUE(db_->writer()
                  .write_sync([&](store::Connection& c) {
                    return change_password(c, official_, "chosen", 4001);
                  })
                  .ok());
  auto after = db_->read([&](store::Connection& c) { return find_account(c, areas_, official_); });
  EXPECT_TRUE(access::password_settled(after->user).ok());
}

INSTANTIATE_TEST_SUITE_P(Databases, AccountsTest,
                         ::testing::Values(Dialect::kSqlite, Dialect::kPostgres),
                         [](const auto& info) {
                           return info.param == Dialect::kSqlite ? "sqlite" : "postgres";
                         });

TEST(EntryDetails, AreReadBackAsWrittenAndStrictlyChecked) {
  declarations::EntryDetails e{"flight",     "VN 417", "",      "KR",
                               "2026-11-20", "79",     "26882", "5 Nguyễn Huệ"};
  auto back = declarations::parse_entry(declarations::entry_json(e));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(boost::json::serialize(declarations::entry_json(*back)),
            boost::json::serialize(declarations::entry_json(e)));
  boost::json::object missing = declarations::entry_json(e);
  missing.erase("arrival_date");
  EXPECT_EQ(declarations::parse_entry(missing).error().field, "entry.arrival_date");
  boost::json::object extra = declarations::entry_json(e);
  extra["gate"] = "B2";
  EXPECT_EQ(declarations::parse_entry(extra).error().field, "entry.gate");
  EXPECT_EQ(declarations::parse_entry(boost::json::value("flight")).error().field, "entry");
}

}  // namespace
}  // namespace kb::accounts
