// The audit log's hash chains, and their verification. Each writing connection of each process
// keeps one chain a day ("<process>.<connection>.<YYYY-MM-DD>", the day in Vietnam), so writers
// never wait for each other's chain, across threads or nodes. An entry's hash is the BLAKE2b of
// its fields, its place (chain, seq) and the hash of the entry before it: an entry altered,
// removed or moved afterwards breaks the chain from there on.
//
// The database alone cannot prove its own history (whoever can rewrite an entry can rewrite the
// chain after it), so the heads are also written outside it: each process appends its chains'
// newest (seq, hash) to a file per day in its data directory (write_heads, every minute), which
// `khaibao admin audit verify --heads DIR` checks the chains against.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "store/database.h"

namespace kb::audit {

// An entry as chained: everything the hash covers.
struct ChainedEntry {
  int64_t id = 0;  // the row's id: not hashed (the database assigns it)
  std::string chain;
  int64_t seq = 0;
  std::string prev_hash;  // empty for the first entry of a chain
  int64_t at = 0;
  std::optional<int64_t> actor_id;
  std::string actor_role, actor_area, action, subject, reason, detail;
  std::vector<int64_t> people;  // sorted
  std::string hash;
};

// The BLAKE2b-256 (hex) of the entry's fields in a fixed, length-prefixed layout.
std::string entry_hash(const ChainedEntry& e);

// This process's part of a chain name, random per process start (8 hex digits).
const std::string& process_tag();
// The chain a connection writes on at `at`.
std::string chain_name(int64_t connection_number, int64_t at);

// Reserves the next place on this connection's chain: its name, seq and the hash before it.
// Kept in the connection's memo; a rollback makes the next call read the head again.
struct Place {
  std::string chain;
  int64_t seq = 0;
  std::string prev_hash;
};
Result<Place> next_place(store::Connection& c, int64_t at);
// After the entry at `place` is inserted with `hash`.
void advance(store::Connection& c, const Place& place, std::string hash);

// A chain's newest entry, as written outside the database.
struct Head {
  std::string chain;
  int64_t seq = 0;
  std::string hash;
};

// What the verifier found wrong, one finding per entry and kind:
//   altered    the entry's hash does not match its fields
//   removed    entries [seq, seq + count) are missing (from the middle, or the end of a chain
//              when a head written outside says it went further)
//   reordered  the entry links to an entry that is not the one before it
//   unlinked   the entry links to no entry of its chain
//   head       a head written outside names a hash the chain does not have at that seq
struct Finding {
  std::string kind, chain;
  int64_t seq = 0;
  int64_t id = 0;  // the row, when there is one
  int64_t count = 1;
};
struct Verification {
  int64_t chains = 0, entries = 0;
  int64_t unchained = 0;  // entries written before the chains began (migration 50)
  int64_t heads_checked = 0;
  std::vector<Finding> findings;
  bool ok() const { return findings.empty(); }
};

// Walks every chain in seq order and checks each entry against the one before it and the
// heads given (none: the chains alone).
Result<Verification> verify(store::Connection& c, const std::vector<Head>& heads);

// Appends to `dir`/audit-heads-<day>.txt the head of every chain this process has written on
// that moved since it last wrote one: "<chain> <seq> <hash>". Errors: the directory or file
// cannot be written.
Status write_heads(store::Connection& c, const std::filesystem::path& dir);
// The heads in every audit-heads-*.txt file of `dir`; malformed lines are errors naming the
// file and line.
Result<std::vector<Head>> read_heads(const std::filesystem::path& dir);

}  // namespace kb::audit
