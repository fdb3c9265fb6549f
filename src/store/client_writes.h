// Writes a client names with an id of its own making — an offline scanner's queued scan, a
// request retried after a lost answer, a chat platform's webhook event — so that sending the
// same one again records it once. The first write stores the id, in the same transaction as
// what it recorded, with a reference to it (e.g. the visit ids); a repeat finds the id and is
// answered from the reference instead of writing again. Ids are scoped by who sent them (an
// account, a venue's scanner, a platform), so one sender can neither collide with nor read
// another's.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "store/database.h"

namespace kb::store {

// A client-made id: 8 to 64 characters of [A-Za-z0-9_-] (a UUID, a ULID …). Errors name `field`.
Result<std::string> parse_client_id(std::string_view text, std::string_view field = "client_id");

// The reference stored with an id of this scope, or nullopt when the id is new.
Result<std::optional<std::string>> recall_client_write(Connection& c, std::string_view scope,
                                                       std::string_view client_id);
// Stores the id with its reference; call in the transaction of the write it names. A second
// call with the same id fails (kConflict client_id_reused).
Status remember_client_write(Connection& c, std::string_view scope, std::string_view client_id,
                             std::string_view reference, int64_t now);
// Forgets ids older than `before` (the retention job).
Result<int64_t> forget_client_writes(Connection& c, int64_t before);

}  // namespace kb::store
