#include "testing/labels.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

namespace kb::testing {
namespace {

namespace fs = std::filesystem;

// Runs a shell command and returns its standard output (empty on failure, which the caller's
// expectations then show).
std::string run(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return out;
  std::array<char, 4096> buffer;
  size_t n;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) out.append(buffer.data(), n);
  EXPECT_EQ(pclose(pipe), 0) << command;
  return out;
}

TEST(Code128, WidthsAddUpToElevenModulesASymbolAndCarryTheCheck) {
  auto widths = code128_widths("R1-00001");
  ASSERT_TRUE(widths.ok());
  int modules = 0;
  for (int w : *widths) modules += w;
  // start + 8 characters + check = 10 symbols of 11 modules; the stop is 13.
  EXPECT_EQ(modules, 10 * 11 + 13);
  EXPECT_EQ(widths->size(), 10u * 6 + 7);
  EXPECT_FALSE(code128_widths("Ống").ok());
  EXPECT_FALSE(code128_widths("").ok());
}

TEST(Labels, ARoundsLabelsAreNumberedAndNeverAnotherRounds) {
  EXPECT_EQ(round_labels(12, 1, 2), (std::vector<std::string>{"R12-00001", "R12-00002"}));
  EXPECT_EQ(round_labels(1, 120, 1), (std::vector<std::string>{"R1-00120"}));
}

// What a barcode reader and a phone read from the printed sheet: the PDF rasterised at 200 dpi,
// one label at a time (as a reader is held over one tube), every symbol decoded by zbarimg.
TEST(Labels, APrintedSheetScansBackAsCode128AndQr) {
  const auto labels = round_labels(7, 1, kLabelsPerSheet + 2);  // two pages
  auto pdf = label_sheet_pdf("Xét nghiệm phường đợt 1", labels);
  ASSERT_TRUE(pdf.ok());
  ASSERT_EQ(pdf->rfind("%PDF-", 0), 0u);
  std::string pattern = (fs::temp_directory_path() / "kb-labels-XXXXXX").string();
  const fs::path dir = mkdtemp(pattern.data());
  const std::string file = (dir / "labels.pdf").string(), png = (dir / "label").string();
  std::ofstream(file, std::ios::binary) << *pdf;
  // A label's cell in pixels at 200 dpi (A4 in 3 × 8 cells).
  const int width = 1654 / 3, height = 2339 / 8;
  for (int index : {0, 1, 9, 12, 17, 23, 24, 25}) {
    const int page = 1 + index / kLabelsPerSheet, slot = index % kLabelsPerSheet;
    run(fmt::format(
        "pdftoppm -png -r 200 -f {} -l {} -x {} -y {} -W {} -H {} -singlefile '{}' '{}'", page,
        page, (slot % 3) * width, (slot / 3) * height, width, height, file, png));
    std::istringstream lines(run("zbarimg -q '" + png + ".png' 2>/dev/null"));
    std::vector<std::string> seen;
    for (std::string line; std::getline(lines, line);) seen.push_back(line);
    std::sort(seen.begin(), seen.end());
    EXPECT_EQ(seen,
              (std::vector<std::string>{"CODE-128:" + labels[index], "QR-Code:" + labels[index]}))
        << "label " << index;
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace kb::testing
