// A roster file read whole (core/csv.h reads it; a roster is small enough to hold): the header
// and every record, each with its row number as a spreadsheet shows it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace kb::organisations {

struct CsvRecord {
  int64_t row = 0;  // as a spreadsheet numbers it: the header is row 1
  std::vector<std::string> cells;
};

// The header and every non-blank record. Errors are core/csv.h's (naming body, header or a
// column), and too_many_rows (field body) past max_rows records.
struct CsvTable {
  std::vector<std::string> header;
  std::vector<CsvRecord> records;
};
Result<CsvTable> read_csv(std::string_view text, size_t max_rows);

}  // namespace kb::organisations
