#include "crypto/reseal.h"

#include <spdlog/spdlog.h>

#include <string>
#include <vector>

#include "crypto/sealing.h"
#include "identity/resolve.h"
#include "store/writer.h"

namespace kb::sealing {
namespace {

using store::Param;
using store::Sql;

struct SealedTable {
  Sql select;  // id, then the sealed columns; $1 the last id, $2 the batch size
  Sql update;  // $1 the id, then the sealed columns in the same order
  size_t columns;
  const char* name;
};

const SealedTable kTables[] = {
    {{"reseal_select_people",
      "SELECT id, full_name, street FROM people WHERE id > $1 ORDER BY id LIMIT $2"},
     {"reseal_update_people", "UPDATE people SET full_name = $2, street = $3 WHERE id = $1"},
     2,
     "people"},
    {{"reseal_select_declarations",
      "SELECT id, travel_provinces, travel_countries, symptoms, exposures FROM declarations "
      "WHERE id > $1 ORDER BY id LIMIT $2"},
     {"reseal_update_declarations",
      "UPDATE declarations SET travel_provinces = $2, travel_countries = $3, symptoms = $4, "
      "exposures = $5 WHERE id = $1"},
     4,
     "declarations"},
    {{"reseal_select_health_reports",
      "SELECT id, symptoms, note FROM health_reports WHERE id > $1 ORDER BY id LIMIT $2"},
     {"reseal_update_health_reports",
      "UPDATE health_reports SET symptoms = $2, note = $3 WHERE id = $1"},
     2,
     "health_reports"},
};

constexpr Sql kPassDone{"select_sealing_pass",
                        "SELECT value FROM settings WHERE name = 'sealing.pass'"};
constexpr Sql kSetPassDone{"set_sealing_pass",
                           "INSERT INTO settings(name, value) VALUES ('sealing.pass', $1) "
                           "ON CONFLICT (name) DO UPDATE SET value = $1"};
// A keyed hash of a constant under the blind-index key: tells whether this process has the keys
// the database was sealed with, without saying anything about them.
constexpr Sql kKeyCheck{"select_data_key_check",
                        "SELECT value FROM settings WHERE name = 'sealing.key_check'"};
constexpr Sql kSetKeyCheck{"set_data_key_check",
                           "INSERT INTO settings(name, value) VALUES ('sealing.key_check', $1) "
                           "ON CONFLICT (name) DO NOTHING"};
// Bumped when the set of sealed columns grows, so a database sealed before runs the pass again.
constexpr std::string_view kPassVersion = "1";

}  // namespace

size_t table_count() { return std::size(kTables); }

Result<ResealCounts> reseal_batch(store::Connection& c, size_t table, int64_t after_id,
                                  int64_t limit, int64_t* last_id) {
  const SealedTable& t = kTables[table];
  auto ring = current();
  const std::string& key_id = ring->sealing_key_id();
  KB_ASSIGN(store::Rows rows, c.query(t.select, {after_id, limit}));
  ResealCounts counts;
  for (const auto& r : rows) {
    ++counts.rows;
    *last_id = r.i64(0);
    std::vector<std::string> values(t.columns);
    std::vector<Param> params{r.i64(0)};
    bool changed = false;
    for (size_t i = 0; i < t.columns; ++i) {
      if (r.is_null(i + 1)) {
        params.emplace_back(nullptr);
        continue;
      }
      std::string stored = r.str(i + 1);
      if (!stored.empty() && key_id_of(stored) != key_id) {
        if (is_sealed(stored)) {
          // A value that does not open is left as it is rather than sealed as empty.
          auto clear = ring->open(stored);
          if (!clear.ok()) return std::move(clear).error();
          stored = std::move(clear).value();
        }
        KB_ASSIGN(stored, ring->seal(stored));
        ++counts.sealed;
        changed = true;
      }
      values[i] = std::move(stored);
      params.emplace_back(std::string_view(values[i]));
    }
    if (changed) KB_TRY(c.exec(t.update, params));
  }
  return counts;
}

Result<ResealCounts> reseal_all(store::Database& db, int64_t batch) {
  ResealCounts total;
  for (size_t table = 0; table < table_count(); ++table) {
    int64_t last = 0;
    for (;;) {
      KB_ASSIGN(ResealCounts n, db.writer().write_sync([&](store::Connection& c) {
        return reseal_batch(c, table, last, batch, &last);
      }));
      total.rows += n.rows;
      total.sealed += n.sealed;
      if (n.rows < batch) break;
    }
    spdlog::debug("sealing: {} checked", kTables[table].name);
  }
  return total;
}

Status check_keys(store::Database& db) {
  std::string check = blind("key_check", "khaibao");
  KB_ASSIGN(auto stored, db.writer().write_sync([&](store::Connection& c) {
    auto st = c.exec(kSetKeyCheck, {std::string_view(check)});
    if (!st.ok()) return Result<std::optional<store::Row>>(std::move(st).error());
    return c.query_one(kKeyCheck);
  }));
  if (stored && stored->str(0) != check) {
    return invalid("data-keys", "data_keys_mismatch",
                   "the data keys are not the ones this database was sealed with: give this "
                   "process the key file of the others (or the same KHAIBAO_DATA_KEYS)");
  }
  return {};
}

Result<ResealCounts> seal_at_start(store::Database& db) {
  KB_TRY(check_keys(db));
  KB_ASSIGN(auto done, db.read([](store::Connection& c) { return c.query_one(kPassDone); }));
  if (done && done->str(0) == kPassVersion) return ResealCounts{};
  KB_ASSIGN(ResealCounts counts, reseal_all(db));
  for (;;) {
    KB_ASSIGN(int64_t filled, db.writer().write_sync([](store::Connection& c) {
      return identity::fill_name_keys(c, 2000);
    }));
    if (filled < 2000) break;
  }
  KB_TRY(db.writer().write_sync([](store::Connection& c) -> Status {
    KB_TRY(c.exec(kSetPassDone, {kPassVersion}));
    return {};
  }));
  if (counts.sealed > 0) spdlog::info("sealing: {} values sealed at start", counts.sealed);
  return counts;
}

}  // namespace kb::sealing
