// The audit log's hash chains on both databases: entries chain in order, a rolled-back entry
// leaves no gap, and the verifier finds an altered, a removed and a reordered entry, and a tail
// cut off below a head written outside the database.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "audit/audit_log.h"
#include "audit/chain.h"
#include "core/crypto.h"
#include "schema/schema.h"
#include "scratch_database.h"
#include "store/database.h"
#include "store/writer.h"

namespace kb::audit {
namespace {

using store::Connection;
using store::Dialect;

constexpr int64_t kAt = 1'800'000'000;

class AuditChain : public ::testing::TestWithParam<Dialect> {
 protected:
  void SetUp() override {
    ASSERT_TRUE(crypto_init());
    scratch_.emplace(GetParam(), "audit");
    if (!scratch_->available()) GTEST_SKIP() << test_support::ScratchDatabase::kSkipReason;
    auto db = store::Database::open(scratch_->url(), schema::khaibao());
    ASSERT_TRUE(db.ok()) << db.error().message;
    db_ = std::move(db).value();
    heads_ = std::filesystem::temp_directory_path() /
             ("kb-audit-heads-" + std::to_string(::getpid()) + "-" +
              std::to_string(reinterpret_cast<uintptr_t>(this)));
    std::filesystem::remove_all(heads_);
  }
  void TearDown() override {
    db_.reset();
    scratch_.reset();
    std::filesystem::remove_all(heads_);
  }

  void write_entries(int n, int64_t at = kAt) {
    for (int i = 0; i < n; ++i) {
      std::string reason = "entry " + std::to_string(i);
      auto st = db_->writer().write_sync([&](Connection& c) {
        return record(
            c, {.at = at + i, .action = "person.record", .subject = "person:7", .reason = reason});
      });
      ASSERT_TRUE(st.ok()) << st.error().message;
    }
  }
  void sql(const char* text) {
    store::Sql statement{"audit_test_tamper", text};
    auto st = db_->writer().write_sync([&](Connection& c) { return c.exec(statement); });
    ASSERT_TRUE(st.ok()) << st.error().message;
  }
  Verification verified(const std::vector<Head>& heads = {}) {
    auto v = db_->read([&](Connection& c) { return verify(c, heads); });
    EXPECT_TRUE(v.ok()) << v.error().message;
    return v.ok() ? *v : Verification{};
  }
  static bool found(const Verification& v, std::string_view kind, int64_t seq) {
    for (const auto& f : v.findings) {
      if (f.kind == kind && f.seq == seq) return true;
    }
    return false;
  }
  static std::string describe(const Verification& v) {
    std::string out;
    for (const auto& f : v.findings) out += f.kind + "@" + std::to_string(f.seq) + " ";
    return out;
  }

