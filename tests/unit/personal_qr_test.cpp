// The personal QR token: signing round trip, tampering, expiry, key rotation, revocation.
#include "qr/personal_qr.h"

#include <gtest/gtest.h>
#include <sodium.h>
#include <unistd.h>

#include <filesystem>

#include "core/crypto.h"
#include "qr/qr_image.h"
#include "qr/signing_keys.h"
#include "qr/token.h"
#include "schema/schema.h"
#include "store/writer.h"

namespace kb::qr {
namespace {

constexpr int64_t kNow = 1'795'000'000;  // 2026-11-18

class PersonalQrTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(crypto_init());
    path_ = std::filesystem::temp_directory_path() /
            ("kb-personal-qr-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db");
    std::filesystem::remove(path_);
    auto db = store::Database::open("sqlite:" + path_.string(), schema::khaibao());
    ASSERT_TRUE(db.ok()) << db.error().message;
    db_ = std::move(*db);
    auto person = write([](store::Connection& c) -> Result<int64_t> {
      static constexpr store::Sql kPerson{"test_insert_person",
                                          "INSERT INTO people(full_name, birth_date, created_at, "
                                          "updated_at) VALUES ('Nguyễn Văn An', "
                                          "'1990-01-02', 1, 1) RETURNING id"};
      KB_ASSIGN(auto row, c.query_one(kPerson));
      return row->i64(0);
    });
    ASSERT_TRUE(person.ok()) << person.error().message;
    person_id_ = *person;
  }
  void TearDown() override {
    db_->stop();
    db_.reset();
    for (const char* suffix : {"", "-wal", "-shm"})
      std::filesystem::remove(path_.string() + suffix);
  }

  template <class F>
  auto write(F fn) -> decltype(fn(std::declval<store::Connection&>())) {
    return db_->writer().write_sync(std::move(fn));
  }
  IssuedQr issue(std::string colour, int64_t now = kNow, int64_t ttl = kPersonalQrTtlSeconds) {
    auto q = write(
        [&](store::Connection& c) { return issue_personal_qr(c, person_id_, colour, now, ttl); });
    EXPECT_TRUE(q.ok()) << q.error().message;
    return *q;
  }
  PersonalQrCheck check(std::string_view payload, int64_t now = kNow + 60) {
    auto r = db_->read([&](store::Connection& c) { return check_personal_qr(c, payload, now); });
    EXPECT_TRUE(r.ok()) << r.error().message;
    return *r;
  }

  std::filesystem::path path_;
  std::unique_ptr<store::Database> db_;
  int64_t person_id_ = 0;
};

TEST(Base32, RoundTripsAndIsStrict) {
  for (std::string s :
       {std::string(), std::string("f"), std::string("foobar"), std::string(94, '\xff')}) {
    auto enc = base32_encode(s);
    auto dec = base32_decode(enc);
    ASSERT_TRUE(dec.has_value()) << enc;
    EXPECT_EQ(*dec, s);
  }
  EXPECT_EQ(base32_encode("foobar"), "MZXW6YTBOI");
  EXPECT_FALSE(base32_decode("mzxw6ytboi").has_value());  // lower case is not the alphabet
  EXPECT_FALSE(base32_decode("MZXW6YTBOJ").has_value());  // non-zero padding bits
  EXPECT_FALSE(base32_decode("MZXW6YTBOI=").has_value());
}

TEST_F(PersonalQrTest, SignedTokenVerifiesAndCarriesItsClaims) {
  IssuedQr q = issue("yellow");
  EXPECT_TRUE(looks_like_personal_qr(q.payload));
  EXPECT_TRUE(q.payload.starts_with("KB1."));
  EXPECT_LE(q.payload.size(), 213u);
  EXPECT_GE(qr_version(q.payload), 1);
  EXPECT_LE(qr_version(q.payload), 10);
  PersonalQrCheck r = check(q.payload);
  EXPECT_EQ(r.verdict, Verdict::kValid);
  EXPECT_EQ(r.person_id, person_id_);
  EXPECT_EQ(r.colour, "yellow");
  EXPECT_EQ(r.issued_at, kNow);
  EXPECT_EQ(r.expires_at, kNow + kPersonalQrTtlSeconds);
  EXPECT_EQ(r.key_id, q.key_id);
  EXPECT_EQ(verdict_name(r.verdict), "valid");
}

TEST_F(PersonalQrTest, EveryFlippedByteIsRejected) {
  IssuedQr q = issue("green");
  auto raw = base32_decode(std::string_view(q.payload).substr(4));
  ASSERT_TRUE(raw.has_value());
  ASSERT_EQ(raw->size(), kTokenBodyBytes + kSignatureBytes);
  for (size_t i = 0; i < raw->size(); ++i) {
    for (unsigned char mask : {0x01, 0x80, 0xFF}) {
      std::string tampered = *raw;
      tampered[i] = static_cast<char>(tampered[i] ^ mask);
      PersonalQrCheck r = check("KB1." + base32_encode(tampered));
      EXPECT_TRUE(r.verdict == Verdict::kForged || r.verdict == Verdict::kMalformed)
          << "byte " << i << " mask " << int{mask} << " gave " << verdict_name(r.verdict);
      EXPECT_EQ(r.person_id, 0);
    }
  }
  // Every character of the text changed is rejected too.
  for (size_t i = 0; i < q.payload.size(); ++i) {
    std::string tampered = q.payload;
    tampered[i] = tampered[i] == 'A' ? 'B' : 'A';
    PersonalQrCheck r = check(tampered);
    EXPECT_NE(r.verdict, Verdict::kValid) << "character " << i;
  }
}

