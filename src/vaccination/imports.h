// Imports of raw vaccination lists, as stored: who imported which file when, the counts by
// status, and every row with its outcome and its original text — the per-row report. Accepted
// rows become people. Large lists are written in chunks, each a write of its own, so the shared
// writer never holds other writes (check-ins) back for long.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "areas/area_directory.h"
#include "core/csv.h"
#include "core/result.h"
#include "identity/name_index.h"
#include "store/database.h"
#include "vaccination/raw_list.h"

namespace kb::vaccination {

// Rows cleaned and written per write. Each write's commit copies every index page it touched
// to the WAL; people's indexes are keyed at random (ID number, phone, birth date), so a chunk of
// n rows dirties about n pages of each until n nears the index's size: larger chunks write far
// less (200,000 rows: 1,000-row chunks wrote 2.7 GB, 5,000-row ones 1.4 GB, 20,000-row ones
// 0.7 GB). While other writes (check-ins) wait for the writer, a chunk is 10,000 rows, about a
// quarter of a second of the writer once its people are sealed beforehand (CleanedRow::sealed),
// so they still commit between chunks; while the writer is otherwise at leisure, 50,000 (1,000,000
// rows from the command line, chunks committed lazily: 34 s with 10,000-row chunks, 28 s with
// 40,000, 27 s with 100,000).
inline constexpr size_t kRowsPerWrite = 10000;
inline constexpr size_t kRowsPerWriteAlone = 50000;
// Other writes queued while a chunk was stored that still count as a writer at leisure: the
// server's own background writes (the recent-visit mover, scheduled jobs) come a few per chunk;
// check-ins, even a few hundred a second, come hundreds.
inline constexpr uint64_t kOtherWritesAtLeisure = 16;

// One list being imported: its columns found from the header, then cleaned a chunk at a time;
// the whole file is checked (check()) before anything is written. Holds views into `csv`, which
// must outlive it.
class ListImport {
 public:
  // Checks the whole file: text, header, limits on every row. Errors name the field: body,
  // header, or a column's header (cell too large).
  static Status check(std::string_view csv);

  // Finds the file's columns. Errors name the field: body, header, mapping, full_name (no name
  // column); when the columns are not found, the file is checked first and its faults come first.
  static Result<ListImport> open(std::string_view csv, const ColumnMapping& mapping,
                                 const AddressBook& addresses,
                                 std::optional<areas::Jurisdiction> jurisdiction, Date today);

  // Cleans up to `max_rows` more rows into `out` (cleared first); false once the file is done.
  Result<bool> next_chunk(std::vector<CleanedRow>& out, size_t max_rows = kRowsPerWrite);

  const Counts& counts() const { return cleaner_.counts(); }
  // The columns found, as JSON: {"full_name": "Họ và tên", …}.
  const std::string& columns_json() const { return columns_json_; }

 private:
  ListImport(csv::Reader reader, RawListCleaner cleaner, std::string columns_json)
      : reader_(std::move(reader)),
        cleaner_(std::move(cleaner)),
        columns_json_(std::move(columns_json)) {}

