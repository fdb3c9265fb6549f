#include "organisations/roster_csv.h"

#include <fmt/format.h>

#include "core/csv.h"

namespace kb::organisations {

Result<CsvTable> read_csv(std::string_view text, size_t max_rows) {
  KB_ASSIGN(csv::Reader reader, csv::Reader::open(text));
  CsvTable table;
  table.header = reader.header();
  std::vector<std::string> cells;
  for (;;) {
    KB_ASSIGN(bool more, reader.next(cells));
    if (!more) break;
    bool blank = cells.empty() || (cells.size() == 1 && cells[0].empty());
    if (blank) continue;
    if (table.records.size() >= max_rows) {
      return invalid("body", "too_many_rows",
                     fmt::format("a roster has at most {} rows", max_rows));
    }
    table.records.push_back({reader.row_number(), cells});
  }
  return table;
}

}  // namespace kb::organisations
