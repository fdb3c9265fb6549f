// Online backups of a single-node (SQLite) database: a consistent copy taken while the server
// keeps writing. PostgreSQL is backed up by its own tools (deploy/BACKUP.md: base backup + WAL
// archive, for recovery to any moment).
#pragma once

#include <string>

#include "core/result.h"
#include "store/database.h"

namespace kb::store {

// Writes a consistent, compacted copy of the SQLite database to `path` (VACUUM INTO: one read
// transaction, so every write committed before it started is in the copy and none after).
// kConflict when `path` exists; kInvalid (field "db") on PostgreSQL.
Status backup_to(Connection& c, const std::string& path);

}  // namespace kb::store
