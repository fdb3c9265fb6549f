#include "checkin/visitors.h"

#include <fmt/format.h>

#include "core/phone.h"
#include "identity/resolve.h"

namespace kb::checkin {

namespace {

identity::Arrival arrival_at(std::string_view door, const DoorPlace& place) {
  identity::Arrival a;
  a.door = std::string(door);
  a.place = place.seen_at.empty() ? fmt::format("venue:{}", place.venue_id) : place.seen_at;
  a.origin_province_code = place.province_code;
  a.origin_ward_code = place.ward_code;
  return a;
}

Result<people::Person> resolved(Result<identity::Resolved> r) {
  if (!r.ok()) return std::move(r).error();
  return std::move(r->person);
}

}  // namespace

Result<people::Person> person_for_cccd(store::Connection& c, const scan::CccdCard& card,
                                       const DoorPlace& place, int64_t now) {
  identity::Arrival a = arrival_at("cccd_scan", place);
  a.details.full_name = card.full_name;
  a.details.birth_date = card.birth_date;
  a.details.sex = card.sex;
  a.details.address_text = card.address;
  a.details.identifiers.push_back({identity::IdKind::kCccd, card.id_number, {}});
  if (!card.old_id.empty())
    a.details.identifiers.push_back({identity::IdKind::kCmnd, card.old_id, {}});
  return resolved(identity::find_or_create(c, a, now));
}

Result<people::Person> person_for_bhyt(store::Connection& c, const scan::BhytCard& card,
                                       const DoorPlace& place, int64_t now) {
  identity::Arrival a = arrival_at("bhyt_scan", place);
  a.details.full_name = card.full_name;
  a.details.birth_date = card.birth_date;
  a.details.sex = card.sex;
  a.details.address_text = card.address;
  a.details.identifiers.push_back({identity::IdKind::kBhxh, card.social_insurance_number, {}});
  return resolved(identity::find_or_create(c, a, now));
}

Result<people::Person> person_for_phone(store::Connection& c, std::string_view phone,
                                        std::string_view full_name, const DoorPlace& place,
                                        int64_t now) {
  if (full_name.empty()) {
    KB_ASSIGN(auto found, people::find_by_phone(c, phone));
    for (auto& p : found) {
      if (p.is_self) return std::move(p);
    }
    for (auto& p : found) {
      if (!p.account_id) return std::move(p);
    }
  }
  identity::Arrival a = arrival_at("phone_code", place);
  a.details.full_name = std::string(full_name);
  a.details.phones.push_back(std::string(phone));
  a.phone_proven = true;
  return resolved(identity::find_or_create(c, a, now));
}

Result<people::Person> guest(store::Connection& c, std::string_view full_name,
                             std::string_view phone, std::string_view door, const DoorPlace& place,
                             int64_t now) {
  if (!phone.empty()) {
    KB_ASSIGN(auto found, people::find_by_phone(c, phone));
    for (auto& p : found) {
      if (!p.account_id && p.full_name == full_name) return std::move(p);
    }
  }
  identity::Arrival a = arrival_at(door, place);
  a.details.full_name = std::string(full_name);
  if (!phone.empty()) a.details.phones.push_back(std::string(phone));
  return resolved(identity::find_or_create(c, a, now));
}

std::string masked_identity(const people::Person& p) {
  if (!p.full_name.empty()) return people::mask_name(p.full_name);
  if (!p.phone.empty()) return mask_phone(p.phone);
  return "***";
}

}  // namespace kb::checkin