TEST_F(PersonalQrTest, ASignatureByAnotherKeyIsForged) {
  IssuedQr q = issue("green");
  auto parsed = parse_token(q.payload);
  ASSERT_TRUE(parsed.has_value());
  unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
  crypto_sign_keypair(pk, sk);
  TokenClaims claims = parsed->claims;
  claims.colour = 0;
  std::string forged = sign_token(claims, std::string_view(reinterpret_cast<char*>(sk), sizeof sk));
  EXPECT_EQ(check(forged).verdict, Verdict::kForged);
  claims.key_id = "00000000";  // an unknown key
  EXPECT_EQ(
      check(sign_token(claims, std::string_view(reinterpret_cast<char*>(sk), sizeof sk))).verdict,
      Verdict::kForged);
}

TEST_F(PersonalQrTest, MalformedInputIsAVerdictNotAnError) {
  for (std::string_view s :
       {"", "KB1.", "KB1.!!!!", "https://example.vn/v/abc", "KB2.AAAA", "KB1.AAAAAAAA"}) {
    EXPECT_EQ(check(s).verdict, Verdict::kMalformed) << s;
  }
  EXPECT_FALSE(looks_like_personal_qr("079090001234|123456789|Nguyễn Văn An"));
}

TEST_F(PersonalQrTest, ExpiresAtItsExpiryTime) {
  IssuedQr q = issue("green", kNow, 3600);
  EXPECT_EQ(check(q.payload, kNow + 3599).verdict, Verdict::kValid);
  PersonalQrCheck r = check(q.payload, kNow + 3600);
  EXPECT_EQ(r.verdict, Verdict::kExpired);
  EXPECT_EQ(r.person_id, person_id_);
}

TEST_F(PersonalQrTest, OldTokensVerifyAfterRotationUntilTheyExpire) {
  IssuedQr before = issue("green");
  auto rotated = write([](store::Connection& c) { return rotate_signing_key(c, kNow + 100); });
  ASSERT_TRUE(rotated.ok()) << rotated.error().message;
  EXPECT_NE(rotated->key_id, before.key_id);
  IssuedQr after = issue("green", kNow + 200);
  EXPECT_EQ(after.key_id, rotated->key_id);
  EXPECT_EQ(check(before.payload, kNow + 300).verdict, Verdict::kValid);
  EXPECT_EQ(check(after.payload, kNow + 300).verdict, Verdict::kValid);
  EXPECT_EQ(check(before.payload, kNow + kPersonalQrTtlSeconds).verdict, Verdict::kExpired);
  auto keys = db_->read([](store::Connection& c) { return public_keys(c, kNow + 300); });
  ASSERT_TRUE(keys.ok());
  ASSERT_EQ(keys->size(), 2u);
  EXPECT_EQ((*keys)[0].key_id, rotated->key_id);
  EXPECT_TRUE((*keys)[1].not_after.has_value());
  // Once the old key's last token has expired it is no longer published.
  auto later = db_->read(
      [](store::Connection& c) { return public_keys(c, kNow + 2 * kPersonalQrTtlSeconds); });
  ASSERT_TRUE(later.ok());
  EXPECT_EQ(later->size(), 1u);
}

TEST_F(PersonalQrTest, RevokedTokensFailAndNewOnesWork) {
  IssuedQr first = issue("green");
  IssuedQr yellow = issue("yellow");
  auto n = write([&](store::Connection& c) {
    return revoke_personal_qrs(c, person_id_, kNow + 10, "yellow");
  });
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 1);
  EXPECT_EQ(check(first.payload).verdict, Verdict::kRevoked);
  EXPECT_EQ(check(yellow.payload).verdict, Verdict::kValid);
  auto all =
      write([&](store::Connection& c) { return revoke_personal_qrs(c, person_id_, kNow + 20); });
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(check(yellow.payload).verdict, Verdict::kRevoked);
  IssuedQr fresh = issue("yellow", kNow + 30);
  EXPECT_EQ(check(fresh.payload).verdict, Verdict::kValid);
}

TEST_F(PersonalQrTest, TheCurrentTokenIsReusedWhileFreshAndOfTheSameColour) {
  auto a =
      write([&](store::Connection& c) { return personal_qr_for(c, person_id_, "green", kNow); });
  auto b = write(
      [&](store::Connection& c) { return personal_qr_for(c, person_id_, "green", kNow + 60); });
  auto red = write(
      [&](store::Connection& c) { return personal_qr_for(c, person_id_, "red", kNow + 120); });
  auto late = write(
      [&](store::Connection& c) { return personal_qr_for(c, person_id_, "red", kNow + 80000); });
  ASSERT_TRUE(a.ok() && b.ok() && red.ok() && late.ok());
  EXPECT_EQ(a->token_id, b->token_id);
  EXPECT_NE(b->token_id, red->token_id);
  EXPECT_NE(red->token_id, late->token_id);
}

TEST(QrImage, DrawsAnSvg) {
  auto svg = qr_svg("KB1.ABCDEF");
  ASSERT_TRUE(svg.ok());
  EXPECT_TRUE(svg->starts_with("<svg"));
  EXPECT_NE(svg->find("<path"), std::string::npos);
}

}  // namespace
}  // namespace kb::qr
