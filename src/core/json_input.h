// Parses a JSON request body once, at the edge, into typed values — or a precise error
// naming the field. Unknown fields are refused so a client's typo never passes silently.
#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "core/result.h"

namespace kb {

// The top-level key of `object` under which a number is not finite, if any ("body" for the
// empty key). Boost.JSON reads 1e400 as Infinity and 0e400 as NaN; neither can be compared,
// stored or written back as JSON.
std::optional<std::string> non_finite_field(const boost::json::object& object);

class JsonBody {
 public:
  // Parses `body` as a JSON object. Errors: malformed_json, not_an_object, not_finite (a
  // number too large for a double anywhere under the named field).
  static Result<JsonBody> parse(std::string_view body);

  // A required string, trimmed; errors: missing_field, wrong_type, too_long, empty,
  // invalid_text (a NUL in it, which "\u0000" can write).
  Result<std::string> required_string(std::string_view key, size_t max_len = 200);
  Result<std::optional<std::string>> optional_string(std::string_view key, size_t max_len = 200);
  Result<int64_t> required_int(std::string_view key, int64_t min, int64_t max);
  Result<std::optional<int64_t>> optional_int(std::string_view key, int64_t min, int64_t max);
  Result<std::optional<bool>> optional_bool(std::string_view key);
  // The raw value of a nested field (object/array), or nullptr when absent.
  const boost::json::value* raw(std::string_view key);

  // Fails with unknown_field when the body has a key that no accessor asked for.
  Status no_unknown_fields() const;

 private:
  explicit JsonBody(boost::json::object object) : object_(std::move(object)) {}
  const boost::json::value* lookup(std::string_view key);

  boost::json::object object_;
  std::set<std::string, std::less<>> seen_;
};

}  // namespace kb
