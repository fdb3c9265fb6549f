// A person's health-status colour: what their personal QR shows and what every door answers.
// One rule table, kColourRules below, read top to bottom (the first row that holds decides);
// each row gives the colour, the reason, and what the person at the door should do:
//
//   holds when                                  colour        reason              instruction
//   an open F0 home-care order                  red           f0_home_care
//   do_not_admit_in_home_care a recorded, open confirmed case             red confirmed_case
//   do_not_admit_call_health_station in F1 quarantine: a traced contact no order
//     took over, or an open F1 order, until its end  yellow   f1_quarantine
//     do_not_admit_in_quarantine
//   an open entry order, until its quarantine end yellow      entry_quarantine
//   do_not_admit_in_quarantine a card of nobody with an account, undeclared not_declared
//   card_not_linked     ask_to_declare no declaration at all                       not_declared
//   no_declaration      ask_to_declare the latest declaration is out of date       not_declared
//   declaration_stale   ask_to_declare_again symptoms in the latest declaration          yellow
//   symptoms            refer_to_medical_check an exposure in the latest declaration       yellow
//   exposure            screen_before_admitting otherwise                                   green
//   declared            admit
//
// Area monitoring (everyone in a locked-down ward reports daily) has no row: it is a duty to
// report, not a finding about the person, and the ward's own risk level speaks for the area.
// After the quarantine of an F1 order ends, the self-monitoring days that may follow (the 7 + 7
// rule) colour nobody either. Monitoring orders are monitoring/orders.h's; it sets the inputs
// through set_monitoring().
//
// Nobody is green by default: green needs a current declaration without symptoms or
// exposures. A declaration counts as current for StatusPolicy::declaration_valid_seconds
// (7 days by default; `serve --declaration-valid-days`) — people declare again when their
// health changes, and at least weekly, as provinces asked in 2021.
//
// The colour is stored on the person (people.status_colour) and recomputed, through
// recompute_status(), whenever an input changes: a new declaration, a case or a contact
// recorded or lifted, a monitoring order placed, extended or closed. The stored colour ignores
// staleness (it is what the QR carries, and a QR lives a day); door_status() applies the whole
// table at the moment of the scan. A change of stored colour revokes the person's QR tokens of the
// old colour.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "store/database.h"

namespace kb::health {

enum class Colour { kGreen, kYellow, kRed, kNotDeclared };
std::string_view colour_name(Colour c);  // "green" | "yellow" | "red" | "not_declared"

struct StatusPolicy {
  int64_t declaration_valid_seconds = int64_t{7} * 86400;
};

struct StatusInputs {
  bool has_declaration = false;
  bool declaration_stale = false;  // the latest declaration is older than the policy allows
  bool symptoms = false;           // any symptom in the latest declaration
  bool exposure = false;           // any exposure in the latest declaration
  bool confirmed_case = false;     // a recorded, not yet closed, case
  bool f1_quarantine = false;      // an F1 contact (or an F1 order) whose quarantine has not ended
  bool f0_home_care = false;       // an open F0 home-care order
  bool entry_quarantine = false;   // an open entry order whose quarantine has not ended
  bool unlinked_card = false;      // found by a scanned card, and belongs to no account
};

struct HealthStatus {
  Colour colour = Colour::kNotDeclared;
  std::string_view reason = "no_declaration";
  std::string_view instruction = "ask_to_declare";
};

struct ColourRule {
  bool (*holds)(const StatusInputs&);
  Colour colour;
  std::string_view reason;
  std::string_view instruction;
};

// The table described above; the last row always holds.
extern const ColourRule kColourRules[10];

HealthStatus health_status(const StatusInputs& in);

// Reads the person's latest declaration and case/contact flags, applies health_status (without
// staleness), stores the colour and, when it changed, revokes the QR tokens of the old colour.
// Write connection.
Result<HealthStatus> recompute_status(store::Connection& c, int64_t person_id, int64_t now);

// The person's status at the door at `now`: the whole table, staleness included; `via_card`
// when the person was found (or just recorded) from a scanned card, which then counts as not
// linked when the person belongs to no account. Reads only.
Result<HealthStatus> door_status(store::Connection& c, const StatusPolicy& policy,
                                 int64_t person_id, int64_t now, bool via_card = false);

// For the cases/tracing module: records whether the person is a confirmed case and until when
// they are quarantined as a contact (nullopt: not), then recomputes.
Result<HealthStatus> set_case_contact(store::Connection& c, int64_t person_id, bool confirmed_case,
                                      std::optional<int64_t> quarantine_until, int64_t now);

// For the monitoring module: the kind of the person's open order ("" for none; see
// monitoring/orders.h) and the end of that order's quarantine, then recomputes.
Result<HealthStatus> set_monitoring(store::Connection& c, int64_t person_id, std::string_view kind,
                                    std::optional<int64_t> quarantine_until, int64_t now);

// The stored colour and reason (as last recomputed); kNotFound for an unknown person.
struct StoredStatus {
  std::string colour;
  std::string reason;
  std::optional<int64_t> updated_at;
};
Result<StoredStatus> stored_status(store::Connection& c, int64_t person_id);

}  // namespace kb::health
