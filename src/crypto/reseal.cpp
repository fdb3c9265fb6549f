#include "crypto/reseal.h"

#include <spdlog/spdlog.h>

#include <array>
#include <string>
#include <vector>

#include "crypto/sealing.h"
#include "identity/resolve.h"
#include "store/writer.h"

namespace kb::sealing {
namespace {

using store::Param;
using store::Sql;

// A sealed column found by equality has a blind index beside it (sealing.h), which the pass
// fills when missing; an index never changes with rotation (the first key keys them all).
struct SealedTable {
  // the key (the id, or two columns), then the sealed columns, then the blind indexes of the
  // indexed ones, then (when a purpose is kFromRow) the purpose; the parameters are the last key
  // read ($1, or $1 $2), then the batch size
  Sql select;
  Sql update;  // the key, then the sealed columns, then the indexes, in the same order
  size_t columns;
  const char* name;
  std::array<const char*, 8> purposes{};  // each sealed column's blind-index purpose, or null
  // 2: a table whose key is two columns (vaccination_import_rows: import, row number), walked
  // in key order; the cursor holds both, the first in its high 32 bits.
  size_t keys = 1;
};

// The purpose is the row's last column (person_identifiers: a phone's or an ID number's).
constexpr const char* kFromRow = "";

const SealedTable kTables[] = {
    {{"reseal_select_people",
      "SELECT id, full_name, street, phone, id_number, phone_index, id_number_index FROM people "
      "WHERE id > $1 ORDER BY id LIMIT $2"},
     {"reseal_update_people",
      "UPDATE people SET full_name = $2, street = $3, phone = $4, id_number = $5, "
      "phone_index = $6, id_number_index = $7 WHERE id = $1"},
     4,
     "people",
     {nullptr, nullptr, "phone", "id_number"}},
    {{"reseal_select_users",
      "SELECT id, phone, phone_index FROM users WHERE id > $1 ORDER BY id LIMIT $2"},
     {"reseal_update_users", "UPDATE users SET phone = $2, phone_index = $3 WHERE id = $1"},
     1,
     "users",
     {"phone"}},
    {{"reseal_select_person_identifiers",
      "SELECT id, value, value_index, CASE WHEN kind = 'phone' THEN 'phone' ELSE 'id_number' END "
      "FROM person_identifiers WHERE id > $1 ORDER BY id LIMIT $2"},
     {"reseal_update_person_identifiers",
      "UPDATE person_identifiers SET value = $2, value_index = $3 WHERE id = $1"},
     1,
     "person_identifiers",
     {kFromRow}},
    {{"reseal_select_organisation_members",
      "SELECT id, phone, id_number, full_name, phone_index FROM organisation_members "
      "WHERE id > $1 ORDER BY id LIMIT $2"},
     {"reseal_update_organisation_members",
      "UPDATE organisation_members SET phone = $2, id_number = $3, full_name = $4, "
      "phone_index = $5 WHERE id = $1"},
     3,
     "organisation_members",
     {"phone", nullptr, nullptr}},
    {{"reseal_select_venues",
      "SELECT id, contact_phone FROM venues WHERE id > $1 ORDER BY id LIMIT $2"},
     {"reseal_update_venues", "UPDATE venues SET contact_phone = $2 WHERE id = $1"},
     1,
     "venues"},
    {{"reseal_select_feedback_reports",
      "SELECT id, sender_phone, text, sender_phone_index FROM feedback_reports WHERE id > $1 "
      "ORDER BY id LIMIT $2"},
     {"reseal_update_feedback_reports",
      "UPDATE feedback_reports SET sender_phone = $2, text = $3, sender_phone_index = $4 "
      "WHERE id = $1"},
     2,
     "feedback_reports",
     {"phone", nullptr}},
    {{"reseal_select_feedback_events",
      "SELECT id, note FROM feedback_events WHERE id > $1 ORDER BY id LIMIT $2"},
     {"reseal_update_feedback_events", "UPDATE feedback_events SET note = $2 WHERE id = $1"},
     1,
     "feedback_events"},
    {{"reseal_select_cases",
      "SELECT id, notes, close_note FROM cases WHERE id > $1 ORDER BY id LIMIT $2"},
     {"reseal_update_cases", "UPDATE cases SET notes = $2, close_note = $3 WHERE id = $1"},
     2,
     "cases"},
    {{"reseal_select_monitoring_orders",
      "SELECT id, note, close_reason FROM monitoring_orders WHERE id > $1 ORDER BY id LIMIT $2"},
     {"reseal_update_monitoring_orders",
      "UPDATE monitoring_orders SET note = $2, close_reason = $3 WHERE id = $1"},
     2,
     "monitoring_orders"},
    {{"reseal_select_vaccination_reactions",
      "SELECT id, description FROM vaccination_reactions WHERE id > $1 ORDER BY id LIMIT $2"},
     {"reseal_update_vaccination_reactions",
      "UPDATE vaccination_reactions SET description = $2 WHERE id = $1"},
     1,
     "vaccination_reactions"},
    // The sealed details a merge changed (identity/merge.cpp), as the change log keeps them to
    // put them back; other changed columns are ids, codes and dates.
    {{"reseal_select_identity_merge_changes",
      "SELECT merge_id, seq, old_value, new_value FROM identity_merge_changes "
      "WHERE (merge_id, seq) > ($1, $2) AND table_name = 'people' "
      "AND column_name IN ('full_name', 'phone', 'street') ORDER BY merge_id, seq LIMIT $3"},
     {"reseal_update_identity_merge_changes",
      "UPDATE identity_merge_changes SET old_value = $3, new_value = $4 "
      "WHERE merge_id = $1 AND seq = $2"},
     2,
     "identity_merge_changes",
     {},
     2},
    {{"reseal_select_vaccination_import_rows",
      "SELECT import_id, row_number, full_name, id_number, phone, street, reasons, original, "
      "personal FROM vaccination_import_rows WHERE (import_id, row_number) > ($1, $2) "
      "ORDER BY import_id, row_number LIMIT $3"},
     {"reseal_update_vaccination_import_rows",
      "UPDATE vaccination_import_rows SET full_name = $3, id_number = $4, phone = $5, "
      "street = $6, reasons = $7, original = $8, personal = $9 WHERE import_id = $1 AND "
      "row_number = $2"},
     7,
     "vaccination_import_rows",
     {},
     2},
    {{"reseal_select_deliveries",
      "SELECT id, recipient FROM deliveries WHERE id > $1 AND channel = 'sms' ORDER BY id "
      "LIMIT $2"},
     {"reseal_update_deliveries", "UPDATE deliveries SET recipient = $2 WHERE id = $1"},
     1,
     "deliveries"},
    {{"reseal_select_declarations",
      "SELECT id, travel_provinces, travel_countries, symptoms, exposures FROM declarations "
      "WHERE id > $1 ORDER BY id LIMIT $2"},
     {"reseal_update_declarations",
      "UPDATE declarations SET travel_provinces = $2, travel_countries = $3, symptoms = $4, "
      "exposures = $5 WHERE id = $1"},
     4,
     "declarations"},
    {{"reseal_select_health_reports",
      "SELECT id, symptoms, note, readings FROM health_reports WHERE id > $1 ORDER BY id "
      "LIMIT $2"},
     {"reseal_update_health_reports",
      "UPDATE health_reports SET symptoms = $2, note = $3, readings = $4 WHERE id = $1"},
     3,
     "health_reports"},
};

// Measured values from before migration 56 are in the four integer columns: they move into
// `readings` (monitoring/reports.h: "temperature_tenths,spo2,breathing_rate,pulse"), as clear
// text that the pass then seals in the same run.
constexpr Sql kMoveReadings{
    "reseal_move_readings",
    "UPDATE health_reports SET readings = COALESCE(CAST(temperature_tenths AS TEXT), '') || ',' "
    "|| COALESCE(CAST(spo2 AS TEXT), '') || ',' || COALESCE(CAST(breathing_rate AS TEXT), '') "
    "|| ',' || COALESCE(CAST(pulse AS TEXT), ''), temperature_tenths = NULL, spo2 = NULL, "
    "breathing_rate = NULL, pulse = NULL WHERE temperature_tenths IS NOT NULL OR spo2 IS NOT "
    "NULL OR breathing_rate IS NOT NULL OR pulse IS NOT NULL"};

// Chat followers are keyed by the platform and its user id (text), walked in that order: the
// linked phone and the conversation's answers (chat/followers.h). An empty conversation ("{}")
// is left clear.
constexpr Sql kSelectFollowers{
    "reseal_select_chat_followers",
    "SELECT platform, user_id, phone, state_data FROM chat_followers "
    "WHERE (platform, user_id) > ($1, $2) ORDER BY platform, user_id LIMIT $3"};
constexpr Sql kUpdateFollower{
    "reseal_update_chat_follower",
    "UPDATE chat_followers SET phone = $3, state_data = $4 WHERE platform = $1 AND user_id = $2"};

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
// 2: phones and ID numbers; 3: vaccination import rows, feedback senders' phones, roster names,
// venue contact phones; 4: measured values, chat followers' phones and conversations, merges'
// change logs, free text (feedback, cases' and monitoring orders' notes, vaccine reactions).
constexpr std::string_view kPassVersion = "4";

// `stored` under the current key: sealed from clear, or opened and sealed again; unchanged
// (false) when it is empty or under the current key already.
Result<bool> reseal_value(const Keyring& ring, std::string& stored) {
  if (stored.empty() || key_id_of(stored) == ring.sealing_key_id()) return false;
  std::string clear = stored;
  if (is_sealed(stored)) {
    KB_ASSIGN(clear, ring.open(stored));
  }
  KB_ASSIGN(stored, ring.seal(clear));
  return true;
}

// One batch of chat followers after (`*platform`, `*user_id`), which it moves on.
Result<ResealCounts> reseal_followers(store::Connection& c, std::string* platform,
                                      std::string* user_id, int64_t limit) {
  auto ring = current();
  KB_ASSIGN(store::Rows rows, c.query(kSelectFollowers, {std::string_view(*platform),
                                                         std::string_view(*user_id), limit}));
  ResealCounts counts;
  for (const auto& r : rows) {
    ++counts.rows;
    *platform = r.str(0);
    *user_id = r.str(1);
    std::string phone = r.str(2), data = r.str(3);
    KB_ASSIGN(bool phone_changed, reseal_value(*ring, phone));
    bool data_changed = false;
    if (data != "{}") {
      KB_ASSIGN(data_changed, reseal_value(*ring, data));
    }
    if (!phone_changed && !data_changed) continue;
    counts.sealed += phone_changed + data_changed;
    Param stored_phone = r.is_null(2) ? Param{nullptr} : Param{std::string_view(phone)};
    KB_TRY(c.exec(kUpdateFollower, {std::string_view(*platform), std::string_view(*user_id),
                                    stored_phone, std::string_view(data)}));
  }
  return counts;
}

}  // namespace

size_t table_count() { return std::size(kTables); }

Result<ResealCounts> reseal_batch(store::Connection& c, size_t table, int64_t after_id,
                                  int64_t limit, int64_t* last_id) {
  const SealedTable& t = kTables[table];
  auto ring = current();
  const std::string& key_id = ring->sealing_key_id();
  size_t indexed = 0;
  for (size_t i = 0; i < t.columns; ++i) indexed += t.purposes[i] != nullptr;
  const size_t k = t.keys;
  Result<store::Rows> selected =
      k == 1 ? c.query(t.select, {after_id, limit})
             : c.query(t.select, {after_id >> 32, after_id & 0xffffffff, limit});
  KB_ASSIGN(store::Rows rows, std::move(selected));
  ResealCounts counts;
  for (const auto& r : rows) {
    ++counts.rows;
    *last_id = k == 1 ? r.i64(0) : (r.i64(0) << 32) | r.i64(1);
    std::vector<std::string> values(t.columns), indexes(indexed);
    std::vector<Param> params, index_params;
    for (size_t key = 0; key < k; ++key) params.emplace_back(r.i64(key));
    bool changed = false;
    for (size_t i = 0, at = 0; i < t.columns; ++i) {
      const char* purpose = t.purposes[i];
      const size_t index_column = k + t.columns + at;
      if (r.is_null(k + i)) {
        params.emplace_back(nullptr);
        if (purpose) {
          index_params.emplace_back(nullptr);
          ++at;
        }
        continue;
      }
      std::string stored = r.str(k + i);
      const bool reseal = !stored.empty() && key_id_of(stored) != key_id;
      const bool reindex = purpose && !stored.empty() && r.is_null(index_column);
      if (reseal || reindex) {
        std::string clear = stored;
        if (is_sealed(stored)) {
          // A value that does not open is left as it is rather than sealed as empty.
          auto opened = ring->open(stored);
          if (!opened.ok()) return std::move(opened).error();
          clear = std::move(opened).value();
        }
        if (reseal) {
          KB_ASSIGN(stored, ring->seal(clear));
          ++counts.sealed;
        }
        if (reindex) {
          std::string p = *purpose ? std::string(purpose) : r.str(k + t.columns + indexed);
          indexes[at] = ring->blind_index(p, clear);
        }
        changed = true;
      }
      if (purpose) {
        if (!reindex && !r.is_null(index_column)) indexes[at] = r.str(index_column);
        index_params.emplace_back(indexes[at].empty() ? Param{nullptr}
                                                      : Param{std::string_view(indexes[at])});
        ++at;
      }
      values[i] = std::move(stored);
      params.emplace_back(std::string_view(values[i]));
    }
    params.insert(params.end(), index_params.begin(), index_params.end());
    if (changed) KB_TRY(c.exec(t.update, params));
  }
  return counts;
}

Result<ResealCounts> reseal_all(store::Database& db, int64_t batch) {
  ResealCounts total;
  KB_TRY(db.writer().write_sync([](store::Connection& c) -> Status {
    KB_TRY(c.exec(kMoveReadings));
    return {};
  }));
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
  std::string platform, user_id;
  for (;;) {
    KB_ASSIGN(ResealCounts n, db.writer().write_sync([&](store::Connection& c) {
      return reseal_followers(c, &platform, &user_id, batch);
    }));
    total.rows += n.rows;
    total.sealed += n.sealed;
    if (n.rows < batch) break;
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
