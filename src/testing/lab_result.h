// What a lab (or a rapid test) finds, as read at the edge: no database, so the lab file reader
// (testing/lab_csv.h) can be fuzzed alone.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace kb::testing {

enum class Finding { kNegative, kPositive };
std::string_view finding_name(Finding f);  // "negative" | "positive"
// "negative"/"positive", also "âm tính"/"dương tính" (with or without marks, any case),
// "neg"/"pos". Errors name `field` (invalid_result).
Result<Finding> parse_finding(std::string_view text, std::string_view field);

// One tube's result.
struct LabResult {
  std::string tube_label;
  Finding finding = Finding::kNegative;
  int64_t at = 0;
  std::string lab;
};

// Why a result (a row of a file) cannot be used.
struct ResultRowError {
  int64_t row = 0;  // spreadsheet row (header is 1); 0 for a single result
  std::string field, code, message;
};

}  // namespace kb::testing
