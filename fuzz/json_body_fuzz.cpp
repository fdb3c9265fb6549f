// Request bodies through JsonBody (core/json_input.h) and its accessors, compared with an
// independent Boost.JSON parse of the same text. The first input byte picks which accessor
// reads which key and with what limits; the rest is the body.
#include <array>
#include <boost/json.hpp>
#include <cmath>
#include <set>
#include <string>

#include "check.h"
#include "core/json_input.h"

namespace {

namespace json = boost::json;

constexpr std::array<std::string_view, 8> kKeys = {"phone",   "full_name", "degree", "reason",
                                                   "enabled", "a",         "",       "items"};

// What the databases can store as text: UTF-8 without NUL (PostgreSQL cuts a text at a NUL).
bool is_text(std::string_view s) {
  return kb::fuzz::is_utf8(s) && s.find('\0') == std::string_view::npos;
}

bool is_trimmed(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  return s.empty() || (!space(s.front()) && !space(s.back()));
}

// Boost.JSON reads 1e400 as Infinity and 0e400 as NaN; JsonBody refuses both.
bool all_finite(const json::value& v) {
  if (v.is_double()) return std::isfinite(v.as_double());
  if (v.is_array()) {
    for (const auto& item : v.as_array())
      if (!all_finite(item)) return false;
  }
  if (v.is_object()) {
    for (const auto& kv : v.as_object())
      if (!all_finite(kv.value())) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace kb;
  if (size == 0) return 0;
  const unsigned selector = data[0];
  std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);

  auto body = JsonBody::parse(text);
  boost::system::error_code ec;
  json::parse_options options;
  options.max_depth = 32;
  json::value reference = json::parse(text, ec, {}, options);
  KB_FUZZ_CHECK(body.ok() == (!ec && reference.is_object() && all_finite(reference)),
                "JsonBody parses what Boost.JSON does, with finite numbers");
  if (!body.ok()) {
    KB_FUZZ_CHECK(body.error().code == "malformed_json" || body.error().code == "not_an_object" ||
                      (body.error().code == "not_finite" && !body.error().field.empty()),
                  body.error().code);
    return 0;
  }
  const json::object& object = reference.as_object();

  std::set<std::string_view> asked;
  for (size_t i = 0; i < kKeys.size(); ++i) {
    std::string_view key = kKeys[i];
    if ((selector >> (i % 8)) & 1 && i % 3 == 0) continue;  // some keys are never asked for
    asked.insert(key);
    const json::value* v = object.if_contains(key);
    bool present = v && !v->is_null();
    size_t max_len = (selector & 0x10) ? 8 : 200;
    int64_t lo = (selector & 0x20) ? -5 : 0, hi = (selector & 0x40) ? 5 : INT64_MAX;
    switch ((selector + i) % 5) {
      case 0: {
        auto s = body->optional_string(key, max_len);
        if (!present) {
          KB_FUZZ_CHECK(s.ok() && !*s, "an absent string is nothing");
        } else if (!v->is_string()) {
          KB_FUZZ_CHECK(!s.ok() && s.error().code == "wrong_type" && s.error().field == key, key);
        } else if (s.ok()) {
          KB_FUZZ_CHECK(*s && (*s)->size() <= max_len && is_trimmed(**s), **s);
          KB_FUZZ_CHECK(is_text(**s), "strings are text: " + **s);
          KB_FUZZ_CHECK(std::string_view(v->as_string()).find(**s) != std::string_view::npos,
                        "the string is the value, trimmed");
        } else {
          KB_FUZZ_CHECK(s.error().code == "too_long" || s.error().code == "invalid_text",
                        s.error().code);
        }
        break;
      }
      case 1: {
        auto s = body->required_string(key, max_len);
        if (s.ok()) {
          KB_FUZZ_CHECK(
              present && v->is_string() && !s->empty() && s->size() <= max_len && is_trimmed(*s),
              *s);
          KB_FUZZ_CHECK(is_text(*s), "strings are text: " + *s);
        } else {
          KB_FUZZ_CHECK(s.error().field == key, s.error().field);
          KB_FUZZ_CHECK(s.error().code != "missing_field" || !present, "missing only when absent");
        }
        break;
      }
      case 2: {
        auto n = body->optional_int(key, lo, hi);
        if (n.ok() && *n) {
          KB_FUZZ_CHECK(present && (v->is_int64() || v->is_uint64()) && **n >= lo && **n <= hi,
                        std::to_string(**n));
          KB_FUZZ_CHECK(
              v->is_int64() ? v->as_int64() == **n : v->as_uint64() == static_cast<uint64_t>(**n),
              "the integer is the value");
        } else if (n.ok()) {
          KB_FUZZ_CHECK(!present, "an absent integer is nothing");
        } else {
          KB_FUZZ_CHECK(present && n.error().field == key &&
                            (n.error().code == "wrong_type" || n.error().code == "out_of_range"),
                        n.error().code);
        }
        break;
      }
      case 3: {
        auto n = body->required_int(key, lo, hi);
        KB_FUZZ_CHECK(!n.ok() || (present && *n >= lo && *n <= hi), "a required integer");
        break;
      }
      default: {
        auto b = body->optional_bool(key);
        if (present) {
          KB_FUZZ_CHECK(b.ok() == v->is_bool(), "booleans are true or false");
          if (b.ok()) KB_FUZZ_CHECK(**b == v->as_bool(), "the boolean is the value");
        } else {
          KB_FUZZ_CHECK(b.ok() && !*b, "an absent boolean is nothing");
        }
      }
    }
  }
  if (selector & 0x80) {
    asked.insert("items");
    const json::value* raw = body->raw("items");
    const json::value* v = object.if_contains("items");
    KB_FUZZ_CHECK((raw != nullptr) == (v && !v->is_null()) && (!raw || *raw == *v), "raw items");
  }
  bool all_known = true;
  for (const auto& kv : object) all_known = all_known && asked.contains(std::string_view(kv.key()));
  auto unknown = body->no_unknown_fields();
  KB_FUZZ_CHECK(unknown.ok() == all_known, "unknown fields are those no accessor asked for");
  return 0;
}
