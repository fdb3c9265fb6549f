// The people a citizen account manages — themselves and their dependants ("khai báo hộ") —
// and the rules for their details. An ID number belongs to one account: a second account's
// claim is refused with a clear message and an audit entry; a record nobody manages yet
// (made by venue staff from a CCCD scan) is adopted by the account that claims it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "areas/area_directory.h"
#include "core/result.h"
#include "people/person.h"
#include "store/database.h"

namespace kb::people {

// A person's details as typed in a form, before any check.
struct PersonInput {
  std::string full_name;
  std::string id_kind;  // "cccd" | "passport"
  std::string id_number;
  std::string birth_date;  // YYYY-MM-DD
  std::string sex;         // "male" | "female"
  std::string phone;       // any common form; may be empty for dependants
  std::string province_code;
  std::string ward_code;
  std::string street;
};

// Checks and normalises every field; errors name the field. `now` bounds the birth date.
Result<PersonFields> validate_person(const PersonInput& in, const areas::AreaDirectory& areas,
                                     bool is_self, int64_t now);

// Days since 1970-01-01 of a valid YYYY-MM-DD date, or nullopt.
std::optional<int64_t> days_of_date(std::string_view date);

// Whether the person's details are complete enough to declare.
bool is_complete(const Person& p);

// The outcome of a claim on an ID number: the saved person, or a refusal (409) that was
// audited. A refusal is not an Error so the audit entry commits.
struct Saved {
  std::optional<Person> person;
  std::optional<Error> refusal;
};

// The details of a person the account manages, checked for saving over their record: the
// holder's own phone may be left out (it is the account's). kNotFound for anyone else.
Result<PersonFields> validate_edit(store::Connection& c, const areas::AreaDirectory& areas,
                                   int64_t account_id, int64_t person_id, PersonInput in,
                                   int64_t now);

// The people an account manages, the holder first, after making sure the holder's own record
// exists (made with the account's phone on first use). Write connection.
Result<std::vector<Person>> household(store::Connection& c, int64_t account_id,
                                      std::string_view phone, int64_t now);

// Adds a dependant to the account.
Result<Saved> add_dependant(store::Connection& c, int64_t account_id, const PersonFields& fields,
                            int64_t now);
// Overwrites the details of a person the account manages (kNotFound otherwise).
Result<Saved> edit_managed(store::Connection& c, int64_t account_id, int64_t person_id,
                           const PersonFields& fields, int64_t now);
// The person when the account manages them, else kNotFound (never tells others' people apart
// from people that do not exist).
Result<Person> managed_person(store::Connection& c, int64_t account_id, int64_t person_id);

}  // namespace kb::people
