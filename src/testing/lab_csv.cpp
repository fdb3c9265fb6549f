#include "testing/lab_csv.h"

#include <fmt/format.h>

#include <array>
#include <optional>
#include <set>
#include <string>

#include "core/clock.h"
#include "core/csv.h"

namespace kb::testing {
namespace {

std::string folded(std::string_view s) {
  std::string out;
  for (char ch : s) {
    if (ch == ' ' || ch == '\t') continue;
    out += (ch >= 'A' && ch <= 'Z') ? static_cast<char>(ch - 'A' + 'a') : ch;
  }
  return out;
}

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

enum Column { kTube, kResult, kTime, kLab, kColumns };
constexpr std::array<std::string_view, kColumns> kNames{"tube_id", "result", "time", "lab"};

std::optional<Column> column_of(std::string_view header) {
  std::string h = folded(header);
  if (h == "tube_id" || h == "tube" || h == "label" || h == "ma_ong") return kTube;
  if (h == "result" || h == "ket_qua") return kResult;
  if (h == "time" || h == "result_time" || h == "thoi_gian") return kTime;
  if (h == "lab" || h == "phong_xet_nghiem") return kLab;
  return std::nullopt;
}

bool digits(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

}  // namespace

std::string_view finding_name(Finding f) {
  return f == Finding::kPositive ? "positive" : "negative";
}

Result<Finding> parse_finding(std::string_view text, std::string_view field) {
  std::string s;
  for (char ch : text) s += (ch >= 'A' && ch <= 'Z') ? static_cast<char>(ch - 'A' + 'a') : ch;
  // Labs write "Âm tính" and "DƯƠNG TÍNH" too: fold the capitals these words use (Â Í Ư Ơ).
  for (auto [upper, lower] :
       {std::pair{"\xC3\x82", "\xC3\xA2"}, std::pair{"\xC3\x8D", "\xC3\xAD"},
        std::pair{"\xC6\xAF", "\xC6\xB0"}, std::pair{"\xC6\xA0", "\xC6\xA1"}}) {
    for (size_t at = s.find(upper); at != std::string::npos; at = s.find(upper, at))
      s.replace(at, 2, lower);
  }
  while (!s.empty() && s.back() == ' ') s.pop_back();
  while (!s.empty() && s.front() == ' ') s.erase(s.begin());
  static const std::set<std::string> kNegative{"âm tính", "am tinh", "negative", "neg", "âm", "-"};
  static const std::set<std::string> kPositive{"dương tính", "duong tinh", "positive",
                                               "pos",        "dương",      "+"};
  if (kNegative.count(s)) return Finding::kNegative;
  if (kPositive.count(s)) return Finding::kPositive;
  return invalid(std::string(field), "invalid_result",
                 "a result is negative (âm tính) or positive (dương tính)");
}

std::optional<int64_t> parse_result_time(std::string_view text) {
  text = trimmed(text);
  if (auto t = parse_rfc3339(text)) return t;
  // "YYYY-MM-DD HH:MM[:SS]" or "DD/MM/YYYY HH:MM[:SS]", Vietnam's time.
  size_t space = text.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  std::string_view date = text.substr(0, space), clock = trimmed(text.substr(space + 1));
  std::string day;
  if (date.size() == 10 && date[4] == '-' && date[7] == '-') {
    day = std::string(date);
  } else if (date.size() == 10 && date[2] == '/' && date[5] == '/' && digits(date.substr(0, 2)) &&
             digits(date.substr(3, 2)) && digits(date.substr(6, 4))) {
    day = fmt::format("{}-{}-{}", date.substr(6, 4), date.substr(3, 2), date.substr(0, 2));
  } else {
    return std::nullopt;
  }
  if (clock.size() == 5) return parse_rfc3339(fmt::format("{}T{}:00+07:00", day, clock));
  if (clock.size() == 8) return parse_rfc3339(fmt::format("{}T{}+07:00", day, clock));
  return std::nullopt;
}

Result<LabFile> read_lab_file(std::string_view text, int64_t now) {
  KB_ASSIGN(csv::Reader reader, csv::Reader::open(text, csv::Limits{20, 4096}));
  std::array<int, kColumns> at{-1, -1, -1, -1};
  for (size_t i = 0; i < reader.header().size(); ++i) {
    if (auto col = column_of(reader.header()[i]); col && at[*col] < 0)
      at[*col] = static_cast<int>(i);
  }
  for (Column required : {kTube, kResult}) {
    if (at[required] < 0) {
      return invalid(
          "header", "missing_column",
          fmt::format("the file needs a column {} (tube_id, result, time, lab)", kNames[required]));
    }
  }
  LabFile file;
  std::vector<std::string> cells;
  auto cell = [&](Column col) -> std::string_view {
    if (at[col] < 0 || static_cast<size_t>(at[col]) >= cells.size()) return {};
    return trimmed(cells[at[col]]);
  };
  while (true) {
    KB_ASSIGN(bool more, reader.next(cells));
    if (!more) break;
    const int64_t row = reader.row_number();
    bool blank = true;
    for (const auto& c : cells) blank = blank && trimmed(c).empty();
    if (blank) continue;
    if (static_cast<int64_t>(file.results.size() + file.errors.size()) >= kMaxResultRows) {
      return invalid("body", "too_many_rows",
                     fmt::format("a file holds at most {} results", kMaxResultRows));
    }
    auto fail = [&](Column col, std::string code, std::string message) {
      file.errors.push_back(
          ResultRowError{row, std::string(kNames[col]), std::move(code), std::move(message)});
    };
    LabResult r;
    r.tube_label = std::string(cell(kTube));
    if (r.tube_label.empty()) {
      fail(kTube, "missing_field", "the row names no tube");
      continue;
    }
    auto finding = parse_finding(cell(kResult), "result");
    if (!finding.ok()) {
      fail(kResult, finding.error().code, finding.error().message);
      continue;
    }
    r.finding = *finding;
    if (cell(kTime).empty()) {
      r.at = now;
    } else if (auto t = parse_result_time(cell(kTime))) {
      r.at = *t;
    } else {
      fail(kTime, "invalid_time", "a time is RFC 3339, YYYY-MM-DD HH:MM or DD/MM/YYYY HH:MM");
      continue;
    }
    r.lab = std::string(cell(kLab));
    if (r.lab.size() > 200) {
      fail(kLab, "too_long", "a lab's name is at most 200 bytes");
      continue;
    }
    file.results.push_back(std::move(r));
    file.rows.push_back(row);
  }
  return file;
}

}  // namespace kb::testing
