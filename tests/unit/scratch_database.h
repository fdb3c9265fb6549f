// Where a unit test's database lives: SQLite in a temporary directory of its own (removed with
// this object), or a new schema of the PostgreSQL server named by KB_TEST_PG_URL
// (scripts/with-postgres.sh starts one and sets it).
#pragma once

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

#include "store/database.h"

namespace kb::test_support {

class ScratchDatabase {
 public:
  // `name` tells the tests' databases apart on disk and in PostgreSQL's schema list.
  ScratchDatabase(store::Dialect dialect, std::string_view name) {
    static int counter = 0;
    std::string unique =
        std::string(name) + "_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
    if (dialect == store::Dialect::kSqlite) {
      dir_ = std::filesystem::temp_directory_path() / ("kb-" + unique);
      std::filesystem::remove_all(dir_);
      std::filesystem::create_directories(dir_);
      url_ = "sqlite:" + (dir_ / "test.db").string();
      return;
    }
    const char* pg = std::getenv("KB_TEST_PG_URL");
    if (!pg || !*pg) return;
    std::string base = pg;
    std::string schema =
        unique + "_" + std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
    url_ = base + (base.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" +
           schema;
  }
  ~ScratchDatabase() {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  ScratchDatabase(const ScratchDatabase&) = delete;
  ScratchDatabase& operator=(const ScratchDatabase&) = delete;

  // False when PostgreSQL was asked for and KB_TEST_PG_URL is not set: skip the test.
  bool available() const { return !url_.empty(); }
  const std::string& url() const { return url_; }

  static constexpr const char* kSkipReason =
      "KB_TEST_PG_URL is not set (scripts/with-postgres.sh sets it)";

 private:
  std::string url_;
  std::filesystem::path dir_;
};

}  // namespace kb::test_support
