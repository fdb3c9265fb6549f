#include "vaccination/raw_list.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>

#include "core/phone.h"
#include "people/cccd.h"
#include "people/person.h"
#include "vaccination/legacy_text.h"
#include "vaccination/text.h"

namespace kb::vaccination {
namespace {

constexpr std::string_view kFieldNames[kFieldCount] = {
    "full_name", "family_name", "given_name", "birth_date", "sex",      "id_number",
    "phone",     "address",     "ward",       "district",   "province", "priority_group"};

// Headers by their folded spelling (accents, case, spaces and punctuation removed).
struct HeaderSpelling {
  std::string_view key;
  Field field;
};
constexpr HeaderSpelling kHeaders[] = {
    {"hovaten", Field::kFullName},
    {"hoten", Field::kFullName},
    {"hotendaydu", Field::kFullName},
    {"hotennguoidan", Field::kFullName},
    {"hotencongdan", Field::kFullName},
    {"hotendoituong", Field::kFullName},
    {"hotennguoiduoctiem", Field::kFullName},
    {"hovatennguoiduoctiem", Field::kFullName},
    {"hotennguoitiem", Field::kFullName},
    {"tennguoiduoctiem", Field::kFullName},
    {"fullname", Field::kFullName},
    {"name", Field::kFullName},
    {"hvt", Field::kFullName},
    {"ho", Field::kFamilyName},
    {"hodem", Field::kFamilyName},
    {"hovatendem", Field::kFamilyName},
    {"hotendem", Field::kFamilyName},
    {"lastname", Field::kFamilyName},
    {"familyname", Field::kFamilyName},
    {"surname", Field::kFamilyName},
    {"ten", Field::kGivenName},
    {"firstname", Field::kGivenName},
    {"givenname", Field::kGivenName},
    {"ngaysinh", Field::kBirthDate},
    {"ns", Field::kBirthDate},
    {"dob", Field::kBirthDate},
    {"ngaythangnamsinh", Field::kBirthDate},
    {"namsinh", Field::kBirthDate},
    {"birthdate", Field::kBirthDate},
    {"dateofbirth", Field::kBirthDate},
    {"birthday", Field::kBirthDate},
    {"sinhngay", Field::kBirthDate},
    {"ngaysinhddmmyyyy", Field::kBirthDate},
    {"gioitinh", Field::kSex},
    {"gioi", Field::kSex},
    {"gt", Field::kSex},
    {"sex", Field::kSex},
    {"gender", Field::kSex},
    {"phai", Field::kSex},
    {"cmndcccd", Field::kIdNumber},
    {"cccdcmnd", Field::kIdNumber},
    {"socccd", Field::kIdNumber},
    {"socmnd", Field::kIdNumber},
    {"socmndcccd", Field::kIdNumber},
    {"socccdcmnd", Field::kIdNumber},
    {"cccd", Field::kIdNumber},
    {"cmnd", Field::kIdNumber},
    {"cmt", Field::kIdNumber},
    {"socmt", Field::kIdNumber},
    {"id", Field::kIdNumber},
    {"idnumber", Field::kIdNumber},
    {"idno", Field::kIdNumber},
    {"sodinhdanh", Field::kIdNumber},
    {"sodinhdanhcanhan", Field::kIdNumber},
    {"madinhdanh", Field::kIdNumber},
    {"cancuoccongdan", Field::kIdNumber},
    {"socancuoc", Field::kIdNumber},
    {"socancuoccongdan", Field::kIdNumber},
    {"cmndcccdhochieu", Field::kIdNumber},
    {"cccdcmndhochieu", Field::kIdNumber},
    {"sogiayto", Field::kIdNumber},
    {"sogiaytotuythan", Field::kIdNumber},
    {"giaytotuythan", Field::kIdNumber},
    {"hochieu", Field::kIdNumber},
    {"passport", Field::kIdNumber},
    {"sodienthoai", Field::kPhone},
    {"sdt", Field::kPhone},
    {"dt", Field::kPhone},
    {"dienthoai", Field::kPhone},
    {"sodt", Field::kPhone},
    {"didong", Field::kPhone},
    {"sodidong", Field::kPhone},
    {"dtdd", Field::kPhone},
    {"sdtlienhe", Field::kPhone},
    {"dienthoailienhe", Field::kPhone},
    {"phone", Field::kPhone},
    {"phonenumber", Field::kPhone},
    {"mobile", Field::kPhone},
    {"tel", Field::kPhone},
    {"telephone", Field::kPhone},
    {"diachi", Field::kAddress},
    {"address", Field::kAddress},
    {"noio", Field::kAddress},
    {"noiohientai", Field::kAddress},
    {"choohiennay", Field::kAddress},
    {"diachithuongtru", Field::kAddress},
    {"thuongtru", Field::kAddress},
    {"noithuongtru", Field::kAddress},
    {"diachinoio", Field::kAddress},
    {"diachicutru", Field::kAddress},
    {"noicutru", Field::kAddress},
    {"diachitamtru", Field::kAddress},
    {"tamtru", Field::kAddress},
    {"diachilienhe", Field::kAddress},
    {"sonhaduong", Field::kAddress},
    {"sonha", Field::kAddress},
    {"street", Field::kAddress},
    {"phuongxa", Field::kWard},
    {"phuong", Field::kWard},
    {"xa", Field::kWard},
    {"xaphuong", Field::kWard},
    {"phuongxathitran", Field::kWard},
    {"xaphuongthitran", Field::kWard},
    {"phuongxatt", Field::kWard},
    {"ward", Field::kWard},
    {"quanhuyen", Field::kDistrict},
    {"quan", Field::kDistrict},
    {"huyen", Field::kDistrict},
    {"huyenquan", Field::kDistrict},
    {"quanhuyenthixa", Field::kDistrict},
    {"quanhuyentx", Field::kDistrict},
    {"district", Field::kDistrict},
    {"tinhtp", Field::kProvince},
    {"tinh", Field::kProvince},
    {"tinhthanhpho", Field::kProvince},
    {"tinhthanh", Field::kProvince},
    {"tinhtpho", Field::kProvince},
    {"thanhpho", Field::kProvince},
    {"tp", Field::kProvince},
    {"province", Field::kProvince},
    {"city", Field::kProvince},
    {"nhom", Field::kPriorityGroup},
    {"nhomuutien", Field::kPriorityGroup},
    {"doituonguutien", Field::kPriorityGroup},
    {"doituong", Field::kPriorityGroup},
    {"nhomdoituong", Field::kPriorityGroup},
    {"nhomdoituonguutien", Field::kPriorityGroup},
    {"doituongtiem", Field::kPriorityGroup},
    {"prioritygroup", Field::kPriorityGroup},
    {"priority", Field::kPriorityGroup},
    {"group", Field::kPriorityGroup},
};

// A header reduced to its letters and digits, hints in parentheses dropped.
std::string header_key(std::string_view header) {
  std::string without_hints;
  int depth = 0;
  for (char ch : header) {
    if (ch == '(' || ch == '[') ++depth;
    if (depth == 0) without_hints.push_back(ch);
    if ((ch == ')' || ch == ']') && depth > 0) --depth;
  }
  std::string folded = text::fold(without_hints.empty() ? header : without_hints);
  folded.erase(std::remove(folded.begin(), folded.end(), ' '), folded.end());
  return folded;
}

// Spaces, tabs, line breaks and no-break spaces (U+00A0, common in sheets) off both ends.
std::string_view trim(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  for (;;) {
    if (!s.empty() && space(s.front())) {
      s.remove_prefix(1);
    } else if (s.starts_with("\xC2\xA0")) {
      s.remove_prefix(2);
    } else if (!s.empty() && space(s.back())) {
      s.remove_suffix(1);
    } else if (s.ends_with("\xC2\xA0")) {
      s.remove_suffix(2);
    } else {
      return s;
    }
  }
}

void add_fix(std::vector<Note>& fixes, std::string_view code, std::string_view field) {
  for (const auto& f : fixes) {
    if (f.code == code && f.field == field) return;
  }
  fixes.push_back({std::string(code), std::string(field), {}});
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Legacy text converted (and the fix noted), or the cell as it is.
std::string decode_cell(std::string_view cell, std::string_view field, std::vector<Note>& fixes) {
  if (auto decoded = decode_legacy_text(cell)) {
    add_fix(fixes, fix_code(decoded->from), field);
    return std::move(decoded->text);
  }
  return std::string(cell);
}

// Each word's first letter (and a letter after a hyphen or apostrophe) upper case, the rest lower.
std::string capitalise_words(std::string_view name) {
  auto cps = text::decode_utf8(name);
  if (!cps) return std::string(name);
  bool start = true;
  for (char32_t& c : *cps) {
    if (c == U' ' || c == U'-' || c == U'\'' || c == 0x2019) {
      start = true;
      continue;
    }
    if (!text::is_letter(c)) continue;
    c = start ? text::to_upper(c) : text::to_lower(c);
    start = false;
  }
  return text::encode_utf8(*cps);
}

// ---- dates ----

int64_t days_from_civil(int y, int m, int d) {  // days since 1970-01-01
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<int64_t>(era) * 146097 + static_cast<int64_t>(doe) - 719468;
}

Date civil_from_days(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return Date{static_cast<int>(y + (m <= 2)), static_cast<int>(m), static_cast<int>(d)};
}

bool is_real_date(int y, int m, int d) {
  if (m < 1 || m > 12 || d < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  int max = kDays[m - 1] + (m == 2 && leap ? 1 : 0);
  return d <= max;
}

std::optional<int> to_int(std::string_view s) {
  if (s.empty() || s.size() > 9 || !all_digits(s)) return std::nullopt;
  int v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

Error date_error(std::string code, std::string message) {
  return invalid("birth_date", std::move(code), std::move(message));
}

}  // namespace

std::string_view field_name(Field f) { return kFieldNames[static_cast<size_t>(f)]; }

std::optional<Field> parse_field_name(std::string_view name) {
  for (size_t i = 0; i < kFieldCount; ++i) {
    if (kFieldNames[i] == name) return static_cast<Field>(i);
  }
  return std::nullopt;
}

Result<ColumnMapping> parse_column_mapping(std::string_view json) {
  boost::system::error_code ec;
  auto value = boost::json::parse(json, ec);
  if (ec || !value.is_object()) {
    return invalid("mapping", "invalid_mapping",
                   "the column mapping must be a JSON object of header → field, e.g. {\"Họ tên "
                   "NLĐ\": \"full_name\"}");
  }
  ColumnMapping out;
  for (const auto& [key, v] : value.as_object()) {
    if (v.is_null() || (v.is_string() && v.as_string().empty())) {
      out.emplace_back(std::string(key), std::nullopt);
      continue;
    }
    auto field = v.is_string() ? parse_field_name(v.as_string()) : std::nullopt;
    if (!field) {
      return invalid("mapping", "unknown_field",
                     fmt::format("\"{}\" maps to an unknown field; fields are {}",
                                 std::string_view(key), fmt::join(kFieldNames, ", ")));
    }
    out.emplace_back(std::string(key), *field);
  }
  return out;
}

Result<Columns> find_columns(const std::vector<std::string>& header, const ColumnMapping& mapping) {
  Columns c;
  c.index.fill(-1);
  std::vector<bool> taken(header.size(), false);
  for (const auto& [name, field] : mapping) {
    std::string want = header_key(name);
    int found = -1;
    for (size_t i = 0; i < header.size() && found < 0; ++i) {
      if (trim(header[i]) == trim(name)) found = static_cast<int>(i);
    }
    for (size_t i = 0; i < header.size() && found < 0; ++i) {
      if (header_key(header[i]) == want) found = static_cast<int>(i);
    }
    if (found < 0) {
      return invalid(
          "mapping", "mapping_header_not_found",
          fmt::format("the mapping names the column \"{}\", which the file's header lacks", name));
    }
    taken[found] = true;
    if (field && c.index[static_cast<size_t>(*field)] < 0)
      c.index[static_cast<size_t>(*field)] = found;
  }
  for (size_t i = 0; i < header.size(); ++i) {
    if (taken[i]) continue;
    std::string key = header_key(header[i]);
    for (const auto& h : kHeaders) {
      if (h.key != key) continue;
      int& slot = c.index[static_cast<size_t>(h.field)];
      if (slot < 0) slot = static_cast<int>(i);
      break;
    }
  }
  // "Tên" alone holds the whole name; beside "Họ" only the given name.
  if (c.of(Field::kFullName) < 0 && c.of(Field::kFamilyName) < 0 && c.of(Field::kGivenName) >= 0) {
    c.index[static_cast<size_t>(Field::kFullName)] = c.of(Field::kGivenName);
    c.index[static_cast<size_t>(Field::kGivenName)] = -1;
  }
  if (c.of(Field::kFullName) < 0 && (c.of(Field::kFamilyName) < 0 || c.of(Field::kGivenName) < 0)) {
    std::vector<std::string> seen;
    for (const auto& h : header) seen.push_back("\"" + h + "\"");
    return invalid(
        "full_name", "no_name_column",
        fmt::format(
            "no column holds the name (looked for Họ và tên, Họ tên, Tên, Full name …; the "
            "header has {}): name it so, or pass a column mapping",
            seen.empty() ? std::string("nothing") : fmt::format("{}", fmt::join(seen, ", "))));
  }
  return c;
}

// ---- rules ----

Result<std::string> clean_name(std::string_view cell, std::vector<Note>& fixes) {
  std::string_view trimmed = trim(cell);
  if (trimmed.empty()) return invalid("full_name", "missing_name", "the row has no name");
  std::vector<Note> found;
  std::string text = decode_cell(trimmed, "full_name", found);
  std::string composed = text::nfc(text);
  if (composed != text && found.empty()) add_fix(found, "name_unicode_composed", "full_name");
  // Đ typed as the Icelandic eth (Ð), which looks the same.
  for (auto [from, to] : {std::pair<std::string_view, std::string_view>{"\xC3\x90", "\xC4\x90"},
                          std::pair<std::string_view, std::string_view>{"\xC3\xB0", "\xC4\x91"}}) {
    for (size_t at; (at = composed.find(from)) != std::string::npos;)
      composed.replace(at, from.size(), to);
  }
  auto normal = people::normalize_name(composed, "full_name");
  if (!normal.ok()) {
    Error e = std::move(normal).error();
    if (e.code == "empty") e.code = "missing_name";
    return e;
  }
  if (*normal != composed) add_fix(found, "name_spaces", "full_name");
  std::string capitalised = capitalise_words(*normal);
  if (capitalised != *normal) add_fix(found, "name_case", "full_name");
  fixes.insert(fixes.end(), found.begin(), found.end());
  return capitalised;
}

std::string Date::iso() const { return fmt::format("{:04}-{:02}-{:02}", year, month, day); }

Date vietnam_date(int64_t unix_seconds) {
  int64_t local = unix_seconds + 7 * 3600;
  int64_t days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
  return civil_from_days(days);
}

Result<std::string> clean_birth_date(std::string_view cell, const Date& today,
                                     std::vector<Note>& fixes) {
  std::string_view s = trim(cell);
  if (s.empty()) return date_error("missing_birth_date", "the row has no birth date");
  // "01/02/1990 00:00:00", "1990-02-01T00:00:00": the time a spreadsheet adds is dropped.
  if (size_t cut = s.find_first_of(" T"); cut != std::string_view::npos && cut >= 6) {
    std::string_view rest = trim(s.substr(cut + 1));
    if (rest.empty() || rest.find(':') != std::string_view::npos) s = s.substr(0, cut);
  }
  std::string_view number = s;
  if (size_t dot = number.find_first_of(".,");
      dot != std::string_view::npos && all_digits(number.substr(0, dot)) &&
      number.substr(dot + 1).find_first_not_of('0') == std::string_view::npos) {
    number = number.substr(0, dot);  // 32874.0
  }
  Date d;
  if (all_digits(number)) {
    auto n = to_int(number);
    if (!n) return date_error("invalid_date", fmt::format("\"{}\" is not a date", s));
    if (number.size() == 4 && *n >= 1800 && *n <= 2200) {
      return date_error(
          "birth_date_year_only",
          fmt::format("only the year ({}) is given: the full birth date (dd/mm/yyyy) is needed",
                      *n));
    }
    // An Excel serial number, 1900 date system: day 1 is 1900-01-01, and day 60 the 29 February
    // 1900 that Excel believes in; after it, days count from 1899-12-30.
    if (*n == 60)
      return date_error("invalid_date", "Excel's day 60 is 29/02/1900, which never existed");
    if (*n < 1 || *n > 2958465)
      return date_error("invalid_date", fmt::format("\"{}\" is not a date", s));
    int64_t base = *n < 60 ? days_from_civil(1899, 12, 31) : days_from_civil(1899, 12, 30);
    d = civil_from_days(base + *n);
    add_fix(fixes, "date_excel_serial", "birth_date");
  } else {
    char sep = 0;
    for (char ch : s) {
      if (ch == '/' || ch == '-' || ch == '.') {
        sep = ch;
        break;
      }
    }
    std::vector<std::string_view> parts;
    if (sep) {
      size_t i = 0;
      while (i <= s.size()) {
        size_t j = s.find(sep, i);
        if (j == std::string_view::npos) j = s.size();
        parts.push_back(trim(s.substr(i, j - i)));
        i = j + 1;
      }
    }
    if (parts.size() != 3 ||
        !std::all_of(parts.begin(), parts.end(), [](auto p) { return to_int(p).has_value(); })) {
      return date_error("invalid_date", fmt::format("\"{}\" is not a date (dd/mm/yyyy)", s));
    }
    int a = *to_int(parts[0]), b = *to_int(parts[1]), c = *to_int(parts[2]);
    bool two_digit_year = false;
    if (parts[0].size() == 4) {
      d = {a, b, c};  // yyyy-mm-dd
    } else {
      if (parts[2].size() != 4 && parts[2].size() != 2) {
        return date_error("invalid_date",
                          fmt::format("\"{}\": the year must have 4 digits (or 2)", s));
      }
      d = {c, b, a};  // dd/mm/yyyy, day first as Vietnam writes it
      two_digit_year = parts[2].size() == 2;
      if (b > 12 && a <= 12) {
        d = {c, a, b};  // 12/31/1990: a month-first export
        add_fix(fixes, "date_month_day_swapped", "birth_date");
      }
    }
    if (two_digit_year) {
      Date recent{2000 + d.year, d.month, d.day};
      d.year = today < recent ? 1900 + d.year : 2000 + d.year;
      add_fix(fixes, "date_two_digit_year", "birth_date");
    }
  }
  if (!is_real_date(d.year, d.month, d.day)) {
    return date_error("invalid_date", fmt::format("\"{}\" is not a real date", s));
  }
  if (today < d)
    return date_error("birth_date_in_future",
                      fmt::format("the birth date {} is in the future", d.iso()));
  if (d.year < 1900)
    return date_error("birth_date_too_old",
                      fmt::format("the birth date {} is before 1900", d.iso()));
  return d.iso();
}

Result<Sex> clean_sex(std::string_view cell) {
  std::string key = text::fold(trim(cell));
  if (key.empty()) return Sex{};
  static const std::pair<std::string_view, std::string_view> kWords[] = {
      {"nam", "male"},      {"male", "male"},      {"m", "male"},        {"trai", "male"},
      {"nam gioi", "male"}, {"nu", "female"},      {"female", "female"}, {"f", "female"},
      {"gai", "female"},    {"nu gioi", "female"}, {"con trai", "male"}, {"con gai", "female"},
  };
  for (const auto& [word, sex] : kWords) {
    if (key == word) return Sex{std::string(sex), false};
  }
  if (key == "1") return Sex{"male", true};
  if (key == "0" || key == "2") return Sex{"female", true};
  return invalid("sex", "invalid_sex",
                 fmt::format("\"{}\" is not a sex (Nam/Nữ, M/F, 1/0)", trim(cell)));
}

Result<IdNumber> clean_id_number(std::string_view cell, std::vector<Note>& fixes) {
  std::string_view s = trim(cell);
  if (!s.empty() && s.front() == '\'')
    s = trim(s.substr(1));  // a spreadsheet's "this is text" mark
  if (s.empty()) return IdNumber{};
  if (s.find("E+") != std::string_view::npos || s.find("e+") != std::string_view::npos) {
    return invalid(
        "id_number", "id_number_scientific",
        fmt::format(
            "\"{}\": the spreadsheet turned the number into a rounded one: format the column as "
            "text and export again",
            s));
  }
  std::string compact;
  for (char ch : s) {
    if (ch == ' ' || ch == '.' || ch == '-') continue;
    compact.push_back(ch >= 'a' && ch <= 'z' ? static_cast<char>(ch - 32) : ch);
  }
  if (compact.size() != s.size()) add_fix(fixes, "id_number_cleaned", "id_number");
  IdNumber id;
  if (all_digits(compact)) {
    if (compact.size() == 10 || compact.size() == 11 || compact.size() == 8) {
      size_t want = compact.size() == 8 ? 9 : 12;
      compact.insert(0, want - compact.size(), '0');
      add_fix(fixes, "id_number_leading_zero_restored", "id_number");
    }
    if (compact.size() == 12) {
      KB_TRY(people::decode_cccd(compact, "id_number"));
      return IdNumber{compact, "cccd"};
    }
    if (compact.size() == 9) return IdNumber{compact, "cmnd"};
  } else {
    // A passport: one or two letters and seven digits.
    size_t letters = 0;
    while (letters < compact.size() && compact[letters] >= 'A' && compact[letters] <= 'Z')
      ++letters;
    if ((letters == 1 || letters == 2) && compact.size() == letters + 7 &&
        all_digits(compact.substr(letters))) {
      return IdNumber{compact, "passport"};
    }
  }
  return invalid(
      "id_number", "invalid_id_number",
      fmt::format("\"{}\" is not a CCCD (12 digits), an old CMND (9 digits) or a passport number",
                  s));
}

Result<std::string> clean_phone(std::string_view cell, std::vector<Note>& fixes) {
  std::string_view s = trim(cell);
  if (!s.empty() && s.front() == '\'') s = trim(s.substr(1));
  if (s.empty()) return std::string();
  if (s.find("E+") != std::string_view::npos || s.find("e+") != std::string_view::npos) {
    return invalid("phone", "invalid_phone",
                   fmt::format("\"{}\": the spreadsheet turned the number into a rounded one", s));
  }
  // Several numbers in one cell ("0912345678 / 0987654321"): the first is kept.
  std::vector<std::string_view> numbers;
  {
    size_t i = 0;
    while (i < s.size()) {
      size_t j = s.find_first_of("/;,&\n|", i);
      if (j == std::string_view::npos) j = s.size();
      std::string_view part = trim(s.substr(i, j - i));
      if (!part.empty()) numbers.push_back(part);
      i = j + 1;
    }
  }
  if (numbers.empty())
    return invalid("phone", "invalid_phone", fmt::format("\"{}\" is not a phone number", s));
  std::string_view number = numbers[0];
  std::vector<Note> found;
  if (numbers.size() > 1) add_fix(found, "phone_first_of_several", "phone");
  std::string digits;
  for (char ch : number) {
    if (ch >= '0' && ch <= '9') digits.push_back(ch);
  }
  std::string input(number);
  bool plain = all_digits(std::string_view(number));
  if (plain && ((digits.size() == 9 &&
                 std::string_view("35789").find(digits[0]) != std::string_view::npos) ||
                (digits.size() == 10 && digits[0] == '1'))) {
    input = "0" + digits;  // the leading 0 a spreadsheet drops from a number
    digits = input;
    add_fix(found, "phone_leading_zero_restored", "phone");
  }
  KB_ASSIGN(std::string e164, normalize_mobile(input, "phone"));
  // The national number as typed: 10 digits from 1 means an 11-digit number converted in 2018.
  std::string_view national = digits;
  if (number.find('+') != std::string_view::npos ||
      (digits.size() >= 11 && digits.starts_with("84"))) {
    national.remove_prefix(2);
  }
  if (national.starts_with("0")) national.remove_prefix(1);
  if (national.size() == 10 && national.starts_with("1"))
    add_fix(found, "phone_converted_11_to_10", "phone");
  fixes.insert(fixes.end(), found.begin(), found.end());
  return e164;
}

// ---- rows ----

std::string_view status_name(RowStatus s) {
  switch (s) {
    case RowStatus::kClean:
      return "clean";
    case RowStatus::kFixed:
      return "fixed";
    case RowStatus::kDuplicate:
      return "duplicate";
    case RowStatus::kRejected:
      return "rejected";
  }
  return "clean";
}

std::optional<RowStatus> parse_status(std::string_view name) {
  for (auto s :
       {RowStatus::kClean, RowStatus::kFixed, RowStatus::kDuplicate, RowStatus::kRejected}) {
    if (status_name(s) == name) return s;
  }
  return std::nullopt;
}

void Counts::add(RowStatus s) {
  ++total;
  switch (s) {
    case RowStatus::kClean:
      ++clean;
      break;
    case RowStatus::kFixed:
      ++fixed;
      break;
    case RowStatus::kDuplicate:
      ++duplicate;
      break;
    case RowStatus::kRejected:
      ++rejected;
      break;
  }
}

RawListCleaner::RawListCleaner(Columns columns, const AddressBook& addresses,
                               std::optional<areas::Jurisdiction> jurisdiction, Date today)
    : columns_(columns),
      addresses_(addresses),
      jurisdiction_(std::move(jurisdiction)),
      today_(today) {
  if (jurisdiction_) {
    using Level = areas::Jurisdiction::Level;
    if (jurisdiction_->level == Level::kProvince) jurisdiction_province_ = jurisdiction_->code;
    if (jurisdiction_->level == Level::kWard)
      jurisdiction_province_ = addresses_.province_of_ward(jurisdiction_->code);
  }
}

std::optional<CleanedRow> RawListCleaner::clean(int64_t row_number,
                                                std::span<const std::string> cells,
                                                std::string_view original) {
  if (std::all_of(cells.begin(), cells.end(),
                  [](const std::string& c) { return trim(c).empty(); })) {
    return std::nullopt;
  }
  CleanedRow row;
  row.row_number = row_number;
  // Cells saved in a legacy code page are not UTF-8: each is read in the encoding it reads best
  // in, before any rule sees it; the row as it stands is kept read as Windows-1252.
  std::vector<std::string> decoded;
  if (!std::all_of(cells.begin(), cells.end(),
                   [](const std::string& c) { return text::is_valid_utf8(c); })) {
    decoded.assign(cells.begin(), cells.end());
    for (size_t i = 0; i < decoded.size(); ++i) {
      if (text::is_valid_utf8(decoded[i])) continue;
      std::string_view field = "row";
      for (size_t f = 0; f < kFieldCount; ++f) {
        if (columns_.index[f] == static_cast<int>(i)) field = field_name(static_cast<Field>(f));
      }
      if (field == "family_name" || field == "given_name") field = "full_name";
      decoded[i] = decode_cell(decoded[i], field, row.fixes);
    }
    cells = decoded;
    row.original = windows1252_to_utf8(original);
  } else {
    row.original = std::string(original);
  }
  auto cell = [&](Field f) -> std::string_view {
    int i = columns_.of(f);
    return i >= 0 && static_cast<size_t>(i) < cells.size() ? std::string_view(cells[i])
                                                           : std::string_view();
  };
  CleanRecord& r = row.record;
  auto reject = [&](Error e) {
    row.reasons.push_back({std::move(e.code), std::move(e.field), std::move(e.message)});
  };

  std::string name_text(cell(Field::kFullName));
  if (columns_.of(Field::kFullName) < 0) {
    name_text = std::string(trim(cell(Field::kFamilyName))) + " " +
                std::string(trim(cell(Field::kGivenName)));
  }
  if (auto name = clean_name(name_text, row.fixes); name.ok()) {
    r.full_name = std::move(*name);
  } else {
    reject(std::move(name).error());
  }

  bool birth_ok = false;
  if (auto birth = clean_birth_date(cell(Field::kBirthDate), today_, row.fixes); birth.ok()) {
    r.birth_date = std::move(*birth);
    birth_ok = true;
  } else {
    reject(std::move(birth).error());
  }

  Sex sex;
  if (auto s = clean_sex(cell(Field::kSex)); s.ok()) {
    sex = std::move(*s);
  } else {
    reject(std::move(s).error());
  }

  if (auto id = clean_id_number(cell(Field::kIdNumber), row.fixes); id.ok()) {
    r.id_number = std::move(id->number);
    r.id_kind = std::move(id->kind);
  } else {
    reject(std::move(id).error());
  }
  if (r.id_kind == "cccd") {
    // A number-coded or missing sex is read from the CCCD, which states it.
    auto facts = people::decode_cccd(r.id_number);
    if (facts.ok() && (sex.value.empty() || sex.coded) && sex.value != facts->sex) {
      sex.value = facts->sex;
      add_fix(row.fixes, "sex_from_id_number", "sex");
    } else if (sex.coded) {
      add_fix(row.fixes, "sex_from_code", "sex");
    }
    if (auto st = people::check_cccd(r.id_number, birth_ok ? r.birth_date : "", sex.value);
        !st.ok()) {
      reject(std::move(st).error());
    }
  } else if (sex.coded) {
    add_fix(row.fixes, "sex_from_code", "sex");
  }
  r.sex = sex.value;

  if (auto phone = clean_phone(cell(Field::kPhone), row.fixes); phone.ok()) {
    r.phone = std::move(*phone);
  } else {
    reject(std::move(phone).error());
  }

  // Address: every cell may be legacy text; the pre-2025 form goes through the ward mapping.
  std::string address = decode_cell(cell(Field::kAddress), "address", row.fixes);
  std::string ward = decode_cell(cell(Field::kWard), "ward", row.fixes);
  std::string district = decode_cell(cell(Field::kDistrict), "district", row.fixes);
  std::string province = decode_cell(cell(Field::kProvince), "province", row.fixes);
  auto resolved =
      addresses_.resolve({address, ward, district, province}, jurisdiction_province_, area_names_);
  if (resolved.ok()) {
    if (resolved->old_form) add_fix(row.fixes, "address_old_to_new", "ward");
    r.province_code = std::move(resolved->province_code);
    r.ward_code = std::move(resolved->ward_code);
    r.street = text::nfc(resolved->street);
    if (jurisdiction_ && !jurisdiction_province_.empty()) {
      using Level = areas::Jurisdiction::Level;
      if (r.province_code.empty()) {
        r.province_code = jurisdiction_province_;
        if (jurisdiction_->level == Level::kWard) r.ward_code = jurisdiction_->code;
        add_fix(row.fixes, "address_from_jurisdiction", "province");
      } else if (r.ward_code.empty() && jurisdiction_->level == Level::kWard &&
                 r.province_code == jurisdiction_province_) {
        r.ward_code = jurisdiction_->code;
        add_fix(row.fixes, "address_from_jurisdiction", "ward");
      }
    }
    if (jurisdiction_ && !jurisdiction_->covers(r.province_code, r.ward_code)) {
      bool other_province = r.province_code != jurisdiction_province_;
      reject(invalid(other_province ? "province" : "ward", "outside_jurisdiction",
                     "the address lies outside the importing official's jurisdiction"));
    }
  } else {
    reject(std::move(resolved).error());
  }

  std::string group = decode_cell(trim(cell(Field::kPriorityGroup)), "priority_group", row.fixes);
  r.priority_group = text::nfc(group);

  if (!row.reasons.empty()) {
    row.status = RowStatus::kRejected;
  } else {
    row.status = row.fixes.empty() ? RowStatus::kClean : RowStatus::kFixed;
    check_duplicate(row);
  }
  counts_.add(row.status);
  return row;
}

void RawListCleaner::expect_rows(size_t rows) {
  by_id_number_.reserve(rows);
  by_person_.reserve(rows);
}

void RawListCleaner::check_duplicate(CleanedRow& row) {
  const CleanRecord& r = row.record;
  if (!r.id_number.empty()) {
    auto [it, fresh] = by_id_number_.try_emplace(r.id_number, row.row_number);
    if (!fresh) {
      row.status = RowStatus::kDuplicate;
      row.duplicate_of = it->second;
      row.reasons.push_back(
          {"duplicate", "id_number", fmt::format("the same ID number as row {}", it->second)});
      return;
    }
  }
  std::string key = r.full_name;
  key += '\x1F';
  key += r.birth_date;
  key += '\x1F';
  key += r.phone;
  uint64_t h = std::hash<std::string>{}(key);
  auto [it, fresh] = by_person_.try_emplace(h, row.row_number);
  if (!fresh) {
    row.status = RowStatus::kDuplicate;
    row.duplicate_of = it->second;
    row.reasons.push_back(
        {"duplicate", "full_name",
         fmt::format("the same name, birth date and phone as row {}", it->second)});
    if (!r.id_number.empty()) by_id_number_.erase(r.id_number);  // registered above: row N has it
  }
}

}  // namespace kb::vaccination
