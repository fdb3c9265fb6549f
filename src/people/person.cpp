#include "people/person.h"

#include <utf8proc.h>

#include <cstdlib>

namespace kb::people {
namespace {

using store::Param;
using store::Sql;

#define KB_PERSON_COLUMNS                                                                       \
  "id, account_id, is_self, full_name, id_number, id_kind, birth_date, sex, phone, province_code, " \
  "ward_code, street, created_at, updated_at"

constexpr Sql kSelectPerson{"select_person", "SELECT " KB_PERSON_COLUMNS " FROM people WHERE id = $1"};
constexpr Sql kSelectByIdNumber{"select_person_by_id_number",
                                "SELECT " KB_PERSON_COLUMNS " FROM people WHERE id_number = $1"};
constexpr Sql kSelectByPhone{"select_people_by_phone",
                             "SELECT " KB_PERSON_COLUMNS " FROM people WHERE phone = $1 ORDER BY id"};
constexpr Sql kSelectManaged{
    "select_managed_people",
    "SELECT " KB_PERSON_COLUMNS " FROM people WHERE account_id = $1 ORDER BY is_self DESC, id"};
constexpr Sql kSelectSelf{"select_self_person",
                          "SELECT " KB_PERSON_COLUMNS " FROM people WHERE account_id = $1 AND is_self = 1"};
constexpr Sql kInsertPerson{
    "insert_person",
    "INSERT INTO people(account_id, is_self, full_name, id_number, id_kind, birth_date, sex, phone, "
    "province_code, ward_code, street, created_at, updated_at, status_colour, status_reason) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, 'not_declared', 'no_declaration') "
    "RETURNING " KB_PERSON_COLUMNS};
constexpr Sql kUpdatePerson{
    "update_person",
    "UPDATE people SET full_name = $2, id_number = $3, id_kind = $4, birth_date = $5, sex = $6, phone = $7, "
    "province_code = $8, ward_code = $9, street = $10, updated_at = $11 WHERE id = $1 RETURNING " KB_PERSON_COLUMNS};

Person from_row(const store::Row& r) {
  Person p;
  p.id = r.i64(0);
  p.account_id = r.opt_i64(1);
  p.is_self = r.i64(2) != 0;
  p.full_name = r.str(3);
  p.id_number = r.str(4);
  p.id_kind = r.str(5);
  p.birth_date = r.str(6);
  p.sex = r.str(7);
  p.phone = r.str(8);
  p.province_code = r.str(9);
  p.ward_code = r.str(10);
  p.street = r.str(11);
  p.created_at = r.i64(12);
  p.updated_at = r.i64(13);
  return p;
}

Param opt(const std::string& s) { return s.empty() ? Param{nullptr} : Param{std::string_view(s)}; }

Result<std::optional<Person>> one(Result<std::optional<store::Row>> row) {
  if (!row.ok()) return std::move(row).error();
  if (!*row) return std::optional<Person>{};
  return std::optional<Person>{from_row(**row)};
}

Result<std::vector<Person>> many(Result<store::Rows> rows) {
  if (!rows.ok()) return std::move(rows).error();
  std::vector<Person> out;
  out.reserve(rows->size());
  for (const auto& r : *rows) out.push_back(from_row(r));
  return out;
}

Error id_taken() {
  return Error{ErrorKind::kConflict, "id_number_taken",
               "this ID number is already registered by another account", "id_number"};
}

}  // namespace

Result<std::optional<Person>> find(store::Connection& c, int64_t id) { return one(c.query_one(kSelectPerson, {id})); }

Result<std::optional<Person>> find_by_id_number(store::Connection& c, std::string_view id_number) {
  return one(c.query_one(kSelectByIdNumber, {id_number}));
}

Result<std::vector<Person>> find_by_phone(store::Connection& c, std::string_view phone) {
  return many(c.query(kSelectByPhone, {phone}));
}

Result<std::vector<Person>> managed_by(store::Connection& c, int64_t account_id) {
  return many(c.query(kSelectManaged, {account_id}));
}

Result<Person> self_of(store::Connection& c, int64_t account_id, std::string_view phone, int64_t now) {
  KB_ASSIGN(auto existing, one(c.query_one(kSelectSelf, {account_id})));
  if (existing) return std::move(*existing);
  Person p;
  p.account_id = account_id;
  p.is_self = true;
  p.phone = std::string(phone);
  return create(c, p, now);
}

Result<Person> create(store::Connection& c, const PersonFields& f, int64_t now) {
  Param account = f.account_id ? Param{*f.account_id} : Param{nullptr};
  auto row = c.query_one(kInsertPerson, {account, int64_t{f.is_self}, std::string_view(f.full_name), opt(f.id_number),
                                         opt(f.id_kind), opt(f.birth_date), opt(f.sex), opt(f.phone),
                                         opt(f.province_code), opt(f.ward_code), opt(f.street), now});
  if (!row.ok()) return row.error().kind == ErrorKind::kConflict ? id_taken() : std::move(row).error();
  return from_row(**row);
}

Result<Person> update(store::Connection& c, int64_t id, const PersonFields& f, int64_t now) {
  auto row = c.query_one(kUpdatePerson, {id, std::string_view(f.full_name), opt(f.id_number), opt(f.id_kind),
                                         opt(f.birth_date), opt(f.sex), opt(f.phone), opt(f.province_code),
                                         opt(f.ward_code), opt(f.street), now});
  if (!row.ok()) return row.error().kind == ErrorKind::kConflict ? id_taken() : std::move(row).error();
  if (!*row) return make_error(ErrorKind::kNotFound, "person_not_found", "no such person");
  return from_row(**row);
}

Result<std::string> normalize_name(std::string_view input, std::string_view field) {
  auto fail = [&](std::string code, std::string message) {
    return invalid(std::string(field), std::move(code), std::move(message));
  };
  utf8proc_uint8_t* nfc = nullptr;
  utf8proc_ssize_t n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(input.data()),
                                    static_cast<utf8proc_ssize_t>(input.size()), &nfc,
                                    static_cast<utf8proc_option_t>(UTF8PROC_COMPOSE | UTF8PROC_STABLE));
  if (n < 0) return fail("invalid_name", "the name is not valid UTF-8");
  std::string composed(reinterpret_cast<char*>(nfc), static_cast<size_t>(n));
  std::free(nfc);
  std::string out;
  size_t code_points = 0;
  bool pending_space = false;
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(composed.data());
  utf8proc_ssize_t left = static_cast<utf8proc_ssize_t>(composed.size());
  while (left > 0) {
    utf8proc_int32_t cp;
    utf8proc_ssize_t len = utf8proc_iterate(p, left, &cp);
    if (len <= 0) return fail("invalid_name", "the name is not valid UTF-8");
    auto category = utf8proc_category(cp);
    bool is_space = category == UTF8PROC_CATEGORY_ZS || cp == '\t' || cp == '\n' || cp == '\r';
    bool is_letter = category >= UTF8PROC_CATEGORY_LU && category <= UTF8PROC_CATEGORY_ME;
    bool is_punct = cp == '\'' || cp == '.' || cp == '-' || cp == 0x2019;
    if (is_space) {
      pending_space = !out.empty();
    } else if (is_letter || is_punct) {
      if (pending_space) {
        out.push_back(' ');
        ++code_points;
        pending_space = false;
      }
      out.append(reinterpret_cast<const char*>(p), static_cast<size_t>(len));
      ++code_points;
    } else {
      return fail("invalid_name", "a name may contain only letters, spaces, apostrophes, dots and hyphens");
    }
    p += len;
    left -= len;
  }
  if (out.empty()) return fail("empty", "the name must not be empty");
  if (code_points > 100) return fail("too_long", "the name is longer than 100 characters");
  return out;
}

std::string mask_name(std::string_view full_name) {
  // Keep the given name (last word) and the first letter of every other word.
  std::string out;
  size_t start = 0;
  size_t last_space = full_name.rfind(' ');
  while (start < full_name.size()) {
    size_t end = full_name.find(' ', start);
    if (end == std::string_view::npos) end = full_name.size();
    std::string_view word = full_name.substr(start, end - start);
    if (!out.empty()) out.push_back(' ');
    if (last_space == std::string_view::npos || start > last_space) {
      out.append(word);
    } else {
      size_t first_len = 1;
      while (first_len < word.size() && (static_cast<unsigned char>(word[first_len]) & 0xC0) == 0x80) ++first_len;
      out.append(word.substr(0, first_len));
      out.append("***");
    }
    start = end + 1;
  }
  return out;
}

}  // namespace kb::people
