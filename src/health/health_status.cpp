#include "health/health_status.h"

#include "crypto/sealing.h"
#include "qr/personal_qr.h"

namespace kb::health {
namespace {

using store::Param;
using store::Sql;

constexpr Sql kSelectInputs{
    "select_status_inputs",
    "SELECT p.confirmed_case, p.quarantine_until, p.status_colour, d.symptoms, d.exposures, "
    "d.created_at, "
    "p.account_id, p.monitoring_kind, p.monitoring_until "
    "FROM people p LEFT JOIN declarations d ON d.id = "
    "(SELECT MAX(l.id) FROM declarations l WHERE l.person_id = p.id) WHERE p.id = $1"};
constexpr Sql kStoreStatus{"store_status",
                           "UPDATE people SET status_colour = $2, status_reason = $3, "
                           "status_updated_at = $4 WHERE id = $1"};
constexpr Sql kSetCaseContact{
    "set_case_contact",
    "UPDATE people SET confirmed_case = $2, quarantine_until = $3 WHERE id = $1"};
constexpr Sql kSetMonitoring{
    "set_monitoring",
    "UPDATE people SET monitoring_kind = $2, monitoring_until = $3 WHERE id = $1"};
constexpr Sql kSelectStored{
    "select_stored_status",
    "SELECT status_colour, status_reason, status_updated_at FROM people WHERE id = $1"};

Error no_person() { return make_error(ErrorKind::kNotFound, "person_not_found", "no such person"); }

// Declarations store "none" for an explicit no; anything else is a list of answers.
bool declared_something(const std::optional<std::string>& list) {
  return list && !list->empty() && *list != "none";
}

struct ReadInputs {
  StatusInputs in;
  std::string stored_colour;
};

// The inputs as stored; staleness is left to the caller (it depends on who asks).
Result<std::optional<ReadInputs>> read_inputs(store::Connection& c, int64_t person_id, int64_t now,
                                              std::optional<int64_t>* declared_at) {
  KB_ASSIGN(auto row, c.query_one(kSelectInputs, {person_id}));
  if (!row) return std::optional<ReadInputs>();
  ReadInputs r;
  r.in.confirmed_case = row->i64(0) != 0;
  auto until = row->opt_i64(1);
  r.in.f1_quarantine = until && *until > now;
  r.stored_colour = row->str(2);
  // The answers are sealed at rest (crypto/sealing.h).
  auto symptoms = row->opt_str(3);
  auto exposures = row->opt_str(4);
  if (symptoms) *symptoms = sealing::reveal(*symptoms);
  if (exposures) *exposures = sealing::reveal(*exposures);
  r.in.has_declaration = symptoms.has_value();
  r.in.symptoms = declared_something(symptoms);
  r.in.exposure = declared_something(exposures);
  *declared_at = row->opt_i64(5);
  r.in.unlinked_card = !row->opt_i64(6).has_value();  // callers keep it only for card paths
  // The open monitoring order (see the table in health_status.h).
  std::string kind = row->str(7);
  auto order_until = row->opt_i64(8);
  bool order_quarantine = order_until && *order_until > now;
  r.in.f0_home_care = kind == "f0_home_care";
  r.in.f1_quarantine = r.in.f1_quarantine || (kind == "f1_quarantine" && order_quarantine);
  r.in.entry_quarantine = kind == "entry" && order_quarantine;
  return std::optional<ReadInputs>(std::move(r));
}

}  // namespace

const ColourRule kColourRules[10] = {
    {[](const StatusInputs& s) { return s.f0_home_care; }, Colour::kRed, "f0_home_care",
     "do_not_admit_in_home_care"},
    {[](const StatusInputs& s) { return s.confirmed_case; }, Colour::kRed, "confirmed_case",
     "do_not_admit_call_health_station"},
    {[](const StatusInputs& s) { return s.f1_quarantine; }, Colour::kYellow, "f1_quarantine",
     "do_not_admit_in_quarantine"},
    {[](const StatusInputs& s) { return s.entry_quarantine; }, Colour::kYellow, "entry_quarantine",
     "do_not_admit_in_quarantine"},
    {[](const StatusInputs& s) { return s.unlinked_card && !s.has_declaration; },
     Colour::kNotDeclared, "card_not_linked", "ask_to_declare"},
    {[](const StatusInputs& s) { return !s.has_declaration; }, Colour::kNotDeclared,
     "no_declaration", "ask_to_declare"},
    {[](const StatusInputs& s) { return s.declaration_stale; }, Colour::kNotDeclared,
     "declaration_stale", "ask_to_declare_again"},
    {[](const StatusInputs& s) { return s.symptoms; }, Colour::kYellow, "symptoms",
     "refer_to_medical_check"},
    {[](const StatusInputs& s) { return s.exposure; }, Colour::kYellow, "exposure",
     "screen_before_admitting"},
    {[](const StatusInputs&) { return true; }, Colour::kGreen, "declared", "admit"},
};

std::string_view colour_name(Colour c) {
  switch (c) {
    case Colour::kGreen:
      return "green";
    case Colour::kYellow:
      return "yellow";
    case Colour::kRed:
      return "red";
    case Colour::kNotDeclared:
      return "not_declared";
  }
  return "not_declared";
}

HealthStatus health_status(const StatusInputs& in) {
  for (const ColourRule& rule : kColourRules) {
    if (rule.holds(in)) return {rule.colour, rule.reason, rule.instruction};
  }
  return {};  // unreachable: the last rule always holds
}

Result<HealthStatus> recompute_status(store::Connection& c, int64_t person_id, int64_t now) {
  std::optional<int64_t> declared_at;
  KB_ASSIGN(auto read, read_inputs(c, person_id, now, &declared_at));
  if (!read) return no_person();
  read->in.unlinked_card = false;
  HealthStatus s = health_status(read->in);
  std::string_view colour = colour_name(s.colour);
  KB_TRY(c.exec(kStoreStatus, {person_id, colour, s.reason, now}));
  if (read->stored_colour != colour) KB_TRY(qr::revoke_personal_qrs(c, person_id, now, colour));
  return s;
}

Result<HealthStatus> door_status(store::Connection& c, const StatusPolicy& policy,
                                 int64_t person_id, int64_t now, bool via_card) {
  std::optional<int64_t> declared_at;
  KB_ASSIGN(auto read, read_inputs(c, person_id, now, &declared_at));
  if (!read) return no_person();
  read->in.declaration_stale = declared_at && now - *declared_at > policy.declaration_valid_seconds;
  read->in.unlinked_card = read->in.unlinked_card && via_card;
  return health_status(read->in);
}

Result<HealthStatus> set_case_contact(store::Connection& c, int64_t person_id, bool confirmed_case,
                                      std::optional<int64_t> quarantine_until, int64_t now) {
  Param until = quarantine_until ? Param{*quarantine_until} : Param{nullptr};
  KB_ASSIGN(int64_t changed, c.exec(kSetCaseContact, {person_id, int64_t{confirmed_case}, until}));
  if (changed == 0) return no_person();
  return recompute_status(c, person_id, now);
}

Result<HealthStatus> set_monitoring(store::Connection& c, int64_t person_id, std::string_view kind,
                                    std::optional<int64_t> quarantine_until, int64_t now) {
  Param until = quarantine_until ? Param{*quarantine_until} : Param{nullptr};
  KB_ASSIGN(int64_t changed, c.exec(kSetMonitoring, {person_id, kind, until}));
  if (changed == 0) return no_person();
  return recompute_status(c, person_id, now);
}

Result<StoredStatus> stored_status(store::Connection& c, int64_t person_id) {
  KB_ASSIGN(auto row, c.query_one(kSelectStored, {person_id}));
  if (!row) return no_person();
  return StoredStatus{row->str(0), row->str(1), row->opt_i64(2)};
}

}  // namespace kb::health
