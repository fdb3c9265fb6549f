// The CSV reader every import uses and the cell rule every export uses (core/csv.h).
#include "core/csv.h"

#include <gtest/gtest.h>

namespace kb::csv {
namespace {

using Rows = std::vector<std::vector<std::string>>;

// Every record after the header, or the error.
Result<Rows> read_all(std::string_view text, Limits limits = {}) {
  KB_ASSIGN(Reader r, Reader::open(text, limits));
  Rows rows;
  std::vector<std::string> cells;
  for (;;) {
    KB_ASSIGN(bool got, r.next(cells));
    if (!got) break;
    rows.push_back(cells);
  }
  return rows;
}

TEST(CsvReader, ReadsHeaderAndRowsWithCommasOrSemicolons) {
  for (std::string_view text :
       {"Họ và tên,Ngày sinh\nNguyễn Văn An,01/02/1990\nLê Thị Bình,3/4/85\n",
        "Họ và tên;Ngày sinh\r\nNguyễn Văn An;01/02/1990\r\nLê Thị Bình;3/4/85",
        "\xEF\xBB\xBFHọ và tên;Ngày sinh\r\nNguyễn Văn An;01/02/1990\r\nLê Thị Bình;3/4/85\r\n",
        "Họ và tên\tNgày sinh\nNguyễn Văn An\t01/02/1990\nLê Thị Bình\t3/4/85\n"}) {
    auto r = Reader::open(text);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->header(), (std::vector<std::string>{"Họ và tên", "Ngày sinh"})) << text;
    auto rows = read_all(text);
    ASSERT_TRUE(rows.ok());
    EXPECT_EQ(*rows, (Rows{{"Nguyễn Văn An", "01/02/1990"}, {"Lê Thị Bình", "3/4/85"}})) << text;
  }
}

TEST(CsvReader, DelimiterIsTheOneTheHeaderUses) {
  auto semi = Reader::open("Tên;Địa chỉ, ghi chú;SĐT\nAn;1 Lê Lợi, Q.1;0912345678\n");
  ASSERT_TRUE(semi.ok());
  EXPECT_EQ(semi->delimiter(), ';');
  auto comma = Reader::open("\"Tên; họ\",Phone\nAn,0912345678\n");
  ASSERT_TRUE(comma.ok());
  EXPECT_EQ(comma->delimiter(), ',');
  EXPECT_EQ(comma->header()[0], "Tên; họ");
}

TEST(CsvReader, QuotedCellsKeepDelimitersQuotesAndLineBreaks) {
  std::string text =
      "name,address,note\n\"Trần \"\"Tí\"\" Văn\",\"12 Lê Lợi,\r\nPhường 1\",x\nAn,,\n";
  auto r = Reader::open(text);
  ASSERT_TRUE(r.ok());
  std::vector<std::string> cells;
  ASSERT_TRUE(*r->next(cells));
  EXPECT_EQ(cells, (std::vector<std::string>{"Trần \"Tí\" Văn", "12 Lê Lợi,\r\nPhường 1", "x"}));
  EXPECT_EQ(r->row_number(), 2);
  EXPECT_EQ(r->raw_record(), "\"Trần \"\"Tí\"\" Văn\",\"12 Lê Lợi,\r\nPhường 1\",x");
  ASSERT_TRUE(*r->next(cells));
  EXPECT_EQ(cells, (std::vector<std::string>{"An", "", ""}));
  EXPECT_EQ(r->row_number(), 3);  // as the spreadsheet numbers it, not the line
  EXPECT_FALSE(*r->next(cells));
}

TEST(CsvReader, RowsMayBeShorterOrLongerThanTheHeader) {
  auto rows = read_all("a,b,c\n1\n1,2,3,4\n\n");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(*rows, (Rows{{"1"}, {"1", "2", "3", "4"}, {""}}));
}

TEST(CsvReader, RefusesWhatIsNotText) {
  struct Case {
    std::string text;
    const char* code;
    const char* field;
  } cases[] = {
      {std::string("PK\x03\x04\x14\x00\x06\x00", 8), "not_text", "body"},
      {std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest", 12), "not_text", "body"},
      {"%PDF-1.7\n", "not_text", "body"},
      {std::string("name\nAn\0Bình\n", 13), "not_text", "body"},
      {"\xFF\xFEn\0a\0", "not_text", "body"},
      {"", "empty_file", "header"},
      {"\xEF\xBB\xBF\r\n\r\n", "empty_file", "header"},
      {"name\n\"An,12\n", "unterminated_quote", "body"},
  };
  for (const auto& c : cases) {
    auto r = read_all(c.text);
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_EQ(r.error().code, c.code) << c.text;
    EXPECT_EQ(r.error().field, c.field) << c.text;
  }
}

TEST(CsvReader, EnforcesColumnAndCellLimits) {
  std::string wide;
  for (int i = 0; i < 201; ++i) wide += (i ? "," : "") + std::to_string(i);
  auto r = read_all(wide + "\n");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "too_many_columns");
  EXPECT_EQ(r.error().field, "header");
  auto ok = read_all(wide.substr(0, wide.rfind(',')) + "\n");
  EXPECT_TRUE(ok.ok());

  auto wide_row = read_all("a,b\n" + wide + "\n");
  ASSERT_FALSE(wide_row.ok());
  EXPECT_EQ(wide_row.error().code, "too_many_columns");
  EXPECT_NE(wide_row.error().message.find("row 2"), std::string::npos);

  std::string big(64 * 1024 + 1, 'x');
  for (const std::string& cell : {big, "\"" + big + "\""}) {
    auto large = read_all("Họ tên,Địa chỉ\nAn," + cell + "\n");
    ASSERT_FALSE(large.ok());
    EXPECT_EQ(large.error().code, "cell_too_large");
    EXPECT_EQ(large.error().field, "Địa chỉ");
    EXPECT_NE(large.error().message.find("row 2"), std::string::npos) << large.error().message;
  }
  EXPECT_TRUE(read_all("Họ tên,Địa chỉ\nAn," + big.substr(1) + "\n").ok());
}

TEST(CsvCell, NeutralisesFormulasAndQuotes) {
  EXPECT_EQ(cell("Nguyễn Văn An"), "Nguyễn Văn An");
  EXPECT_EQ(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
  EXPECT_EQ(cell("+84912345678"), "'+84912345678");
  EXPECT_EQ(cell("-1"), "'-1");
  EXPECT_EQ(cell("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(cell("\tx"), "'\tx");
  EXPECT_EQ(cell("\rx"), "\"'\rx\"");
  EXPECT_EQ(cell("a,b"), "\"a,b\"");
  EXPECT_EQ(cell("line\nbreak"), "\"line\nbreak\"");
  EXPECT_EQ(cell(""), "");
}

TEST(CsvCell, RowsReadBackAsWritten) {
  std::string out(kBom);
  append_row(out, {"name", "note"});
  append_row(out, {"Trần \"Tí\"", "a,b\nc"});
  append_row(out, std::vector<std::string>{"An", "x"});
  EXPECT_TRUE(out.starts_with(kBom));
  auto rows = read_all(out);
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(*rows, (Rows{{"Trần \"Tí\"", "a,b\nc"}, {"An", "x"}}));
}

}  // namespace
}  // namespace kb::csv
