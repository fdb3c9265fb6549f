// A raw vaccination list — a city's spreadsheet exported to CSV — cleaned row by row into
// records, each with a status: clean, fixed (and what was changed), duplicate (of which row), or
// rejected (each reason, with its field). Pure functions of the text: no database, no clock.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include "areas/area_directory.h"
#include "core/result.h"
#include "vaccination/addresses.h"

namespace kb::vaccination {

// ---- columns ----

enum class Field {
  kFullName,
  kFamilyName,  // "Họ" / "Họ và tên đệm", when the sheet splits names
  kGivenName,   // "Tên" beside a family-name column; alone, it holds the full name
  kBirthDate,
  kSex,
  kIdNumber,
  kPhone,
  kAddress,
  kWard,
  kDistrict,
  kProvince,
  kPriorityGroup,
};
inline constexpr size_t kFieldCount = 12;
std::string_view field_name(Field f);  // "full_name", "birth_date" …
std::optional<Field> parse_field_name(std::string_view name);

// An explicit mapping of header texts to fields (a JSON object: {"Họ tên NLĐ": "full_name",
// "Ghi chú": null}); a null or empty field ignores the column.
using ColumnMapping = std::vector<std::pair<std::string, std::optional<Field>>>;
// Errors name `mapping`: malformed JSON, a field name that does not exist.
Result<ColumnMapping> parse_column_mapping(std::string_view json);

struct Columns {
  std::array<int, kFieldCount> index;  // column of each field, or -1
  int of(Field f) const { return index[static_cast<size_t>(f)]; }
};

// Finds each field's column by its header — the usual Vietnamese and English spellings, with or
// without accents, any case, hints in parentheses ignored ("Ngày sinh (dd/mm/yyyy)") — after
// the explicit mapping, which wins. Errors: no_name_column (field full_name) when nothing holds
// a name; mapping_header_not_found (field mapping) when the mapping names a header the file lacks.
Result<Columns> find_columns(const std::vector<std::string>& header, const ColumnMapping& mapping);

// ---- one rule per field ----

struct Note {
  std::string code;  // name_case, phone_converted_11_to_10, invalid_phone, duplicate …
  std::string
      field;  // full_name, birth_date, sex, id_number, phone, address, ward, district, province …
  std::string message;  // for reasons: what is wrong, in words
};

struct Date {
  int year = 0, month = 0, day = 0;
  std::string iso() const;  // YYYY-MM-DD
  friend bool operator<(const Date& a, const Date& b) {
    return std::tie(a.year, a.month, a.day) < std::tie(b.year, b.month, b.day);
  }
};
// Today in Vietnam (UTC+07:00).
Date vietnam_date(int64_t unix_seconds);

// Each rule returns the cleaned value and appends the fixes it made (code + field) to `fixes`;
// an error is a reason to reject the row and names the field.

// Trimmed, runs of spaces collapsed, NFC, legacy TCVN3/VNI text converted, each word capitalised
// ("nguyễn  VĂN an" → "Nguyễn Văn An"). Fixes: legacy_encoding_*, name_spaces, name_case,
// name_unicode_composed. Errors: missing_name, invalid_name.
Result<std::string> clean_name(std::string_view cell, std::vector<Note>& fixes);

// dd/mm/yyyy, d/m/yy, dd-mm-yyyy, dd.mm.yyyy, yyyy-mm-dd, an Excel serial number (1900 date
// system), a time after the date ignored → YYYY-MM-DD. Two-digit years are the latest year not
// after today. Fixes: date_excel_serial, date_two_digit_year, date_month_day_swapped (12/31/1990).
// Errors: missing_birth_date, invalid_date, birth_date_year_only, birth_date_in_future,
// birth_date_too_old (before 1900).
Result<std::string> clean_birth_date(std::string_view cell, const Date& today,
                                     std::vector<Note>& fixes);

struct Sex {
  std::string value;   // "male" | "female" | "" (not given)
  bool coded = false;  // given as a number (1/0/2), whose meaning differs between lists
};
// Nam/Nữ/nam/NỮ/nu, M/F, Male/Female, 1 (male) / 0 or 2 (female). Errors: invalid_sex.
Result<Sex> clean_sex(std::string_view cell);

struct IdNumber {
  std::string number;  // digits, or a passport number; empty when not given
  std::string kind;    // "cccd" (12 digits) | "cmnd" (old 9 digits) | "passport" | ""
};
// Spaces, dots and dashes removed; leading zeros that a spreadsheet dropped restored (11 or 10
// digits → 12, 8 → 9). Fixes: id_number_cleaned, id_number_leading_zero_restored. Errors:
// invalid_id_number, id_number_scientific (the spreadsheet showed it as 7.9E+10).
Result<IdNumber> clean_id_number(std::string_view cell, std::vector<Note>& fixes);

// Every form normalize_mobile takes, plus what spreadsheets do to phone numbers: the leading 0
// dropped (912345678), several numbers in one cell (the first is kept). → E.164. Fixes:
// phone_converted_11_to_10, phone_leading_zero_restored, phone_first_of_several. Errors:
// invalid_phone.
Result<std::string> clean_phone(std::string_view cell, std::vector<Note>& fixes);

// ---- rows ----

enum class RowStatus { kClean, kFixed, kDuplicate, kRejected };
std::string_view status_name(RowStatus s);
std::optional<RowStatus> parse_status(std::string_view name);

struct CleanRecord {
  std::string full_name;
  std::string birth_date;  // YYYY-MM-DD
  std::string sex;         // male | female | ""
  std::string id_number;
  std::string id_kind;  // cccd | cmnd | passport | ""
  std::string phone;    // E.164 or ""
  std::string province_code;
  std::string ward_code;
  std::string street;
  std::string priority_group;
};

struct CleanedRow {
  int64_t row_number = 0;  // as the spreadsheet shows it: the header is row 1
  RowStatus status = RowStatus::kClean;
  CleanRecord record;
  std::vector<Note> fixes;    // what was changed (also kept for duplicates and rejected rows)
  std::vector<Note> reasons;  // why a row was rejected, or of which row it is a duplicate
  std::optional<int64_t> duplicate_of;
  std::string original;  // the row as it stands in the file
  // fixes and reasons as stored (JSON arrays, empty for none): written by ListImport while the
  // row is cleaned, so that the writer only copies them.
  std::string fixes_json, reasons_json;
  // A row's personal fields as stored (crypto/sealing.h), made by ListImport off the writer:
  // the name, street, ID number, phone, reasons (their messages quote the cells) and line of the
  // file sealed together for the import's report (`record`), and an accepted row's name, street,
  // ID number and phone sealed one by one for people, with the blind indexes its ID number,
  // phone and name are found by (identity/name_index.h), so an imported person is found by name
  // as soon as the import answers and the identity.name_keys job has nothing to rewrite.
  struct Sealed {
    std::string record;
    std::string full_name, street, id_number, phone, id_number_index, phone_index;
    std::string name_key_index, name_word_indexes;
  };
  Sealed sealed;
};

struct Counts {
  int64_t total = 0, clean = 0, fixed = 0, duplicate = 0, rejected = 0;
  void add(RowStatus s);
};

// Cleans the rows of one list in order. Rows outside `jurisdiction` are rejected
// (outside_jurisdiction); rows that name no province (or, for a ward official, no ward) are
// taken to lie in it (fix address_from_jurisdiction). A row with the ID number of an earlier
// accepted row, or the same name, birth date and phone, is a duplicate of it.
class RawListCleaner {
 public:
  RawListCleaner(Columns columns, const AddressBook& addresses,
                 std::optional<areas::Jurisdiction> jurisdiction, Date today);

  // The cleaned row, or std::nullopt for a row whose cells are all blank (skipped).
  std::optional<CleanedRow> clean(int64_t row_number, std::span<const std::string> cells,
                                  std::string_view original);

  const Counts& counts() const { return counts_; }
  // Sizes the duplicate indexes for about `rows` rows up front.
  void expect_rows(size_t rows);

 private:
  void check_duplicate(CleanedRow& row);

  Columns columns_;
  const AddressBook& addresses_;
  std::optional<areas::Jurisdiction> jurisdiction_;
  std::string jurisdiction_province_;  // its province code (empty for national)
  Date today_;
  Counts counts_;
  AreaNames area_names_;
  std::unordered_map<std::string, int64_t> by_id_number_;  // first accepted row of each ID number
  std::unordered_map<uint64_t, int64_t> by_person_;        // … of each name + birth date + phone
};

}  // namespace kb::vaccination
