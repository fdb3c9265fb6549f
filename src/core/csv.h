// CSV in and out, for every import and export. Reading: the files people export from
// spreadsheet programs — UTF-8 with or without a BOM, comma, semicolon or tab between cells
// (whichever the header line uses), quoted cells with doubled quotes and line breaks inside,
// CRLF or LF — one record at a time, with limits that keep a hostile file from costing memory.
// Writing: UTF-8 with a BOM (so spreadsheet programs show Vietnamese correctly), CRLF, and every
// cell a spreadsheet would run as a formula neutralised.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace kb::csv {

struct Limits {
  size_t max_columns = 200;
  size_t max_cell_bytes = 64 * 1024;
};

// Reads records from text held in memory (the text must outlive the reader). Errors name the
// field at fault: `body` for the file as a whole (not_text, unterminated_quote), `header` for the
// header line (empty_file, too_many_columns), and for a cell its column's header text
// (cell_too_large); messages give the row as a spreadsheet numbers it (the header is row 1).
class Reader {
 public:
  // Checks that the text is text (no NUL bytes, not a workbook, PDF or archive), skips a UTF-8
  // BOM, detects the delimiter from the header line and reads the header.
  static Result<Reader> open(std::string_view text, Limits limits = {});

  char delimiter() const { return delimiter_; }
  const std::vector<std::string>& header() const { return header_; }

  // Reads the next record into `cells` (reusing its strings' storage). Returns false at the end
  // of the text. A record may have fewer or more cells than the header (up to the limit).
  Result<bool> next(std::vector<std::string>& cells);

  // The spreadsheet row number of the record last read (the header is row 1), and its text as it
  // stands in the file (without the line break that ends it).
  int64_t row_number() const { return row_number_; }
  std::string_view raw_record() const { return raw_; }
  // Bytes of the text consumed so far, for progress.
  size_t offset() const { return pos_; }

 private:
  Reader(std::string_view text, Limits limits) : text_(text), limits_(limits) {}
  Result<bool> read_record(std::vector<std::string>& cells);
  Error cell_error(size_t column) const;

  std::string_view text_;
  Limits limits_;
  size_t pos_ = 0;
  char delimiter_ = ',';
  std::vector<std::string> header_;
  int64_t row_number_ = 0;
  std::string_view raw_;
};

// The byte-order mark that starts every CSV file khaibao writes.
inline constexpr std::string_view kBom = "\xEF\xBB\xBF";

// One cell as written: a value starting with = + - @ tab or CR gets a leading `'` so that no
// spreadsheet program runs it as a formula; quoted when it holds a comma, quote or line break.
std::string cell(std::string_view value);
// Appends cell(value) to `out`.
void append_cell(std::string& out, std::string_view value);
// Appends one record: the cells separated by commas, then CRLF.
void append_row(std::string& out, std::initializer_list<std::string_view> cells);
void append_row(std::string& out, const std::vector<std::string>& cells);

}  // namespace kb::csv
