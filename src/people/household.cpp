#include "people/household.h"

#include <fmt/format.h>

#include <cctype>

#include "audit/audit_log.h"
#include "core/phone.h"
#include "people/cccd.h"

namespace kb::people {
namespace {

constexpr store::Sql kAdopt{
    "adopt_person",
    "UPDATE people SET account_id = $2, is_self = 0 WHERE id = $1 AND account_id IS NULL"};

std::string trimmed(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

// A street address: spaces collapsed, no control characters, at most 200 bytes.
Result<std::string> normalize_street(std::string_view in) {
  std::string out;
  bool space = false;
  for (char ch : in) {
    auto u = static_cast<unsigned char>(ch);
    if (u < 0x20 || u == 0x7F) {
      if (ch == '\t' || ch == '\n' || ch == '\r') {
        space = !out.empty();
        continue;
      }
      return invalid("street", "invalid_street", "the street address has a control character");
    }
    if (ch == ' ') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(ch);
  }
  if (out.empty()) return invalid("street", "required", "the street address is required");
  if (out.size() > 200)
    return invalid("street", "too_long", "the street address is longer than 200 characters");
  return out;
}

Error not_managed() {
  return make_error(ErrorKind::kNotFound, "person_not_found", "no such person in your account");
}

// Refuses (with an audit entry) or adopts when another record holds the ID number.
// Returns the record to overwrite, the refusal, or nothing when the number is free.
struct Claim {
  std::optional<Person> adopt;
  std::optional<Error> refusal;
};

Result<Claim> claim_id_number(store::Connection& c, int64_t account_id,
                              std::optional<int64_t> editing, const PersonFields& f, int64_t now) {
  Claim claim;
  if (f.id_number.empty()) return claim;
  KB_ASSIGN(auto holder, find_by_id_number(c, f.id_number));
  if (!holder || (editing && holder->id == *editing)) return claim;
  std::string subject = fmt::format("person:{}", holder->id);
  if (!holder->account_id) {
    if (editing) {
      // Two records of one person; the edited one keeps its history, the unmanaged one stays.
      claim.refusal = Error{
          ErrorKind::kConflict, "id_number_taken",
          "this ID number is already recorded for another person; add them as a new person instead",
          "id_number"};
    } else {
      claim.adopt = std::move(*holder);
      KB_TRY(audit::record(
          c,
          {now, account_id, "person.adopt", subject, {}, "unmanaged record claimed by ID number"}));
      return claim;
    }
  } else if (*holder->account_id == account_id) {
    claim.refusal = Error{ErrorKind::kConflict, "already_managed",
                          "you already manage a person with this ID number", "id_number"};
  } else {
    claim.refusal = Error{
        ErrorKind::kConflict, "id_number_taken",
        "this ID number is already registered by another account; if it is yours, contact the "
        "health office of your ward",
        "id_number"};
  }
  KB_TRY(audit::record(c, {now,
                           account_id,
                           "person.id_conflict",
                           subject,
                           {},
                           fmt::format("{} claimed by another account", f.id_kind)}));
  return claim;
}

}  // namespace

std::optional<int64_t> days_of_date(std::string_view d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return std::nullopt;
  for (size_t i = 0; i < d.size(); ++i) {
    if (i != 4 && i != 7 && !std::isdigit(static_cast<unsigned char>(d[i]))) return std::nullopt;
  }
  int y = std::stoi(std::string(d.substr(0, 4)));
  unsigned m = static_cast<unsigned>(std::stoi(std::string(d.substr(5, 2))));
  unsigned day = static_cast<unsigned>(std::stoi(std::string(d.substr(8, 2))));
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || day < 1) return std::nullopt;
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (day > kDays[m - 1] + (m == 2 && leap ? 1 : 0)) return std::nullopt;
  // Howard Hinnant's days_from_civil.
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return int64_t{era} * 146097 + static_cast<int64_t>(doe) - 719468;
}

Result<PersonFields> validate_person(const PersonInput& in, const areas::AreaDirectory& areas,
                                     bool is_self, int64_t now) {
  PersonFields f;
  KB_ASSIGN(f.full_name, normalize_name(in.full_name));

  f.id_kind = trimmed(in.id_kind);
  if (f.id_kind != "cccd" && f.id_kind != "passport") {
    return invalid("id_kind", "invalid_id_kind", "the ID kind is cccd or passport");
  }
  std::string id;
  for (char ch : in.id_number) {
    if (ch == ' ' || ch == '.' || ch == '-') continue;
    id.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(ch))));
  }
  if (id.empty()) return invalid("id_number", "required", "the ID number is required");

  std::string birth = trimmed(in.birth_date);
  auto birth_days = days_of_date(birth);
  if (!birth_days)
    return invalid("birth_date", "invalid_date", "the birth date is a date as YYYY-MM-DD");
  if (*birth_days > now / 86400 + 1)
    return invalid("birth_date", "in_future", "the birth date is in the future");
  if (birth < "1900-01-01")
    return invalid("birth_date", "too_old", "the birth date is before 1900");
  f.birth_date = birth;

  f.sex = trimmed(in.sex);
  if (f.sex != "male" && f.sex != "female")
    return invalid("sex", "invalid_sex", "sex is male or female");

  if (f.id_kind == "cccd") {
    KB_TRY(check_cccd(id, f.birth_date, f.sex));
  } else if (id.size() < 6 || id.size() > 15 ||
             id.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") != std::string::npos) {
    return invalid("id_number", "invalid_id_number",
                   "a passport number has 6 to 15 letters and digits");
  }
  f.id_number = id;

  std::string phone = trimmed(in.phone);
  if (!phone.empty()) {
    KB_ASSIGN(f.phone, normalize_mobile(phone));
  } else if (is_self) {
    return invalid("phone", "required", "your own phone number is required");
  }

  f.province_code = trimmed(in.province_code);
  if (!areas.province(f.province_code))
    return invalid("province_code", "unknown_province", "no such province");
  f.ward_code = trimmed(in.ward_code);
  const areas::Ward* ward = areas.ward(f.ward_code);
  if (!ward) return invalid("ward_code", "unknown_ward", "no such ward");
  if (ward->province_code != f.province_code) {
    return invalid("ward_code", "ward_not_in_province", "the ward is not in the chosen province");
  }
  KB_ASSIGN(f.street, normalize_street(in.street));
  f.is_self = is_self;
  return f;
}