  std::unique_ptr<store::Database> db_;
  std::optional<test_support::ScratchDatabase> scratch_;
  std::filesystem::path heads_;
};

TEST_P(AuditChain, EntriesChainAndARolledBackOneLeavesNoGap) {
  write_entries(3);
  auto failed = db_->writer().write_sync([](Connection& c) -> Status {
    KB_TRY(record(c, {.at = kAt + 10, .action = "person.record", .subject = "person:7"}));
    return invalid("test", "rolled_back", "the action after the audit entry failed");
  });
  ASSERT_FALSE(failed.ok());
  write_entries(2, kAt + 20);
  Verification v = verified();
  EXPECT_TRUE(v.ok()) << describe(v);
  EXPECT_EQ(v.chains, 1);
  EXPECT_EQ(v.entries, 5);
}

TEST_P(AuditChain, TheVerifierFindsAlteredRemovedAndReorderedEntries) {
  write_entries(8);
  ASSERT_TRUE(verified().ok());
  sql("UPDATE audit_log SET reason = 'nothing to see' WHERE seq = 2");
  sql("DELETE FROM audit_log WHERE seq = 4");
  // Entries 6 and 7 swap places (through a free number: (chain, seq) is unique).
  sql("UPDATE audit_log SET seq = 1000 WHERE seq = 6");
  sql("UPDATE audit_log SET seq = 6 WHERE seq = 7");
  sql("UPDATE audit_log SET seq = 7 WHERE seq = 1000");
  Verification v = verified();
  EXPECT_FALSE(v.ok());
  EXPECT_TRUE(found(v, "altered", 2)) << describe(v);
  EXPECT_TRUE(found(v, "removed", 4)) << describe(v);
  EXPECT_TRUE(found(v, "reordered", 6)) << describe(v);
  EXPECT_FALSE(found(v, "altered", 1)) << describe(v);
  EXPECT_FALSE(found(v, "altered", 8)) << describe(v);
}

TEST_P(AuditChain, ATailCutBelowAHeadWrittenOutsideIsFound) {
  write_entries(5);
  auto written = db_->read([&](Connection& c) { return write_heads(c, heads_); });
  ASSERT_TRUE(written.ok()) << written.error().message;
  auto heads = read_heads(heads_);
  ASSERT_TRUE(heads.ok()) << heads.error().message;
  ASSERT_FALSE(heads->empty());
  EXPECT_TRUE(verified(*heads).ok());
  // Whoever can write to the database can cut the chain's end and leave a consistent chain:
  // only the head outside shows it.
  sql("DELETE FROM audit_log WHERE seq >= 4");
  EXPECT_TRUE(verified().ok());
  Verification v = verified(*heads);
  EXPECT_TRUE(found(v, "removed", 4)) << describe(v);
}

TEST_P(AuditChain, TheSubjectNamesWhoseDataItWas) {
  write_entries(1);
  auto rows = db_->read([](Connection& c) {
    static constexpr store::Sql kPeople{"audit_test_people",
                                        "SELECT person_id FROM audit_people ORDER BY person_id"};
    return c.query(kPeople);
  });
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].i64(0), 7);
}

// An actor the caller already holds is written with the role and area that reading users
// would give, and the chain still verifies.
TEST_P(AuditChain, AKnownActorIsWrittenAsTheUsersTableSaysIt) {
  sql("INSERT INTO users(role, username, password_hash, jurisdiction_level, jurisdiction_code, "
      "must_change_password, created_at) VALUES ('official', 'hcm.audit', 'x', 'province', '79', "
      "0, 1)");
  auto id = db_->read([](Connection& c) -> Result<int64_t> {
    static constexpr store::Sql kId{"audit_test_user",
                                    "SELECT id FROM users WHERE username = "
                                    "'hcm.audit'"};
    KB_ASSIGN(auto row, c.query_one(kId));
    return row->i64(0);
  });
  ASSERT_TRUE(id.ok());
  accounts::User official{
      .id = *id,
      .role = accounts::Role::kOfficial,
      .jurisdiction = areas::Jurisdiction{areas::Jurisdiction::Level::kProvince, "79"}};
  auto st = db_->writer().write_sync([&](Connection& c) -> Status {
    KB_TRY(
        record(c, {.at = kAt, .actor_id = *id, .action = "person.record", .subject = "person:7"}));
    return record(
        c, {.at = kAt + 1, .actor_id = *id, .action = "person.record", .subject = "person:7"},
        official);
  });
  ASSERT_TRUE(st.ok()) << st.error().message;
  auto rows = db_->read([](Connection& c) {
    static constexpr store::Sql kActors{"audit_test_actors",
                                        "SELECT actor_role, actor_area FROM audit_log ORDER BY id"};
    return c.query(kActors);
  });
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  for (const auto& r : *rows) {
    EXPECT_EQ(r.str(0), "official");
    EXPECT_EQ(r.str(1), "79");
  }
  EXPECT_TRUE(verified().findings.empty()) << describe(verified());
}

INSTANTIATE_TEST_SUITE_P(Databases, AuditChain,
                         ::testing::Values(Dialect::kSqlite, Dialect::kPostgres),
                         [](const auto& info) {
                           return info.param == Dialect::kSqlite ? "sqlite" : "postgres";
                         });

}  // namespace
}  // namespace kb::audit
