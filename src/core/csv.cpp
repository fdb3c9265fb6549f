#include "core/csv.h"

#include <fmt/format.h>

#include <cstring>

namespace kb::csv {
namespace {

// Files that people send by mistake instead of a CSV export, by their first bytes.
struct Magic {
  std::string_view bytes;
  const char* what;
};
constexpr Magic kMagics[] = {
    {"PK\x03\x04", "an Excel workbook (.xlsx) or another zip archive"},
    {std::string_view("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8), "an old Excel workbook (.xls)"},
    {"%PDF", "a PDF document"},
    {"\x89PNG", "a PNG image"},
    {"\xFF\xD8\xFF", "a JPEG image"},
    {"\x1F\x8B", "a gzip archive"},
};

Error not_text(std::string message) { return invalid("body", "not_text", std::move(message)); }

bool is_line_end(char ch) { return ch == '\n' || ch == '\r'; }

}  // namespace

Result<Reader> Reader::open(std::string_view text, Limits limits) {
  for (const auto& m : kMagics) {
    if (text.starts_with(m.bytes)) {
      return not_text(fmt::format(
          "the file is {}, not CSV text: save the sheet as CSV (UTF-8) and send that", m.what));
    }
  }
  if (text.starts_with("\xFF\xFE") || text.starts_with("\xFE\xFF")) {
    return not_text("the file is UTF-16 text: save it as CSV UTF-8");
  }
  if (std::memchr(text.data(), '\0', text.size()) != nullptr) {
    return not_text("the file holds binary data (NUL bytes), not CSV text");
  }
  // Other control characters than tab and line breaks are rare in text and common in binary.
  size_t sample = std::min<size_t>(text.size(), 64 * 1024);
  size_t controls = 0;
  for (size_t i = 0; i < sample; ++i) {
    auto ch = static_cast<unsigned char>(text[i]);
    if (ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r') ++controls;
  }
  if (controls > sample / 100 + 1)
    return not_text("the file holds binary data (control bytes), not CSV text");

  Reader r(text, limits);
  if (text.starts_with(kBom)) r.pos_ = kBom.size();
  size_t first = text.find_first_not_of(" \t\r\n", r.pos_);
  if (first == std::string_view::npos)
    return invalid("header", "empty_file", "the file is empty: no header line");

  // The delimiter is the one of comma, semicolon and tab that the header line uses most.
  size_t counts[3] = {0, 0, 0};
  bool quoted = false;
  for (size_t i = r.pos_; i < text.size(); ++i) {
    char ch = text[i];
    if (ch == '"') quoted = !quoted;
    if (quoted) continue;
    if (is_line_end(ch)) break;
    if (ch == ',') ++counts[0];
    if (ch == ';') ++counts[1];
    if (ch == '\t') ++counts[2];
  }
  r.delimiter_ = ',';
  if (counts[1] > counts[0] && counts[1] >= counts[2]) r.delimiter_ = ';';
  if (counts[2] > counts[0] && counts[2] > counts[1]) r.delimiter_ = '\t';

  KB_ASSIGN(bool got, r.read_record(r.header_));
  if (!got) return invalid("header", "empty_file", "the file is empty: no header line");
  return r;
}

Result<bool> Reader::next(std::vector<std::string>& cells) { return read_record(cells); }

Error Reader::cell_error(size_t column) const {
  std::string name = column < header_.size() && !header_[column].empty()
                         ? header_[column]
                         : fmt::format("column {}", column + 1);
  return invalid(name, "cell_too_large",
                 fmt::format("row {}, column {} (\"{}\"): a cell is longer than {} bytes",
                             row_number_, column + 1, name, limits_.max_cell_bytes));
}

Result<bool> Reader::read_record(std::vector<std::string>& cells) {
  if (pos_ >= text_.size()) return false;
  ++row_number_;
  const size_t start = pos_;
  const char delim = delimiter_;
  const size_t size = text_.size();
  const char* data = text_.data();
  size_t n = 0;  // cells filled
  auto cell_at = [&](size_t i) -> std::string& {
    if (i < cells.size()) {
      cells[i].clear();
      return cells[i];
    }
    return cells.emplace_back();
  };
  size_t i = pos_;
  size_t content_end = start;
  for (;;) {
    if (n >= limits_.max_columns) {
      std::string_view where = row_number_ == 1 ? "header" : "body";
      return invalid(
          std::string(where), "too_many_columns",
          fmt::format("row {} has more than {} columns", row_number_, limits_.max_columns));
    }
    std::string& out = cell_at(n);
    ++n;
    if (i < size && data[i] == '"') {
      // Quoted: runs to the next lone quote; "" stands for one quote; line breaks are kept.
      ++i;
      for (;;) {
        const void* q = std::memchr(data + i, '"', size - i);
        if (!q) {
          return invalid(
              "body", "unterminated_quote",
              fmt::format("row {}: a quoted cell is never closed (a \" is missing)", row_number_));
        }
        size_t j = static_cast<const char*>(q) - data;
        out.append(data + i, j - i);
        if (out.size() > limits_.max_cell_bytes) return cell_error(n - 1);
        if (j + 1 < size && data[j + 1] == '"') {
          out.push_back('"');
          i = j + 2;
          continue;
        }
        i = j + 1;
        break;
      }
      // Text after the closing quote (`"a"b`) is kept as it stands rather than refused.
      size_t k = i;
      while (k < size && data[k] != delim && !is_line_end(data[k])) ++k;
      out.append(data + i, k - i);
      i = k;
    } else {
      size_t k = i;
      while (k < size && data[k] != delim && !is_line_end(data[k])) ++k;
      out.assign(data + i, k - i);
      i = k;
    }
    if (out.size() > limits_.max_cell_bytes) return cell_error(n - 1);
    if (i < size && data[i] == delim) {
      ++i;
      continue;
    }
    content_end = i;
    if (i < size && data[i] == '\r') ++i;
    if (i < size && data[i] == '\n') ++i;
    break;
  }
  cells.resize(n);
  pos_ = i;
  raw_ = text_.substr(start, content_end - start);
  return true;
}

std::string cell(std::string_view value) {
  std::string out;
  append_cell(out, value);
  return out;
}

void append_cell(std::string& out, std::string_view value) {
  bool formula =
      !value.empty() && std::string_view("=+-@\t\r").find(value.front()) != std::string_view::npos;
  bool quote = value.find_first_of(",\"\r\n") != std::string_view::npos;
  if (quote) out.push_back('"');
  if (formula) out.push_back('\'');
  if (!quote) {
    out.append(value);
    return;
  }
  for (char ch : value) {
    if (ch == '"') out.push_back('"');
    out.push_back(ch);
  }
  out.push_back('"');
}

void append_row(std::string& out, std::initializer_list<std::string_view> cells) {
  bool first = true;
  for (std::string_view c : cells) {
    if (!first) out.push_back(',');
    first = false;
    append_cell(out, c);
  }
  out += "\r\n";
}

void append_row(std::string& out, const std::vector<std::string>& cells) {
  bool first = true;
  for (const auto& c : cells) {
    if (!first) out.push_back(',');
    first = false;
    append_cell(out, c);
  }
  out += "\r\n";
}

}  // namespace kb::csv
