#include "core/json_input.h"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <cmath>

#include "core/text.h"

namespace kb {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() &&
         (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

bool finite(const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::double_:
      return std::isfinite(v.get_double());
    case boost::json::kind::array:
      for (const auto& item : v.get_array())
        if (!finite(item)) return false;
      return true;
    case boost::json::kind::object:
      for (const auto& kv : v.get_object())
        if (!finite(kv.value())) return false;
      return true;
    default:
      return true;
  }
}

}  // namespace

std::optional<std::string> non_finite_field(const boost::json::object& object) {
  for (const auto& kv : object)
    if (!finite(kv.value())) return kv.key().empty() ? "body" : std::string(kv.key());
  return std::nullopt;
}

Result<JsonBody> JsonBody::parse(std::string_view body) {
  boost::system::error_code ec;
  boost::json::parse_options options;
  options.max_depth = 32;
  boost::json::value v = boost::json::parse(body, ec, {}, options);
  if (ec) return invalid("", "malformed_json", "request body is not valid JSON");
  if (!v.is_object()) return invalid("", "not_an_object", "request body must be a JSON object");
  if (auto field = non_finite_field(v.get_object())) {
    return invalid(*field, "not_finite",
                   fmt::format("{} holds a number too large to represent", *field));
  }
  return JsonBody(std::move(v.as_object()));
}

const boost::json::value* JsonBody::lookup(std::string_view key) {
  seen_.emplace(key);
  const auto* v = object_.if_contains(key);
  if (v && v->is_null()) return nullptr;
  return v;
}

const boost::json::value* JsonBody::raw(std::string_view key) { return lookup(key); }

Result<std::optional<std::string>> JsonBody::optional_string(std::string_view key, size_t max_len) {
  const auto* v = lookup(key);
  if (!v) return std::optional<std::string>{};
  if (!v->is_string()) {
    return invalid(std::string(key), "wrong_type", fmt::format("{} must be a string", key));
  }
  std::string_view s = trim(std::string_view(v->as_string()));
  if (!is_storable_text(s)) {  // "\u0000": the databases would not keep the same text
    return invalid(std::string(key), "invalid_text",
                   fmt::format("{} must not contain NUL characters", key));
  }
  if (s.size() > max_len) {
    return invalid(std::string(key), "too_long",
                   fmt::format("{} is longer than {} bytes", key, max_len));
  }
  return std::optional<std::string>{std::string(s)};
}

Result<std::string> JsonBody::required_string(std::string_view key, size_t max_len) {
  KB_ASSIGN(auto s, optional_string(key, max_len));
  if (!s) return invalid(std::string(key), "missing_field", fmt::format("{} is required", key));
  if (s->empty())
    return invalid(std::string(key), "empty", fmt::format("{} must not be empty", key));
  return std::move(*s);
}

Result<std::optional<int64_t>> JsonBody::optional_int(std::string_view key, int64_t min,
                                                      int64_t max) {
  const auto* v = lookup(key);
  if (!v) return std::optional<int64_t>{};
  int64_t n;
  if (v->is_int64()) {
    n = v->as_int64();
  } else if (v->is_uint64() && v->as_uint64() <= static_cast<uint64_t>(INT64_MAX)) {
    n = static_cast<int64_t>(v->as_uint64());
  } else {
    return invalid(std::string(key), "wrong_type", fmt::format("{} must be an integer", key));
  }
  if (n < min || n > max) {
    return invalid(std::string(key), "out_of_range",
                   fmt::format("{} must be between {} and {}", key, min, max));
  }
  return std::optional<int64_t>{n};
}

Result<int64_t> JsonBody::required_int(std::string_view key, int64_t min, int64_t max) {
  KB_ASSIGN(auto n, optional_int(key, min, max));
  if (!n) return invalid(std::string(key), "missing_field", fmt::format("{} is required", key));
  return *n;
}

Result<std::optional<bool>> JsonBody::optional_bool(std::string_view key) {
  const auto* v = lookup(key);
  if (!v) return std::optional<bool>{};
  if (!v->is_bool())
    return invalid(std::string(key), "wrong_type", fmt::format("{} must be true or false", key));
  return std::optional<bool>{v->as_bool()};
}

Status JsonBody::no_unknown_fields() const {
  for (const auto& kv : object_) {
    if (!seen_.contains(std::string_view(kv.key()))) {
      return invalid(std::string(kv.key()), "unknown_field",
                     fmt::format("unknown field {}", std::string_view(kv.key())));
    }
  }
  return {};
}

}  // namespace kb
