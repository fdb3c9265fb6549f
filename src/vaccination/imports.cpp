#include "vaccination/imports.h"

#include <fmt/format.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <charconv>
#include <fstream>
#include <iterator>
#include <mutex>
#include <sstream>
#include <unordered_map>

#include "audit/audit_log.h"
#include "crypto/sealing.h"
#include "identity/name_index.h"

namespace kb::vaccination {
namespace {

using store::Param;
using store::Sql;

// Statements whose texts are built once, at first use (statements are cached by the address of
// their text, which must therefore live as long as the process).
struct BatchSql {
  std::string text;
  Sql sql;
};

// SELECT … WHERE column IN ($1 … $N): a fixed number of parameters, the unused ones NULL.
constexpr size_t kLookupBatch = 100;
BatchSql* batch_lookup(const char* name, std::string_view head) {
  auto* b = new BatchSql;
  b->text = std::string(head) + " IN (";
  for (size_t i = 1; i <= kLookupBatch; ++i) b->text += fmt::format("{}${}", i > 1 ? "," : "", i);
  b->text += ')';
  b->sql = Sql{name, b->text.c_str()};
  return b;
}

// A table a chunk appends to, with its columns ("people(id, full_name, …)"): one COPY on
// PostgreSQL (store::Connection::copy_rows: a 1,000,000-row import took 89 s with 100-row
// INSERTs), an INSERT a row on SQLite, its text built once.
class AppendTable {
 public:
  // The INSERT's statement name last: a snake_case literal before a text with spaces reads as an
  // error code to scripts/error-codes.mjs.
  AppendTable(std::string_view into, size_t columns, const char* insert_name)
      : into_(into), columns_(columns) {
    insert_text_ = fmt::format("INSERT INTO {} VALUES (", into);
    for (size_t col = 1; col <= columns; ++col)
      insert_text_ += fmt::format("{}${}", col > 1 ? "," : "", col);
    insert_text_ += ')';
    insert_ = Sql{insert_name, insert_text_.c_str()};
  }
  AppendTable(const AppendTable&) = delete;  // insert_ points into insert_text_
  AppendTable& operator=(const AppendTable&) = delete;

  size_t columns() const { return columns_; }

  // Appends `values`, whole rows of columns() values one after another.
  Status append(store::Connection& c, std::span<const Param> values) const {
    if (c.dialect() == store::Dialect::kPostgres) return c.copy_rows(into_, columns_, values);
    for (size_t at = 0; at < values.size(); at += columns_)
      KB_TRY(c.exec(insert_, values.subspan(at, columns_)));
    return {};
  }

