// The lab results file and result words (testing/lab_csv.h, testing/lab_result.h): what a lab
// sends is read into results, or into row errors that name the row and the column.
#include <gtest/gtest.h>

#include "core/clock.h"
#include "testing/lab_csv.h"

namespace kb::testing {
namespace {

constexpr int64_t kNow = 1795000000;

TEST(LabResults, ReadsEnglishAndVietnameseHeadersAndWords) {
  auto file = read_lab_file(
      "\xEF\xBB\xBFma_ong;ket_qua;thoi_gian;phong_xet_nghiem\r\n"
      "P1-0001;Âm tính;26/11/2026 10:00;Viện Pasteur\r\n"
      "P1-0002;DƯƠNG TÍNH;2026-11-26 10:05:30;Viện Pasteur\r\n"
      ";;;\r\n"
      "P1-0003;negative;;\r\n",
      kNow);
  ASSERT_TRUE(file.ok()) << file.error().message;
  ASSERT_TRUE(file->errors.empty()) << file->errors[0].message;
  ASSERT_EQ(file->results.size(), 3u);
  EXPECT_EQ(file->results[0].tube_label, "P1-0001");
  EXPECT_EQ(file->results[0].finding, Finding::kNegative);
  EXPECT_EQ(file->results[0].at, *parse_rfc3339("2026-11-26T10:00:00+07:00"));
  EXPECT_EQ(file->results[0].lab, "Viện Pasteur");
  EXPECT_EQ(file->results[1].finding, Finding::kPositive);
  EXPECT_EQ(file->results[1].at, *parse_rfc3339("2026-11-26T10:05:30+07:00"));
  EXPECT_EQ(file->results[2].at, kNow) << "no time: the upload's";
  EXPECT_EQ(file->rows, (std::vector<int64_t>{2, 3, 5})) << "rows as a spreadsheet numbers them";
}

TEST(LabResults, BrokenRowsAreReportedWithRowAndColumn) {
  auto file = read_lab_file(
      "tube_id,result,time,lab\nA,maybe,,\nB,positive,yesterday,\n,negative,,\nC,neg,,\n", kNow);
  ASSERT_TRUE(file.ok());
  ASSERT_EQ(file->errors.size(), 3u);
  EXPECT_EQ(file->errors[0].row, 2);
  EXPECT_EQ(file->errors[0].field, "result");
  EXPECT_EQ(file->errors[1].row, 3);
  EXPECT_EQ(file->errors[1].field, "time");
  EXPECT_EQ(file->errors[2].row, 4);
  EXPECT_EQ(file->errors[2].field, "tube_id");
  ASSERT_EQ(file->results.size(), 1u);
  EXPECT_EQ(file->results[0].tube_label, "C");
}

TEST(LabResults, AFileWithoutTheColumnsIsRefusedAsAWhole) {
  auto no_result = read_lab_file("tube_id,lab\nA,Pasteur\n", kNow);
  ASSERT_FALSE(no_result.ok());
  EXPECT_EQ(no_result.error().field, "header");
  EXPECT_EQ(no_result.error().code, "missing_column");
  auto binary = read_lab_file(std::string_view("PK\x03\x04\0\0", 6), kNow);
  ASSERT_FALSE(binary.ok());
  EXPECT_EQ(binary.error().field, "body");
}

TEST(LabResults, ResultWords) {
  for (std::string_view neg : {"negative", "NEG", "âm tính", "Âm tính", "am tinh", " Âm "}) {
    auto f = parse_finding(neg, "result");
    ASSERT_TRUE(f.ok()) << neg;
    EXPECT_EQ(*f, Finding::kNegative) << neg;
  }
  for (std::string_view pos : {"positive", "Pos", "dương tính", "DƯƠNG TÍNH", "duong tinh", "+"}) {
    auto f = parse_finding(pos, "result");
    ASSERT_TRUE(f.ok()) << pos;
    EXPECT_EQ(*f, Finding::kPositive) << pos;
  }
  auto bad = parse_finding("inconclusive", "rapid_result");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "rapid_result");
}

TEST(LabResults, ResultTimes) {
  EXPECT_EQ(parse_result_time("2026-11-26T03:00:00Z"), parse_rfc3339("2026-11-26T10:00:00+07:00"));
  EXPECT_EQ(parse_result_time("26/11/2026 10:00"), parse_rfc3339("2026-11-26T10:00:00+07:00"));
  EXPECT_FALSE(parse_result_time("26/11/2026"));
  EXPECT_FALSE(parse_result_time("2026-13-01 10:00"));
  EXPECT_FALSE(parse_result_time("26-11-2026 10:00"));
}

}  // namespace
}  // namespace kb::testing