bool is_complete(const Person& p) {
  return !p.full_name.empty() && !p.id_number.empty() && !p.birth_date.empty() && !p.sex.empty() &&
         !p.province_code.empty() && !p.ward_code.empty();
}

Result<Person> managed_person(store::Connection& c, int64_t account_id, int64_t person_id) {
  KB_ASSIGN(auto p, find(c, person_id));
  if (!p || !p->account_id || *p->account_id != account_id) return not_managed();
  return std::move(*p);
}

Result<PersonFields> validate_edit(store::Connection& c, const areas::AreaDirectory& areas,
                                   int64_t account_id, int64_t person_id, PersonInput in,
                                   int64_t now) {
  KB_ASSIGN(Person existing, managed_person(c, account_id, person_id));
  if (existing.is_self && trimmed(in.phone).empty()) in.phone = existing.phone;
  return validate_person(in, areas, existing.is_self, now);
}

Result<std::vector<Person>> household(store::Connection& c, int64_t account_id,
                                      std::string_view phone, int64_t now) {
  KB_TRY(self_of(c, account_id, phone, now));
  return managed_by(c, account_id);
}

Result<Saved> add_dependant(store::Connection& c, int64_t account_id, const PersonFields& fields,
                            int64_t now) {
  KB_ASSIGN(Claim claim, claim_id_number(c, account_id, std::nullopt, fields, now));
  Saved saved;
  if (claim.refusal) {
    saved.refusal = std::move(claim.refusal);
    return saved;
  }
  PersonFields f = fields;
  f.account_id = account_id;
  f.is_self = false;
  if (claim.adopt) {
    KB_TRY(c.exec(kAdopt, {claim.adopt->id, account_id}));
    KB_ASSIGN(saved.person, update(c, claim.adopt->id, f, now));
  } else {
    KB_ASSIGN(saved.person, create(c, f, now));
  }
  KB_TRY(audit::record(
      c, {now, account_id, "person.create", fmt::format("person:{}", saved.person->id), {}, {}}));
  return saved;
}

Result<Saved> edit_managed(store::Connection& c, int64_t account_id, int64_t person_id,
                           const PersonFields& fields, int64_t now) {
  KB_ASSIGN(Person existing, managed_person(c, account_id, person_id));
  KB_ASSIGN(Claim claim, claim_id_number(c, account_id, person_id, fields, now));
  Saved saved;
  if (claim.refusal) {
    saved.refusal = std::move(claim.refusal);
    return saved;
  }
  PersonFields f = fields;
  if (existing.is_self && f.phone.empty()) f.phone = existing.phone;
  KB_ASSIGN(saved.person, update(c, person_id, f, now));
  return saved;
}

}  // namespace kb::people
