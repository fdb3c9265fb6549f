// The audit log: who did what to whose data, when, and why. Written in the same transaction
// as the action it records, so an action and its audit entry exist together or not at all.
// Entries are chained by hash (audit/chain.h): rewriting one afterwards shows.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "accounts/accounts.h"
#include "store/database.h"

namespace kb::audit {

struct Entry {
  int64_t at = 0;
  std::optional<int64_t> actor_id;  // the user; none for the system itself
  std::string_view action;          // "login", "user.create", "person.read", …
  std::string_view subject;         // what was acted on, e.g. "user:12"
  std::string_view reason;          // why, as given by an official for reads of personal data
  std::string_view detail;
  // Whose personal data the action showed or changed, for the citizens' "who looked at my
  // data". Empty: taken from the subject when it names one person ("person:7", or "case:3",
  // the case's person).
  std::span<const int64_t> people = {};
};

// Records the entry with the actor's role and area as they are now, chained to the entry
// before it on this connection's chain.
Status record(store::Connection& c, const Entry& entry);
// The same, with the actor as the caller already holds them (entry.actor_id is actor.id): their
// role and area are taken from `actor` instead of read again from users.
Status record(store::Connection& c, const Entry& entry, const accounts::User& actor);

}  // namespace kb::audit
