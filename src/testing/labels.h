// Tube labels printed from the app: an A4 sheet (PDF) of sticky labels, each with the tube's label
// as a Code 128 barcode (what a lab's barcode reader scans) and as a QR code (what a phone camera
// scans), with the label in words below. Labels of a round are numbered: R{round}-{00001…}, so a
// sheet can be printed before any tube exists and never repeats another round's labels.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace kb::testing {

inline constexpr int kLabelsPerSheet = 24;  // 3 columns × 8 rows of 70 × 37 mm
inline constexpr int64_t kMaxLabelsPrinted = 480;

// The module widths of `text` as a Code 128 symbol (code set B: printable ASCII), bar first:
// start B, the characters, the mod-103 check symbol, stop and its final bar. Quiet zones are the
// drawer's. kInvalidArgument for text outside code set B (field "text").
Result<std::vector<int>> code128_widths(std::string_view text);

// The labels numbered `from` … from + count - 1 of the round.
std::vector<std::string> round_labels(int64_t round_id, int64_t from, int64_t count);

// The sheet(s) of labels as a PDF, `heading` (the round's name) printed small on each label.
Result<std::string> label_sheet_pdf(std::string_view heading,
                                    const std::vector<std::string>& labels);

}  // namespace kb::testing
