// A person: someone who declares, checks in, gets traced. Not the same as an account: one
// citizen account manages several people (themselves, children, elderly parents), and staff
// can record people who have no account at all (a CCCD scan, a guest with a phone number).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "store/database.h"

namespace kb::people {

struct Person {
  int64_t id = 0;
  std::optional<int64_t> account_id;  // the account that manages this person, if any
  bool is_self = false;               // the account holder themselves
  std::string full_name;              // NFC, single spaces
  std::string id_number;              // CCCD (12 digits) or passport; may be empty
  std::string id_kind;                // "cccd" | "passport" | ""
  std::string birth_date;             // YYYY-MM-DD or empty
  std::string sex;                    // "male" | "female" | ""
  std::string phone;                  // E.164 or empty
  std::string province_code;
  std::string ward_code;
  std::string street;
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

// Every field but the id and times, for inserts and updates.
using PersonFields = Person;

Result<std::optional<Person>> find(store::Connection& c, int64_t id);
Result<std::optional<Person>> find_by_id_number(store::Connection& c, std::string_view id_number);
// People whose own phone is `phone` (E.164), oldest first.
Result<std::vector<Person>> find_by_phone(store::Connection& c, std::string_view phone);
// The people an account manages, the account holder first.
Result<std::vector<Person>> managed_by(store::Connection& c, int64_t account_id);
// The account holder's own person record, created (with just the phone) on first use.
Result<Person> self_of(store::Connection& c, int64_t account_id, std::string_view phone, int64_t now);
// Inserts a person; kConflict (field id_number) when the ID number is already recorded.
Result<Person> create(store::Connection& c, const PersonFields& fields, int64_t now);
// Overwrites a person's fields (not account_id / is_self); kConflict as for create.
Result<Person> update(store::Connection& c, int64_t id, const PersonFields& fields, int64_t now);

// A name as people mean it: "Nguyễn Văn An" for "  nguyễn  văn an" is NOT changed in case,
// but is NFC-normalised with runs of spaces collapsed and the ends trimmed.
// Errors name `field`: empty, too long (100 code points), or characters that are not letters,
// spaces, apostrophes, dots or hyphens.
Result<std::string> normalize_name(std::string_view input, std::string_view field = "full_name");

// The name with all but initials hidden, for scanners and verifiers: "Nguyễn Văn An" → "N*** V*** An".
std::string mask_name(std::string_view full_name);

}  // namespace kb::people
