// Finding contacts: the indexed query behind F1 and F2. Shaped for the two indexes on visits:
// the source person's stays in the window come from (person_id, t_in); for each venue, other
// people's stays that can overlap come from (venue_id, t_in) over
// [case_in − margin − max_stay, case_out + margin]; the exposure rule (exposure.h) then
// decides in C++. The result is exactly what a scan of every visit with the rule would give
// (tests/unit/tracing_test.cpp checks that on SQLite and PostgreSQL).
#pragma once

#include <cstdint>
#include <vector>

#include "core/result.h"
#include "store/database.h"
#include "trace/exposure.h"

namespace kb::trace {

// One stay of the source person that counts (its part inside the window).
struct SourceStay {
  int64_t visit_id = 0;
  int64_t venue_id = 0;
  Stay stay;      // clipped to the window
  Stay recorded;  // the whole stay as recorded (after the rule's max_stay)
  bool checked_out = false;
};

// One overlap of a contact's stay with one of the source's stays.
struct Exposure {
  int64_t venue_id = 0;
  int64_t source_visit_id = 0;
  int64_t visit_id = 0;  // the contact's visit
  Stay source_stay;      // clipped to the window
  Stay contact_stay;
  int64_t overlap_seconds = 0;
};

struct Contact {
  int64_t person_id = 0;
  int64_t total_overlap_seconds = 0;
  int64_t first_exposure = 0;  // start of the earliest overlap (contact in, or source in − margin)
  int64_t last_exposure = 0;   // end of the latest overlap
  std::vector<Exposure> exposures;  // by time
};

// The source person's stays that count, in time order.
Result<std::vector<SourceStay>> source_stays(store::Connection& c, const ExposureRule& rule,
                                             int64_t person_id, ExposureWindow window);

// Every other person whose stay overlaps one of `person_id`'s stays inside `window`, each once
// with all their exposures, highest risk first (total overlap, then earliest exposure, then id).
Result<std::vector<Contact>> find_contacts(store::Connection& c, const ExposureRule& rule,
                                           int64_t person_id, ExposureWindow window);
// The same from already loaded source stays.
Result<std::vector<Contact>> contacts_of_stays(store::Connection& c, const ExposureRule& rule,
                                               int64_t person_id,
                                               const std::vector<SourceStay>& stays);

// Orders contacts by risk as find_contacts does.
void sort_by_risk(std::vector<Contact>& contacts);

}  // namespace kb::trace
