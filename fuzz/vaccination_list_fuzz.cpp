// A raw vaccination list (vaccination/raw_list.h) as an official uploads it: the CSV reader, the
// header's columns, then every row through the cleaner, against a small address book. Whatever
// the bytes, a file error names a field; each cleaned row keeps its row number (after the
// header's, in order) and its status agrees with its notes: a rejected row has a reason, a clean
// one has neither fix nor reason, a duplicate names an earlier row; an accepted row has a name
// and a YYYY-MM-DD birth date.
#include <string>
#include <vector>

#include "check.h"
#include "core/csv.h"
#include "vaccination/raw_list.h"

namespace {

using namespace kb;

const vaccination::AddressBook& book() {
  static const std::vector<areas::Province> provinces = {{"79", "Thành phố Hồ Chí Minh"},
                                                         {"01", "Thành phố Hà Nội"}};
  static const std::vector<areas::Ward> wards = {{"26743", "Phường Bến Thành", "79"},
                                                 {"00004", "Phường Ba Đình", "01"}};
  static const std::vector<areas::OldWard> old_wards = {
      {"26740", "Phường Bến Nghé", "Quận 1", "Thành phố Hồ Chí Minh", "26743"}};
  static const vaccination::AddressBook b(provinces, wards, old_wards);
  return b;
}

bool iso_date(std::string_view s) {
  return s.size() == 10 && s[4] == '-' && s[7] == '-' && fuzz::all_digits(s.substr(0, 4)) &&
         fuzz::all_digits(s.substr(5, 2)) && fuzz::all_digits(s.substr(8, 2));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto reader = csv::Reader::open(input);
  if (!reader.ok()) {
    KB_FUZZ_CHECK(!reader.error().field.empty(), reader.error().code);
    return 0;
  }
  auto columns = vaccination::find_columns(reader->header(), {});
  if (!columns.ok()) {
    KB_FUZZ_CHECK(!columns.error().field.empty(), columns.error().code);
    return 0;
  }
  vaccination::RawListCleaner cleaner(*columns, book(), std::nullopt, {2026, 11, 26});
  std::vector<std::string> cells;
  int64_t last = 1;
  for (int rows = 0; rows < 1000; ++rows) {
    auto more = reader->next(cells);
    if (!more.ok()) {
      KB_FUZZ_CHECK(!more.error().field.empty(), more.error().code);
      break;
    }
    if (!*more) break;
    auto row = cleaner.clean(reader->row_number(), cells, reader->raw_record());
    if (!row) continue;
    KB_FUZZ_CHECK(row->row_number > last, "rows in order, after the header");
    last = row->row_number;
    switch (row->status) {
      case vaccination::RowStatus::kRejected:
        KB_FUZZ_CHECK(!row->reasons.empty(), "a rejected row says why");
        break;
      case vaccination::RowStatus::kDuplicate:
        KB_FUZZ_CHECK(row->duplicate_of && *row->duplicate_of < row->row_number,
                      "a duplicate names an earlier row");
        break;
      case vaccination::RowStatus::kClean:
        KB_FUZZ_CHECK(row->fixes.empty() && row->reasons.empty(), "a clean row has no notes");
        [[fallthrough]];
      case vaccination::RowStatus::kFixed:
        KB_FUZZ_CHECK(!row->record.full_name.empty(), "an accepted row has a name");
        KB_FUZZ_CHECK(fuzz::is_utf8(row->record.full_name), "names are UTF-8");
        KB_FUZZ_CHECK(iso_date(row->record.birth_date), row->record.birth_date);
        break;
    }
  }
  const auto& n = cleaner.counts();
  KB_FUZZ_CHECK(n.total == n.clean + n.fixed + n.duplicate + n.rejected, "counts add up");
  return 0;
}
