#include "venues/poster.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>

namespace kb::venues {
namespace {

namespace fs = std::filesystem;

const PosterContent kBenThanh{"Chợ Bến Thành", "Phường Bến Thành, Thành phố Hồ Chí Minh",
                              "http://127.0.0.1:8080/v/K7QF2M9XWD", "K7QF2M9XWD"};

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A scratch directory removed with the test, where the real decoders and converters run.
class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern = (fs::temp_directory_path() / "kb-poster-XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~ScratchDir() { fs::remove_all(path_); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

  // Runs a shell command, returning its standard output; fails the test on a non-zero exit,
  // showing what it wrote to standard error (kept apart: the tools chatter about D-Bus).
  std::string run(const std::string& command) const {
    std::string out;
    FILE* pipe = popen((command + " 2>'" + file("stderr.txt") + "'").c_str(), "r");
    if (!pipe) {
      ADD_FAILURE() << "cannot run " << command;
      return out;
    }
    std::array<char, 4096> buffer;
    size_t n;
    while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) out.append(buffer.data(), n);
    int status = pclose(pipe);
    EXPECT_EQ(status, 0) << command << "\n" << read_file(file("stderr.txt"));
    return out;
  }

  // The text a real decoder reads from a PNG image: zbarimg, as a phone would.
  std::string decode_qr(const std::string& png_path) const {
    std::string text = run("zbarimg -q --raw '" + png_path + "'");
    if (!text.empty() && text.back() == '\n') text.pop_back();
    return text;
  }

