#include "testing/sampled_person.h"

#include <fmt/format.h>

#include "checkin/visitors.h"
#include "core/crypto.h"
#include "core/phone.h"
#include "qr/personal_qr.h"

namespace kb::testing {
namespace {

bool all_digits(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

constexpr std::string_view kInvitationPrefix = "KBT1.";
constexpr store::Sql kInvitedPerson{"testing_invited_person",
                                    "SELECT person_id FROM test_invitations WHERE token = $1"};

Error not_found(std::string_view field, std::string_view what) {
  return Error{ErrorKind::kNotFound, "person_not_found",
               fmt::format("nobody known has this {}", what), std::string(field)};
}

}  // namespace

std::string new_invitation_token() { return std::string(kInvitationPrefix) + random_token(16); }

Result<SampledPerson> parse_sampled_person(std::string_view payload, int64_t now,
                                           std::string_view field) {
  std::string_view text = trim(payload);
  if (text.empty()) return invalid(std::string(field), "empty", "scan or type a code");
  if (qr::looks_like_personal_qr(text)) return SampledPerson(PersonalQr{std::string(text)});
  if (text.starts_with(kInvitationPrefix) && text.size() <= 64)
    return SampledPerson(InvitationQr{std::string(text)});
  if (scan::looks_like_cccd(text)) {
    KB_ASSIGN(scan::CccdCard card, scan::parse_cccd(text, now));
    return SampledPerson(std::move(card));
  }
  if (scan::looks_like_bhyt(text)) {
    KB_ASSIGN(scan::BhytCard card, scan::parse_bhyt(text, now));
    return SampledPerson(std::move(card));
  }
  if (all_digits(text) && text.size() == 12) return SampledPerson(IdNumber{std::string(text)});
  if (text.size() <= 24 && text.find_first_not_of("0123456789+.-() ") == std::string_view::npos) {
    KB_ASSIGN(std::string phone, normalize_mobile(text, field));
    return SampledPerson(Phone{std::move(phone)});
  }
  if (text.find("/v/") != std::string_view::npos) {
    return invalid(std::string(field), "venue_qr", "this is a venue's QR code, not a person's");
  }
  return invalid(std::string(field), "unrecognised_payload",
                 "not a personal QR, an invitation QR, a CCCD or BHYT card, a 12-digit CCCD number "
                 "or a phone");
}

Result<people::Person> find_sampled_person(store::Connection& c, const SampledPerson& who,
                                           const checkin::DoorPlace& place, int64_t now,
                                           std::string_view field) {
  if (const auto* qr = std::get_if<PersonalQr>(&who)) {
    KB_ASSIGN(auto check, qr::check_personal_qr(c, qr->payload, now));
    if (check.verdict != qr::Verdict::kValid) return qr::refusal(check.verdict, std::string(field));
    KB_ASSIGN(auto p, people::find(c, check.person_id));
    if (!p) return not_found(field, "QR");
    return std::move(*p);
  }
  if (const auto* invitation = std::get_if<InvitationQr>(&who)) {
    KB_ASSIGN(auto row, c.query_one(kInvitedPerson, {std::string_view(invitation->token)}));
    if (!row) return not_found(field, "invitation QR");
    KB_ASSIGN(auto p, people::find(c, row->i64(0)));
    if (!p) return not_found(field, "invitation QR");
    return std::move(*p);
  }
  if (const auto* card = std::get_if<scan::CccdCard>(&who))
    return checkin::person_for_cccd(c, *card, place, now);
  if (const auto* card = std::get_if<scan::BhytCard>(&who))
    return checkin::person_for_bhyt(c, *card, place, now);
  if (const auto* id = std::get_if<IdNumber>(&who)) {
    KB_ASSIGN(auto p, people::find_by_id_number(c, id->digits));
    if (!p) return not_found(field, "CCCD number");
    return std::move(*p);
  }
  const auto& phone = std::get<Phone>(who);
  KB_ASSIGN(auto list, people::find_by_phone(c, phone.e164));
  if (list.empty()) return not_found(field, "phone");
  if (list.size() > 1) {
    for (auto& p : list) {
      if (p.is_self) return std::move(p);
    }
    return Error{ErrorKind::kConflict, "ambiguous_phone",
                 "several people share this phone; scan their QR or CCCD", std::string(field)};
  }
  return std::move(list.front());
}

}  // namespace kb::testing
