#include "identity/identifiers.h"

#include <cctype>

#include "core/phone.h"
#include "crypto/sealing.h"

namespace kb::identity {
namespace {

using store::Param;
using store::Sql;

#define KB_IDENTIFIER_COLUMNS \
  "id, person_id, kind, value, country, source, place, first_seen_at, last_seen_at"

constexpr Sql kInsert{"insert_person_identifier",
                      "INSERT INTO person_identifiers(person_id, kind, value, country, source, "
                      "place, first_seen_at, last_seen_at, value_index) "
                      "VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8) ON CONFLICT DO NOTHING"};
constexpr Sql kSelectOfPerson{
    "select_person_identifier",
    "SELECT " KB_IDENTIFIER_COLUMNS
    " FROM person_identifiers "
    "WHERE person_id = $1 AND kind = $2 AND value_index = $3 AND country = $4"};
constexpr Sql kSeenAgain{"person_identifier_seen",
                         "UPDATE person_identifiers SET last_seen_at = $2 WHERE id = $1"};
constexpr Sql kDelete{"delete_person_identifier",
                      "DELETE FROM person_identifiers WHERE person_id = $1 AND kind = $2 AND "
                      "value_index = $3 AND country = $4"};
// One lookup per kind, the kind written in the SQL: with a bound kind SQLite cannot tell from
// the statement that it may read the partial index person_identifiers_one_person, and either
// reads the whole table or re-prepares the statement at every call (this lookup is made at every
// scan). `kind <> 'phone'` repeats the index's condition so that every planner sees it.
#define KB_HOLDER_SQL(kind)                                                      \
  "SELECT " KB_IDENTIFIER_COLUMNS " FROM person_identifiers WHERE kind = '" kind \
  "' "                                                                           \
  "AND kind <> 'phone' AND value_index = $1 AND country = $2"
constexpr Sql kCccdHolder{"select_cccd_holder", KB_HOLDER_SQL("cccd")};
constexpr Sql kCmndHolder{"select_cmnd_holder", KB_HOLDER_SQL("cmnd")};
constexpr Sql kPassportHolder{"select_passport_holder", KB_HOLDER_SQL("passport")};
constexpr Sql kBhxhHolder{"select_bhxh_holder", KB_HOLDER_SQL("bhxh")};
// A passport whose country is not known: the number in any country, when one person holds it.
constexpr Sql kPassportHolderAnyCountry{
    "select_passport_holder_any_country",
    "SELECT " KB_IDENTIFIER_COLUMNS
    " FROM person_identifiers "
    "WHERE kind = 'passport' AND kind <> 'phone' AND value_index = $1 "
    "ORDER BY id LIMIT 2"};
constexpr Sql kWithPhone{
    "select_people_with_phone_identifier",
    "SELECT person_id FROM person_identifiers WHERE kind = 'phone' AND value_index = $1 "
    "ORDER BY person_id LIMIT $2"};
constexpr Sql kOfPerson{"select_identifiers_of_person",
                        "SELECT " KB_IDENTIFIER_COLUMNS
                        " FROM person_identifiers WHERE person_id = $1 ORDER BY id"};

constexpr int64_t kSeenResolution = 86400;  // a sighting moves last_seen_at at most once a day

Result<IdKind> kind_from_db(std::string_view s) {
  auto k = parse_kind(s);
  if (!k.ok()) return internal("person_identifiers has an unknown kind");
  return k;
}

Result<KnownIdentifier> from_row(const store::Row& r) {
  KnownIdentifier k;
  k.id = r.i64(0);
  k.person_id = r.i64(1);
  KB_ASSIGN(k.identifier.kind, kind_from_db(r.str(2)));
  // Sealed at rest (crypto/sealing.h), found by value_index.
  k.identifier.value = sealing::reveal(r.str(3));
  k.identifier.country = r.str(4);
  k.source = r.str(5);
  k.place = r.str(6);
  k.first_seen_at = r.i64(7);
  k.last_seen_at = r.i64(8);
  return k;
}

Result<std::optional<KnownIdentifier>> one(Result<std::optional<store::Row>> row) {
  if (!row.ok()) return std::move(row).error();
  if (!*row) return std::optional<KnownIdentifier>();
  KB_ASSIGN(KnownIdentifier k, from_row(**row));
  return std::optional<KnownIdentifier>(std::move(k));
}

bool all_digits(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

// The value without the separators people type: spaces, dots, dashes.
std::string compact(std::string_view s) {
  std::string out;
  for (char ch : s) {
    if (ch == ' ' || ch == '.' || ch == '-' || ch == '\t') continue;
    out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(ch))));
  }
  return out;
}

}  // namespace

