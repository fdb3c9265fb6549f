#include "checkin/visitors.h"

#include "core/phone.h"

namespace kb::checkin {

namespace {

// The person a card names: found by the card's number, or recorded from the card's fields.
Result<people::Person> person_for_card(store::Connection& c, const people::PersonFields& card, int64_t now) {
  KB_ASSIGN(auto known, people::find_by_id_number(c, card.id_number));
  if (known) return std::move(*known);
  return people::create(c, card, now);
}

}  // namespace

Result<people::Person> person_for_cccd(store::Connection& c, const scan::CccdCard& card, int64_t now) {
  people::PersonFields f;
  f.full_name = card.full_name;
  f.id_number = card.id_number;
  f.id_kind = "cccd";
  f.birth_date = card.birth_date;
  f.sex = card.sex;
  return person_for_card(c, f, now);
}

Result<people::Person> person_for_bhyt(store::Connection& c, const scan::BhytCard& card, int64_t now) {
  people::PersonFields f;
  f.full_name = card.full_name;
  f.id_number = card.social_insurance_number;
  f.id_kind = "bhxh";
  f.birth_date = card.birth_date;
  f.sex = card.sex;
  return person_for_card(c, f, now);
}

Result<people::Person> person_for_phone(store::Connection& c, std::string_view phone, std::string_view full_name,
                                        int64_t now) {
  KB_ASSIGN(auto found, people::find_by_phone(c, phone));
  for (auto& p : found) {
    if (p.is_self) return std::move(p);
  }
  for (auto& p : found) {
    if (!p.account_id && (full_name.empty() || p.full_name == full_name || p.full_name.empty())) return std::move(p);
  }
  people::PersonFields f;
  f.full_name = std::string(full_name);
  f.phone = std::string(phone);
  return people::create(c, f, now);
}

Result<people::Person> guest(store::Connection& c, std::string_view full_name, std::string_view phone, int64_t now) {
  KB_ASSIGN(auto found, people::find_by_phone(c, phone));
  for (auto& p : found) {
    if (!p.account_id && p.full_name == full_name) return std::move(p);
  }
  people::PersonFields f;
  f.full_name = std::string(full_name);
  f.phone = std::string(phone);
  return people::create(c, f, now);
}

std::string masked_identity(const people::Person& p) {
  if (!p.full_name.empty()) return people::mask_name(p.full_name);
  if (!p.phone.empty()) return mask_phone(p.phone);
  return "***";
}

}  // namespace kb::checkin
