// COSE_Sign1 (RFC 9052 section 4.2), the signed envelope of a DCC: [protected header (a
// serialized map), unprotected header (a map), payload, signature]. The signature covers the
// Sig_structure ["Signature1", protected, external_aad = h'', payload].
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "certificates/cbor.h"
#include "core/result.h"

namespace kb::certificates {

inline constexpr int64_t kCoseTagSign1 = 18;
inline constexpr int64_t kCoseHeaderAlg = 1;
inline constexpr int64_t kCoseHeaderKid = 4;

struct CoseSign1 {
  std::string protected_bytes;  // the protected header as signed (empty, or a serialized map)
  Cbor protected_header;        // protected_bytes decoded: a map
  Cbor unprotected_header;      // a map
  std::string payload;
  std::string signature;

  // The algorithm (header 1) of the protected header, else of the unprotected one.
  std::optional<int64_t> algorithm() const;
  // The key identifier (header 4, a byte string) of the protected header when it has one, else
  // of the unprotected header. A wrong kid in the protected header is not overridden by a right
  // one in the unprotected header: only the protected one is signed.
  std::optional<std::string> kid() const;
  // The bytes the signature covers.
  std::string to_be_signed() const;
};

// Reads a COSE_Sign1: tagged 18, untagged, or inside a CWT tag 61. Errors (code
// malformed_cose) for anything else, a protected header that is not a map, or a detached
// (nil) payload.
Result<CoseSign1> parse_cose_sign1(std::string_view bytes);

// The tagged COSE_Sign1 of `message` (its protected_bytes and unprotected_header as they are).
std::string encode_cose_sign1(const CoseSign1& message);

}  // namespace kb::certificates
