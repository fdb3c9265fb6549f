// CBOR (RFC 8949) values, read and written with libcbor. The DCC's CBOR uses integer map keys
// (COSE headers, CWT claims), which JSON libraries cannot hold: this small tree can.
#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace kb::certificates {

struct CborEntry;
// A map's entries in the order they were read.
using CborMap = std::vector<CborEntry>;

struct Cbor {
  enum class Type { kInteger, kBytes, kText, kArray, kMap, kTag, kBool, kNull, kUndefined, kFloat };

  Type type = Type::kNull;
  int64_t integer = 0;  // kInteger; kTag: the tag number
  double number = 0;    // kFloat
  bool boolean = false;
  std::string bytes;        // kBytes, kText (UTF-8)
  std::vector<Cbor> items;  // kArray; kTag: the one tagged item
  CborMap entries;          // kMap, in the order they were read

  static Cbor integer_of(int64_t v);
  static Cbor bytes_of(std::string v);
  static Cbor text_of(std::string v);
  static Cbor array_of(std::vector<Cbor> v);
  static Cbor map_of(CborMap v);
  static Cbor tag_of(int64_t tag, Cbor item);

  bool is_integer() const { return type == Type::kInteger; }
  bool is_text() const { return type == Type::kText; }
  bool is_bytes() const { return type == Type::kBytes; }
  bool is_map() const { return type == Type::kMap; }
  bool is_array() const { return type == Type::kArray; }
  // The value under an integer or a text key of a map; nullptr when absent or not a map.
  const Cbor* find(int64_t key) const;
  const Cbor* find(std::string_view key) const;
  // The item under any number of tags (tags 0 and 1004 mark date texts in some certificates).
  const Cbor& untagged() const;
};

// A key and its value. Not std::pair<Cbor, Cbor>: a pair of the type being defined needs that
// type complete, which clang (the fuzz targets' compiler) enforces.
struct CborEntry {
  CborEntry(Cbor k, Cbor v) : first(std::move(k)), second(std::move(v)) {}
  Cbor first;
  Cbor second;
};

// The one CBOR item `bytes` holds; an error (code `malformed_cbor`) for bytes that are not
// well-formed CBOR, that hold more than one item, or an integer beyond int64.
Result<Cbor> cbor_decode(std::string_view bytes);

// The CBOR encoding of `value` (definite lengths, maps in their given order).
std::string cbor_encode(const Cbor& value);

// JSON view of a CBOR item whose map keys are texts (the health certificate itself): tags are
// dropped, byte strings become base64url, integral floats integers. Integer map keys become
// their decimal text.
boost::json::value cbor_to_json(const Cbor& value);

}  // namespace kb::certificates