 private:
  fs::path path_;
};

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string render(const PosterContent& content, PosterFormat format) {
  auto r = render_poster(content, format);
  EXPECT_TRUE(r.ok()) << r.error().message;
  return r.ok() ? *r : std::string();
}

TEST(Poster, PngDecodesToTheUrlAtA4150Dpi) {
  ScratchDir dir;
  std::string png = render(kBenThanh, PosterFormat::kPng);
  ASSERT_GT(png.size(), 24u);
  ASSERT_EQ(png.substr(0, 8), "\x89PNG\r\n\x1a\n");
  auto be32 = [&](size_t at) {
    return (static_cast<uint32_t>(static_cast<unsigned char>(png[at])) << 24) |
           (static_cast<uint32_t>(static_cast<unsigned char>(png[at + 1])) << 16) |
           (static_cast<uint32_t>(static_cast<unsigned char>(png[at + 2])) << 8) |
           static_cast<uint32_t>(static_cast<unsigned char>(png[at + 3]));
  };
  EXPECT_EQ(be32(16), 1240u);  // IHDR width
  EXPECT_EQ(be32(20), 1754u);  // IHDR height
  write_file(dir.file("poster.png"), png);
  EXPECT_EQ(dir.decode_qr(dir.file("poster.png")), kBenThanh.url);
}

TEST(Poster, PdfDecodesToTheUrlAndCarriesTheText) {
  ScratchDir dir;
  std::string pdf = render(kBenThanh, PosterFormat::kPdf);
  ASSERT_EQ(pdf.substr(0, 5), "%PDF-");
  write_file(dir.file("poster.pdf"), pdf);
  dir.run("pdftoppm -png -r 150 -singlefile '" + dir.file("poster.pdf") + "' '" + dir.file("page") +
          "'");
  EXPECT_EQ(dir.decode_qr(dir.file("page.png")), kBenThanh.url);

  std::string text = dir.run("pdftotext -enc UTF-8 '" + dir.file("poster.pdf") + "' -");
  for (const char* expected :
       {"Chợ Bến Thành", "Phường Bến Thành, Thành phố Hồ Chí Minh", "K7QF2M9XWD",
        "KHAI BÁO Y TẾ – QUÉT MÃ QR KHI VÀO", "Mở camera điện thoại", "Quét mã QR", "Khai báo vào",
        "tap “Check in”", "No app needed", "http://127.0.0.1:8080/v/K7QF2M9XWD"}) {
    EXPECT_NE(text.find(expected), std::string::npos) << "missing \"" << expected << "\" in:\n"
                                                      << text;
  }
  std::string info = dir.run("pdfinfo '" + dir.file("poster.pdf") + "'");
  EXPECT_NE(info.find("Pages:           1\n"), std::string::npos) << info;
  EXPECT_NE(info.find("(A4)"), std::string::npos) << info;
}

TEST(Poster, SvgDecodesToTheUrlAndNamesTheVenue) {
  ScratchDir dir;
  std::string svg = render(kBenThanh, PosterFormat::kSvg);
  ASSERT_NE(svg.find("<svg"), std::string::npos);
  EXPECT_NE(svg.find("<title>KHAI BÁO Y TẾ – QUÉT MÃ QR KHI VÀO – Chợ Bến Thành</title>"),
            std::string::npos);
  EXPECT_NE(svg.find("Phường Bến Thành, Thành phố Hồ Chí Minh"), std::string::npos);
  EXPECT_NE(svg.find("K7QF2M9XWD"), std::string::npos);
  EXPECT_NE(svg.find("width=\"595.2756pt\" height=\"841.8898pt\""), std::string::npos)
      << svg.substr(0, 300);
  write_file(dir.file("poster.svg"), svg);
  dir.run("rsvg-convert -z 2 -b white -o '" + dir.file("poster.png") + "' '" +
          dir.file("poster.svg") + "'");
  EXPECT_EQ(dir.decode_qr(dir.file("poster.png")), kBenThanh.url);
}

TEST(Poster, LongNamesAddressesAndUrlsStillScan) {
  ScratchDir dir;
  PosterContent content{
      "Trung tâm Thương mại và Dịch vụ Tổng hợp Sài Gòn – Chi nhánh Quận Một & Khu Phố Đi Bộ "
      "Nguyễn Huệ "
      "(cổng số 3, tầng trệt)",
      "Số 135 Nam Kỳ Khởi Nghĩa, Phường Bến Thành, Thành phố Hồ Chí Minh — cạnh Dinh Độc Lập, đối "
      "diện công "
      "viên Tao Đàn, lối vào từ đường Lý Tự Trọng",
      "https://khaibao.soytetphcm.gov.vn/v/K7QF2M9XWDK7QF2M9XWD?src=poster&lang=vi&v=2",
      "K7QF2M9XWDK7QF2M9XWD"};
  for (auto format : {PosterFormat::kPng, PosterFormat::kPdf, PosterFormat::kSvg}) {
    std::string bytes = render(content, format);
    ASSERT_FALSE(bytes.empty());
    std::string png = dir.file("long.png");
    if (format == PosterFormat::kPng) {
      write_file(png, bytes);
    } else if (format == PosterFormat::kPdf) {
      write_file(dir.file("long.pdf"), bytes);
      dir.run("pdftoppm -png -r 150 -singlefile '" + dir.file("long.pdf") + "' '" +
              dir.file("long") + "'");
      std::string text = dir.run("pdftotext -enc UTF-8 '" + dir.file("long.pdf") + "' -");
      EXPECT_NE(text.find("Trung tâm Thương mại"), std::string::npos) << text;
    } else {
      write_file(dir.file("long.svg"), bytes);
      EXPECT_NE(bytes.find("Khu Phố Đi Bộ Nguyễn Huệ (cổng số 3, tầng trệt)"), std::string::npos);
      EXPECT_NE(bytes.find("Quận Một &amp; Khu"), std::string::npos);  // escaped for XML
      dir.run("rsvg-convert -z 2 -b white -o '" + png + "' '" + dir.file("long.svg") + "'");
    }
    EXPECT_EQ(dir.decode_qr(png), content.url) << static_cast<int>(format);
  }
}

TEST(Poster, DecomposedVietnameseIsPrintedComposed) {
  ScratchDir dir;
  PosterContent content = kBenThanh;
  content.venue_name =
      "Cho\xCC\x9B\xCC\xA3 Be\xCC\x82\xCC\x81n Tha\xCC\x80nh";  // "Chợ Bến Thành" in NFD
  write_file(dir.file("nfd.pdf"), render(content, PosterFormat::kPdf));
  std::string text = dir.run("pdftotext -enc UTF-8 '" + dir.file("nfd.pdf") + "' -");
  EXPECT_NE(text.find("Chợ Bến Thành"), std::string::npos) << text;
}

TEST(Poster, RefusesContentItCannotPrintNamingTheField) {
  struct Case {
    PosterContent content;
    const char* field;
  } cases[] = {
      {{"", "Hà Nội", "http://x/v/A", "A"}, "venue_name"},
      {{"   ", "Hà Nội", "http://x/v/A", "A"}, "venue_name"},
      {{"Chợ \xFF", "Hà Nội", "http://x/v/A", "A"}, "venue_name"},
      {{"Chợ", "Hà \xC3", "http://x/v/A", "A"}, "address_line"},
      {{"Chợ", "Hà Nội", "", "A"}, "url"},
      {{"Chợ", "Hà Nội", "http://x/v/" + std::string(1200, 'A'), "A"}, "url"},
      {{"Chợ", "Hà Nội", "http://x/v/A\nB", "A"}, "url"},
      {{"Chợ", "Hà Nội", "http://x/v/A", ""}, "code"},
  };
  for (const auto& c : cases) {
    auto r = render_poster(c.content, PosterFormat::kPng);
    ASSERT_FALSE(r.ok()) << c.field;
    EXPECT_EQ(r.error().kind, ErrorKind::kInvalidArgument) << c.field;
    EXPECT_EQ(r.error().field, c.field);
  }
}

TEST(Poster, NamesItsContentTypes) {
  EXPECT_EQ(content_type(PosterFormat::kSvg), "image/svg+xml");
  EXPECT_EQ(content_type(PosterFormat::kPng), "image/png");
  EXPECT_EQ(content_type(PosterFormat::kPdf), "application/pdf");
}

}  // namespace
}  // namespace kb::venues
