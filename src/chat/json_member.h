// Reading JSON that chat platforms write, leniently: a member that is missing or of another
// type reads as empty, and the caller decides whether empty is an error.
#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <string_view>

namespace kb::chat {

// A string member, or "" when absent or not a string.
inline std::string string_member(const boost::json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

}  // namespace kb::chat
