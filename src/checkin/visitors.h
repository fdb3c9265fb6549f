// Who is checking in: the person behind a scanned card, a phone number or a guest form, found
// among the people already recorded or recorded now. Each function runs inside one write job
// together with the visit it leads to.
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

// The person holding this chip ID card, recorded from the card when new.
Result<people::Person> person_for_cccd(store::Connection& c, const scan::CccdCard& card, int64_t now);
// The person holding this health-insurance card (by the lifelong social-insurance number).
Result<people::Person> person_for_bhyt(store::Connection& c, const scan::BhytCard& card, int64_t now);
// The person whose own phone this is (an account holder first), recorded when new; an empty
// `full_name` leaves the name unknown.
Result<people::Person> person_for_phone(store::Connection& c, std::string_view phone, std::string_view full_name,
                                        int64_t now);
// A guest without an account: the earlier guest record with this name and phone, or a new one.
Result<people::Person> guest(store::Connection& c, std::string_view full_name, std::string_view phone, int64_t now);

// What a scanner may show of a person: the masked name, else the masked phone.
std::string masked_identity(const people::Person& person);

}  // namespace kb::checkin
