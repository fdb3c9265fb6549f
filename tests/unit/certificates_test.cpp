// EU Digital COVID Certificates: base45, zlib, CBOR/COSE, ES256, the schema checks, our
// issuer and the verifier's statuses. The EU's own vectors are in dcc_testdata_test.cpp.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <qrencode.h>

#include <algorithm>
#include <random>

#include "certificates/base45.h"
#include "certificates/compression.h"
#include "certificates/dcc_codec.h"
#include "certificates/dcc_qr.h"
#include "certificates/dcc_signers.h"
#include "certificates/issuer.h"
#include "certificates/value_sets.h"
#include "certificates/verifier.h"
#include "core/crypto.h"
#include "qr_reader.h"
#include "schema/schema.h"
#include "scratch_database.h"
#include "store/writer.h"

namespace kb::certificates {
namespace {

constexpr int64_t kNow = 1'795'000'000;  // 2026-11-18

// --- base45 (RFC 9285) ---------------------------------------------------------------------

TEST(Base45, EncodesTheRfcExamples) {
  EXPECT_EQ(base45_encode("AB"), "BB8");
  EXPECT_EQ(base45_encode("Hello!!"), "%69 VD92EX0");
  EXPECT_EQ(base45_encode("base-45"), "UJCLQE7W581");
  EXPECT_EQ(base45_encode("ietf!"), "QED8WEX0");
  EXPECT_EQ(base45_encode(""), "");
}

TEST(Base45, DecodesTheRfcExamples) {
  EXPECT_EQ(base45_decode("QED8WEX0"), "ietf!");
  EXPECT_EQ(base45_decode("BB8"), "AB");
  EXPECT_EQ(base45_decode("%69 VD92EX0"), "Hello!!");
  EXPECT_EQ(base45_decode("UJCLQE7W581"), "base-45");
}

TEST(Base45, RefusesWhatTheRfcSaysADecoderMustRefuse) {
  EXPECT_FALSE(base45_decode("GGW"));  // 65536 does not fit two bytes
  EXPECT_FALSE(base45_decode(":::"));  // nor does the largest triple
  EXPECT_FALSE(base45_decode("GG"));   // 736 does not fit one byte
  EXPECT_FALSE(base45_decode("A"));    // a length of 1 mod 3
  EXPECT_FALSE(base45_decode("BB8A"));
  EXPECT_FALSE(base45_decode("bb8"));  // lower case is outside the alphabet
  EXPECT_FALSE(base45_decode("BB#"));
  EXPECT_TRUE(base45_decode("FGW"));  // 65535, the largest pair
}

TEST(Base45, RoundTripsEveryLengthOfRandomBytes) {
  std::mt19937 rng(45);
  for (size_t len = 0; len < 200; ++len) {
    std::string bytes(len, '\0');
    for (auto& b : bytes) b = static_cast<char>(rng());
    std::string text = base45_encode(bytes);
    EXPECT_EQ(text.size(), len / 2 * 3 + len % 2 * 2);
    EXPECT_EQ(base45_decode(text), bytes) << len;
  }
}

// --- zlib ----------------------------------------------------------------------------------

TEST(Zlib, RoundTripsAndRefusesBrokenStreams) {
  std::string text = "a certificate payload, a certificate payload, a certificate payload";
  std::string z = zlib_deflate(text);
  ASSERT_LT(z.size(), text.size());
  EXPECT_EQ(zlib_inflate(z), text);
  EXPECT_FALSE(zlib_inflate(z.substr(0, z.size() - 3)));  // cut short
  EXPECT_FALSE(zlib_inflate(z + "x"));                    // bytes after the end
  EXPECT_FALSE(zlib_inflate(text));                       // not zlib at all
  EXPECT_FALSE(zlib_inflate(""));
}

TEST(Zlib, StopsAZipBombAtTheBound) {
  std::string zeros(10 * 1024 * 1024, '\0');
  std::string bomb = zlib_deflate(zeros);
  ASSERT_LT(bomb.size(), 20 * 1024u);  // fits a request body easily
  EXPECT_FALSE(zlib_inflate(bomb));
  EXPECT_TRUE(zlib_inflate(zlib_deflate(std::string(kMaxInflatedBytes, 'x'))));
  EXPECT_FALSE(zlib_inflate(zlib_deflate(std::string(kMaxInflatedBytes + 1, 'x'))));
}

// --- CBOR and COSE -------------------------------------------------------------------------

TEST(Cbor, ReadsTaggedCompoundItemsThatLibcbor08Refuses) {
  // 18([1, 2]): libcbor 0.8 alone calls the tag head 0xD2 malformed.
  auto v = cbor_decode(from_hex("d2820102"));
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(v->type, Cbor::Type::kTag);
  EXPECT_EQ(v->integer, 18);
  EXPECT_EQ(v->untagged().items.size(), 2u);
  // 61(18([])) and a two-byte tag head.
  EXPECT_TRUE(cbor_decode(from_hex("d83dd280")).ok());
  EXPECT_FALSE(cbor_decode(from_hex("d2")).ok());
  EXPECT_FALSE(cbor_decode(from_hex("820102ff")).ok());            // a byte after the item
  EXPECT_FALSE(cbor_decode(from_hex("1bffffffffffffffff")).ok());  // beyond int64
}

TEST(Cbor, RefusesDeepNestingAndImpossibleLengthsBeforeBuildingAnything) {
  // Nested arrays inflate from a few bytes of zlib: refused before anything recurses through
  // them (libcbor alone would build 2,000 levels).
  EXPECT_FALSE(cbor_decode(std::string(60'000, '\x81') + '\x01').ok());
  EXPECT_FALSE(cbor_decode(std::string(1'000, '\x81') + '\x01').ok());
  EXPECT_FALSE(cbor_decode(std::string(33, '\x81') + '\x01').ok());
  EXPECT_FALSE(cbor_decode(std::string(1'000, '\xc1') + '\x01').ok());   // tags as deep
  EXPECT_FALSE(cbor_decode(std::string(60'000, '\xd2') + '\x01').ok());  // leading tags
  EXPECT_TRUE(cbor_decode(std::string(20, '\x81') + '\x01').ok());
  EXPECT_FALSE(cbor_decode(from_hex("9bffffffffffffffff01")).ok());  // 2^64-1 items announced
  EXPECT_FALSE(cbor_decode(from_hex("5a7fffffff00")).ok());          // a 2 GB byte string
  EXPECT_TRUE(cbor_decode(from_hex("9f0102ff")).ok());               // indefinite arrays are fine
  EXPECT_TRUE(cbor_decode(from_hex("bf61619f02ffff")).ok());
  Verification v =
      verify("HC1:" + base45_encode(zlib_deflate(std::string(60'000, '\x81'))), kNow, TrustList{});
  EXPECT_EQ(v.reason, "malformed_cbor");
}

TEST(Cbor, RoundTripsIntegerKeysAndNegativeNumbers) {
  Cbor m = Cbor::map_of(
      {{Cbor::integer_of(-260), Cbor::map_of({{Cbor::integer_of(1), Cbor::text_of("Nguyễn")}})},
       {Cbor::integer_of(4), Cbor::integer_of(1'900'000'000)}});
  auto back = cbor_decode(cbor_encode(m));
  ASSERT_TRUE(back.ok());
  ASSERT_NE(back->find(-260), nullptr);
  EXPECT_EQ(back->find(-260)->find(1)->bytes, "Nguyễn");
  EXPECT_EQ(back->find(4)->integer, 1'900'000'000);
}

TEST(Cose, TheProtectedKidWinsOverTheUnprotectedOne) {
  CoseSign1 m;
  m.protected_header = Cbor::map_of({{Cbor::integer_of(1), Cbor::integer_of(-7)},
                                     {Cbor::integer_of(4), Cbor::bytes_of("PROTECTD")}});
  m.protected_bytes = cbor_encode(m.protected_header);
  m.unprotected_header = Cbor::map_of({{Cbor::integer_of(4), Cbor::bytes_of("UNPROTEC")}});
  m.payload = "p";
  m.signature = "s";
  auto back = parse_cose_sign1(encode_cose_sign1(m));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->kid(), "PROTECTD");
  EXPECT_EQ(back->algorithm(), -7);

  m.protected_header = Cbor::map_of({{Cbor::integer_of(1), Cbor::integer_of(-7)}});
  m.protected_bytes = cbor_encode(m.protected_header);
  back = parse_cose_sign1(encode_cose_sign1(m));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->kid(), "UNPROTEC");
}

// --- ES256 and signer certificates ---------------------------------------------------------

TEST(Es256, RawAndDerFormsConvertBothWays) {
  // r = 1, s = 2: DER 30 06 02 01 01 02 01 02; raw pads each to 32 bytes.
  std::string der = from_hex("3006020101020102");
  std::string raw = ecdsa_der_to_raw(der);
  ASSERT_EQ(raw.size(), 64u);
  EXPECT_EQ(raw, std::string(31, '\0') + '\x01' + std::string(31, '\0') + '\x02');
  EXPECT_EQ(ecdsa_raw_to_der(raw), der);
  // A high first bit gets DER's leading zero byte, and loses it again.
  std::string high = std::string(1, '\x80') + std::string(31, '\x11') + std::string(1, '\xff') +
                     std::string(31, '\x22');
  std::string high_der = ecdsa_raw_to_der(high);
  EXPECT_EQ(high_der.substr(0, 5), from_hex("3046022100"));
  EXPECT_EQ(ecdsa_der_to_raw(high_der), high);
  EXPECT_EQ(ecdsa_der_to_raw("not der"), "");
  EXPECT_EQ(ecdsa_raw_to_der("odd"), "");
}

TEST(Es256, OurSignaturesVerifyAndOthersDoNot) {
  auto key = EcSigningKey::generate();
  ASSERT_TRUE(key.ok());
  auto der = key->self_signed_certificate("khaibao", "khaibao DSC", kNow - 10, kNow + 1000,
                                          {CertificateKind::kVaccination});
  ASSERT_TRUE(der.ok()) << der.error().message;
  auto cert = SignerCertificate::from_der(*der);
  ASSERT_TRUE(cert.ok()) << cert.error().message;
  auto sig = key->sign("to be signed");
  ASSERT_TRUE(sig.ok());
  EXPECT_EQ(sig->size(), 64u);
  EXPECT_TRUE(cert->verify(kAlgEs256, "to be signed", *sig));
  EXPECT_FALSE(cert->verify(kAlgEs256, "to be signed!", *sig));
  EXPECT_FALSE(cert->verify(kAlgPs256, "to be signed", *sig));  // an EC key does not do PS256
  EXPECT_FALSE(cert->verify(-35, "to be signed", *sig));        // ES384: not a DCC algorithm
  // The key survives its PEM form.
  auto again = EcSigningKey::from_pem(key->to_pem());
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(cert->verify(kAlgEs256, "x", *again->sign("x")));
}

TEST(SignerCertificates, KidSubjectAndKeyUsage) {
  auto key = EcSigningKey::generate();
  auto der = key->self_signed_certificate("khaibao", "khaibao DSC", kNow, kNow + 1000,
                                          {CertificateKind::kVaccination});
  auto cert = SignerCertificate::from_der(*der);
  ASSERT_TRUE(cert.ok());
  unsigned char digest[32];
  unsigned int len = 0;
  EVP_Digest(der->data(), der->size(), digest, &len, EVP_sha256(), nullptr);
  EXPECT_EQ(cert->kid(), std::string(reinterpret_cast<char*>(digest), 8));
  EXPECT_EQ(cert->subject(), "/C=VN/O=khaibao/CN=khaibao DSC");
  EXPECT_EQ(cert->not_before(), kNow);
  EXPECT_EQ(cert->not_after(), kNow + 1000);
  EXPECT_TRUE(cert->may_sign(CertificateKind::kVaccination));
  EXPECT_FALSE(cert->may_sign(CertificateKind::kTest));
  EXPECT_FALSE(cert->may_sign(CertificateKind::kRecovery));

  auto any =
      SignerCertificate::from_der(*key->self_signed_certificate("x", "y", kNow, kNow + 1, {}));
  EXPECT_TRUE(any->may_sign(CertificateKind::kTest));  // no DCC key usage: every kind

  EXPECT_EQ(kinds_of_key_usage_oid("1.3.6.1.4.1.1847.2021.1.1"),
            std::vector{CertificateKind::kTest});
  EXPECT_EQ(kinds_of_key_usage_oid("1.3.6.1.4.1.0.1847.2021.1.3"),
            std::vector{CertificateKind::kRecovery});
  EXPECT_TRUE(kinds_of_key_usage_oid("1.3.6.1.5.5.7.3.1").empty());
  EXPECT_FALSE(SignerCertificate::from_der("garbage").ok());
}

TEST(SignerCertificates, PemBundles) {
  auto key = EcSigningKey::generate();
  auto der = *key->self_signed_certificate("a", "b", kNow, kNow + 1, {});
  unsigned char b64[2048];
  int n = EVP_EncodeBlock(b64, reinterpret_cast<const unsigned char*>(der.data()),
                          static_cast<int>(der.size()));
  std::string body(reinterpret_cast<char*>(b64), static_cast<size_t>(n));
  std::string pem;
  for (size_t i = 0; i < body.size(); i += 64) pem += body.substr(i, 64) + "\n";
  pem = "-----BEGIN CERTIFICATE-----\n" + pem + "-----END CERTIFICATE-----\n";
  auto two = parse_pem_bundle("# DE signer\n" + pem + "\nsome note\n" + pem);
  ASSERT_TRUE(two.ok()) << two.error().message;
  EXPECT_EQ(two->size(), 2u);
  EXPECT_EQ(parse_pem_bundle("").error().code, "empty_bundle");
  auto broken =
      parse_pem_bundle(pem + "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.error().message.find("certificate 2"), std::string::npos);
  EXPECT_EQ(load_trust_bundle("/nonexistent/bundle.pem").error().code, "unreadable_file");
}

// --- names and identifiers -----------------------------------------------------------------

TEST(DccNames, TheFamilyNameIsTheFirstWordAndTransliterationFollowsIcao) {
  auto n = dcc_name("  Nguyễn   Văn Đức ");
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n->fn, "Nguyễn");
  EXPECT_EQ(n->fnt, "NGUYEN");
  EXPECT_EQ(n->gn, "Văn Đức");
  EXPECT_EQ(n->gnt, "VAN<DUC");
  EXPECT_EQ(icao_transliteration("Trần Thị Ngọc Ánh"), "TRAN<THI<NGOC<ANH");
  EXPECT_EQ(icao_transliteration("Lê-Hoàng Phương"), "LE<HOANG<PHUONG");
  EXPECT_EQ(icao_transliteration("Ưng Ơn Ấu"), "UNG<ON<AU");
  EXPECT_EQ(icao_transliteration("d'Červenková  Gößinger"), "DCERVENKOVA<GOSSINGER");
  auto single = dcc_name("Mai");
  ASSERT_TRUE(single.ok());
  EXPECT_EQ(single->fnt, "MAI");
  EXPECT_EQ(single->gn, "");
  EXPECT_EQ(dcc_name(" ").error().field, "full_name");
  EXPECT_EQ(dcc_name("李 小龙").error().code, "not_transliterable");
}

TEST(Uvci, CheckCharacterIsLuhnMod38) {
  // The EU's reference implementation (eu-dcc-schema examples/Luhn-Mod-N) gives these.
  EXPECT_EQ(uvci_check_character("URN:UVCI:01:NL:187/37512422923"), 'Z');
  EXPECT_EQ(uvci_check_character("URN:UVCI:01:NL:MY/INPUT/STRING"), 'H');
  EXPECT_EQ(uvci_check_character("urn"), '\0');
  std::string id = new_uvci();
  ASSERT_EQ(id.size(), 40u);
  EXPECT_TRUE(id.starts_with("URN:UVCI:01:VN:KB/"));
  EXPECT_EQ(id[38], '#');
  EXPECT_EQ(id.back(), uvci_check_character(id.substr(0, 38)));
  EXPECT_NE(new_uvci(), id);
}

// --- schema --------------------------------------------------------------------------------

Cbor vaccination_hcert(std::string ver, std::string dob = "1990-01-02") {
  HealthCertificate c;
  c.version = std::move(ver);
  c.name = {"Nguyễn", "NGUYEN", "Văn An", "VAN<AN"};
  c.dob = std::move(dob);
  c.vaccinations.push_back({"840539006", "1119349007", "EU/1/20/1528", "ORG-100030215", 2, 2,
                            "2021-10-01", "VN", "Ministry of Health of Viet Nam",
                            "URN:UVCI:01:VN:KB/ABC#D"});
  return health_certificate_cbor(c);
}

std::vector<std::string> problems(const Cbor& hcert) {
  std::vector<std::string> out;
  for (const auto& p : read_health_certificate(hcert).problems)
    out.push_back(p.path + ":" + p.code);
  return out;
}

using Problems = std::vector<std::string>;

TEST(Schema, AVaccinationOfEveryVersionReadsClean) {
  for (const char* ver : {"1.0.0", "1.0.1", "1.2.1", "1.3.0", "1.3.2"}) {
    auto read = read_health_certificate(vaccination_hcert(ver));
    EXPECT_TRUE(read.problems.empty()) << ver;
    EXPECT_TRUE(read.unknown_codes.empty()) << ver;
    EXPECT_EQ(read.certificate.kind(), CertificateKind::kVaccination);
    EXPECT_EQ(read.certificate.vaccinations.at(0).mp, "EU/1/20/1528");
  }
}

TEST(Schema, BirthDatesFollowTheirVersion) {
  EXPECT_EQ(problems(vaccination_hcert("1.0.0", "1990")),
            Problems{"dob:bad_format"});  // 1.0: a full date
  EXPECT_EQ(problems(vaccination_hcert("1.2.1", "1990")), Problems{});
  EXPECT_EQ(problems(vaccination_hcert("1.2.1", "")), Problems{"dob:bad_format"});
  EXPECT_EQ(problems(vaccination_hcert("1.3.0", "")), Problems{});  // 1.3: unknown allowed
  EXPECT_EQ(problems(vaccination_hcert("1.3.0", "1815-08-24")), Problems{"dob:bad_format"});
  EXPECT_EQ(problems(vaccination_hcert("1.3.0", "1990-02-30")), Problems{"dob:bad_format"});
}

TEST(Schema, RequiredFieldsTypesAndRanges) {
  Cbor h = vaccination_hcert("1.3.0");
  Cbor& v0 = h.entries[3].second.items[0];     // ver, nam, dob, v
  v0.entries.erase(v0.entries.begin() + 2);    // mp
  v0.entries[3].second = Cbor::integer_of(0);  // dn (now 4th)
  EXPECT_EQ(problems(h), (Problems{"v[0].mp:missing", "v[0].dn:out_of_range"}));

  h = vaccination_hcert("1.2.1");
  h.entries[3].second.items[0].entries[4].second = Cbor::integer_of(10);  // dn 10: over 1.2's 9
  EXPECT_EQ(problems(h), Problems{"v[0].dn:out_of_range"});

  h = vaccination_hcert("1.3.0");
  h.entries[1].second.entries[1].second = Cbor::text_of("Nguyen");  // fnt lower case
  EXPECT_EQ(problems(h), Problems{"nam.fnt:bad_format"});

  h = vaccination_hcert("1.3.0");
  h.entries[3].second.items.push_back(h.entries[3].second.items[0]);
  EXPECT_EQ(problems(h), Problems{"v:too_many_entries"});  // 1.3: one entry
  h.entries[0].second = Cbor::text_of("1.2.1");
  EXPECT_EQ(problems(h), Problems{});

  h = vaccination_hcert("1.3.0");
  h.entries.emplace_back(Cbor::text_of("r"), h.entries[3].second);
  auto several = problems(h);
  EXPECT_NE(std::find(several.begin(), several.end(), ":several_kinds"), several.end());

  h = vaccination_hcert("2.0.0");
  EXPECT_EQ(problems(h), Problems{"ver:unsupported_version"});
  EXPECT_EQ(problems(Cbor::text_of("x")), Problems{":wrong_type"});
}

TEST(Schema, UnknownCodesAreListedNotProblems) {
  Cbor h = vaccination_hcert("1.3.0");
  h.entries[3].second.items[0].entries[2].second =
      Cbor::text_of("Nanocovax");  // mp not in the EU set
  auto read = read_health_certificate(h);
  EXPECT_TRUE(read.problems.empty());
  ASSERT_EQ(read.unknown_codes.size(), 1u);
  EXPECT_EQ(read.unknown_codes[0].path, "v[0].mp");
  EXPECT_EQ(read.unknown_codes[0].value_set, "vaccine-medicinal-product");
  EXPECT_EQ(read.unknown_codes[0].code, "Nanocovax");
  auto json = health_certificate_json(read.certificate);
  EXPECT_EQ(json["v"].as_array()[0].as_object()["mp"], "Nanocovax");
  EXPECT_FALSE(json["v"].as_array()[0].as_object().contains("mp_name"));
  EXPECT_EQ(json["v"].as_array()[0].as_object()["ma_name"], "Biontech Manufacturing GmbH");
}

TEST(ValueSets, HoldTheVaccinesVietnamUsed) {
  for (const char* mp : {"BBIBP-CorV", "Sputnik-V", "EU/1/20/1528", "EU/1/20/1507", "EU/1/21/1529",
                         "EU/1/20/1525", "Covaxin", "Hayat-Vax", "Abdala", "Covishield"}) {
    EXPECT_TRUE(value_set_display(ValueSet::kVaccineProduct, mp)) << mp;
    auto e = vaccine_encoding(mp);
    ASSERT_TRUE(e) << mp;
    EXPECT_TRUE(value_set_display(ValueSet::kVaccineManufacturer, e->manufacturer)) << mp;
    EXPECT_TRUE(value_set_display(ValueSet::kVaccineProphylaxis, e->prophylaxis)) << mp;
  }
  EXPECT_EQ(value_set_display(ValueSet::kDisease, "840539006"), "COVID-19");
  EXPECT_EQ(value_set_display(ValueSet::kCountry, "VN"), "Viet Nam");
  EXPECT_EQ(vaccine_encoding("EU/1/20/1528")->prophylaxis, "1119349007");
}

// --- issuing and verifying -----------------------------------------------------------------

// A DCC signed by `key` for `hcert`, as a foreign issuer would make it.
std::string sign_dcc(const EcSigningKey& key, const SignerCertificate& cert, const Cbor& hcert,
                     int64_t iat, int64_t exp) {
  CoseSign1 m;
  m.protected_header =
      Cbor::map_of({{Cbor::integer_of(kCoseHeaderAlg), Cbor::integer_of(kAlgEs256)},
                    {Cbor::integer_of(kCoseHeaderKid), Cbor::bytes_of(cert.kid())}});
  m.protected_bytes = cbor_encode(m.protected_header);
  m.unprotected_header = Cbor::map_of({});
  m.payload = encode_cwt(CwtClaims{"DE", iat, exp, hcert});
  m.signature = *key.sign(m.to_be_signed());
  return encode_dcc_text(encode_cose_sign1(m));
}

class DccIssuing : public ::testing::TestWithParam<store::Dialect> {
 protected:
  void SetUp() override {
    ASSERT_TRUE(crypto_init());
    scratch_.emplace(GetParam(), "dcc");
    if (!scratch_->available()) GTEST_SKIP() << test_support::ScratchDatabase::kSkipReason;
    auto db = store::Database::open(scratch_->url(), schema::khaibao());
    ASSERT_TRUE(db.ok()) << db.error().message;
    db_ = std::move(db).value();
  }
  void TearDown() override {
    db_.reset();
    scratch_.reset();
  }

  DoseRecord dose() {
    DoseRecord d;
    d.full_name = "Nguyễn Văn An";
    d.birth_date = "1990-01-02";
    d.product = "BBIBP-CorV";
    d.dose_number = 2;
    d.total_doses = 2;
    d.vaccinated_on = "2026-11-01";
    return d;
  }
  Result<IssuedCertificate> issue(const DoseRecord& d, int64_t now = kNow) {
    return db_->writer().write_sync(
        [&](store::Connection& c) { return issue_vaccination_certificate(c, d, now); });
  }
  TrustList ours() {
    auto certs = db_->read([&](store::Connection& c) { return dcc_signer_certificates(c); });
    EXPECT_TRUE(certs.ok());
    return TrustList(certs.ok() ? *certs : std::vector<SignerCertificate>{});
  }

  std::optional<test_support::ScratchDatabase> scratch_;
  std::unique_ptr<store::Database> db_;
};

TEST_P(DccIssuing, IssuedCertificatesVerifyValidWithTheHolderAndDose) {
  auto issued = issue(dose());
  ASSERT_TRUE(issued.ok()) << issued.error().message;
  EXPECT_TRUE(issued->text.starts_with("HC1:"));
  EXPECT_EQ(issued->expires_at, kNow + kDccLifetimeSeconds);
  EXPECT_TRUE(issued->certificate_id.starts_with("URN:UVCI:01:VN:KB/"));

  Verification v = verify(issued->text, kNow + 60, ours());
  ASSERT_EQ(status_name(v.status), "valid") << v.reason;
  EXPECT_EQ(v.issuer_country, "VN");
  EXPECT_EQ(v.signer_subject, "/C=VN/O=khaibao/CN=khaibao DSC");
  ASSERT_TRUE(v.kid);
  ASSERT_TRUE(v.certificate);
  const HealthCertificate& c = v.certificate->certificate;
  EXPECT_EQ(c.version, "1.3.0");
  EXPECT_EQ(c.name.fn, "Nguyễn");
  EXPECT_EQ(c.name.fnt, "NGUYEN");
  EXPECT_EQ(c.name.gnt, "VAN<AN");
  EXPECT_EQ(c.dob, "1990-01-02");
  ASSERT_EQ(c.vaccinations.size(), 1u);
  const VaccinationEntry& e = c.vaccinations[0];
  EXPECT_EQ(e.tg, "840539006");
  EXPECT_EQ(e.mp, "BBIBP-CorV");
  EXPECT_EQ(e.ma, "ORG-100020693");  // Sinopharm Beijing, from the EU encoding rules
  EXPECT_EQ(e.vp, "1157024006");     // inactivated whole virus
  EXPECT_EQ(e.dn, 2);
  EXPECT_EQ(e.sd, 2);
  EXPECT_EQ(e.dt, "2026-11-01");
  EXPECT_EQ(e.co, "VN");
  EXPECT_EQ(e.ci, issued->certificate_id);
  EXPECT_TRUE(v.certificate->unknown_codes.empty());

  // One signer, made on first use and then reused.
  auto again = issue(dose(), kNow + 100);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->kid, issued->kid);
  EXPECT_NE(again->certificate_id, issued->certificate_id);
  EXPECT_EQ(ours().size(), 1u);

  // Its QR: one alphanumeric segment at level Q, smaller than the same text in byte mode, and
  // a scanner reads the text back from the PNG.
  DccQrInfo qr = dcc_qr_info(issued->text);
  std::unique_ptr<QRcode, decltype(&QRcode_free)> bytes_mode(
      QRcode_encodeString8bit(issued->text.c_str(), 0, QR_ECLEVEL_Q), QRcode_free);
  ASSERT_TRUE(bytes_mode);
  EXPECT_GT(qr.version, 0);
  EXPECT_LT(qr.version, bytes_mode->version);
  auto svg = dcc_qr_svg(issued->text);
  ASSERT_TRUE(svg.ok());
  EXPECT_TRUE(svg->starts_with("<svg"));
  auto png = dcc_qr_png(issued->text);
  ASSERT_TRUE(png.ok());
  EXPECT_EQ(test_support::read_qr_png(*png), issued->text);
  EXPECT_FALSE(dcc_qr_svg("lower case is not alphanumeric").ok());
}

TEST_P(DccIssuing, TamperingExpiryAndStrangersGiveTheirStatuses) {
  auto issued = issue(dose());
  ASSERT_TRUE(issued.ok()) << issued.error().message;
  TrustList trust = ours();

  // A changed payload under the original signature.
  auto decoded = decode_dcc(issued->text);
  ASSERT_TRUE(decoded.ok());
  CoseSign1 forged = decoded->cose;
  CwtClaims claims = decoded->claims;
  claims.expires_at += 10 * 365 * 24 * 3600;
  forged.payload = encode_cwt(claims);
  Verification v = verify(encode_dcc_text(encode_cose_sign1(forged)), kNow, trust);
  EXPECT_EQ(status_name(v.status), "invalid_signature");
  EXPECT_EQ(v.reason, "bad_signature");
  EXPECT_FALSE(v.certificate);  // nothing of an unverified certificate is shown

  // A signer we do not trust.
  EXPECT_EQ(status_name(verify(issued->text, kNow, TrustList{}).status), "unknown_signer");
  auto stranger_key = EcSigningKey::generate();
  auto stranger = SignerCertificate::from_der(
      *stranger_key->self_signed_certificate("x", "y", kNow, kNow + 1000, {}));
  Verification by_stranger =
      verify(sign_dcc(*stranger_key, *stranger, claims.hcert, kNow, kNow + 100), kNow, trust);
  EXPECT_EQ(status_name(by_stranger.status), "unknown_signer");
  EXPECT_EQ(by_stranger.reason, "unknown_kid");

  // Time.
  EXPECT_EQ(status_name(verify(issued->text, issued->expires_at + 1, trust).status), "expired");
  EXPECT_EQ(status_name(verify(issued->text, issued->expires_at, trust).status), "valid");
  // Years later, past its signer's own certificate, it is still ours: expired, not a stranger's.
  EXPECT_EQ(status_name(verify(issued->text, kNow + 2 * kSignerLifetimeSeconds, ours()).status),
            "expired");
  Verification early = verify(issued->text, kNow - 1, trust);
  EXPECT_EQ(status_name(early.status), "not_yet_valid");
  EXPECT_TRUE(early.certificate);  // the signature holds: the holder is shown

  // Garbage.
  for (std::string_view garbage : {"", "hello", "HC1:", "HC1:abc", "HC2:6BFOXN", "HC1:6BFOXN%TS3DH",
                                   "https://example.vn/v/ABC"}) {
    Verification g = verify(garbage, kNow, trust);
    EXPECT_EQ(status_name(g.status), "malformed") << garbage;
    EXPECT_FALSE(g.certificate);
  }
  EXPECT_EQ(verify("HC1:" + base45_encode(zlib_deflate("not cose")), kNow, trust).reason,
            "malformed_cbor");
  EXPECT_EQ(verify("HC1:" + base45_encode("not zlib"), kNow, trust).reason, "bad_compression");
}

TEST_P(DccIssuing, ASignerRestrictedToVaccinationsCannotSignATest) {
  auto key = EcSigningKey::generate();
  auto cert = *SignerCertificate::from_der(*key->self_signed_certificate(
      "x", "y", kNow - 10, kNow + 1000, {CertificateKind::kVaccination}));
  TrustList trust;
  trust.add(cert);
  HealthCertificate test;
  test.version = "1.3.0";
  test.name = {"Tran", "TRAN", "Binh", "BINH"};
  test.dob = "1980-05-05";
  TestEntry t;
  t.tg = "840539006";
  t.tt = "LP6464-4";
  t.sc = "2026-11-17T08:00:00+07:00";
  t.tr = "260415000";
  t.tc = "Bệnh viện Bạch Mai";
  t.co = "VN";
  t.is = "Ministry of Health of Viet Nam";
  t.ci = "URN:UVCI:01:VN:KB/T1#X";
  test.tests.push_back(t);
  Verification v =
      verify(sign_dcc(*key, cert, health_certificate_cbor(test), kNow, kNow + 100), kNow, trust);
  EXPECT_EQ(status_name(v.status), "invalid_signature");
  EXPECT_EQ(v.reason, "signer_not_allowed");
  EXPECT_TRUE(v.signature_valid);

  // A signed certificate that breaks its schema is malformed, its holder still shown.
  Cbor broken = vaccination_hcert("1.3.0", "1815-01-01");
  Verification m = verify(sign_dcc(*key, cert, broken, kNow, kNow + 100), kNow, trust);
  EXPECT_EQ(status_name(m.status), "malformed");
  EXPECT_EQ(m.reason, "schema");
  ASSERT_TRUE(m.certificate);
  EXPECT_EQ(m.certificate->certificate.name.fnt, "NGUYEN");
}

TEST_P(DccIssuing, BadDosesAreRefusedByField) {
  auto field_of = [&](auto change) {
    DoseRecord d = dose();
    change(d);
    auto r = issue(d);
    return r.ok() ? std::string("ok") : r.error().field + "/" + r.error().code;
  };
  EXPECT_EQ(field_of([](DoseRecord& d) { d.full_name = ""; }), "full_name/empty");
  EXPECT_EQ(field_of([](DoseRecord& d) { d.birth_date = "02/01/1990"; }),
            "birth_date/invalid_date");
  EXPECT_EQ(field_of([](DoseRecord& d) { d.product = "Nanocovax"; }), "product/unknown_product");
  EXPECT_EQ(field_of([](DoseRecord& d) { d.manufacturer = "ACME"; }),
            "manufacturer/unknown_manufacturer");
  EXPECT_EQ(field_of([](DoseRecord& d) { d.dose_number = 0; }), "dose_number/out_of_range");
  EXPECT_EQ(field_of([](DoseRecord& d) { d.total_doses = 0; }), "total_doses/out_of_range");
  EXPECT_EQ(field_of([](DoseRecord& d) { d.vaccinated_on = "2026-11-19"; }),
            "vaccinated_on/in_future");
  EXPECT_EQ(field_of([](DoseRecord& d) { d.vaccinated_on = "2026-13-01"; }),
            "vaccinated_on/invalid_date");
  EXPECT_EQ(field_of([](DoseRecord& d) { d.certificate_id = "URN:UVCI:01:VN:KB/ABC#A"; }),
            "certificate_id/invalid_uvci");
  std::string good = "URN:UVCI:01:VN:KB/ABC";
  good += std::string("#") + uvci_check_character(good);
  EXPECT_EQ(field_of([&](DoseRecord& d) { d.certificate_id = good; }), "ok");
  EXPECT_EQ(field_of([](DoseRecord& d) {
              d.product = "EU/1/20/1528";
              d.birth_date = "1990";
            }),
            "ok");
}

TEST_P(DccIssuing, RotationKeepsOldCertificatesVerifying) {
  auto first = issue(dose());
  ASSERT_TRUE(first.ok());
  auto rotated = db_->writer().write_sync(
      [](store::Connection& c) { return rotate_dcc_signer(c, kNow + 10); });
  ASSERT_TRUE(rotated.ok()) << rotated.error().message;
  auto second = issue(dose(), kNow + 20);
  ASSERT_TRUE(second.ok());
  EXPECT_NE(second->kid, first->kid);
  EXPECT_EQ(second->kid, rotated->kid_base64());
  TrustList trust = ours();
  EXPECT_EQ(trust.size(), 2u);
  EXPECT_EQ(status_name(verify(first->text, kNow + 30, trust).status), "valid");
  EXPECT_EQ(status_name(verify(second->text, kNow + 30, trust).status), "valid");
  // A signer whose certificate would end before a new DCC does is replaced on its own.
  int64_t late = kNow + kSignerLifetimeSeconds - kDccLifetimeSeconds + 3600;
  auto renewed = issue(dose(), late);
  ASSERT_TRUE(renewed.ok());
  EXPECT_NE(renewed->kid, second->kid);
}

INSTANTIATE_TEST_SUITE_P(Databases, DccIssuing,
                         ::testing::Values(store::Dialect::kSqlite, store::Dialect::kPostgres),
                         [](const auto& info) {
                           return info.param == store::Dialect::kSqlite ? "sqlite" : "postgres";
                         });

}  // namespace
}  // namespace kb::certificates
