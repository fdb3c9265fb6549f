// Merging two records of one person, and undoing it. Only a health official does either, with
// a reason, for two records that both lie in their jurisdiction (identity::area_of); both are
// audited.
//
// A merge keeps one record — the survivor: the account holder's own record, else one an
// account declares for, else one with a declaration, else the older — and moves onto it every
// row that hangs on the other: visits, declarations, cases, contacts (and the F2 contacts met
// through them), door alerts, messages and identifiers (kMovedColumns in merge.cpp: a new
// table that hangs on a person adds itself there). The other record stays, marked merged into
// the survivor, so every former id still finds the person (people::find); its personal QR
// codes are revoked (they showed its own colour). The survivor's empty details are filled from
// the other record. Then what depends on the person is set right:
//   - the colour is recomputed (health::recompute_status through cases::refresh_health);
//   - two contacts of one case become one (the other is void; its notice counts for the kept
//     one), a person is never their own contact (void), and someone who is an active case is
//     nobody's open contact (converted, as when a case is recorded);
//   - messages keep their dedupe keys, rewritten from the other record's id to the survivor's
//     ("tracing:case:5:person:12" → "…:person:9"), so a notice sent to either record is not sent
//     again; a message the survivor already has stays with the other record;
//   - contact lists are computed from visits when read (cases::list_contacts), so a case's list
//     covers the visits of both former records at once; `cases_to_trace` names the active cases
//     of the person whose stored contacts an official may want to trace again.
// Every change is written to the merge's change log (table, row, column, value before and
// after). An unmerge puts back each value the merge changed that is still as the merge left
// it, recomputes both colours, and leaves what happened since (a visit recorded for the
// survivor after the merge stays with it). The latest merge of a person is undone first.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "accounts/accounts.h"
#include "core/result.h"
#include "store/database.h"

namespace kb::identity {

struct Merge {
  int64_t id = 0;
  int64_t survivor_id = 0;
  int64_t merged_id = 0;
  std::optional<int64_t> candidate_id;
  std::string province_code, ward_code;                // the survivor's area at the merge
  std::string merged_province_code, merged_ward_code;  // the other record's
  int64_t merged_by = 0;
  std::string reason;
  int64_t merged_at = 0;
  int64_t changes = 0;  // rows of the change log
  std::optional<int64_t> unmerged_by;
  std::string unmerge_reason;
  std::optional<int64_t> unmerged_at;
};

struct Merged {
  Merge merge;
  std::vector<int64_t> cases_to_trace;  // the person's active cases
};

// Merges a queued pair (identity/candidates.h). kNotFound for a pair the official does not see;
// kConflict candidate_closed (not open), already_one_person (merged since through another
// pair), two_account_holders (both sign in with their own phone: one person, one account),
// conflicting_identifiers (two CCCD or social-insurance numbers: two people).
Result<Merged> merge_candidate(store::Connection& c, const accounts::User& official,
                               int64_t candidate_id, std::string_view reason, int64_t now);
// Merges two records an official found to be one person. invalid same_person (field
// person_ids); kNotFound person_not_found for a record the official does not see; kConflict
// already_merged and the conflicts above.
Result<Merged> merge_people(store::Connection& c, const accounts::User& official, int64_t a,
                            int64_t b, std::string_view reason, int64_t now);

struct Unmerged {
  Merge merge;
  int64_t restored = 0;  // values put back
  int64_t kept = 0;      // values changed since the merge, left as they are
};
// Undoes a merge. kNotFound for a merge the official does not see; kConflict already_unmerged,
// later_merge_first (a later merge of either record is still in place).
Result<Unmerged> unmerge(store::Connection& c, const accounts::User& official, int64_t merge_id,
                         std::string_view reason, int64_t now);

// The merge if the official sees both its records' areas (kNotFound otherwise).
Result<Merge> merge_for(store::Connection& c, const accounts::User& official, int64_t merge_id);

}  // namespace kb::identity
