#include "identity/entries.h"

#include <fmt/format.h>

#include "access/policy.h"
#include "audit/audit_log.h"
#include "identity/candidates.h"

namespace kb::identity {

Result<Resolved> enter_person(store::Connection& c, const areas::AreaDirectory& areas,
                              const accounts::User& official, Arrival a, int64_t now) {
  KB_TRY(access::official(official));
  const Details& d = a.details;
  if (!d.ward_code.empty() && !access::in_charge_of(official, d.province_code, d.ward_code)) {
    return Error{ErrorKind::kForbidden, "outside_jurisdiction",
                 "this address is outside your jurisdiction", "ward_code"};
  }
  const areas::Jurisdiction& j = *official.jurisdiction;
  if (j.level == areas::Jurisdiction::Level::kProvince) {
    a.origin_province_code = j.code;
  } else if (j.level == areas::Jurisdiction::Level::kWard) {
    const areas::Ward* w = areas.ward(j.code);
    a.origin_province_code = w ? w->province_code : "";
    a.origin_ward_code = j.code;
  }
  a.door = "official";
  a.place = fmt::format("official:{}", official.id);
  KB_ASSIGN(Resolved r, find_or_create(c, a, now));
  KB_TRY(
      audit::record(c,
                    {now,
                     official.id,
                     "identity.enter",
                     fmt::format("person:{}", r.person.id),
                     {},
                     fmt::format("{}; {} candidate pairs", how_name(r.how), r.candidates.size())},
                    official));
  return r;
}

Result<Claim> add_identifier(store::Connection& c, int64_t account_id, int64_t person_id,
                             const Identifier& id, int64_t now) {
  KB_ASSIGN(bool mine, access::manages(c, account_id, person_id));
  if (!mine)
    return make_error(ErrorKind::kNotFound, "person_not_found", "no such person in your account");
  KB_ASSIGN(auto person, people::find_record(c, person_id));
  KB_ASSIGN(auto own, identifiers_of(c, person_id));
  for (const auto& k : own) {
    if (k.identifier.kind == id.kind && k.identifier.value == id.value)
      return Claim{k, std::nullopt};
    if (lifelong(id.kind) && k.identifier.kind == id.kind) {
      return Error{ErrorKind::kConflict, "conflicting_identifiers",
                   fmt::format("this person already has a {} number; one person has one",
                               kind_name(id.kind)),
                   "number"};
    }
  }
  Claim claim;
  KB_ASSIGN(auto held, holder_of(c, id));
  std::string place = fmt::format("account:{}", account_id);
  if (held) {
    KB_ASSIGN(auto other, people::find(c, held->person_id));
    if (!other) return internal("an identifier's holder is gone");
    if (other->id == person_id) return Claim{held, std::nullopt};
    KB_ASSIGN(Details mine_d, details_of(c, *person));
    KB_ASSIGN(Details other_d, details_of(c, *other));
    KB_ASSIGN(claim.candidate_id, queue_pair(c, *person, *other, compare(mine_d, other_d),
                                             "claimed_identifier", "profile", now));
    KB_TRY(audit::record(c, {now,
                             account_id,
                             "identity.claim",
                             fmt::format("person:{}", person_id),
                             {},
                             fmt::format("{} held by person:{}; candidate:{}", kind_name(id.kind),
                                         other->id, *claim.candidate_id)}));
    return claim;
  }
  KB_TRY(remember(c, person_id, id, {"profile", place, now}));
  KB_ASSIGN(auto after, identifiers_of(c, person_id));
  for (auto& k : after) {
    if (k.identifier == id) claim.identifier = std::move(k);
  }
  KB_TRY(audit::record(c, {now,
                           account_id,
                           "identity.add",
                           fmt::format("person:{}", person_id),
                           {},
                           std::string(kind_name(id.kind))}));
  return claim;
}

}  // namespace kb::identity
