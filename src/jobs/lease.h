// Scheduled jobs (retention purges, outside deliveries, reminders, level recomputation …) must
// run on exactly one server process at a time, however many serve one database. A process runs
// a job only while it holds the job's lease.
//
// On PostgreSQL a lease is a session advisory lock taken on a connection of the lease keeper's
// own: held until released or until the connection ends, so a process that dies — even by
// kill -9 — drops its leases with its connection, and another process takes the job at its next
// attempt (Scheduler tries every few seconds); a vanished host's locks go when PostgreSQL's
// keepalive probes give up on its connection (about 20 s). On SQLite one process serves the
// database, and holds every lease.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"
#include "store/database.h"

namespace kb::jobs {

class Leases {
 public:
  virtual ~Leases() = default;
  // Whether this process holds the lease of `job` now, taking it when it is free. Thread-safe.
  // False when the database cannot be asked (a lease not known to be held is not held).
  virtual bool holds(std::string_view job) = 0;
  // Gives every lease up (a draining server).
  virtual void release_all() = 0;
};

// The leases of a database: advisory locks on PostgreSQL, in-process on SQLite.
std::unique_ptr<Leases> make_leases(store::Database& db);

// The 64-bit advisory-lock key of a job's name qualified by its schema ("public:retention"),
// stable across processes and versions.
int64_t lease_key(std::string_view job);

}  // namespace kb::jobs
