// Addresses as spreadsheets hold them, resolved to today's ward codes. Lists made before the
// 2025 reform name a ward, a district and one of the 63 old provinces, in many spellings
// ("P.12, Q. Gò Vấp, TP.HCM", "Phường 12, Quận Gò Vấp, Hồ Chí Minh", "Xã Tân Thông Hội, H. Củ
// Chi"); those go through the old-to-new ward mapping (areas::OldWard). Lists made after name a
// new ward and province, taken as they are.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "areas/area_directory.h"
#include "core/result.h"

namespace kb::vaccination {

// The address cells of one row: `address` may hold a whole address ("12 Lê Lợi, P.12, Q.Gò
// Vấp, TP.HCM") or only the street; ward, district and province are their own columns when the
// sheet has them (empty otherwise).
struct AddressInput {
  std::string_view address, ward, district, province;
};

struct ResolvedAddress {
  std::string province_code;  // empty when the row names no province
  std::string ward_code;      // empty when the row names no ward
  std::string street;         // what is left of the address: house number, street, hamlet
  bool old_form = false;      // resolved through the pre-2025 ward mapping
};

// A name as the directory and people write it, reduced for comparison: the kind of unit its
// prefix names ("Phường", "P.", "Q.", "TP", "Huyện" …) and the bare name, folded ("P. 03" →
// kWard "3", "Q. Gò Vấp" → kUrbanDistrict "govap", "TP.HCM" → kCity "hcm").
struct AreaName {
  enum class Kind {
    kNone,
    kProvince,       // Tỉnh
    kCity,           // Thành phố / TP: a province or a city inside one
    kUrbanDistrict,  // Quận
    kRuralDistrict,  // Huyện
    kTown,           // Thị xã
    kWard,           // Phường
    kCommune,        // Xã
    kTownship,       // Thị trấn
    kSpecialZone,    // Đặc khu
  };
  Kind kind = Kind::kNone;
  std::string key;
  std::string exact;  // the same with its diacritics kept, for names that differ only by them
};
AreaName parse_area_name(std::string_view text);

// parse_area_name remembered by text: a list names the same wards, districts and provinces on
// row after row. Not thread-safe: one per list being cleaned. Holds at most `capacity` names
// (then starts afresh), since every house and street is also a part of some address.
class AreaNames {
 public:
  explicit AreaNames(size_t capacity = 100000) : capacity_(capacity) {}
  const AreaName& of(std::string_view text);

 private:
  size_t capacity_;
  std::unordered_map<std::string, AreaName> names_;
};

class AddressBook {
 public:
  AddressBook() = default;
  AddressBook(std::span<const areas::Province> provinces, std::span<const areas::Ward> wards,
              std::span<const areas::OldWard> old_wards);
  static AddressBook from(const areas::AreaDirectory& areas);

  // Resolves an address; `context_province` (a new province code, or empty) stands for the
  // province when the row names none — the importing official's. Errors name the field at fault
  // (province, district, ward) with codes unknown_province, unknown_district, unknown_ward,
  // ambiguous_ward and missing_ward (a district without a ward: no new ward follows from it).
  Result<ResolvedAddress> resolve(const AddressInput& input, std::string_view context_province,
                                  AreaNames& names) const;
  Result<ResolvedAddress> resolve(const AddressInput& input,
                                  std::string_view context_province) const {
    AreaNames names;
    return resolve(input, context_province, names);
  }

  // The new province code a province name (new or pre-2025, any spelling) stands for, or empty.
  std::string province_code(std::string_view name) const;
  // The province of a new ward, or empty.
  std::string province_of_ward(std::string_view ward_code) const;

 private:
  struct OldProvince {
    std::string name;      // as the mapping spells it
    std::string new_code;  // the province it became part of
  };
  struct Candidate {
    std::string old_province_key;  // the pre-2025 province (old-ward indexes only)
    AreaName::Kind district_kind = AreaName::Kind::kNone;
    AreaName::Kind ward_kind = AreaName::Kind::kNone;
    std::string ward_code;  // a new ward
    std::string district_exact, ward_exact;
  };
  using Index = std::unordered_map<std::string, std::vector<Candidate>>;

  struct Parts;
  const OldProvince* old_province(const std::string& key) const;
  std::string new_province(const std::string& key) const;
  bool is_province(const AreaName& n) const;
  bool is_old_district(const std::string& province_code, const AreaName& n) const;
  bool is_ward_name(const std::string& province_code, const AreaName* district,
                    const AreaName& n) const;
  Result<ResolvedAddress> resolve_ward(const std::string& province_code,
                                       const std::string& old_province_key,
                                       const AreaName* district, const AreaName& ward) const;

  std::unordered_map<std::string, std::string> new_provinces_;  // key → code
  std::unordered_map<std::string, OldProvince> old_provinces_;  // key → old province
  std::unordered_map<std::string, std::string> ward_province_;  // new ward code → province code
  Index new_wards_;                                             // "province code|ward key"
  Index old_wards_;           // "new province code|old district key|old ward key"
  Index old_wards_nodist_;    // "new province code|old ward key"
  Index old_districts_;       // "new province code|old district key" (ward_code unused)
  Index old_wards_anywhere_;  // "old district key|old ward key", for rows that name no province
};

}  // namespace kb::vaccination
