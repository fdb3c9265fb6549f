// The one place that decides who a person is. Every door that brings a person asks it: staff
// scanning a chip ID (CCCD) or health-insurance (BHYT) card, a phone proven by a code, a visitor
// typed in by hand or filling in the guest form, an official entering someone from a list, a
// row of an imported list, an entry declaration. It applies, in order:
//
//   1. exact identifiers: the person holding the CCCD, passport, social-insurance or CMND
//      number; a CCCD card whose old-ID field holds a known CMND is that CMND's person (unless
//      that person holds another CCCD);
//   2. otherwise the matching rules (identity/matching.h) against the people found by a phone
//      they share, or by the same birth date with the same folded name or the same ward: one
//      sure match links;
//   3. otherwise a new person, with every likely match (and every sure one, when two were
//      sure) queued as a candidate pair for the officials (identity/candidates.h).
//
// Whatever it links, it records the arriving identifiers on the person (where and when seen),
// so the next scan of the same card is an exact match. It never merges two recorded people:
// only an official does (identity/merge.h).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "identity/matching.h"
#include "people/person.h"
#include "store/database.h"

namespace kb::identity {

// Someone arriving through a door, as the door knows them (fields normalised by the caller:
// people::normalize_name, E.164 phones, YYYY-MM-DD dates).
struct Arrival {
  std::string
      door;  // "cccd_scan", "bhyt_scan", "phone_code", "typed_in", "guest_form", "import", …
  std::string place;  // "venue:12", "import:3", "official:7", or empty
  Details details;
  std::string street;  // kept on a new record when the details have a ward
  // The first phone was proven at this door by a code texted to it.
  bool phone_proven = false;
  // Where the door is (a venue's area, an import's): the area of a new record without an address.
  std::string origin_province_code;
  std::string origin_ward_code;
};

enum class How { kIdentifier, kOldId, kSure, kNew };
std::string_view how_name(How how);  // "identifier" | "old_id" | "sure_match" | "new"

struct Resolved {
  people::Person person;
  How how = How::kNew;
  std::string_view rule;            // the matching rule that linked (kSure), else empty
  std::vector<int64_t> candidates;  // candidate pairs queued for officials
};

// Finds the person arriving, or records them (see above). Runs inside a writer job. The one
// function the importers call for each row: identifiers and details in, a person out.
Result<Resolved> find_or_create(store::Connection& c, const Arrival& arrival, int64_t now);

// Queues candidate pairs for a recorded person whose details were just saved (a profile, a
// dependant): every sure or likely match among the others; never links or merges. Returns the
// pairs (new or already queued).
Result<std::vector<int64_t>> queue_candidates_for(store::Connection& c, int64_t person_id,
                                                  std::string_view door, int64_t now);

// What matching compares of a recorded person: their details, every phone that is theirs (own,
// seen with them, their managing account's), their identifiers and their ward's name.
Result<Details> details_of(store::Connection& c, const people::Person& person);

// A person's area for the officials: their address, else where the record was made.
std::pair<std::string, std::string> area_of(const people::Person& person);

// Fills the name keys (blind indexes, identity/name_index.h) of up to `limit` records written
// without one (records from before identity matching or sealing, bulk loads), sealing their
// name and street when still in clear (crypto/sealing.h). Returns how many it filled. Write
// connection.
Result<int64_t> fill_name_keys(store::Connection& c, int64_t limit);
// The scheduled job (identity.name_keys): fills name keys in batches, at most 100,000 a run.
Status name_key_job(store::Database& db);

}  // namespace kb::identity