std::string_view kind_name(IdKind kind) {
  switch (kind) {
    case IdKind::kCccd:
      return "cccd";
    case IdKind::kCmnd:
      return "cmnd";
    case IdKind::kPassport:
      return "passport";
    case IdKind::kBhxh:
      return "bhxh";
    case IdKind::kPhone:
      return "phone";
  }
  return "cccd";
}

Result<IdKind> parse_kind(std::string_view text, std::string_view field) {
  for (IdKind k :
       {IdKind::kCccd, IdKind::kCmnd, IdKind::kPassport, IdKind::kBhxh, IdKind::kPhone}) {
    if (text == kind_name(k)) return k;
  }
  return invalid(std::string(field), "invalid_identifier_kind",
                 "the identifier kind is cccd, cmnd, passport, bhxh or phone");
}

std::string value_index(IdKind kind, std::string_view value) {
  return sealing::blind(kind == IdKind::kPhone ? "phone" : "id_number", value);
}

bool names_one_person(IdKind kind) { return kind != IdKind::kPhone; }

bool lifelong(IdKind kind) { return kind == IdKind::kCccd || kind == IdKind::kBhxh; }

Result<Identifier> parse_identifier(IdKind kind, std::string_view value, std::string_view country,
                                    std::string_view field) {
  auto bad = [&](std::string message) {
    return invalid(std::string(field), "invalid_identifier", std::move(message));
  };
  Identifier id{kind, {}, {}};
  std::string v = compact(value);
  switch (kind) {
    case IdKind::kCccd: {
      if (v.size() != 12 || !all_digits(v)) return bad("a CCCD number has exactly 12 digits");
      int province = (v[0] - '0') * 100 + (v[1] - '0') * 10 + (v[2] - '0');
      if (province < 1 || province > 96)
        return bad("the first three digits of a CCCD number are a province code");
      break;
    }
    case IdKind::kCmnd:
      if (v.size() != 9 || !all_digits(v))
        return bad("an old ID card (CMND) number has exactly 9 digits");
      break;
    case IdKind::kPassport:
      if (v.size() < 6 || v.size() > 15 ||
          v.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") != std::string::npos) {
        return bad("a passport number has 6 to 15 letters and digits");
      }
      break;
    case IdKind::kBhxh:
      // A BHYT card number: two letters (the beneficiary group), 13 digits, the last 10 of which
      // are the lifelong social-insurance number.
      if (v.size() == 15 && std::isalpha(static_cast<unsigned char>(v[0])) &&
          std::isalpha(static_cast<unsigned char>(v[1])) &&
          all_digits(std::string_view(v).substr(2))) {
        v = v.substr(5);
      }
      if (v.size() != 10 || !all_digits(v)) {
        return bad(
            "a social-insurance number has 10 digits (or give the 15-character BHYT card number)");
      }
      break;
    case IdKind::kPhone: {
      KB_ASSIGN(v, normalize_mobile(value, field));
      break;
    }
  }
  id.value = std::move(v);
  if (!country.empty()) {
    if (kind != IdKind::kPassport) {
      return invalid("country", "not_applicable", "only a passport has a country");
    }
    std::string c = compact(country);
    if (c.size() != 2 || !std::isalpha(static_cast<unsigned char>(c[0])) ||
        !std::isalpha(static_cast<unsigned char>(c[1]))) {
      return invalid("country", "invalid_country", "a country is its two-letter ISO code, e.g. KR");
    }
    id.country = std::move(c);
  }
  return id;
}

