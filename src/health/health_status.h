// A person's health-status colour, shown on their personal QR. One rule set, in one pure
// function, applied in this order (the first that holds decides):
//
//   1. a recorded confirmed case                         → red    (reason "confirmed_case")
//   2. an F1 contact under quarantine (until > now)      → yellow (reason "f1_quarantine")
//   3. symptoms declared in the latest declaration       → yellow (reason "symptoms")
//   4. an exposure declared in the latest declaration    → yellow (reason "exposure")
//   5. otherwise                                         → green  (reason "none")
//
// The colour is stored on the person (people.status_colour) and recomputed, through
// recompute_status(), whenever an input changes: a new declaration, a case or a contact
// recorded or lifted. A change of colour revokes the person's QR tokens of the old colour.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "store/database.h"

namespace kb::health {

enum class Colour { kGreen, kYellow, kRed };
std::string_view colour_name(Colour c);  // "green" | "yellow" | "red"

struct StatusInputs {
  bool has_declaration = false;
  bool symptoms = false;        // any symptom in the latest declaration
  bool exposure = false;        // any exposure in the latest declaration
  bool confirmed_case = false;  // a recorded, not yet closed, case
  bool f1_quarantine = false;   // an F1 contact whose quarantine has not ended
};

struct HealthStatus {
  Colour colour = Colour::kGreen;
  std::string_view reason = "none";  // "confirmed_case" | "f1_quarantine" | "symptoms" | "exposure" | "none"
};

HealthStatus health_status(const StatusInputs& in);

// Reads the person's latest declaration and case/contact flags, applies health_status, stores
// the colour and, when it changed, revokes the QR tokens of the old colour. Write connection.
Result<HealthStatus> recompute_status(store::Connection& c, int64_t person_id, int64_t now);

// For the cases/tracing module: records whether the person is a confirmed case and until when
// they are quarantined as a contact (nullopt: not), then recomputes.
Result<HealthStatus> set_case_contact(store::Connection& c, int64_t person_id, bool confirmed_case,
                                      std::optional<int64_t> quarantine_until, int64_t now);

// The stored colour and reason (as last recomputed); kNotFound for an unknown person.
struct StoredStatus {
  std::string colour;
  std::string reason;
  std::optional<int64_t> updated_at;
};
Result<StoredStatus> stored_status(store::Connection& c, int64_t person_id);

}  // namespace kb::health
