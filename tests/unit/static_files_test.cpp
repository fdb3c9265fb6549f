// The web app's files from memory: the brotli or gzip variant the build wrote, chosen by the
// client's Accept-Encoding; index.html for app routes; variants never served by their own name.
#include "http/static_files.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace kb::http {
namespace {

namespace fs = std::filesystem;

std::string header(const Response& r, std::string_view name) {
  for (const auto& [n, v] : r.headers) {
    if (n == name) return v;
  }
  return "";
}

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("kb-static-" + std::to_string(::getpid()));
    fs::create_directories(dir_ / "assets");
    write("index.html", "<!doctype html><title>khaibao</title>");
    write("index.html.br", "BR-INDEX");
    write("assets/app-1.js", std::string(1000, 'j'));
    write("assets/app-1.js.br", "BR-APP");
    write("assets/app-1.js.gz", "GZ-APP");
    write("assets/lib-2.js", std::string(500, 'l'));
    write("assets/lib-2.js.gz", std::string(600, 'g'));  // larger than the file: dropped
    write("logo.png", "PNG");
    write("data.tar.gz", "TARBALL");  // a .gz without its plain file is a file of its own
  }
  void TearDown() override { fs::remove_all(dir_); }
  void write(const std::string& rel, const std::string& content) {
    std::ofstream(dir_ / rel, std::ios::binary) << content;
  }
  fs::path dir_;
};

TEST_F(StaticFilesTest, PicksBrotliThenGzipThenPlain) {
  StaticFiles files(dir_.string());
  auto br = files.serve("/assets/app-1.js", {.br = true, .gzip = true});
  ASSERT_TRUE(br);
  EXPECT_EQ(br->body, "BR-APP");
  EXPECT_EQ(header(*br, "Content-Encoding"), "br");
  EXPECT_EQ(header(*br, "Vary"), "Accept-Encoding");
  EXPECT_EQ(header(*br, "Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(br->content_type, "text/javascript; charset=utf-8");

  auto gz = files.serve("/assets/app-1.js", {.gzip = true});
  EXPECT_EQ(gz->body, "GZ-APP");
  EXPECT_EQ(header(*gz, "Content-Encoding"), "gzip");

  auto plain = files.serve("/assets/app-1.js", {});
  EXPECT_EQ(plain->body, std::string(1000, 'j'));
  EXPECT_EQ(header(*plain, "Content-Encoding"), "");
  EXPECT_EQ(header(*plain, "Vary"), "Accept-Encoding");

  // Only brotli was built for index.html: a gzip-only client gets it plain.
  auto index = files.serve("/v/abc123", {.gzip = true});
  EXPECT_EQ(index->body, "<!doctype html><title>khaibao</title>");
  EXPECT_EQ(header(*index, "Cache-Control"), "no-cache");
  EXPECT_EQ(files.serve("/", {.br = true})->body, "BR-INDEX");
}

TEST_F(StaticFilesTest, KeepsOnlySmallerVariantsAndNeverServesThemByName) {
  StaticFiles files(dir_.string());
  auto lib = files.serve("/assets/lib-2.js", {.br = true, .gzip = true});
  EXPECT_EQ(lib->body, std::string(500, 'l'));
  EXPECT_EQ(header(*lib, "Content-Encoding"), "");
  EXPECT_EQ(header(*lib, "Vary"), "");  // one form only: nothing to vary on

  EXPECT_FALSE(files.serve("/assets/app-1.js.br", {.br = true}));
  EXPECT_FALSE(files.serve("/assets/app-1.js.gz", {}));
  auto tarball = files.serve("/data.tar.gz", {.gzip = true});
  ASSERT_TRUE(tarball);
  EXPECT_EQ(tarball->body, "TARBALL");
  EXPECT_EQ(header(*tarball, "Content-Encoding"), "");
  EXPECT_EQ(files.serve("/logo.png", {.br = true})->body, "PNG");
  EXPECT_EQ(files.size(), 5u);  // index.html, two scripts, the image, the tarball
}

}  // namespace
}  // namespace kb::http
