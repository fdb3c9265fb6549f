// Writes JSON text straight into a string, for the hottest answers (a check-in), where building a
// boost::json tree first costs an allocation per member. The output is byte for byte what
// boost::json::serialize gives for the same members in the same order (strings escaped the same
// way), so an answer can move from one to the other without a client seeing a difference.
// Commas are the writer's business; the caller only opens, names and closes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace kb {

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  // The name of the next member of the open object.
  JsonWriter& key(std::string_view name);

  JsonWriter& value(std::string_view text);
  JsonWriter& value(const char* text) { return value(std::string_view(text)); }
  JsonWriter& value(const std::string& text) { return value(std::string_view(text)); }
  JsonWriter& value(int64_t number);
  JsonWriter& value(int number) { return value(static_cast<int64_t>(number)); }
  JsonWriter& value(bool flag);
  JsonWriter& null();
  // A Unix time as RFC 3339 in Vietnam's zone (kb::format_rfc3339).
  JsonWriter& time(int64_t unix_seconds);

  template <class T>
  JsonWriter& member(std::string_view name, const T& v) {
    key(name);
    return value(v);
  }

 private:
  void separate();  // a comma before any value but the first of its container
  void escaped(std::string_view text);

  std::string& out_;
  // Per open container (up to 64 deep), whether it has a value yet: bit d for depth d.
  uint64_t has_value_ = 0;
  int depth_ = 0;
  bool after_key_ = false;
};

}  // namespace kb
