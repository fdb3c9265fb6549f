#include "vaccination/import_run.h"

#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/offload.h"
#include "store/async_write.h"

namespace kb::vaccination {
namespace {

using boost::asio::awaitable;
using namespace boost::asio::experimental::awaitable_operators;

// What the cleaning stage hands the storing stage: a chunk of rows, or the cleaning's failure,
// and whether the file ends with it.
struct CleanedChunk {
  std::vector<CleanedRow> rows;
  std::optional<Error> failure;
  bool last = false;
};
using Chunks =
    boost::asio::experimental::concurrent_channel<void(boost::system::error_code, CleanedChunk)>;

// Chunks cleaned ahead of the one being stored: the cleaning goes on while a chunk is stored,
// and a chunk that cleans slowly does not leave the writer idle if the one before stored fast.
constexpr size_t kChunksAhead = 2;

// The cleaning stage: cleans the file a chunk at a time on the CPU pool, `chunk_rows` rows a
// chunk (set by the storing stage), and hands each chunk on. Stops when the file ends, when
// cleaning fails, or when the storing stage closes the channel.
awaitable<void> clean_all(boost::asio::thread_pool& cpu, ListImport& list, Chunks& out,
                          const std::atomic<size_t>& chunk_rows) {
  const boost::system::error_code sent_ok;
  for (;;) {
    CleanedChunk chunk;
    const size_t rows = chunk_rows.load(std::memory_order_relaxed);
    auto job = [&list, &chunk, rows] { return list.next_chunk(chunk.rows, rows); };
    Result<bool> more = co_await offload(cpu, job);
    if (!more.ok()) chunk.failure = more.error();
    chunk.last = !more.ok() || !*more;
    const bool last = chunk.last;
    auto [closed] = co_await out.async_send(sent_ok, std::move(chunk),
                                            boost::asio::as_tuple(boost::asio::use_awaitable));
    if (closed || last) co_return;
  }
}

// Where an import's chunks are stored, and how many at once. On SQLite the database's one
// writer, a chunk at a time, as a grouped write (no savepoint; committed lazily). On PostgreSQL
// two writers of the import's own, each with its connection and a savepoint a chunk, so two
// backends store chunks at once: a chunk's time there is its backend's (index inserts), and
// with one backend a quarter of the two cores sat idle through a 1,000,000-row import. Their
// chunks also leave the database's writer free for everyone else's writes.
class ChunkStores {
 public:
  // A chunk's result (a channel's values must be default-constructible).
  struct Outcome {
    Result<ChunkResult> result = ChunkResult{};
  };
  using Done =
      boost::asio::experimental::concurrent_channel<void(boost::system::error_code, Outcome)>;
  static constexpr size_t kWritersPg = 2;
  // What a writer calls with a job's result: puts it on `done` (defined before its uses, since
  // its type is deduced).
  static auto deliver_to(Done& done) {
    return [&done](Result<ChunkResult> r) {
      done.try_send(boost::system::error_code{}, Outcome{std::move(r)});
    };
  }

  static Result<std::unique_ptr<ChunkStores>> open(store::Database& db) {
    auto stores = std::unique_ptr<ChunkStores>(new ChunkStores(db));
    if (db.dialect() == store::Dialect::kPostgres) {
      for (size_t w = 0; w < kWritersPg; ++w) {
        KB_ASSIGN(auto connection, db.connect());
        stores->own_.push_back(std::make_unique<store::Writer>(std::move(connection), 1));
      }
    }
    return stores;
  }
  // Chunks stored at once.
  size_t at_once() const { return own_.empty() ? 1 : own_.size(); }
  // Whether other writes share the writer with the chunks (the chunk size then adapts to them).
  bool shared() const { return own_.empty(); }
  uint64_t others_submitted() const { return db_.writer().submitted(); }

