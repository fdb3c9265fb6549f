// Who is checking in: the person behind a scanned card, a phone number or a typed-in name,
// found among the people already recorded or recorded now — always by asking the one module
// that decides who a person is (identity/resolve.h), so that a confirmed case recorded by
// CCCD who shows a BHYT card is the same person at the door. Each function runs inside one
// write job together with the visit it leads to.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"
#include "people/person.h"
#include "scan/bhyt_qr.h"
#include "scan/cccd_qr.h"
#include "store/database.h"

namespace kb::checkin {

// Where the door is: a person first recorded there belongs to the venue's area until they give
// an address (the duplicates queue of that area's officials).
struct DoorPlace {
  int64_t venue_id = 0;
  std::string province_code;
  std::string ward_code;
  // Where an identifier was seen, when the door is not a venue's ("test_round:4", "hotline");
  // empty: "venue:<venue_id>".
  std::string seen_at;
};

// The person holding this chip ID card: by its number, else by its old CMND number, else by a
// sure match on its details, else recorded from the card.
Result<people::Person> person_for_cccd(store::Connection& c, const scan::CccdCard& card,
                                       const DoorPlace& place, int64_t now);
// The person holding this health-insurance card: by its social-insurance number (the card
// number's last 10 digits, lifelong), else by a sure match on the name, birth date and sex
// with the ward its printed address names, else recorded from the card (and queued for the
// officials when someone recorded is a likely match). Until then the door answers
// card_not_linked (health/health_status.h), never green.
Result<people::Person> person_for_bhyt(store::Connection& c, const scan::BhytCard& card,
                                       const DoorPlace& place, int64_t now);
// The person whose phone this is, proven by the code texted to it: without a name the account
// holder (else an earlier record with that phone); with a name, whoever of that name the phone
// belongs to (the account holder, a dependant of the account), else recorded now.
Result<people::Person> person_for_phone(store::Connection& c, std::string_view phone,
                                        std::string_view full_name, const DoorPlace& place,
                                        int64_t now);
// A visitor nothing proves: the guest form, or staff typing a name (and maybe a phone). The
// earlier record of a guest with this name and phone, else recorded now; a declared person of
// that name and phone is at most a likely match (nothing was proven), queued for officials.
Result<people::Person> guest(store::Connection& c, std::string_view full_name,
                             std::string_view phone, std::string_view door, const DoorPlace& place,
                             int64_t now);

// What a scanner may show of a person: the masked name, else the masked phone.
std::string masked_identity(const people::Person& person);

}  // namespace kb::checkin
