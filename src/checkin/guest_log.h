// A venue's guest log as a file for officials and spreadsheets: CSV (UTF-8 with a BOM so
// spreadsheet programs show Vietnamese correctly) with every cell that a spreadsheet would
// take for a formula neutralised.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "checkin/visit.h"

namespace kb::checkin {

// One CSV cell: quoted when needed; a value starting with = + - @ tab or CR gets a leading `'`
// so that no spreadsheet runs it as a formula.
std::string csv_cell(std::string_view value);

// Header plus one line per visit: visit_id, date, time_in, time_out, assumed_out, full_name,
// phone, source, trust, trust_level (times RFC 3339 +07:00; lines end in CRLF).
std::string guest_log_csv(std::span<const GuestLogEntry> entries);

}  // namespace kb::checkin
