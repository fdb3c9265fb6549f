#include "people/person.h"

#include "crypto/sealing.h"
#include "identity/identifiers.h"
#include "identity/name_index.h"

namespace kb::people {
namespace {

using store::Param;
using store::Sql;

#define KB_PERSON_COLUMNS                                                            \
  "id, account_id, is_self, full_name, id_number, id_kind, birth_date, sex, phone, " \
  "province_code, "                                                                  \
  "ward_code, street, origin_province_code, origin_ward_code, merged_into, created_at, updated_at"

constexpr Sql kSelectPerson{"select_person",
                            "SELECT " KB_PERSON_COLUMNS " FROM people WHERE id = $1"};
constexpr Sql kSelectByIdNumber{"select_person_by_id_number",
                                "SELECT " KB_PERSON_COLUMNS
                                " FROM people WHERE id_number_index = $1"};
constexpr Sql kSelectByPhone{
    "select_people_by_phone",
    "SELECT " KB_PERSON_COLUMNS
    " FROM people WHERE phone_index = $1 AND merged_into IS NULL ORDER BY id"};
constexpr Sql kSelectManaged{
    "select_managed_people",
    "SELECT " KB_PERSON_COLUMNS
    " FROM people WHERE account_id = $1 AND merged_into IS NULL ORDER BY is_self DESC, id"};
constexpr Sql kSelectSelf{
    "select_self_person",
    "SELECT " KB_PERSON_COLUMNS
    " FROM people WHERE account_id = $1 AND is_self = 1 AND merged_into IS NULL"};
constexpr Sql kInsertPerson{"insert_person",
                            "INSERT INTO people(account_id, is_self, full_name, id_number, "
                            "id_kind, birth_date, sex, phone, "
                            "province_code, ward_code, street, origin_province_code, "
                            "origin_ward_code, name_key, created_at, updated_at, "
                            "status_colour, status_reason, name_words, id_number_index, "
                            "phone_index) "
                            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, "
                            "$15, $15, 'not_declared', "
                            "'no_declaration', $16, $17, $18) RETURNING " KB_PERSON_COLUMNS};
constexpr Sql kUpdatePerson{"update_person",
                            "UPDATE people SET full_name = $2, id_number = $3, id_kind = $4, "
                            "birth_date = $5, sex = $6, phone = $7, "
                            "province_code = $8, ward_code = $9, street = $10, updated_at = $11, "
                            "name_key = $12, name_words = $13, id_number_index = $14, "
                            "phone_index = $15 WHERE id = $1 "
                            "RETURNING " KB_PERSON_COLUMNS};

Person from_row(const store::Row& r) {
  Person p;
  p.id = r.i64(0);
  p.account_id = r.opt_i64(1);
  p.is_self = r.i64(2) != 0;
  // Sealed at rest (crypto/sealing.h); clear in a row written before sealing.
  p.full_name = sealing::reveal(r.str(3));
  p.id_number = sealing::reveal(r.str(4));
  p.id_kind = r.str(5);
  p.birth_date = r.str(6);
  p.sex = r.str(7);
  p.phone = sealing::reveal(r.str(8));
  p.province_code = r.str(9);
  p.ward_code = r.str(10);
  p.street = sealing::reveal(r.str(11));
  p.origin_province_code = r.str(12);
  p.origin_ward_code = r.str(13);
  p.merged_into = r.opt_i64(14);
  p.created_at = r.i64(15);
  p.updated_at = r.i64(16);
  return p;
}

// A value found by equality: sealed, with its blind index (crypto/sealing.h).
struct Sealed {
  Sealed(std::string_view clear, std::string_view purpose)
      : value(sealing::seal(clear)), index(sealing::blind(purpose, clear)) {}
  std::string value;
  std::string index;
};

// A person's fields as they are stored: the name and street sealed, the ID number and phone
// sealed with their blind indexes, and the name's keyed indexes (identity/name_index.h).
struct StoredFields {
  explicit StoredFields(const PersonFields& f)
      : name_indexes(identity::name_indexes(f.full_name)),
        name(sealing::seal(f.full_name)),
        street(sealing::seal(f.street)),
        id_number(f.id_number, "id_number"),
        phone(f.phone, "phone") {}
  identity::NameIndexes name_indexes;
  std::string name, street;
  Sealed id_number, phone;
};

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

// The identifier a record's own ID number is, by its kind; nothing for a kind or number that
// is no identifier (records from before identifiers were checked keep their number alone).
std::optional<identity::Identifier> identifier_of(const PersonFields& f) {
  if (f.id_number.empty()) return std::nullopt;
  auto kind = identity::parse_kind(f.id_kind);
  if (!kind.ok() || *kind == identity::IdKind::kPhone) return std::nullopt;
  auto id = identity::parse_identifier(*kind, f.id_number);
  if (!id.ok()) return std::nullopt;
  return *id;
}

// The kinds an ID number of this shape may be: 12 digits a CCCD, 9 a CMND, 10 a social-insurance
// number, anything else a passport.
identity::IdKind kind_of_number(std::string_view n) {
  bool digits = !n.empty() && n.find_first_not_of("0123456789") == std::string_view::npos;
  if (digits && n.size() == 12) return identity::IdKind::kCccd;
  if (digits && n.size() == 9) return identity::IdKind::kCmnd;
  if (digits && n.size() == 10) return identity::IdKind::kBhxh;
  return identity::IdKind::kPassport;
}

Result<std::optional<Person>> following_merges(store::Connection& c, std::optional<Person> p) {
  // A chain is short (a merge into a record merged since); the bound guards a cycle.
  for (int hops = 0; p && p->merged_into && hops < 16; ++hops) {
    KB_ASSIGN(p, one(c.query_one(kSelectPerson, {*p->merged_into})));
  }
  return p;
}

}  // namespace

Result<std::optional<Person>> find(store::Connection& c, int64_t id) {
  KB_ASSIGN(auto p, one(c.query_one(kSelectPerson, {id})));
  if (!p || !p->merged_into) return p;
  return following_merges(c, std::move(p));
}

Result<std::optional<Person>> find_record(store::Connection& c, int64_t id) {
  return one(c.query_one(kSelectPerson, {id}));
}

Result<std::optional<Person>> find_by_id_number(store::Connection& c, std::string_view id_number) {
  auto id = identity::parse_identifier(kind_of_number(id_number), id_number);
  if (id.ok()) {
    KB_ASSIGN(auto held, identity::holder_of(c, *id));
    if (held) return find(c, held->person_id);
  }
  KB_ASSIGN(auto p, one(c.query_one(kSelectByIdNumber, {sealing::blind("id_number", id_number)})));
  if (!p || !p->merged_into) return p;
  return following_merges(c, std::move(p));
}

Result<std::vector<Person>> find_by_phone(store::Connection& c, std::string_view phone) {
  return many(c.query(kSelectByPhone, {sealing::blind("phone", phone)}));
}

Result<std::vector<Person>> managed_by(store::Connection& c, int64_t account_id) {
  return many(c.query(kSelectManaged, {account_id}));
}

Result<std::vector<int64_t>> unmanaged_with_phone(store::Connection& c, std::string_view phone) {
  std::vector<int64_t> ids;
  if (phone.empty()) return ids;
  KB_ASSIGN(auto same_phone, find_by_phone(c, phone));
  for (const auto& p : same_phone) {
    if (!p.account_id) ids.push_back(p.id);
  }
  return ids;
}

Result<Person> self_of(store::Connection& c, int64_t account_id, std::string_view phone,
                       int64_t now) {
  KB_ASSIGN(auto existing, one(c.query_one(kSelectSelf, {account_id})));
  if (existing) return std::move(*existing);
  Person p;
  p.account_id = account_id;
  p.is_self = true;
  p.phone = std::string(phone);
  return create(c, p, now);
}

Result<Person> create(store::Connection& c, const PersonFields& f, int64_t now,
                      std::string_view source, std::string_view place) {
  Param account = f.account_id ? Param{*f.account_id} : Param{nullptr};
  StoredFields s(f);
  auto row = c.query_one(
      kInsertPerson,
      {account, int64_t{f.is_self}, std::string_view(s.name), opt(s.id_number.value),
       opt(f.id_kind), opt(f.birth_date), opt(f.sex), opt(s.phone.value), opt(f.province_code),
       opt(f.ward_code), opt(s.street), opt(f.origin_province_code), opt(f.origin_ward_code),
       std::string_view(s.name_indexes.key), now, std::string_view(s.name_indexes.words),
       opt(s.id_number.index), opt(s.phone.index)});
  if (!row.ok())
    return row.error().kind == ErrorKind::kConflict ? id_taken() : std::move(row).error();
  Person p = from_row(**row);
  if (auto id = identifier_of(f)) {
    auto st = identity::remember(c, p.id, *id, {source, place, now}, "id_number");
    if (!st.ok())
      return st.error().kind == ErrorKind::kConflict ? id_taken() : std::move(st).error();
  }
  return p;
}

Result<Person> update(store::Connection& c, int64_t id, const PersonFields& f, int64_t now) {
  KB_ASSIGN(auto before, find_record(c, id));
  StoredFields s(f);
  auto row = c.query_one(
      kUpdatePerson,
      {id, std::string_view(s.name), opt(s.id_number.value), opt(f.id_kind), opt(f.birth_date),
       opt(f.sex), opt(s.phone.value), opt(f.province_code), opt(f.ward_code), opt(s.street), now,
       std::string_view(s.name_indexes.key), std::string_view(s.name_indexes.words),
       opt(s.id_number.index), opt(s.phone.index)});
  if (!row.ok())
    return row.error().kind == ErrorKind::kConflict ? id_taken() : std::move(row).error();
  if (!*row) return make_error(ErrorKind::kNotFound, "person_not_found", "no such person");
  auto old_id = before ? identifier_of(*before) : std::nullopt;
  auto new_id = identifier_of(f);
  if (old_id && old_id != new_id) KB_TRY(identity::forget(c, id, *old_id));
  if (new_id) {
    auto st = identity::remember(c, id, *new_id, {"record", {}, now}, "id_number");
    if (!st.ok())
      return st.error().kind == ErrorKind::kConflict ? id_taken() : std::move(st).error();
  }
  return from_row(**row);
}

}  // namespace kb::people
