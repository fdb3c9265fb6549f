// The officials' duplicates queue: pairs of recorded people that may be one person, queued by
// matching (identity/resolve.h) when a match is likely but not sure. An official sees the pairs
// whose two records both lie in their jurisdiction (a record's area is its address, else where
// it was made: identity::area_of), reads the evidence side by side — every read audited with
// a reason — and merges the pair (identity/merge.h) or dismisses it. A pair is queued once: a
// dismissed pair is not queued again, whatever door brings the two back.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "accounts/accounts.h"
#include "core/result.h"
#include "identity/identifiers.h"
#include "identity/matching.h"
#include "people/person.h"
#include "store/database.h"

namespace kb::identity {

enum class PairStatus { kOpen, kMerged, kDismissed };
std::string_view pair_status_name(PairStatus s);  // "open" | "merged" | "dismissed"
Result<PairStatus> parse_pair_status(std::string_view text, std::string_view field = "status");

struct Candidate {
  int64_t id = 0;
  int64_t person_id = 0;  // the newer record
  int64_t match_id = 0;   // the older one
  std::string
      rule;  // the matching rule that queued it (or "shared_identifier", "claimed_identifier")
  std::string evidence;                              // JSON: how each detail compared when queued
  std::string door;                                  // how the newer record came
  std::string province_code, ward_code;              // the newer record's area
  std::string match_province_code, match_ward_code;  // the older record's area
  PairStatus status = PairStatus::kOpen;
  int64_t created_at = 0;
  std::optional<int64_t> decided_by;
  std::optional<int64_t> decided_at;
  std::string decision_reason;
  std::optional<int64_t> merge_id;
};

// The comparison as the evidence column keeps it.
std::string evidence_json(const Comparison& c);

// Queues the pair (idempotent; the two in any order): returns its id, new or not. Runs inside
// a writer job.
Result<int64_t> queue_pair(store::Connection& c, const people::Person& a, const people::Person& b,
                           const Comparison& comparison, std::string_view rule,
                           std::string_view door, int64_t now);

// The pair if the official is in charge of both its areas; kNotFound otherwise (no hint that
// it exists elsewhere); kForbidden for anyone but a health official.
Result<Candidate> candidate_for(store::Connection& c, const accounts::User& official, int64_t id);

// One line of the queue: the pair and a summary of each record.
struct PersonSummary {
  int64_t id = 0;
  std::string full_name, birth_date, sex, phone, id_number, province_code, ward_code;
};
struct QueueLine {
  Candidate pair;
  PersonSummary person, match;
};
struct QueueFilter {
  PairStatus status = PairStatus::kOpen;
  int64_t limit = 50;
  std::optional<int64_t> before_id;  // paging: newest first
};
// The official's queue, newest first (kForbidden for anyone but a health official). The caller
// audits the read.
Result<std::vector<QueueLine>> queue_for(store::Connection& c, const accounts::User& official,
                                         const QueueFilter& f);

// Everything an official weighs for one pair, side by side.
struct Side {
  people::Person person;
  std::vector<KnownIdentifier> identifiers;
  std::string colour, reason;   // the stored health status
  bool account_holder = false;  // signs in with their own phone
  bool managed = false;         // an account declares for them
  int64_t visits = 0, declarations = 0, cases = 0;
};
struct PairFile {
  Candidate pair;
  Side person, match;
  Comparison now;  // the two compared again, as they are now
};
Result<PairFile> pair_file(store::Connection& c, const accounts::User& official, int64_t id);

// Not one person: the pair leaves the queue for good. kConflict when it is not open.
Result<Candidate> dismiss(store::Connection& c, const accounts::User& official, int64_t id,
                          std::string_view reason, int64_t now);

}  // namespace kb::identity