 private:
  std::string_view into_;
  size_t columns_;
  std::string insert_text_;  // lives as long as the process, as prepared statements need
  Sql insert_{};
};

const AppendTable kImportRows{
    "vaccination_import_rows(import_id, row_number, status, fixes, duplicate_of, person_id, "
    "birth_date, sex, id_kind, province_code, ward_code, priority_group, personal)",
    13, "insert_vaccination_row"};
const AppendTable kImportedPeople{
    "people(id, full_name, id_number, id_kind, birth_date, sex, phone, province_code, ward_code, "
    "street, created_at, updated_at, id_number_index, phone_index, name_key, name_words)",
    16, "insert_imported_person"};

// The people whose blind index in `column` is one of some keys: on SQLite through IN lists of
// kLookupBatch keys, on PostgreSQL through one array a chunk (a round trip instead of one for
// every 100 rows: 10,000 round trips in a 1,000,000-row import).
struct Lookup {
  BatchSql* batched;
  BatchSql array;
};
// `select` is "SELECT … FROM people WHERE <column>"; the statements' names come last (a
// snake_case literal before a text with spaces reads as an error code to scripts/error-codes.mjs).
Lookup* make_lookup(const char* select, const char* batch_name, const char* array_name) {
  auto* l = new Lookup{batch_lookup(batch_name, select), {}};
  l->array.text = std::string(select) + " = ANY(CAST($1 AS TEXT[]))";
  l->array.sql = Sql{array_name, l->array.text.c_str()};
  return l;
}
const Lookup& people_by_id_number() {
  static Lookup* l = make_lookup("SELECT id, id_number_index FROM people WHERE id_number_index",
                                 "select_people_by_id_numbers", "select_people_by_id_number_array");
  return *l;
}
const Lookup& people_by_phone() {
  static Lookup* l =
      make_lookup("SELECT id, phone_index, full_name, birth_date FROM people WHERE phone_index",
                  "select_people_by_phones", "select_people_by_phone_array");
  return *l;
}

// Runs `lookup` over `count` keys, `key(k)` the k-th (a blind index: hex, so an array literal
// needs no quoting), and calls `found(row)` for each person found.
template <class Key, class Found>
Status look_up(store::Connection& c, const Lookup& lookup, size_t count, Key key, Found found) {
  if (count == 0) return {};
  if (c.dialect() == store::Dialect::kPostgres) {
    std::string keys = "{";
    for (size_t k = 0; k < count; ++k) {
      if (k > 0) keys.push_back(',');
      keys += key(k);
    }
    keys.push_back('}');
    KB_ASSIGN(auto rows, c.query(lookup.array.sql, {std::string_view(keys)}));
    for (const auto& r : rows) found(r);
    return {};
  }
  std::vector<Param> params(kLookupBatch);
  for (size_t at = 0; at < count; at += kLookupBatch) {
    for (size_t k = 0; k < kLookupBatch; ++k)
      params[k] = at + k < count ? Param{std::string_view(key(at + k))} : Param{nullptr};
    KB_ASSIGN(auto rows, c.query(lookup.batched->sql, params));
    for (const auto& r : rows) found(r);
  }
  return {};
}

// New people's ids, taken before the insert so that each id is known to belong to its record.
constexpr Sql kMaxPersonIdSqlite{"max_person_id", "SELECT COALESCE(MAX(id), 0) FROM people"};
// The sequence found once (an InitPlan), not for every id: 50,000 ids took 141 ms.
constexpr Sql kNextPersonIdsPg{
    "next_person_ids",
    "SELECT nextval((SELECT CAST(pg_get_serial_sequence('people', 'id') AS regclass))) FROM "
    "generate_series(1, CAST($1 AS INTEGER))"};

constexpr Sql kInsertImport{
    "insert_vaccination_import",
    "INSERT INTO vaccination_imports(created_by, created_at, state, file_name, jurisdiction_level, "
    "jurisdiction_code, jurisdiction_province, columns, owner) VALUES ($1, $2, 'importing', $3, "
    "$4, $5, $6, $7, $8) RETURNING id"};
// A chunk is stored only into an import still running: checked before its first write, and
// its rows and people counted in with its last, in the same transaction. On SQLite nothing can
// end the import in between (the one writer); on PostgreSQL, where two chunks are stored at
// once (import_run.cpp), an import ended meanwhile (a node took it for interrupted) finds no
// row to count, and the chunk's savepoint undoes it. Counting last keeps the import's row
// locked only from the count to the commit, so the other chunk's writes go on meanwhile.
constexpr Sql kImportRunning{
    "vaccination_import_running",
    "SELECT 1 FROM vaccination_imports WHERE id = $1 AND state = 'importing'"};
constexpr Sql kCountChunk{
    "count_vaccination_import_chunk",
    "UPDATE vaccination_imports SET total_rows = total_rows + $2, clean_rows = clean_rows + $3, "
    "fixed_rows = fixed_rows + $4, duplicate_rows = duplicate_rows + $5, rejected_rows = "
    "rejected_rows + $6, people_created = people_created + $8, people_matched = people_matched "
    "+ $9, owner = $7 WHERE id = $1 AND state = 'importing'"};
constexpr Sql kFinishImport{
    "finish_vaccination_import",
    "UPDATE vaccination_imports SET state = $2, failure = $4, finished_at = $3 WHERE id = $1 AND "
    "state = 'importing' RETURNING total_rows, clean_rows, fixed_rows, duplicate_rows, "
    "rejected_rows, people_created, people_matched"};
constexpr Sql kSelectRunning{
    "select_running_vaccination_imports",
    "SELECT id, owner, created_by, file_name, total_rows, clean_rows, fixed_rows, duplicate_rows, "
    "rejected_rows FROM vaccination_imports WHERE state = 'importing' ORDER BY id"};
constexpr Sql kFailInterrupted{
    "fail_interrupted_vaccination_import",
    "UPDATE vaccination_imports SET state = 'failed', failure = 'interrupted', finished_at = $2 "
    "WHERE id = $1 AND state = 'importing' AND owner = $3"};
constexpr Sql kSelectImport{
    "select_vaccination_import",
    "SELECT i.id, i.created_by, COALESCE(u.username, ''), i.created_at, i.finished_at, i.state, "
    "i.file_name, "
    "i.jurisdiction_level, i.jurisdiction_code, i.jurisdiction_province, i.columns, i.total_rows, "
    "i.clean_rows, "
    "i.fixed_rows, i.duplicate_rows, i.rejected_rows, i.people_created, i.people_matched, "
    "i.failure FROM vaccination_imports i LEFT JOIN users u ON u.id = i.created_by WHERE i.id = "
    "$1"};

// ---- who runs an import ----
//
// Several servers may serve one PostgreSQL, so a server starting must tell an import cut off
// from one another node is running. The simplest exact rule needs no clock: an import is owned
// by the database session that writes it, and it was cut off when that session is gone. On
// PostgreSQL the owner is the writer connection's backend (pid and start time, as
// pg_stat_activity shows them): a process that dies, even by kill -9, ends its sessions at once
// (a vanished host's when PostgreSQL's keepalives give up on its connection), and every chunk
// records its session again, since a connection reset in the middle opens another. On SQLite
// the connection lives in the process, so the owner is the process (pid and start time from
// /proc): a server starting beside an operator's command-line import leaves it be. (A heartbeat
// with a time limit was the other choice: the limit would have to outlast any chunk under load,
// and a node restarted within it would leave its own cut-off import running.) An import with no
// owner (from before owners were recorded) counts as cut off.

constexpr Sql kSessionPg{"vaccination_import_session",
                         "SELECT pid, CAST(EXTRACT(EPOCH FROM backend_start) * 1000000 AS BIGINT) "
                         "FROM pg_stat_activity WHERE pid = pg_backend_pid()"};
// A session of another database role shows no start time: one with the pid counts as alive.
constexpr Sql kSessionStartedPg{
    "vaccination_import_session_started",
    "SELECT CAST(EXTRACT(EPOCH FROM backend_start) * 1000000 AS BIGINT) FROM pg_stat_activity "
    "WHERE pid = $1"};

// When process `pid` started, in clock ticks since boot (field 22 of /proc/PID/stat); none when
// no such process runs.
std::optional<std::string> process_started(int64_t pid) {
  std::ifstream in(fmt::format("/proc/{}/stat", pid));
  if (!in) return std::nullopt;
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t name_end = stat.rfind(')');  // the name (field 2) may hold spaces and parentheses
  if (name_end == std::string::npos) return std::nullopt;
  std::istringstream fields(stat.substr(name_end + 1));
  std::string field;
  for (int n = 3; n <= 22; ++n) {
    if (!(fields >> field)) return std::nullopt;
  }
  return field;
}

Result<std::string> owner_of(store::Connection& c) {
  if (c.dialect() == store::Dialect::kPostgres) {
    KB_ASSIGN(auto row, c.query_one(kSessionPg));
    if (!row) return internal("the session is not in pg_stat_activity");
    return fmt::format("pg:{}:{}", row->i64(0), row->opt_i64(1).value_or(0));
  }
  static const std::string process =
      fmt::format("os:{}:{}", ::getpid(), process_started(::getpid()).value_or(""));
  return process;
}

Result<bool> owner_runs(store::Connection& c, std::string_view owner) {
  // "pg:PID:STARTED" or "os:PID:STARTED"
  size_t first = owner.find(':'), second = owner.find(':', first + 1);
  if (first == std::string_view::npos || second == std::string_view::npos) return false;
  std::string_view kind = owner.substr(0, first), started = owner.substr(second + 1);
  std::string_view pid_text = owner.substr(first + 1, second - first - 1);
  int64_t pid = 0;
  auto parsed = std::from_chars(pid_text.data(), pid_text.data() + pid_text.size(), pid);
  if (parsed.ec != std::errc{} || pid <= 0) return false;
  if (kind == "pg" && c.dialect() == store::Dialect::kPostgres) {
    KB_ASSIGN(auto sessions, c.query(kSessionStartedPg, {pid}));
    for (const auto& s : sessions) {
      auto at = s.opt_i64(0);
      if (!at || std::to_string(*at) == started) return true;
    }
    return false;
  }
  if (kind == "os" && c.dialect() == store::Dialect::kSqlite) {
    auto at = process_started(pid);
    return at && *at == started;
  }
  return false;
}

Error not_running(int64_t import_id) {
  return make_error(ErrorKind::kConflict, "import_not_running",
                    fmt::format("import {} is no longer running", import_id));
}

#define KB_IMPORT_ROW_COLUMNS                                                                 \
  "row_number, status, fixes, reasons, duplicate_of, person_id, full_name, birth_date, sex, " \
  "id_number, id_kind, "                                                                      \
  "phone, province_code, ward_code, street, priority_group, original, personal"
constexpr Sql kSelectRows{"select_vaccination_rows",
                          "SELECT " KB_IMPORT_ROW_COLUMNS
                          " FROM vaccination_import_rows WHERE import_id = $1 "
                          "AND row_number > $2 ORDER BY row_number LIMIT $3"};
constexpr Sql kSelectRowsByStatus{
    "select_vaccination_rows_by_status",
    "SELECT " KB_IMPORT_ROW_COLUMNS
    " FROM vaccination_import_rows WHERE import_id = $1 "
    "AND status = $4 AND row_number > $2 ORDER BY row_number LIMIT $3"};

void append_json_string(std::string& out, std::string_view s) {
  out.push_back('"');
  for (char ch : s) {
    auto b = static_cast<unsigned char>(ch);
    if (ch == '"' || ch == '\\') {
      out.push_back('\\');
      out.push_back(ch);
    } else if (b < 0x20) {
      out += fmt::format("\\u{:04x}", b);
    } else {
      out.push_back(ch);
    }
  }
  out.push_back('"');
}

// [{"code":…,"field":…,"message":…}], written by hand: one for most rows of a large import.
std::string notes_json(const std::vector<Note>& notes, bool with_message) {
  if (notes.empty()) return {};
  std::string out = "[";
  for (const auto& n : notes) {
    if (out.size() > 1) out.push_back(',');
    out += "{\"code\":";
    append_json_string(out, n.code);
    out += ",\"field\":";
    append_json_string(out, n.field);
    if (with_message) {
      out += ",\"message\":";
      append_json_string(out, n.message);
    }
    out.push_back('}');
  }
  out.push_back(']');
  return out;
}

// While imports run, the SQLite writer keeps a page cache that holds people's indexes: with the
// connection's usual 16 MB, a chunk read most index pages it touched back from the OS (about a
// tenth of the writer's time was the kernel copying pages in) and spilled dirty pages to the WAL
// before its commit.
constexpr int64_t kImportCacheKib = 256 * 1024;
// And its WAL is kept from growing without end, in a file whose space is used again. The
// checkpointer thread copies the WAL back every 2 s, but while chunks commit one after another
// it never catches up with the last frame, and SQLite starts the WAL again from its beginning
// only once every frame is copied back: a 1,000,000-row import grew it to 2.7 GB, every frame
// written to new file space, which the kernel zeroes and allocates first (a fifth of the writer's
// CPU in `zero_user_segments`). So the writer's own commit copies back what the thread has not
// yet (SQLite's automatic checkpoint) once the WAL holds 512 MB, after which the next chunk
// starts the WAL again; and the WAL is not cut back to journal_size_limit meanwhile, so the next
// 512 MB land in pages the kernel already has. At 64 MB the writer copied back four times as
// often (the usual setting: 2 s of a 25 s writer); at 1 GB the WAL outgrew what stayed cached.
// Command-line import of 1,000,000 rows: 28.2 → 24.1–25.6 s, the writer 23.2 → 19.4–20.8 s.
// PostgreSQL's cache and checkpoints are the server's own.
constexpr int64_t kImportWalFrames = 131072;  // 512 MB of 4 KB pages

struct WriterSettings {
  std::mutex mutex;
  int imports = 0;         // running in this process
  std::string restore_to;  // the settings before the first of them
};
WriterSettings& writer_settings() {
  static WriterSettings settings;
  return settings;
}

Status set_writer_for_imports(store::Connection& c) {
  if (c.dialect() != store::Dialect::kSqlite) return {};
  static constexpr Sql kCacheSize{"sqlite_cache_size", "PRAGMA cache_size"};
  static constexpr Sql kAutoCheckpoint{"sqlite_wal_autocheckpoint", "PRAGMA wal_autocheckpoint"};
  static constexpr Sql kWalLimit{"sqlite_journal_size_limit", "PRAGMA journal_size_limit"};
  WriterSettings& w = writer_settings();
  std::lock_guard lock(w.mutex);
  if (w.imports == 0) {
    KB_ASSIGN(auto cache, c.query(kCacheSize));
    KB_ASSIGN(auto checkpoint, c.query(kAutoCheckpoint));
    KB_ASSIGN(auto wal_limit, c.query(kWalLimit));
    if (cache.empty() || checkpoint.empty() || wal_limit.empty())
      return internal("a PRAGMA answered nothing");
    w.restore_to = fmt::format(
        "PRAGMA cache_size={}; PRAGMA wal_autocheckpoint={}; PRAGMA journal_size_limit={}",
        cache[0].i64(0), checkpoint[0].i64(0), wal_limit[0].i64(0));
    KB_TRY(c.exec_script(fmt::format(
        "PRAGMA cache_size=-{}; PRAGMA wal_autocheckpoint={}; PRAGMA journal_size_limit=-1",
        kImportCacheKib, kImportWalFrames)));
  }
  ++w.imports;
  return {};
}

Status restore_writer_settings(store::Connection& c) {
  if (c.dialect() != store::Dialect::kSqlite) return {};
  WriterSettings& w = writer_settings();
  std::lock_guard lock(w.mutex);
  if (w.imports == 0 || --w.imports > 0) return {};
  return c.exec_script(w.restore_to);
}

Param text(const std::string& s) { return std::string_view(s); }
Param opt_text(const std::string& s) {
  return s.empty() ? Param{nullptr} : Param{std::string_view(s)};
}

}  // namespace

namespace {

// An import row's personal fields as one text to seal: each field as its length in decimal, a
// colon, then its bytes (no field can end another early, whatever it holds), in the order below.
std::string personal_record(const CleanedRow& row) {
  const CleanRecord& r = row.record;
  std::string out;
  out.reserve(r.full_name.size() + r.id_number.size() + r.phone.size() + r.street.size() +
              row.reasons_json.size() + row.original.size() + 24);
  for (const std::string* field :
       {&r.full_name, &r.id_number, &r.phone, &r.street, &row.reasons_json, &row.original}) {
    out += std::to_string(field->size());
    out += ':';
    out += *field;
  }
  return out;
}

// The fields of personal_record() back into `row`; false when `text` is not such a record.
bool read_personal_record(std::string_view text, StoredRow& row) {
  for (std::string* field : {&row.record.full_name, &row.record.id_number, &row.record.phone,
                             &row.record.street, &row.reasons_json, &row.original}) {
    size_t colon = text.find(':');
    size_t size = 0;
    if (colon == std::string_view::npos ||
        std::from_chars(text.data(), text.data() + colon, size).ptr != text.data() + colon ||
        text.size() - colon - 1 < size)
      return false;
    field->assign(text.substr(colon + 1, size));
    text.remove_prefix(colon + 1 + size);
  }
  return text.empty();
}

}  // namespace

// ---- the file ----

Status ListImport::check(std::string_view csv_text) {
  KB_ASSIGN(csv::Reader check, csv::Reader::open(csv_text));
  std::vector<std::string> cells;
  for (;;) {
    KB_ASSIGN(bool got, check.next(cells));
    if (!got) return {};
  }
}

Result<ListImport> ListImport::open(std::string_view csv_text, const ColumnMapping& mapping,
                                    const AddressBook& addresses,
                                    std::optional<areas::Jurisdiction> jurisdiction, Date today) {
  KB_ASSIGN(csv::Reader reader, csv::Reader::open(csv_text));
  Result<Columns> columns = find_columns(reader.header(), mapping);
  if (!columns.ok()) {
    KB_TRY(check(csv_text));  // a fault anywhere in the file is named first
    return std::move(columns).error();
  }
  boost::json::object used;
  for (size_t f = 0; f < kFieldCount; ++f) {
    if (columns->index[f] >= 0)
      used[field_name(static_cast<Field>(f))] = reader.header()[columns->index[f]];
  }
  RawListCleaner cleaner(*columns, addresses, std::move(jurisdiction), today);
  cleaner.expect_rows(csv_text.size() / 100);
  return ListImport(std::move(reader), std::move(cleaner), boost::json::serialize(used));
}

Result<bool> ListImport::next_chunk(std::vector<CleanedRow>& out, size_t max_rows) {
  out.clear();
  while (out.size() < max_rows) {
    KB_ASSIGN(bool got, reader_.next(cells_));
    if (!got) break;
    auto row = cleaner_.clean(reader_.row_number(), cells_, reader_.raw_record());
    if (!row) continue;
    row->fixes_json = notes_json(row->fixes, false);
    row->reasons_json = notes_json(row->reasons, true);
    const CleanRecord& r = row->record;
    CleanedRow::Sealed& sealed = row->sealed;
    sealed.record = sealing::seal(personal_record(*row));
    if (row->status == RowStatus::kClean || row->status == RowStatus::kFixed) {
      sealed.full_name = sealing::seal(r.full_name);
      sealed.street = sealing::seal(r.street);
      sealed.id_number = sealing::seal(r.id_number);
      sealed.phone = sealing::seal(r.phone);
      sealed.id_number_index = sealing::blind("id_number", r.id_number);
      sealed.phone_index = sealing::blind("phone", r.phone);
      identity::NameIndexes name = name_indexer_(r.full_name);
      sealed.name_key_index = std::move(name.key);
      sealed.name_word_indexes = std::move(name.words);
    }
    out.push_back(std::move(*row));
  }
  return !out.empty();
}

// ---- storage ----

Result<int64_t> start_import(store::Connection& c, const NewImport& n) {
  std::string level = n.jurisdiction ? std::string(n.jurisdiction->level_name()) : "national";
  std::string code = n.jurisdiction ? n.jurisdiction->code : "";
  Param by = n.created_by ? Param{*n.created_by} : Param{nullptr};
  KB_ASSIGN(std::string owner, owner_of(c));
  KB_ASSIGN(auto row, c.query_one(kInsertImport, {by, n.created_at, text(n.file_name), text(level),
                                                  text(code), text(n.jurisdiction_province),
                                                  text(n.columns_json), text(owner)}));
  if (!row) return internal("recording an import returned no id");
  KB_TRY(set_writer_for_imports(c));
  return row->i64(0);
}

Result<std::vector<PersonLink>> match_or_record_people(store::Connection& c,
                                                       std::span<const CleanedRow* const> rows,
                                                       int64_t now) {
  std::vector<PersonLink> links(rows.size());
  // ID numbers and phones are sealed at rest and found by their blind indexes (crypto/sealing.h),
  // made with the row (CleanedRow::sealed).
  auto id_index = [&](size_t i) -> const std::string& { return rows[i]->sealed.id_number_index; };
  auto phone_index = [&](size_t i) -> const std::string& { return rows[i]->sealed.phone_index; };
  // 1. By ID number.
  std::unordered_map<std::string_view, size_t> by_id;
  std::vector<size_t> with_id, without_id;
  for (size_t i = 0; i < rows.size(); ++i) {
    if (!rows[i]->record.id_number.empty()) {
      by_id.emplace(id_index(i), i);
      with_id.push_back(i);
    } else if (!rows[i]->record.phone.empty()) {
      without_id.push_back(i);
    }
  }
  KB_TRY(look_up(
      c, people_by_id_number(), with_id.size(),
      [&](size_t k) -> const std::string& { return id_index(with_id[k]); },
      [&](const store::Row& r) {
        auto it = by_id.find(r.str(1));
        if (it != by_id.end()) links[it->second] = {r.i64(0), false};
      }));
  // 2. Without an ID number: the same phone, name and birth date.
  std::unordered_multimap<std::string_view, size_t> by_phone;
  for (size_t i : without_id) by_phone.emplace(phone_index(i), i);
  KB_TRY(look_up(
      c, people_by_phone(), without_id.size(),
      [&](size_t k) -> const std::string& { return phone_index(without_id[k]); },
      [&](const store::Row& r) {
        std::string phone = r.str(1), name = sealing::reveal(r.str(2)), birth = r.str(3);
        auto [lo, hi] = by_phone.equal_range(phone);
        for (auto it = lo; it != hi; ++it) {
          const CleanRecord& rec = rows[it->second]->record;
          if (links[it->second].person_id == 0 && rec.full_name == name &&
              rec.birth_date == birth) {
            links[it->second] = {r.i64(0), false};
          }
        }
      }));
  // 3. Everyone else is a new person, with an id reserved first.
  std::vector<size_t> fresh;
  for (size_t i = 0; i < rows.size(); ++i) {
    if (links[i].person_id == 0) fresh.push_back(i);
  }
  if (fresh.empty()) return links;
  std::vector<int64_t> ids;
  ids.reserve(fresh.size());
  if (c.dialect() == store::Dialect::kSqlite) {
    KB_ASSIGN(auto found, c.query(kMaxPersonIdSqlite));
    int64_t max = found.empty() ? 0 : found[0].i64(0);
    for (size_t k = 0; k < fresh.size(); ++k) ids.push_back(max + 1 + static_cast<int64_t>(k));
  } else {
    KB_ASSIGN(auto found, c.query(kNextPersonIdsPg, {static_cast<int64_t>(fresh.size())}));
    for (const auto& r : found) ids.push_back(r.i64(0));
    if (ids.size() != fresh.size()) return internal("reserving person ids returned too few");
  }
  std::vector<Param> values;
  values.reserve(fresh.size() * kImportedPeople.columns());
  for (size_t k = 0; k < fresh.size(); ++k) {
    const CleanRecord& r = rows[fresh[k]]->record;
    const CleanedRow::Sealed& s = rows[fresh[k]]->sealed;
    values.insert(
        values.end(),
        {ids[k], text(s.full_name), opt_text(s.id_number), opt_text(r.id_kind),
         opt_text(r.birth_date), opt_text(r.sex), opt_text(s.phone), opt_text(r.province_code),
         opt_text(r.ward_code), opt_text(s.street), now, now, opt_text(s.id_number_index),
         opt_text(s.phone_index), opt_text(s.name_key_index), opt_text(s.name_word_indexes)});
    links[fresh[k]] = {ids[k], true};
  }
  KB_TRY(kImportedPeople.append(c, values));
  return links;
}

Result<ChunkResult> store_rows(store::Connection& c, int64_t import_id,
                               std::span<const CleanedRow> rows, int64_t now) {
  std::vector<const CleanedRow*> accepted;
  std::vector<size_t> accepted_at;
  Counts counts;
  for (size_t i = 0; i < rows.size(); ++i) {
    counts.add(rows[i].status);
    if (rows[i].status == RowStatus::kClean || rows[i].status == RowStatus::kFixed) {
      accepted.push_back(&rows[i]);
      accepted_at.push_back(i);
    }
  }
  KB_ASSIGN(auto running, c.query_one(kImportRunning, {import_id}));
  if (!running) return not_running(import_id);
  KB_ASSIGN(auto links, match_or_record_people(c, accepted, now));
  ChunkResult result;
  std::vector<std::optional<int64_t>> person(rows.size());
  for (size_t k = 0; k < links.size(); ++k) {
    person[accepted_at[k]] = links[k].person_id;
    (links[k].created ? result.people_created : result.people_matched) += 1;
  }
  std::vector<Param> values;
  values.reserve(rows.size() * kImportRows.columns());
  for (size_t k = 0; k < rows.size(); ++k) {
    const CleanedRow& row = rows[k];
    const CleanRecord& r = row.record;
    const CleanedRow::Sealed& sealed = row.sealed;
    values.insert(values.end(),
                  {import_id, row.row_number, status_name(row.status), text(row.fixes_json),
                   row.duplicate_of ? Param{*row.duplicate_of} : Param{nullptr},
                   person[k] ? Param{*person[k]} : Param{nullptr}, text(r.birth_date), text(r.sex),
                   text(r.id_kind), text(r.province_code), text(r.ward_code),
                   text(r.priority_group), text(sealed.record)});
  }
  KB_TRY(kImportRows.append(c, values));
  KB_ASSIGN(std::string owner, owner_of(c));
  KB_ASSIGN(int64_t counted,
            c.exec(kCountChunk,
                   {import_id, counts.total, counts.clean, counts.fixed, counts.duplicate,
                    counts.rejected, text(owner), result.people_created, result.people_matched}));
  if (counted == 0) return not_running(import_id);
  return result;
}

namespace {

// PostgreSQL plans the lookups of people by ID number and phone from statistics taken when
// people held few rows (and keeps a prepared statement's plan until they change): with them,
// the lookups by phone scanned the whole table for every 100 rows (a 200,000-row import read 50
// million rows). So a chunk first analyses people when the rows changed since the last analysis
// reach those it counted (at each doubling), and after the first 10,000. PostgreSQL keeps both
// figures for the table, so the import's two writers, and imports after, share one rhythm: an
// import into a people table far larger than itself analyses nothing. Only the two columns the
// lookups read (0.16 s on 1,000,000 people against 0.4 s for all), and SKIP_LOCKED: a writer that
// finds the other analysing goes on with its chunk instead of waiting for the other's commit.
constexpr int64_t kAnalyseAfterPeople = 10000;
constexpr int64_t kAnalyseAfterRows = 10000;
constexpr Sql kPeopleSinceAnalysed{
    "people_changed_since_analysed",
    "SELECT s.n_mod_since_analyze, CAST(GREATEST(c.reltuples, 0) AS BIGINT) "
    "FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid "
    "WHERE s.relid = CAST('people' AS regclass)"};

Status plan_people_lookups(store::Connection& c) {
  KB_ASSIGN(auto since, c.query_one(kPeopleSinceAnalysed));
  if (!since) return {};
  const int64_t changed = (*since).i64(0);
  const int64_t counted = (*since).i64(1);
  if (changed < std::max(kAnalyseAfterPeople, counted)) return {};
  return c.exec_script("ANALYZE (SKIP_LOCKED) people (id_number_index, phone_index)");
}

}  // namespace

Result<ChunkResult> store_chunk(store::Connection& c, const Chunk& chunk) {
  if (c.dialect() == store::Dialect::kPostgres) KB_TRY(plan_people_lookups(c));
  return store_rows(c, chunk.import_id, chunk.rows, chunk.now);
}

std::vector<Result<ChunkResult>> StoreChunk::run(store::Connection& c,
                                                 std::span<const Input> chunks) {
  std::vector<Result<ChunkResult>> out;
  out.reserve(chunks.size());
  for (const Input& chunk : chunks) out.push_back(store_chunk(c, *chunk));
  return out;
}

Status refresh_row_statistics(store::Connection& c, int64_t rows_stored) {
  if (c.dialect() != store::Dialect::kPostgres || rows_stored < kAnalyseAfterRows) return {};
  return c.exec_script("ANALYZE vaccination_import_rows (import_id, row_number, status)");
}

Result<ImportTotals> finish_import(store::Connection& c, int64_t import_id,
                                   std::string_view failure, int64_t now) {
  Result<std::optional<store::Row>> finished =
      c.query_one(kFinishImport,
                  {import_id, std::string_view(failure.empty() ? "done" : "failed"), now, failure});
  KB_TRY(restore_writer_settings(c));
  if (!finished.ok()) return std::move(finished).error();
  if (!*finished) return not_running(import_id);
  const store::Row& r = **finished;
  return ImportTotals{{r.i64(0), r.i64(1), r.i64(2), r.i64(3), r.i64(4)}, {r.i64(5), r.i64(6)}};
}

Result<std::vector<int64_t>> fail_interrupted_imports(store::Connection& c, int64_t now) {
  KB_ASSIGN(auto running, c.query(kSelectRunning));
  std::vector<int64_t> failed;
  for (const auto& r : running) {
    const std::string owner = r.str(1);
    KB_ASSIGN(bool runs, owner_runs(c, owner));
    if (runs) continue;
    const int64_t id = r.i64(0);
    // Only if its owner is still the one found gone: a chunk stored meanwhile names its own.
    KB_ASSIGN(int64_t changed, c.exec(kFailInterrupted, {id, now, std::string_view(owner)}));
    if (changed == 0) continue;
    const Counts stored{r.i64(4), r.i64(5), r.i64(6), r.i64(7), r.i64(8)};
    KB_TRY(audit_import(c, id, r.opt_i64(2), r.str(3), stored, "interrupted", now));
    failed.push_back(id);
  }
  return failed;
}

Result<std::optional<Import>> find_import(store::Connection& c, int64_t id) {
  KB_ASSIGN(auto row, c.query_one(kSelectImport, {id}));
  if (!row) return std::optional<Import>{};
  const store::Row& r = *row;
  Import i;
  i.id = r.i64(0);
  i.created_by = r.opt_i64(1);
  i.created_by_name = r.str(2);
  i.created_at = r.i64(3);
  i.finished_at = r.opt_i64(4);
  i.state = r.str(5);
  i.file_name = r.str(6);
  i.jurisdiction_level = r.str(7);
  i.jurisdiction_code = r.str(8);
  i.jurisdiction_province = r.str(9);
  i.columns_json = r.str(10);
  i.counts = {r.i64(11), r.i64(12), r.i64(13), r.i64(14), r.i64(15)};
  i.people_created = r.i64(16);
  i.people_matched = r.i64(17);
  i.failure = r.str(18);
  return std::optional<Import>{std::move(i)};
}

Result<std::vector<StoredRow>> list_rows(store::Connection& c, int64_t import_id,
                                         std::optional<RowStatus> status, int64_t after,
                                         int64_t limit) {
  Result<store::Rows> rows =
      status ? c.query(kSelectRowsByStatus, {import_id, after, limit, status_name(*status)})
             : c.query(kSelectRows, {import_id, after, limit});
  if (!rows.ok()) return std::move(rows).error();
  std::vector<StoredRow> out;
  out.reserve(rows->size());
  for (const auto& r : *rows) {
    StoredRow s;
    s.row_number = r.i64(0);
    s.status = parse_status(r.str(1)).value_or(RowStatus::kRejected);
    s.fixes_json = r.str(2);
    s.duplicate_of = r.opt_i64(4);
    s.person_id = r.opt_i64(5);
    s.record = {{}, r.str(7), r.str(8), {}, r.str(10), {}, r.str(12), r.str(13), {}, r.str(15)};
    // Sealed at rest (crypto/sealing.h); the report shows the official what the file held: one
    // sealed record, or (rows from before migration 57) a sealed value a column.
    if (std::string record = r.str(17); !record.empty()) {
      if (!read_personal_record(sealing::reveal(record), s))
        return make_error(
            ErrorKind::kInternal, "sealed_malformed",
            fmt::format("row {} of import {} does not read", s.row_number, import_id));
    } else {
      s.reasons_json = sealing::reveal(r.str(3));
      s.record.full_name = sealing::reveal(r.str(6));
      s.record.id_number = sealing::reveal(r.str(9));
      s.record.phone = sealing::reveal(r.str(11));
      s.record.street = sealing::reveal(r.str(14));
      s.original = sealing::reveal(r.str(16));
    }
    out.push_back(std::move(s));
  }
  return out;
}

Status audit_import(store::Connection& c, int64_t import_id, std::optional<int64_t> actor,
                    std::string_view file_name, const Counts& k, std::string_view failure,
                    int64_t now) {
  std::string subject = fmt::format("vaccination_import:{}", import_id);
  std::string detail =
      fmt::format("{} rows from \"{}\": {} clean, {} fixed, {} duplicate, {} rejected", k.total,
                  file_name, k.clean, k.fixed, k.duplicate, k.rejected);
  if (!failure.empty()) detail += fmt::format("; failed: {}", failure);
  return audit::record(c, {now, actor, "vaccination.import", subject, "", detail});
}

std::string report_header() {
  std::string out(csv::kBom);
  csv::append_row(out, {"row", "status", "duplicate_of", "reasons", "fixes", "person_id",
                        "full_name", "birth_date", "sex", "id_number", "id_kind", "phone",
                        "province_code", "ward_code", "street", "priority_group", "original"});
  return out;
}

namespace {

// "phone: invalid_phone (…); id_number: id_number_mismatch (…)" from the stored JSON.
std::string notes_text(const std::string& json) {
  if (json.empty()) return {};
  boost::system::error_code ec;
  auto v = boost::json::parse(json, ec);
  if (ec || !v.is_array()) return json;
  std::string out;
  for (const auto& item : v.as_array()) {
    if (!item.is_object()) continue;
    const auto& o = item.as_object();
    auto str = [&](std::string_view k) -> std::string {
      const auto* x = o.if_contains(k);
      return x && x->is_string() ? std::string(x->as_string()) : std::string();
    };
    if (!out.empty()) out += "; ";
    out += str("field") + ": " + str("code");
    if (std::string m = str("message"); !m.empty()) out += " (" + m + ")";
  }
  return out;
}

}  // namespace

void append_report_row(std::string& out, const StoredRow& row) {
  const CleanRecord& r = row.record;
  std::string number = std::to_string(row.row_number);
  std::string dup = row.duplicate_of ? std::to_string(*row.duplicate_of) : "";
  std::string person = row.person_id ? std::to_string(*row.person_id) : "";
  std::string reasons = notes_text(row.reasons_json), fixes = notes_text(row.fixes_json);
  csv::append_row(out, {number, status_name(row.status), dup, reasons, fixes, person, r.full_name,
                        r.birth_date, r.sex, r.id_number, r.id_kind, r.phone, r.province_code,
                        r.ward_code, r.street, r.priority_group, row.original});
}

std::string counts_json(const Counts& k) {
  return boost::json::serialize(boost::json::object{{"total", k.total},
                                                    {"clean", k.clean},
                                                    {"fixed", k.fixed},
                                                    {"duplicate", k.duplicate},
                                                    {"rejected", k.rejected}});
}

}  // namespace kb::vaccination
