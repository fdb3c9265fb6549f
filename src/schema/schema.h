// khaibao's database schema: every table of every part of the domain, as versioned migrations
// shared by SQLite and PostgreSQL (migrations.cpp). Times are Unix seconds (BIGINT), flags are
// INTEGER 0/1, so the same SQL runs on both. Never edit a released migration: add a new one,
// with the next version of the range, keeping the list in version order.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "store/database.h"

namespace kb::schema {

// The migrations, in version order, for store::Database::open and store::migrate.
store::Schema khaibao();

// Every table of the schema with its row count, by name (`khaibao admin stats`); the day tables
// of visits count as one, `visits`.
Result<std::vector<std::pair<std::string, int64_t>>> table_counts(store::Connection& c);

}  // namespace kb::schema
