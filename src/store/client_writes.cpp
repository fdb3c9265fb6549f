#include "store/client_writes.h"

namespace kb::store {
namespace {

constexpr Sql kSelect{"select_client_write",
                      "SELECT reference FROM client_writes WHERE scope = $1 AND client_id = $2"};
constexpr Sql kInsert{
    "insert_client_write",
    "INSERT INTO client_writes(scope, client_id, reference, created_at) VALUES ($1, $2, $3, $4) "
    "ON CONFLICT DO NOTHING"};
constexpr Sql kDeleteOld{"delete_old_client_writes",
                         "DELETE FROM client_writes WHERE created_at < $1"};

}  // namespace

Result<std::string> parse_client_id(std::string_view text, std::string_view field) {
  bool shape =
      text.size() >= 8 && text.size() <= 64 &&
      text.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") ==
          std::string_view::npos;
  if (!shape) {
    return invalid(std::string(field), "invalid_client_id",
                   "client_id has 8 to 64 letters, digits, - or _");
  }
  return std::string(text);
}

Result<std::optional<std::string>> recall_client_write(Connection& c, std::string_view scope,
                                                       std::string_view client_id) {
  KB_ASSIGN(auto row, c.query_one(kSelect, {scope, client_id}));
  if (!row) return std::optional<std::string>();
  return std::optional<std::string>(row->str(0));
}

Status remember_client_write(Connection& c, std::string_view scope, std::string_view client_id,
                             std::string_view reference, int64_t now) {
  KB_ASSIGN(int64_t n, c.exec(kInsert, {scope, client_id, reference, now}));
  if (n == 0) {
    return Error{ErrorKind::kConflict, "client_id_reused",
                 "this client_id was used for another write", "client_id"};
  }
  return {};
}

Result<int64_t> forget_client_writes(Connection& c, int64_t before) {
  return c.exec(kDeleteOld, {before});
}

}  // namespace kb::store
