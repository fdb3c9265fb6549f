#include "certificates/cose.h"

namespace kb::certificates {
namespace {

constexpr int64_t kCwtTag = 61;

Error malformed(std::string message) {
  return invalid("payload", "malformed_cose", std::move(message));
}

}  // namespace

std::optional<int64_t> CoseSign1::algorithm() const {
  for (const Cbor* header : {&protected_header, &unprotected_header}) {
    if (const Cbor* alg = header->find(kCoseHeaderAlg); alg && alg->is_integer())
      return alg->integer;
  }
  return std::nullopt;
}

std::optional<std::string> CoseSign1::kid() const {
  for (const Cbor* header : {&protected_header, &unprotected_header}) {
    if (const Cbor* kid = header->find(kCoseHeaderKid)) {
      if (!kid->is_bytes()) return std::nullopt;
      return kid->bytes;
    }
  }
  return std::nullopt;
}

std::string CoseSign1::to_be_signed() const {
  return cbor_encode(Cbor::array_of({Cbor::text_of("Signature1"), Cbor::bytes_of(protected_bytes),
                                     Cbor::bytes_of(""), Cbor::bytes_of(payload)}));
}

Result<CoseSign1> parse_cose_sign1(std::string_view bytes) {
  KB_ASSIGN(Cbor item, cbor_decode(bytes));
  const Cbor* message = &item;
  if (message->type == Cbor::Type::kTag && message->integer == kCwtTag)
    message = &message->items[0];
  if (message->type == Cbor::Type::kTag) {
    if (message->integer != kCoseTagSign1) return malformed("the COSE message is not a COSE_Sign1");
    message = &message->items[0];
  }
  if (!message->is_array() || message->items.size() != 4)
    return malformed("a COSE_Sign1 is an array of four");
  const auto& parts = message->items;
  if (!parts[0].is_bytes() || !parts[1].is_map() || !parts[2].is_bytes() || !parts[3].is_bytes()) {
    return malformed("a COSE_Sign1 part has the wrong type");
  }
  CoseSign1 out;
  out.protected_bytes = parts[0].bytes;
  if (out.protected_bytes.empty()) {
    out.protected_header = Cbor::map_of({});
  } else {
    auto header = cbor_decode(out.protected_bytes);
    if (!header.ok() || !header->is_map()) return malformed("the protected header is not a map");
    out.protected_header = std::move(header).value();
  }
  out.unprotected_header = parts[1];
  out.payload = parts[2].bytes;
  out.signature = parts[3].bytes;
  return out;
}

std::string encode_cose_sign1(const CoseSign1& m) {
  return cbor_encode(Cbor::tag_of(
      kCoseTagSign1, Cbor::array_of({Cbor::bytes_of(m.protected_bytes), m.unprotected_header,
                                     Cbor::bytes_of(m.payload), Cbor::bytes_of(m.signature)})));
}

}  // namespace kb::certificates