Status remember(store::Connection& c, int64_t person_id, const Identifier& id, const Sighting& seen,
                std::string_view field) {
  std::string_view kind = kind_name(id.kind);
  const std::string index = value_index(id.kind, id.value);
  KB_ASSIGN(auto mine, one(c.query_one(kSelectOfPerson, {person_id, kind, std::string_view(index),
                                                         std::string_view(id.country)})));
  if (mine) {
    if (seen.at - mine->last_seen_at >= kSeenResolution)
      KB_TRY(c.exec(kSeenAgain, {mine->id, seen.at}));
    return {};
  }
  KB_ASSIGN(int64_t inserted,
            c.exec(kInsert, {person_id, kind, sealing::seal(id.value), std::string_view(id.country),
                             seen.source, seen.place, seen.at, std::string_view(index)}));
  if (inserted == 0) {
    return Error{ErrorKind::kConflict, "identifier_taken",
                 "this identifier is already recorded for another person", std::string(field)};
  }
  return {};
}

Status seen_again(store::Connection& c, const KnownIdentifier& known, int64_t at) {
  if (at - known.last_seen_at < kSeenResolution) return {};
  KB_TRY(c.exec(kSeenAgain, {known.id, at}));
  return {};
}

Status forget(store::Connection& c, int64_t person_id, const Identifier& id) {
  KB_TRY(c.exec(kDelete, {person_id, kind_name(id.kind), value_index(id.kind, id.value),
                          std::string_view(id.country)}));
  return {};
}

namespace {

const Sql& holder_statement(IdKind kind) {
  switch (kind) {
    case IdKind::kCmnd:
      return kCmndHolder;
    case IdKind::kPassport:
      return kPassportHolder;
    case IdKind::kBhxh:
      return kBhxhHolder;
    default:
      return kCccdHolder;
  }
}

}  // namespace

Result<std::optional<KnownIdentifier>> holder_of(store::Connection& c, const Identifier& id) {
  if (!names_one_person(id.kind)) return std::optional<KnownIdentifier>();
  const Sql& holder = holder_statement(id.kind);
  const std::string index = value_index(id.kind, id.value);
  if (id.kind != IdKind::kPassport || !id.country.empty()) {
    KB_ASSIGN(auto exact,
              one(c.query_one(holder, {std::string_view(index), std::string_view(id.country)})));
    if (exact || id.kind != IdKind::kPassport) return exact;
    // A passport recorded without its country is the same passport.
    return one(c.query_one(holder, {std::string_view(index), std::string_view("")}));
  }
  KB_ASSIGN(store::Rows rows, c.query(kPassportHolderAnyCountry, {std::string_view(index)}));
  if (rows.size() != 1) return std::optional<KnownIdentifier>();
  KB_ASSIGN(KnownIdentifier k, from_row(rows.front()));
  return std::optional<KnownIdentifier>(std::move(k));
}

Result<std::vector<int64_t>> people_with_phone(store::Connection& c, std::string_view phone,
                                               int64_t limit) {
  KB_ASSIGN(store::Rows rows, c.query(kWithPhone, {value_index(IdKind::kPhone, phone), limit}));
  std::vector<int64_t> out;
  for (const auto& r : rows) out.push_back(r.i64(0));
  return out;
}

Result<std::vector<KnownIdentifier>> identifiers_of(store::Connection& c, int64_t person_id) {
  KB_ASSIGN(store::Rows rows, c.query(kOfPerson, {person_id}));
  std::vector<KnownIdentifier> out;
  out.reserve(rows.size());
  for (const auto& r : rows) {
    KB_ASSIGN(KnownIdentifier k, from_row(r));
    out.push_back(std::move(k));
  }
  return out;
}

}  // namespace kb::identity
