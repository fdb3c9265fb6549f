// Whom sampling staff name: what they scanned or typed at the testing site, parsed once at the
// edge, and the person it leads to. The same cards and codes as at a venue's door
// (checkin/visitors.h), plus a CCCD number or a phone typed by hand.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "checkin/visitors.h"
#include "core/result.h"
#include "people/person.h"
#include "scan/bhyt_qr.h"
#include "scan/cccd_qr.h"
#include "store/database.h"

namespace kb::testing {

struct PersonalQr {
  std::string payload;  // "KB1.…"
};
struct IdNumber {
  std::string digits;  // a CCCD number typed in (12 digits)
};
struct Phone {
  std::string e164;
};
struct InvitationQr {
  std::string token;  // "KBT1.…", from the person's invitation to a round
};
using SampledPerson =
    std::variant<PersonalQr, scan::CccdCard, scan::BhytCard, IdNumber, Phone, InvitationQr>;

// A new invitation's QR text: "KBT1." and 22 random base64url characters (128 bits).
std::string new_invitation_token();

// Parses a scanned or typed code. Errors name `field` (unrecognised_payload, venue_qr, and the
// card parsers' own).
Result<SampledPerson> parse_sampled_person(std::string_view payload, int64_t now,
                                           std::string_view field = "payload");

// The person behind it: an invitation QR must be one the app made (any round's: it names the
// person); a personal QR must be valid (not forged, expired or revoked); a chip or
// health-insurance card records its holder when new; a typed number or phone must name someone
// known (person_not_found; ambiguous_phone when several people share it). Errors name `field`.
// `place` is the round's area, where a person first recorded from a card belongs (its venue_id
// is 0: a testing site is no venue).
Result<people::Person> find_sampled_person(store::Connection& c, const SampledPerson& who,
                                           const checkin::DoorPlace& place, int64_t now,
                                           std::string_view field = "payload");

}  // namespace kb::testing
