// A lab's results file, read once at the edge: a header naming the columns tube_id, result, time
// and lab (in any order; Vietnamese names ma_ong, ket_qua, thoi_gian, phong_xet_nghiem too), then
// one tube a row. Results as parse_finding() reads them; times as RFC 3339, "YYYY-MM-DD HH:MM[:SS]"
// or "DD/MM/YYYY HH:MM[:SS]" in Vietnam's time, or empty for the time of the upload.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "testing/lab_result.h"

namespace kb::testing {

inline constexpr int64_t kMaxResultRows = 2'000'000;

struct LabFile {
  std::vector<LabResult> results;
  std::vector<int64_t> rows;           // the spreadsheet row of each result
  std::vector<ResultRowError> errors;  // rows that could not be read (then nothing is applied)
};

// Errors for the file as a whole (field `body` or `header`: not CSV, a required column missing,
// too many rows); a broken row is reported in `errors` with its row number and column.
Result<LabFile> read_lab_file(std::string_view text, int64_t now);

// A result time as the file gives it (see above), or nullopt.
std::optional<int64_t> parse_result_time(std::string_view text);

}  // namespace kb::testing
