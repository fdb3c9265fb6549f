// Health declarations (tờ khai y tế): domestic, or entry for international arrivals. A person
// declares once and updates later; each new declaration supersedes the previous one, whose
// row is kept as history. Declaring recomputes the health-status colour and returns the
// person's signed QR in the same transaction.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "areas/area_directory.h"
#include "core/result.h"
#include "health/health_status.h"
#include "people/person.h"
#include "qr/personal_qr.h"
#include "store/database.h"

namespace kb::declarations {

// The symptom and exposure answers a form offers; "none" is the explicit no, alone.
inline constexpr std::string_view kSymptoms[] = {
    "fever", "cough", "shortness_of_breath", "sore_throat", "loss_of_taste_smell", "fatigue"};
inline constexpr std::string_view kExposures[] = {"confirmed_case", "suspected_case",
                                                  "outbreak_area"};
inline constexpr std::string_view kTransports[] = {"flight", "ship", "train", "road"};

struct EntryDetails {
  std::string transport;          // one of kTransports
  std::string vehicle_number;     // flight number, ship or plate, upper case
  std::string seat;               // may be empty
  std::string departure_country;  // ISO 3166-1 alpha-2, upper case
  std::string arrival_date;       // YYYY-MM-DD
  std::string quarantine_province_code;
  std::string quarantine_ward_code;
  std::string quarantine_street;
};

// The entry details as JSON: the one form they are stored in and shown in. Read back strictly:
// every field a string, none missing but the seat, none unknown; errors name "entry.<field>".
boost::json::object entry_json(const EntryDetails& e);
Result<EntryDetails> parse_entry(const boost::json::value& v);

struct DeclarationInput {
  int64_t person_id = 0;
  std::string kind;                           // "domestic" | "entry"
  std::vector<std::string> travel_provinces;  // province codes visited in the last 14 days
  std::vector<std::string> travel_countries;  // ISO alpha-2 codes visited in the last 14 days
  std::vector<std::string> symptoms;          // from kSymptoms, or {"none"}
  std::vector<std::string> exposures;         // from kExposures, or {"none"}
  int64_t vaccine_doses = 0;
  std::optional<EntryDetails> entry;  // required for kind "entry", refused otherwise
  // A client-made id (store/client_writes.h): a declaration kept offline and sent again after
  // a lost answer is recorded once.
  std::optional<std::string> client_id;
};

struct Declaration {
  int64_t id = 0;
  int64_t person_id = 0;
  std::optional<int64_t> declared_by;  // the account that submitted it
  std::string kind;
  std::vector<std::string> travel_provinces;
  std::vector<std::string> travel_countries;
  std::vector<std::string> symptoms;   // {"none"} when none
  std::vector<std::string> exposures;  // {"none"} when none
  int64_t vaccine_doses = 0;
  std::optional<EntryDetails> entry;
  int64_t created_at = 0;
  std::optional<int64_t> superseded_at;
};

// Checks every answer and normalises it (upper-cases codes, drops duplicates, sorts lists);
// errors name the field ("symptoms[2]", "entry.arrival_date").
Result<DeclarationInput> validate(DeclarationInput in, const areas::AreaDirectory& areas,
                                  int64_t now);

struct Submitted {
  Declaration declaration;
  health::HealthStatus status;
  qr::IssuedQr qr;
  bool repeated = false;  // its client id was seen: the declaration recorded the first time
};

// Records a validated declaration for a person the account manages (kNotFound otherwise;
// kConflict profile_incomplete when the person's details are not complete), supersedes the
// previous one, recomputes the colour and returns the person's QR. A client id seen before
// returns the declaration it recorded (with today's colour and QR) and writes nothing.
Result<Submitted> submit(store::Connection& c, int64_t account_id, const DeclarationInput& in,
                         int64_t now);

// The person's declarations, newest first.
Result<std::vector<Declaration>> history(store::Connection& c, int64_t person_id,
                                         int64_t limit = 100);
Result<std::optional<Declaration>> latest(store::Connection& c, int64_t person_id);

// ---- The personal QR of a managed person ----

struct PersonalQr {
  people::Person person;
  qr::IssuedQr qr;
  health::HealthStatus status;
};
// The person's QR in their current colour (recomputed): kNotFound unless the account manages
// them, kConflict no_declaration before their first declaration.
Result<PersonalQr> personal_qr(store::Connection& c, int64_t account_id, int64_t person_id,
                               int64_t now);
// Revokes every QR of a managed person at the holder's request (a lost or shared phone), audited;
// returns how many. The next personal_qr() signs a new one.
Result<int64_t> revoke_qr_codes(store::Connection& c, int64_t account_id, int64_t person_id,
                                int64_t now);

}  // namespace kb::declarations
