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
  // Where the record was made (a venue's area, an import's), for a person without an address:
  // whose officials see them in the duplicates queue (identity/candidates.h).
  std::string origin_province_code;
  std::string origin_ward_code;
  // Set when an official merged this record into another (identity/merge.h): the other one is
  // the person now, and this one is kept only so that an unmerge can restore it.
  std::optional<int64_t> merged_into;
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

// Every field but the id and times, for inserts and updates.
using PersonFields = Person;

// The person with this id. A record merged into another finds the person it was merged into
// (one person, whichever of their former ids is asked for).
Result<std::optional<Person>> find(store::Connection& c, int64_t id);
// The record with this id as stored, merged or not.
Result<std::optional<Person>> find_record(store::Connection& c, int64_t id);
// The person holding an ID number (CCCD, CMND, passport or social-insurance number, among the
// identifiers of identity/identifiers.h, else as the record's own ID number), following merges.
Result<std::optional<Person>> find_by_id_number(store::Connection& c, std::string_view id_number);
// People whose own phone is `phone` (E.164), oldest first; merged records left out.
Result<std::vector<Person>> find_by_phone(store::Connection& c, std::string_view phone);
// The people nobody manages whose own phone is `phone` (E.164; empty: none), by id — someone on
// an imported list who has not signed in. Whatever was sent to them went to that phone already,
// so its holder may see it (vaccination and testing invitations).
Result<std::vector<int64_t>> unmanaged_with_phone(store::Connection& c, std::string_view phone);
// The people an account manages, the account holder first; merged records left out.
Result<std::vector<Person>> managed_by(store::Connection& c, int64_t account_id);
// The account holder's own person record, created (with just the phone) on first use.
Result<Person> self_of(store::Connection& c, int64_t account_id, std::string_view phone,
                       int64_t now);
// Inserts a person, and their ID number among their identifiers (source "record"); kConflict
// (field id_number) when the ID number is already recorded.
// `source` and `place` say where the ID number was seen (identity::Sighting).
Result<Person> create(store::Connection& c, const PersonFields& fields, int64_t now,
                      std::string_view source = "record", std::string_view place = {});
// Overwrites a person's fields (not account_id / is_self / origin); a changed ID number replaces
// the old one among their identifiers. kConflict as for create.
Result<Person> update(store::Connection& c, int64_t id, const PersonFields& fields, int64_t now);

// A name as people mean it: "Nguyễn Văn An" for "  nguyễn  văn an" is NOT changed in case,
// but is NFC-normalised with runs of spaces collapsed and the ends trimmed.
// Errors name `field`: empty, too long (100 code points), or characters that are not letters,
// spaces, apostrophes, dots or hyphens.
Result<std::string> normalize_name(std::string_view input, std::string_view field = "full_name");

// The name with all but initials hidden, for scanners and verifiers: "Nguyễn Văn An" → "N*** V***
// An".
std::string mask_name(std::string_view full_name);

}  // namespace kb::people
