// A raw list imported from a request: the file checked whole before anything is written, then
// cleaned and written a chunk at a time — while a chunk is stored, the next are cleaned on the
// CPU pool — so check-ins keep flowing while a large list goes in: on SQLite between its chunks
// on the shared writer, on PostgreSQL beside them (an import's chunks go to two writers of its
// own there). The import's final state and its audit entry are written even when it fails.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/result.h"
#include "store/database.h"
#include "vaccination/imports.h"

namespace kb::vaccination {

struct ImportRequest {
  std::optional<int64_t> official_id;  // empty: an operator at the command line
  std::string file_name;
  std::optional<areas::Jurisdiction> scope;  // the official's area; empty: national
  std::string scope_province;                // its province code (empty: national)
  ColumnMapping mapping;
  std::string_view csv;  // the file; must outlive the import
};

struct ImportDone {
  int64_t id = 0;
  Counts counts;
  ChunkResult people;
};

boost::asio::awaitable<Result<ImportDone>> run_import(store::Database& db,
                                                      boost::asio::thread_pool& cpu,
                                                      const AddressBook& addresses,
                                                      const Clock& clock, ImportRequest request);

}  // namespace kb::vaccination
