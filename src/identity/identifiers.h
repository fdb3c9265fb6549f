// The identifiers a person is known by, each with where and when it was seen. A person has
// several: a chip ID (CCCD, 12 digits) and the old 9-digit CMND it replaced, passports (with
// their country), the lifelong social-insurance number that every health-insurance (BHYT) card
// ends with, and phone numbers. All but phones name one person: the table keeps each of them on
// one person only (a family shares a phone, so phones may repeat).
//
// This file only checks shapes and stores; who a person is, from identifiers and details, is
// decided in identity/matching.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "store/database.h"

namespace kb::identity {

enum class IdKind { kCccd, kCmnd, kPassport, kBhxh, kPhone };
std::string_view kind_name(IdKind kind);  // "cccd" | "cmnd" | "passport" | "bhxh" | "phone"
// kInvalidArgument (invalid_identifier_kind) naming `field` for anything else.
Result<IdKind> parse_kind(std::string_view text, std::string_view field = "kind");
// The kinds that name one person (all but phones).
bool names_one_person(IdKind kind);
// The blind index an identifier is found by (crypto/sealing.h): a phone's is the same as
// people.phone_index and users.phone_index, another kind's the same as people.id_number_index.
std::string value_index(IdKind kind, std::string_view value);
// The kinds of which a person has exactly one in life: two different values mean two people
// (a CMND was reissued with a new number on moving province, passports are renewed, phones
// change hands; a CCCD number and a social-insurance number never change).
bool lifelong(IdKind kind);

struct Identifier {
  IdKind kind = IdKind::kCccd;
  std::string value;    // normalised: digits; passport upper case; phone E.164
  std::string country;  // passports: ISO 3166-1 alpha-2, or empty when not known
  bool operator==(const Identifier&) const = default;
};

// Checks an identifier's shape and normalises it; errors name `field` with code
// invalid_identifier:
//   cccd      12 digits whose first three are a province code (1–96)
//   cmnd      9 digits
//   passport  6–15 letters and digits (spaces, dots and dashes dropped); country two letters
//             or empty
//   bhxh      the 10-digit social-insurance number, or a 15-character BHYT card number (two
//             letters, 13 digits) whose last 10 digits it is
//   phone     a Vietnamese mobile number in any common form (core/phone.h)
Result<Identifier> parse_identifier(IdKind kind, std::string_view value,
                                    std::string_view country = {},
                                    std::string_view field = "number");

// An identifier as stored on a person.
struct KnownIdentifier {
  int64_t id = 0;
  int64_t person_id = 0;
  Identifier identifier;
  std::string
      source;  // the door it first came through: "cccd_scan", "bhyt_scan", "profile", "import", …
  std::string place;  // where: "venue:12", "account:5", "official:3", or empty
  int64_t first_seen_at = 0;
  int64_t last_seen_at = 0;
};

// Where and when an identifier is seen.
struct Sighting {
  std::string_view source;
  std::string_view place;
  int64_t at = 0;
};

// Records that `person_id` was seen with the identifier: inserted, or its last sighting moved
// on (at most once a day, so a card scanned at every door costs no write). kConflict
// (identifier_taken, field `field`) when another person holds an identifier that names one
// person. Write connection.
Status remember(store::Connection& c, int64_t person_id, const Identifier& id, const Sighting& seen,
                std::string_view field = "number");
// Moves a known identifier's last sighting to `at` (remember() does so itself).
Status seen_again(store::Connection& c, const KnownIdentifier& known, int64_t at);
// Removes the person's identifier of this kind and value (a profile corrected).
Status forget(store::Connection& c, int64_t person_id, const Identifier& id);

// The person holding an identifier that names one person (not a phone); a passport of unknown
// country matches the number in any country when only one person holds it. Not followed
// through merges: see people::find.
Result<std::optional<KnownIdentifier>> holder_of(store::Connection& c, const Identifier& id);
// The people seen with a phone (as an identifier), oldest first.
Result<std::vector<int64_t>> people_with_phone(store::Connection& c, std::string_view phone,
                                               int64_t limit = 50);
// The person's identifiers, oldest first.
Result<std::vector<KnownIdentifier>> identifiers_of(store::Connection& c, int64_t person_id);

}  // namespace kb::identity
