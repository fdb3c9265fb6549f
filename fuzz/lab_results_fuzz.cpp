// A lab's results file (testing/lab_csv.h), with the CSV reader under it (core/csv.h). Whatever
// the bytes, the reader answers a file error naming `body` or `header`, or results and row errors:
// every result names a tube and has a row after the header's, every row error names a column of
// the file, and rows are reported in order.
#include <string>

#include "check.h"
#include "testing/lab_csv.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace kb;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  constexpr int64_t kNow = 1795000000;
  auto file = testing::read_lab_file(input, kNow);
  if (!file.ok()) {
    const auto& f = file.error().field;
    KB_FUZZ_CHECK(!f.empty(), file.error().code);
    return 0;
  }
  KB_FUZZ_CHECK(file->results.size() == file->rows.size(), "a row number for each result");
  int64_t last = 1;
  for (size_t i = 0; i < file->results.size(); ++i) {
    KB_FUZZ_CHECK(!file->results[i].tube_label.empty(), "a result names a tube");
    KB_FUZZ_CHECK(file->rows[i] > last, "rows in order, after the header");
    last = file->rows[i];
    KB_FUZZ_CHECK(file->results[i].lab.size() <= 200, "a lab name is short");
  }
  for (const auto& e : file->errors) {
    KB_FUZZ_CHECK(e.row > 1, "a row error names a row after the header");
    KB_FUZZ_CHECK(
        e.field == "tube_id" || e.field == "result" || e.field == "time" || e.field == "lab",
        e.field);
  }
  return 0;
}