  // Stores a chunk; its result arrives on `done` (which has room for at_once() results).
  void store(int64_t id, std::vector<CleanedRow> rows, int64_t now, Done& done) {
    auto deliver = deliver_to(done);
    if (rows.empty()) return deliver(ChunkResult{});
    auto chunk = std::make_shared<const Chunk>(Chunk{id, std::move(rows), now});
    if (own_.empty()) return db_.writer().submit_grouped<StoreChunk>(chunk, deliver);
    auto job = [chunk](store::Connection& c) { return store_chunk(c, *chunk); };
    own_[next_++ % own_.size()]->submit(job, deliver);
  }

  // After the last chunk: the rows' statistics refreshed (refresh_row_statistics) on a writer of
  // the import's own, which no one else's write waits for; the result arrives on `done`.
  void settle(int64_t rows_stored, Done& done) {
    auto deliver = deliver_to(done);
    if (own_.empty()) return deliver(ChunkResult{});  // SQLite: nothing to refresh
    auto job = [rows_stored](store::Connection& c) -> Result<ChunkResult> {
      KB_TRY(refresh_row_statistics(c, rows_stored));
      return ChunkResult{};
    };
    own_.front()->submit(job, deliver);
  }

 private:
  explicit ChunkStores(store::Database& db) : db_(db) {}
  store::Database& db_;
  std::vector<std::unique_ptr<store::Writer>> own_;
  size_t next_ = 0;
};

// What the storing stage did: the import's id once it was recorded, and the first failure (of
// the file's check, the cleaning or a write), if any. The counts are the import's own: each
// stored chunk adds its rows'.
struct Stored {
  std::optional<int64_t> id;
  Status outcome;
};

// The storing stage: checks the whole file (beside the first chunks' cleaning), records the
// import, then stores each chunk as it comes, up to ChunkStores::at_once() at a time. On a shared
// writer a chunk is large (kRowsPerWriteAlone) when at most a few other writes were queued while
// the one before was stored (kOtherWritesAtLeisure); on writers of its own, always. Closes the
// channel when it ends, which stops the cleaning stage, and waits for every chunk it handed on;
// when all were stored, refreshes the rows' statistics (ChunkStores::settle).
awaitable<Stored> store_all(store::Database& db, boost::asio::thread_pool& cpu, const NewImport& n,
                            std::string_view csv, const Clock& clock, Chunks& in,
                            std::atomic<size_t>& chunk_rows) {
  Stored out;
  auto check = [csv] { return ListImport::check(csv); };
  Status checked = co_await offload(cpu, check);
  if (!checked.ok()) {
    in.close();
    out.outcome = checked.error();
    co_return out;
  }
  Result<std::unique_ptr<ChunkStores>> opened = ChunkStores::open(db);
  if (!opened.ok()) {
    in.close();
    out.outcome = opened.error();
    co_return out;
  }
  ChunkStores& stores = **opened;
  auto start = [&n](store::Connection& c) { return start_import(c, n); };
  Result<int64_t> id = co_await store::write(db, start);
  if (!id.ok()) {
    in.close();
    out.outcome = id.error();
    co_return out;
  }
  out.id = *id;
  if (!stores.shared()) chunk_rows.store(kRowsPerWriteAlone, std::memory_order_relaxed);
  ChunkStores::Done done(co_await boost::asio::this_coro::executor, stores.at_once());
  size_t in_flight = 0;
  int64_t rows_handed = 0;  // to the writers, every one stored when no chunk failed
  uint64_t queued_before = 0;
  // One chunk's result: the first failure is kept; on a shared writer, the next chunk's size.
  auto took = [&](Result<ChunkResult> stored) {
    --in_flight;
    if (!stored.ok() && out.outcome.ok()) out.outcome = std::move(stored).error();
    if (!stores.shared()) return;
    const uint64_t others = stores.others_submitted() - queued_before - 1;  // besides ours
    chunk_rows.store(others > kOtherWritesAtLeisure ? kRowsPerWrite : kRowsPerWriteAlone,
                     std::memory_order_relaxed);
  };
  for (bool last = false; !last && out.outcome.ok();) {
    auto [closed, chunk] =
        co_await in.async_receive(boost::asio::as_tuple(boost::asio::use_awaitable));
    if (closed) {
      out.outcome = internal("the cleaning stopped");
      break;
    }
    if (chunk.failure) {
      out.outcome = std::move(*chunk.failure);
      break;
    }
    last = chunk.last;
    if (in_flight == stores.at_once()) {
      auto [ignored, stored] =
          co_await done.async_receive(boost::asio::as_tuple(boost::asio::use_awaitable));
      took(std::move(stored.result));
      if (!out.outcome.ok()) break;
    }
    queued_before = stores.others_submitted();
    rows_handed += static_cast<int64_t>(chunk.rows.size());
    stores.store(*out.id, std::move(chunk.rows), clock.now(), done);
    ++in_flight;
  }
  in.close();
  while (in_flight > 0) {
    auto [ignored, stored] =
        co_await done.async_receive(boost::asio::as_tuple(boost::asio::use_awaitable));
    took(std::move(stored.result));
  }
  if (out.outcome.ok()) {
    stores.settle(rows_handed, done);
    auto [ignored, settled] =
        co_await done.async_receive(boost::asio::as_tuple(boost::asio::use_awaitable));
    if (!settled.result.ok()) out.outcome = std::move(settled.result).error();
  }
  co_return out;
}

// Runs `import` and keeps its result in `out`.
awaitable<void> run_to(std::optional<Result<ImportDone>>& out,
                       awaitable<Result<ImportDone>> import) {
  out.emplace(co_await std::move(import));
}

}  // namespace

awaitable<Result<ImportDone>> run_import(store::Database& db, boost::asio::thread_pool& cpu,
                                         const AddressBook& addresses, const Clock& clock,
                                         ImportRequest request) {
  const int64_t started = clock.now();
  auto open = [&] {
    return ListImport::open(request.csv, request.mapping, addresses, request.scope,
                            vietnam_date(started));
  };
  KB_CO_ASSIGN(auto list, co_await offload(cpu, open));

  const NewImport n{request.official_id,    request.file_name,   request.scope,
                    request.scope_province, list.columns_json(), started};
  Chunks chunks(co_await boost::asio::this_coro::executor, kChunksAhead);
  std::atomic<size_t> chunk_rows{kRowsPerWrite};
  Stored stored = co_await (clean_all(cpu, list, chunks, chunk_rows) &&
                            store_all(db, cpu, n, request.csv, clock, chunks, chunk_rows));
  if (!stored.id) co_return stored.outcome.error();  // nothing written

  std::string failure = stored.outcome.ok() ? std::string() : stored.outcome.error().code;
  if (!stored.outcome.ok() && failure.empty()) failure = "failed";
  auto finish = [id = *stored.id, failure, actor = request.official_id,
                 file_name = request.file_name,
                 now = clock.now()](store::Connection& c) -> Result<ImportTotals> {
    KB_ASSIGN(ImportTotals totals, finish_import(c, id, failure, now));
    KB_TRY(audit_import(c, id, actor, file_name, totals.counts, failure, now));
    return totals;
  };
  KB_CO_ASSIGN(ImportTotals totals, co_await store::write(db, finish));
  if (!stored.outcome.ok()) co_return stored.outcome.error();
  co_return ImportDone{*stored.id, totals.counts, totals.people};
}

Result<ImportOutcome> import_list(store::Database& db, std::string_view csv,
                                  const ColumnMapping& mapping, const AddressBook& addresses,
                                  NewImport n, int64_t now) {
  boost::asio::io_context io;
  boost::asio::thread_pool cpu(2);  // the file's check beside the cleaning
  const Clock fixed{[now] { return now; }};
  ImportRequest request{n.created_by, n.file_name, n.jurisdiction, n.jurisdiction_province,
                        mapping,      csv};
  std::optional<Result<ImportDone>> done;
  boost::asio::co_spawn(io, run_to(done, run_import(db, cpu, addresses, fixed, std::move(request))),
                        [&done](std::exception_ptr e) {
                          if (e && !done) done.emplace(internal("import failed"));
                        });
  io.run();
  cpu.join();
  if (!done) return internal("import did not finish");
  if (!done->ok()) return std::move(*done).error();
  return ImportOutcome{(*done)->id, (*done)->counts, (*done)->people};
}

}  // namespace kb::vaccination
