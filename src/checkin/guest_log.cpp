#include "checkin/guest_log.h"

#include <fmt/format.h>

#include "core/clock.h"

namespace kb::checkin {

std::string csv_cell(std::string_view value) {
  std::string text;
  if (!value.empty() && std::string_view("=+-@\t\r").find(value.front()) != std::string_view::npos) text = "'";
  text.append(value);
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char ch : text) {
    if (ch == '"') quoted.push_back('"');
    quoted.push_back(ch);
  }
  quoted.push_back('"');
  return quoted;
}

std::string guest_log_csv(std::span<const GuestLogEntry> entries) {
  std::string out = "\xEF\xBB\xBF";
  out += "visit_id,date,time_in,time_out,assumed_out,full_name,phone,source,trust,trust_level\r\n";
  for (const auto& e : entries) {
    const Visit& v = e.visit;
    out += fmt::format("{},{},{},{},{},{},{},{},{},{}\r\n", v.id, day_of(v.t_in), format_rfc3339(v.t_in),
                       v.t_out ? format_rfc3339(*v.t_out) : std::string(), format_rfc3339(v.assumed_out),
                       csv_cell(e.full_name), csv_cell(e.phone), source_name(v.source), trust_name(v.trust),
                       trust_level(v.trust));
  }
  return out;
}

}  // namespace kb::checkin
