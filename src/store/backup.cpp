#include "store/backup.h"

#include <filesystem>

namespace kb::store {

Status backup_to(Connection& c, const std::string& path) {
  if (c.dialect() != Dialect::kSqlite) {
    return invalid("db", "backup_unsupported",
                   "back PostgreSQL up with pg_basebackup and a WAL archive (deploy/BACKUP.md)");
  }
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) {
    return make_error(ErrorKind::kConflict, "backup_exists", path + " exists; name a new file");
  }
  std::string quoted = "'";
  for (char ch : path) quoted += ch == '\'' ? std::string("''") : std::string(1, ch);
  quoted += "'";
  return c.exec_script("VACUUM INTO " + quoted);
}

}  // namespace kb::store
