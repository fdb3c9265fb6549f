#include "vaccination/import_run.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>

#include "core/offload.h"
#include "store/async_write.h"

namespace kb::vaccination {
namespace {

using boost::asio::awaitable;
using namespace boost::asio::experimental::awaitable_operators;

// The two stages of the pipeline, as coroutines that run side by side (the result is optional
// only because running them side by side needs a default value).
awaitable<std::optional<Result<bool>>> clean_chunk(boost::asio::thread_pool& cpu, ListImport& list,
                                                   std::vector<CleanedRow>& rows) {
  auto job = [&list, &rows] { return list.next_chunk(rows); };
  co_return co_await offload(cpu, job);
}

awaitable<std::optional<Result<ChunkResult>>> store_chunk(store::Database& db, int64_t id,
                                                          std::vector<CleanedRow> rows,
                                                          int64_t now) {
  if (rows.empty()) co_return ChunkResult{};
  StoreChunk::Input chunk = std::make_shared<const Chunk>(Chunk{id, std::move(rows), now});
  co_return co_await store::write_grouped<StoreChunk>(db, chunk);
}

// Cleans and stores every chunk; the people created and matched, or the first failure.
awaitable<Result<ChunkResult>> clean_and_store(store::Database& db, boost::asio::thread_pool& cpu,
                                               const Clock& clock, ListImport& list, int64_t id) {
  ChunkResult people;
  std::vector<CleanedRow> current, next;
  auto first = co_await clean_chunk(cpu, list, current);
  if (!first->ok()) co_return first->error();
  bool more = **first;
  while (more) {
    auto [cleaned, stored] = co_await (clean_chunk(cpu, list, next) &&
                                       store_chunk(db, id, std::move(current), clock.now()));
    if (!stored || !stored->ok())
      co_return stored ? stored->error() : internal("storing rows failed");
    people.people_created += (*stored)->people_created;
    people.people_matched += (*stored)->people_matched;
    if (!cleaned || !cleaned->ok())
      co_return cleaned ? cleaned->error() : internal("cleaning rows failed");
    more = **cleaned;
    current = std::move(next);
    next = {};
  }
  co_return people;
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

  NewImport n{request.official_id,    request.file_name,   request.scope,
              request.scope_province, list.columns_json(), started};
  auto start = [n](store::Connection& c) { return start_import(c, n); };
  KB_CO_ASSIGN(int64_t id, co_await store::write(db, start));

  auto stored = co_await clean_and_store(db, cpu, clock, list, id);
  ImportDone done{id, list.counts(), stored.ok() ? *stored : ChunkResult{}};
  auto finish = [done, failed = !stored.ok(), actor = request.official_id,
                 file_name = request.file_name, now = clock.now()](store::Connection& c) -> Status {
    KB_TRY(finish_import(c, done.id, done.counts, done.people, failed, now));
    return audit_import(c, done.id, actor, file_name, done.counts, now);
  };
  KB_CO_TRY(co_await store::write(db, finish));
  if (!stored.ok()) co_return stored.error();
  co_return done;
}

Result<ImportOutcome> import_list(store::Database& db, std::string_view csv,
                                  const ColumnMapping& mapping, const AddressBook& addresses,
                                  NewImport n, int64_t now) {
  boost::asio::io_context io;
  boost::asio::thread_pool cpu(1);
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
