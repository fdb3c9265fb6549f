// How many times slower a test runs in the sanitizer build (make test-sanitize: g++ with
// AddressSanitizer and UBSan, which defines __SANITIZE_ADDRESS__): tests that bound their own
// time multiply the bound by it, so they still catch a parser gone quadratic in the normal build
// without failing a sanitizer run that is only slower.
#pragma once

namespace kb::testing {

#if defined(__SANITIZE_ADDRESS__)
inline constexpr int kSanitizerSlowdown = 10;
#else
inline constexpr int kSanitizerSlowdown = 1;
#endif

}  // namespace kb::testing
