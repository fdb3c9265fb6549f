// The audit log: who did what to whose data, when, and why. Written in the same transaction
// as the action it records, so an action and its audit entry exist together or not at all.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "store/database.h"

namespace kb::audit {

struct Entry {
  int64_t at = 0;
  std::optional<int64_t> actor_id;  // the user; none for the system itself
  std::string_view action;          // "login", "user.create", "person.read", …
  std::string_view subject;         // what was acted on, e.g. "user:12"
  std::string_view reason;          // why, as given by an official for reads of personal data
  std::string_view detail;
};

Status record(store::Connection& c, const Entry& entry);

}  // namespace kb::audit
