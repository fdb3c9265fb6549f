#include "health/health_status.h"

#include "qr/personal_qr.h"

namespace kb::health {
namespace {

using store::Param;
using store::Sql;

constexpr Sql kSelectInputs{
    "select_status_inputs",
    "SELECT p.confirmed_case, p.quarantine_until, p.status_colour, "
    "(SELECT d.symptoms FROM declarations d WHERE d.person_id = p.id ORDER BY d.id DESC LIMIT 1), "
    "(SELECT d.exposures FROM declarations d WHERE d.person_id = p.id ORDER BY d.id DESC LIMIT 1) "
    "FROM people p WHERE p.id = $1"};
constexpr Sql kStoreStatus{
    "store_status",
    "UPDATE people SET status_colour = $2, status_reason = $3, status_updated_at = $4 WHERE id = $1"};
constexpr Sql kSetCaseContact{"set_case_contact",
                              "UPDATE people SET confirmed_case = $2, quarantine_until = $3 WHERE id = $1"};
constexpr Sql kSelectStored{"select_stored_status",
                            "SELECT status_colour, status_reason, status_updated_at FROM people WHERE id = $1"};

Error no_person() { return make_error(ErrorKind::kNotFound, "person_not_found", "no such person"); }

// Declarations store "none" for an explicit no; anything else is a list of answers.
bool declared_something(const std::optional<std::string>& list) {
  return list && !list->empty() && *list != "none";
}

}  // namespace

std::string_view colour_name(Colour c) {
  switch (c) {
    case Colour::kGreen: return "green";
    case Colour::kYellow: return "yellow";
    case Colour::kRed: return "red";
  }
  return "green";
}

HealthStatus health_status(const StatusInputs& in) {
  if (in.confirmed_case) return {Colour::kRed, "confirmed_case"};
  if (in.f1_quarantine) return {Colour::kYellow, "f1_quarantine"};
  if (in.has_declaration && in.symptoms) return {Colour::kYellow, "symptoms"};
  if (in.has_declaration && in.exposure) return {Colour::kYellow, "exposure"};
  return {Colour::kGreen, "none"};
}

Result<HealthStatus> recompute_status(store::Connection& c, int64_t person_id, int64_t now) {
  KB_ASSIGN(auto row, c.query_one(kSelectInputs, {person_id}));
  if (!row) return no_person();
  StatusInputs in;
  in.confirmed_case = row->i64(0) != 0;
  auto until = row->opt_i64(1);
  in.f1_quarantine = until && *until > now;
  std::string before = row->str(2);
  auto symptoms = row->opt_str(3);
  in.has_declaration = symptoms.has_value();
  in.symptoms = declared_something(symptoms);
  in.exposure = declared_something(row->opt_str(4));
  HealthStatus s = health_status(in);
  std::string_view colour = colour_name(s.colour);
  KB_TRY(c.exec(kStoreStatus, {person_id, colour, s.reason, now}));
  if (before != colour) KB_TRY(qr::revoke_personal_qrs(c, person_id, now, colour));
  return s;
}

Result<HealthStatus> set_case_contact(store::Connection& c, int64_t person_id, bool confirmed_case,
                                      std::optional<int64_t> quarantine_until, int64_t now) {
  Param until = quarantine_until ? Param{*quarantine_until} : Param{nullptr};
  KB_ASSIGN(int64_t changed, c.exec(kSetCaseContact, {person_id, int64_t{confirmed_case}, until}));
  if (changed == 0) return no_person();
  return recompute_status(c, person_id, now);
}

Result<StoredStatus> stored_status(store::Connection& c, int64_t person_id) {
  KB_ASSIGN(auto row, c.query_one(kSelectStored, {person_id}));
  if (!row) return no_person();
  return StoredStatus{row->str(0), row->str(1), row->opt_i64(2)};
}

}  // namespace kb::health