  csv::Reader reader_;
  RawListCleaner cleaner_;
  identity::NameIndexer name_indexer_;  // the accepted names' blind indexes
  std::string columns_json_;
  std::vector<std::string> cells_;
};

struct NewImport {
  std::optional<int64_t> created_by;  // the official; empty for an operator at the command line
  std::string file_name;
  std::optional<areas::Jurisdiction> jurisdiction;  // the importer's; empty: national
  std::string jurisdiction_province;                // its province code (empty: national)
  std::string columns_json;
  int64_t created_at = 0;
};

struct Import {
  int64_t id = 0;
  std::optional<int64_t> created_by;
  std::string created_by_name;  // the official's username
  int64_t created_at = 0;
  std::optional<int64_t> finished_at;
  std::string state;    // importing | done | failed
  std::string failure;  // why it failed: interrupted, or the error's code; empty otherwise
  std::string file_name;
  std::string jurisdiction_level;  // national | province | ward
  std::string jurisdiction_code;
  std::string jurisdiction_province;
  std::string columns_json;
  Counts counts;
  int64_t people_created = 0;
  int64_t people_matched = 0;
};

// Records an import (state importing), owned by this connection's session (see
// fail_interrupted_imports), and returns its id.
Result<int64_t> start_import(store::Connection& c, const NewImport& n);

struct ChunkResult {
  int64_t people_created = 0;
  int64_t people_matched = 0;
};
// Stores a chunk of cleaned rows of an import; clean and fixed rows become people (or are
// matched to people already recorded: match_or_record_people). The import's counts and people
// grow by the chunk's in the same write, so an import cut off tells what it stored. Fails with
// import_not_running when the import is no longer importing: before any write, or (PostgreSQL,
// where an import's chunks are stored two at a time) after them, which the caller's savepoint
// must then undo.
Result<ChunkResult> store_rows(store::Connection& c, int64_t import_id,
                               std::span<const CleanedRow> rows, int64_t now);

struct Chunk {
  int64_t import_id = 0;
  std::vector<CleanedRow> rows;
  int64_t now = 0;
};
// store_rows for one chunk, with PostgreSQL's planning of the people lookups before it
// (people analysed as imports grow them).
Result<ChunkResult> store_chunk(store::Connection& c, const Chunk& chunk);

// store_chunk as a kind of write the writer runs together and without a savepoint
// (store::Writer::submit_grouped), SQLite's: a chunk touches thousands of pages, which a
// savepoint would copy one by one. Its SQL fails only when the database does, and on SQLite
// store_rows finds a finished import before it writes, so it needs no savepoint of its own.
struct StoreChunk {
  // The import answers once its last write (finish_import) is durable, and that commit takes
  // the chunks before it to the disk: a chunk's own commit need not wait for the disk.
  static constexpr bool kCommitsLazily = true;
  using Input = std::shared_ptr<const Chunk>;
  using Output = Result<ChunkResult>;
  static std::vector<Output> run(store::Connection& c, std::span<const Input> chunks);
};

// PostgreSQL plans a query from statistics autovacuum refreshes about a minute after a bulk
// load. Until then the report of a 1,000,000-row import was planned as if the import held 1,677
// rows: each page of 5,000 a bitmap scan of every row and a sort, 0.45–0.6 s against 3 ms. So an
// import that stored at least 10,000 rows refreshes those of its rows' table before it ends
// (0.14 s for 1,000,000 rows). Nothing to do on SQLite, which reads the pages in index order.
Status refresh_row_statistics(store::Connection& c, int64_t rows_stored);

// What an import's stored chunks hold: their rows' counts and the people they made.
struct ImportTotals {
  Counts counts;
  ChunkResult people;
};

// Ends an import: state done, or failed with `failure` (the error's code) when it is not empty.
// Its counts stay those of the chunks stored (store_rows counts each in), so a failed import
// counts no row the cleaning got to but no chunk stored; returns them. Fails with
// import_not_running when the import is no longer importing (a server starting took it for
// interrupted: fail_interrupted_imports).
Result<ImportTotals> finish_import(store::Connection& c, int64_t import_id,
                                   std::string_view failure, int64_t now);

// Imports left importing by a server that stopped in the middle (kill -9, power loss) become
// failed, failure "interrupted", with the counts of the rows their stored chunks hold, each
// audited; returns their ids. Run once as a server starts. Only imports whose owner is gone are
// touched, so a node starting beside others on one PostgreSQL leaves their running imports be.
Result<std::vector<int64_t>> fail_interrupted_imports(store::Connection& c, int64_t now);

// The person each accepted record is: one already recorded with the same ID number (or, for a
// record without one, the same phone, name and birth date), or a new person. The one place that
// decides identity for imports, until identity matching replaces it.
struct PersonLink {
  int64_t person_id = 0;
  bool created = false;
};
Result<std::vector<PersonLink>> match_or_record_people(store::Connection& c,
                                                       std::span<const CleanedRow* const> rows,
                                                       int64_t now);

Result<std::optional<Import>> find_import(store::Connection& c, int64_t id);

struct StoredRow {
  int64_t row_number = 0;
  RowStatus status = RowStatus::kClean;
  std::string fixes_json;    // [{"code", "field"}] or empty
  std::string reasons_json;  // [{"code", "field", "message"}] or empty
  std::optional<int64_t> duplicate_of;
  std::optional<int64_t> person_id;
  CleanRecord record;
  std::string original;
};
// Rows after row `after`, in row order, of one status or all.
Result<std::vector<StoredRow>> list_rows(store::Connection& c, int64_t import_id,
                                         std::optional<RowStatus> status, int64_t after,
                                         int64_t limit);

// A whole import run to its end on the calling thread, audited: for the command line. It runs
// the HTTP handler's pipeline (vaccination::run_import, import_run.h) on a thread of its own,
// so a chunk is cleaned while the one before it is written. Defined in import_run.cpp.
struct ImportOutcome {
  int64_t id = 0;
  Counts counts;
  ChunkResult people;
};
Result<ImportOutcome> import_list(store::Database& db, std::string_view csv,
                                  const ColumnMapping& mapping, const AddressBook& addresses,
                                  NewImport n, int64_t now);

// The audit entry of an import (action vaccination.import), written with its final counts and,
// for a failed import, why it failed.
Status audit_import(store::Connection& c, int64_t import_id, std::optional<int64_t> actor,
                    std::string_view file_name, const Counts& counts, std::string_view failure,
                    int64_t now);

// The report's header line, and one row of it (CSV rules of core/csv.h).
std::string report_header();
void append_report_row(std::string& out, const StoredRow& row);

// The counts as JSON: {"total", "clean", "fixed", "duplicate", "rejected"}.
std::string counts_json(const Counts& counts);

}  // namespace kb::vaccination
