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

awaitable<Result<ChunkResult>> store_chunk(store::Database& db, int64_t id,
                                           std::vector<CleanedRow> rows, int64_t now) {
  if (rows.empty()) co_return ChunkResult{};
  StoreChunk::Input chunk = std::make_shared<const Chunk>(Chunk{id, std::move(rows), now});
  co_return co_await store::write_grouped<StoreChunk>(db, chunk);
}

// What the storing stage did: the import's id once it was recorded, and the first failure (of
// the file's check, the cleaning or a write), if any. The counts are the import's own: each
// stored chunk adds its rows'.
struct Stored {
  std::optional<int64_t> id;
  Status outcome;
};

// The storing stage: checks the whole file (beside the first chunks' cleaning), records the
// import, then stores each chunk as it comes. A chunk is large (kRowsPerWriteAlone) when at most
// a few other writes were queued while the one before was stored (kOtherWritesAtLeisure).
// Closes the channel when it ends, which stops the cleaning stage.
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
  auto start = [&n](store::Connection& c) { return start_import(c, n); };
  Result<int64_t> id = co_await store::write(db, start);
  if (!id.ok()) {
    in.close();
    out.outcome = id.error();
    co_return out;
  }
  out.id = *id;
  for (;;) {
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
    const uint64_t queued_before = db.writer().submitted();
    Result<ChunkResult> stored =
        co_await store_chunk(db, *out.id, std::move(chunk.rows), clock.now());
    if (!stored.ok()) {
      out.outcome = std::move(stored).error();
      break;
    }
    const uint64_t others = db.writer().submitted() - queued_before - 1;  // besides ours
    chunk_rows.store(others > kOtherWritesAtLeisure ? kRowsPerWrite : kRowsPerWriteAlone,
                     std::memory_order_relaxed);
    if (chunk.last) break;
  }
  in.close();
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
