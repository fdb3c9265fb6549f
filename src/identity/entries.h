// Two doors that the identity module keeps itself: an official entering someone by hand (from
// a paper list, a hotline call — the same path as a row of an imported list), and a citizen
// adding an identifier to a person they manage (their health-insurance number, an old CMND, a
// passport, another phone), which is how a BHYT card becomes known for a declared person.
#pragma once

#include <cstdint>
#include <optional>

#include "accounts/accounts.h"
#include "areas/area_directory.h"
#include "core/result.h"
#include "identity/identifiers.h"
#include "identity/resolve.h"
#include "store/database.h"

namespace kb::identity {

// find_or_create through the "official" door. The address, when given, must lie in the
// official's jurisdiction (kForbidden outside_jurisdiction, field ward_code); a record made
// without one belongs to the official's area. Audited (identity.enter).
Result<Resolved> enter_person(store::Connection& c, const areas::AreaDirectory& areas,
                              const accounts::User& official, Arrival arrival, int64_t now);

struct Claim {
  std::optional<KnownIdentifier> identifier;  // recorded on the person (new, or theirs already)
  std::optional<int64_t> candidate_id;        // or: another record holds it; officials decide
};
// Adds an identifier to a person the account manages (kNotFound person_not_found otherwise).
// When another record holds it, nothing is moved: the two records are queued as a candidate
// pair (rule claimed_identifier) for the officials, and the claim audited. kConflict
// conflicting_identifiers for a second CCCD or social-insurance number.
Result<Claim> add_identifier(store::Connection& c, int64_t account_id, int64_t person_id,
                             const Identifier& id, int64_t now);

}  // namespace kb::identity
