// Vietnamese phone numbers: every form people type, stored as E.164 (`+84…`).
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace kb {

// Accepts `0912345678`, `84912345678`, `+84 91 234 5678`, `0912.345.678`, `(091) 234-5678`
// and pre-2018 11-digit mobile numbers (0168x → 038x, 0123x → 083x, 0120x → 070x, …),
// returning `+84912345678`. Only mobile numbers (they receive one-time codes by SMS).
// Errors name `field` with code invalid_phone.
Result<std::string> normalize_mobile(std::string_view input, std::string_view field = "phone");

// The number with all but the last three digits hidden: `+84 ••• ••• 678`.
std::string mask_phone(std::string_view e164);

}  // namespace kb
