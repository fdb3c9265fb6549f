#include "synth/synth.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <random>

#include "checkin/visit_days.h"
#include "core/clock.h"
#include "crypto/sealing.h"

namespace kb::synth {
namespace {

using store::Connection;
using store::Param;
using store::Sql;

constexpr int kBatch = 5000;

// SQLite takes one prepared row at a time inside a big transaction; PostgreSQL takes a batch
// of rows per statement through unnest() over array parameters (one round trip per batch).
constexpr Sql kInsertPersonSqlite{
    "synth_person_sqlite",
    "INSERT INTO people(full_name, id_number, id_kind, birth_date, sex, phone, province_code, "
    "ward_code, street, "
    "created_at, updated_at, status_colour, status_reason, id_number_index, phone_index) "
    "VALUES ($1, $2, 'cccd', $3, $4, $5, $6, $7, $8, $9, $9, 'not_declared', 'no_declaration', "
    "$10, $11)"};
constexpr Sql kInsertPeoplePg{"synth_people_pg",
                              "INSERT INTO people(full_name, id_number, id_kind, birth_date, sex, "
                              "phone, province_code, ward_code, street, "
                              "created_at, updated_at, status_colour, status_reason, "
                              "id_number_index, phone_index) "
                              "SELECT n, i, 'cccd', b, s, p, pc, wc, st, $9, $9, 'not_declared', "
                              "'no_declaration', ii, pi FROM unnest($1::text[], $2::text[], "
                              "$3::text[], $4::text[], $5::text[], $6::text[], $7::text[], "
                              "$8::text[], $10::text[], $11::text[]) "
                              "AS t(n, i, b, s, p, pc, wc, st, ii, pi)"};
constexpr Sql kInsertVenueSqlite{"synth_venue_sqlite",
                                 "INSERT INTO venues(code, name, kind, province_code, ward_code, "
                                 "street, capacity, contact_phone, status, "
                                 "created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, "
                                 "$6, NULL, NULL, 'open', $7, $8, $8)"};
constexpr Sql kInsertVenuesPg{"synth_venues_pg",
                              "INSERT INTO venues(code, name, kind, province_code, ward_code, "
                              "street, capacity, contact_phone, status, "
                              "created_by, created_at, updated_at) SELECT c, n, k, pc, wc, st, "
                              "NULL, NULL, 'open', $7, $8, $8 FROM "
                              "unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], "
                              "$6::text[]) AS t(c, n, k, pc, wc, st)"};
constexpr Sql kInsertVisitSqlite{"synth_visit_sqlite",
                                 "INSERT INTO {visits}(venue_id, person_id, t_in, t_out, "
                                 "assumed_out, source, trust, recorded_by, created_at) "
                                 "VALUES ($1, $2, $3, $4, $5, 1, 3, NULL, $3)"};
constexpr Sql kInsertFirstVisitSqlite{"synth_first_visit_sqlite",
                                      "INSERT INTO {visits}(id, venue_id, person_id, t_in, t_out, "
                                      "assumed_out, source, trust, recorded_by, created_at) "
                                      "VALUES ({next_id}, $1, $2, $3, $4, $5, 1, 3, NULL, $3)"};
constexpr Sql kInsertVisitsPg{"synth_visits_pg",
                              "INSERT INTO visits(venue_id, person_id, t_in, t_out, assumed_out, "
                              "source, trust, recorded_by, created_at) "
                              "SELECT v, p, ti, tout, ao, 1, 3, NULL, ti FROM unnest($1::bigint[], "
                              "$2::bigint[], $3::bigint[], $4::bigint[], "
                              "$5::bigint[]) AS t(v, p, ti, tout, ao)"};
constexpr Sql kMaxPersonId{"synth_max_person", "SELECT COALESCE(MAX(id), 0) FROM people"};
constexpr Sql kMaxVenueId{"synth_max_venue", "SELECT COALESCE(MAX(id), 0) FROM venues"};
constexpr Sql kAnyUser{"synth_any_user", "SELECT MIN(id) FROM users"};

constexpr const char* kFamilyNames[] = {"Nguyễn", "Trần", "Lê",    "Phạm", "Hoàng", "Huỳnh",
                                        "Phan",   "Vũ",   "Võ",    "Đặng", "Bùi",   "Đỗ",
                                        "Hồ",     "Ngô",  "Dương", "Lý"};
constexpr const char* kMiddleNames[] = {"Văn",  "Thị",   "Hữu",  "Đức", "Minh",
                                        "Ngọc", "Thanh", "Quốc", "Gia", "Bảo"};
constexpr const char* kGivenNames[] = {"An",   "Bình",  "Châu",  "Dũng",  "Giang", "Hà",   "Hải",
                                       "Hạnh", "Hùng",  "Hương", "Khánh", "Lan",   "Linh", "Long",
                                       "Mai",  "Nam",   "Nga",   "Phúc",  "Quân",  "Sơn",  "Tâm",
                                       "Thảo", "Trang", "Tuấn",  "Vy",    "Yến"};
constexpr const char* kVenueKinds[] = {"shop",   "restaurant", "office",    "school",
                                       "market", "hospital",   "transport", "other"};

template <class T, size_t N>
const T& pick(const T (&items)[N], std::mt19937_64& rng) {
  return items[rng() % N];
}

// A PostgreSQL array literal of text values (no NULLs here).
std::string text_array(const std::vector<std::string>& values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out.push_back(',');
    out.push_back('"');
    for (char ch : values[i]) {
      if (ch == '"' || ch == '\\') out.push_back('\\');
      out.push_back(ch);
    }
    out.push_back('"');
  }
  out.push_back('}');
  return out;
}

std::string int_array(const std::vector<int64_t>& values, int64_t null_marker = INT64_MIN) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out.push_back(',');
    if (values[i] == null_marker) {
      out += "NULL";
    } else {
      out += std::to_string(values[i]);
    }
  }
  out.push_back('}');
  return out;
}

struct Place {
  std::string province_code;
  std::string ward_code;
};

class Generator {
 public:
  Generator(const areas::AreaDirectory& areas, uint64_t seed) : rng_(seed) {
    for (const auto& p : areas.provinces()) {
      for (const auto* w : areas.wards_of(p.code)) wards_.push_back({p.code, w->code});
    }
  }

  const Place& place() { return wards_[rng_() % wards_.size()]; }
  std::mt19937_64& rng() { return rng_; }

 private:
  std::mt19937_64 rng_;
  std::vector<Place> wards_;
};

// Runs `fill(conn)` in one transaction on a connection of its own with durability relaxed:
// generated data can be generated again, so a bulk load need not fsync every batch.
Status in_transaction(store::Database& db, const std::function<Status(Connection&)>& fill) {
  KB_ASSIGN(auto conn, db.connect());
  if (conn->dialect() == store::Dialect::kSqlite) {
    KB_TRY(conn->exec_script("PRAGMA synchronous=OFF; PRAGMA cache_size=-262144"));
  } else {
    KB_TRY(conn->exec_script("SET synchronous_commit = off"));
  }
  KB_TRY(conn->exec_script("BEGIN"));
  if (auto st = fill(*conn); !st.ok()) {
    (void)conn->exec_script("ROLLBACK");
    return st;
  }
  return conn->exec_script("COMMIT");
}

Status insert_people(store::Database& db, Generator& gen, int64_t first, int64_t count,
                     int64_t now) {
  return in_transaction(db, [&](Connection& c) -> Status {
    std::vector<std::string> cols[10];
    auto flush = [&]() -> Status {
      if (cols[0].empty()) return {};
      if (c.dialect() == store::Dialect::kPostgres) {
        std::string a[10];
        for (int i = 0; i < 10; ++i) a[i] = text_array(cols[i]);
        KB_TRY(c.exec(kInsertPeoplePg,
                      {a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], now, a[8], a[9]}));
      }
      for (auto& col : cols) col.clear();
      return {};
    };
    auto& rng = gen.rng();
    for (int64_t i = 0; i < count; ++i) {
      int64_t serial = first + i;
      int year = 1940 + static_cast<int>(rng() % 80);
      bool female = rng() % 2;
      int century_digit = (year >= 2000 ? 2 : 0) + (female ? 1 : 0);
      const Place& home = gen.place();
      std::string id = fmt::format("{:03}{}{:02}{:06}", 1 + rng() % 96, century_digit, year % 100,
                                   serial % 1000000);
      // Uniqueness beyond a million people: the serial's high part goes in the province digits,
      // and the century digit moves to 4/5 so these never meet the first million's (0–3).
      if (serial >= 1000000) {
        id = fmt::format("{:03}{}{:02}{:06}", 1 + (serial / 1000000) % 96, century_digit + 4,
                         year % 100, serial % 1000000);
      }
      std::string name =
          fmt::format("{} {} {}", pick(kFamilyNames, rng), female ? "Thị" : pick(kMiddleNames, rng),
                      pick(kGivenNames, rng));
      std::string birth = fmt::format("{}-{:02}-{:02}", year, 1 + rng() % 12, 1 + rng() % 28);
      std::string phone = fmt::format("+849{:08}", serial % 100000000);
      std::string street = fmt::format("{} đường số {}", 1 + rng() % 300, 1 + rng() % 50);
      // Sealed at rest like every person's, found through blind indexes (crypto/sealing.h); the
      // identity.name_keys job fills their name keys.
      std::string id_index = sealing::blind("id_number", id);
      std::string phone_index = sealing::blind("phone", phone);
      name = sealing::seal(name);
      id = sealing::seal(id);
      phone = sealing::seal(phone);
      street = sealing::seal(street);
      if (c.dialect() == store::Dialect::kSqlite) {
        KB_TRY(c.exec(kInsertPersonSqlite,
                      {name, id, birth, female ? "female" : "male", phone, home.province_code,
                       home.ward_code, street, now, id_index, phone_index}));
      } else {
        std::string row[10] = {name,           id,
                               birth,          female ? "female" : "male",
                               phone,          home.province_code,
                               home.ward_code, street,
                               id_index,       phone_index};
        for (int k = 0; k < 10; ++k) cols[k].push_back(std::move(row[k]));
        if (static_cast<int>(cols[0].size()) >= kBatch) KB_TRY(flush());
      }
    }
    return flush();
  });
}

Status insert_venues(store::Database& db, Generator& gen, int64_t first, int64_t count,
                     int64_t owner, int64_t now) {
  return in_transaction(db, [&](Connection& c) -> Status {
    std::vector<std::string> cols[6];
    auto flush = [&]() -> Status {
      if (cols[0].empty() || c.dialect() != store::Dialect::kPostgres) return {};
      std::string a[6];
      for (int i = 0; i < 6; ++i) a[i] = text_array(cols[i]);
      KB_TRY(c.exec(kInsertVenuesPg, {a[0], a[1], a[2], a[3], a[4], a[5], owner, now}));
      for (auto& col : cols) col.clear();
      return {};
    };
    auto& rng = gen.rng();
    for (int64_t i = 0; i < count; ++i) {
      const Place& where = gen.place();
      std::string kind = pick(kVenueKinds, rng);
      std::string row[6] = {fmt::format("SYN{:07}", first + i),
                            fmt::format("Điểm {} số {}", kind, first + i),
                            kind,
                            where.province_code,
                            where.ward_code,
                            fmt::format("{} Lê Lợi", 1 + rng() % 500)};
      if (c.dialect() == store::Dialect::kSqlite) {
        KB_TRY(c.exec(kInsertVenueSqlite,
                      {row[0], row[1], row[2], row[3], row[4], row[5], owner, now}));
      } else {
        for (int k = 0; k < 6; ++k) cols[k].push_back(std::move(row[k]));
        if (static_cast<int>(cols[0].size()) >= kBatch) KB_TRY(flush());
      }
    }
    return flush();
  });
}

// Seconds into a day for an arrival: peaks in the morning, at lunch and after work.
int64_t arrival_second(std::mt19937_64& rng) {
  static std::discrete_distribution<int> hours(
      {1, 1, 1, 1, 1, 2, 5, 9, 9, 6, 6, 8, 8, 6, 5, 5, 6, 9, 9, 7, 5, 3, 2, 1});
  return hours(rng) * 3600 + static_cast<int64_t>(rng() % 3600);
}

}  // namespace

Result<SynthReport> synthesize(store::Database& db, const areas::AreaDirectory& areas,
                               const SynthOptions& o,
                               const std::function<void(const std::string&)>& progress) {
  auto started = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  };
  if (areas.provinces().empty()) return invalid("areas", "areas_missing", "no areas loaded");
  Generator gen(areas, o.seed);
  int64_t now = o.end_time ? o.end_time : static_cast<int64_t>(::time(nullptr));
  SynthReport report;

  KB_ASSIGN(auto max_person, db.read([](Connection& c) { return c.query(kMaxPersonId); }));
  KB_ASSIGN(auto max_venue, db.read([](Connection& c) { return c.query(kMaxVenueId); }));
  KB_ASSIGN(auto owner_rows, db.read([](Connection& c) { return c.query(kAnyUser); }));
  if (owner_rows.empty() || owner_rows[0].is_null(0)) {
    return invalid("db", "no_users", "start the server once first (it creates the administrator)");
  }
  int64_t owner = owner_rows[0].i64(0);
  report.first_person_id = max_person[0].i64(0) + 1;
  report.first_venue_id = max_venue[0].i64(0) + 1;

  KB_TRY(insert_people(db, gen, report.first_person_id, o.people, now));
  report.people = o.people;
  progress(fmt::format("{} people in {:.1f} s", o.people, elapsed()));
  KB_TRY(insert_venues(db, gen, report.first_venue_id, o.venues, owner, now));
  report.venues = o.venues;
  progress(fmt::format("{} venues in {:.1f} s", o.venues, elapsed()));

  // Venue sizes follow a flattened Zipf law: venue k gets a share ∝ 1/(k + 20). With 10,000
  // venues and 700,000 visits a day the biggest (a market, a hospital) sees about 5,000 a
  // day and the smallest shops about ten; plain 1/k would send a tenth of the country to one
  // venue.
  std::vector<double> weights(static_cast<size_t>(o.venues));
  for (size_t k = 0; k < weights.size(); ++k) weights[k] = 1.0 / static_cast<double>(k + 20);
  std::discrete_distribution<int64_t> venue_pick(weights.begin(), weights.end());
  auto& rng = gen.rng();

  int64_t first_day = (now - o.days * 86400) / 86400 * 86400 - kVietnamOffsetSeconds;
  struct Row {
    int64_t venue, person, t_in, t_out, assumed_out;
  };
  std::vector<Row> day_rows;
  for (int64_t d = 0; d < o.days; ++d) {
    int64_t day = first_day + d * 86400;
    day_rows.clear();
    day_rows.reserve(static_cast<size_t>(o.visits_per_day));
    for (int64_t i = 0; i < o.visits_per_day; ++i) {
      Row r;
      r.venue = report.first_venue_id + venue_pick(rng);
      r.person =
          report.first_person_id + static_cast<int64_t>(rng() % static_cast<uint64_t>(o.people));
      r.t_in = day + arrival_second(rng);
      int64_t stay = 300 + static_cast<int64_t>(rng() % 7200);
      r.t_out = rng() % 10 < 6 ? r.t_in + stay : INT64_MIN;  // 40% never check out
      r.assumed_out = r.t_in + 3600;
      day_rows.push_back(r);
    }
    std::sort(day_rows.begin(), day_rows.end(),
              [](const Row& a, const Row& b) { return a.t_in < b.t_in; });
    KB_TRY(in_transaction(db, [&](Connection& c) -> Status {
      const int64_t vday = checkin::visit_day(day);
      KB_TRY(checkin::ensure_visit_day(c, vday));
      if (c.dialect() == store::Dialect::kSqlite) {
        // A fresh day table: its rows may take SQLite's own ids, which start at day × 2^32 once
        // the first is placed there.
        Sql insert = checkin::for_day(c, kInsertVisitSqlite, vday);
        bool first = true;
        for (const Row& r : day_rows) {
          Param out = r.t_out == INT64_MIN ? Param{nullptr} : Param{r.t_out};
          if (first) {
            KB_TRY(c.exec(checkin::for_day(c, kInsertFirstVisitSqlite, vday),
                          {r.venue, r.person, r.t_in, out, r.assumed_out}));
            first = false;
            continue;
          }
          KB_TRY(c.exec(insert, {r.venue, r.person, r.t_in, out, r.assumed_out}));
        }
        return {};
      }
      for (size_t start = 0; start < day_rows.size(); start += kBatch) {
        size_t end = std::min(day_rows.size(), start + kBatch);
        std::vector<int64_t> v, p, ti, to, ao;
        for (size_t i = start; i < end; ++i) {
          v.push_back(day_rows[i].venue);
          p.push_back(day_rows[i].person);
          ti.push_back(day_rows[i].t_in);
          to.push_back(day_rows[i].t_out);
          ao.push_back(day_rows[i].assumed_out);
        }
        KB_TRY(c.exec(kInsertVisitsPg,
                      {int_array(v), int_array(p), int_array(ti), int_array(to), int_array(ao)}));
      }
      return {};
    }));
    report.visits += static_cast<int64_t>(day_rows.size());
    progress(fmt::format("day {}/{}: {} visits in all, {:.1f} s", d + 1, o.days, report.visits,
                         elapsed()));
  }
  // What autovacuum would do next on PostgreSQL: planner statistics for the new day partitions,
  // and a visibility map that lets the tracer's index-only scans skip the table (measured on a
  // 3 M-visit store: F1 p99 22 → 18 ms).
  if (db.dialect() == store::Dialect::kPostgres) {
    KB_ASSIGN(auto conn, db.connect());
    KB_TRY(conn->exec_script("VACUUM ANALYZE visits"));
    progress(fmt::format("vacuum analyze: {:.1f} s", elapsed()));
  }
  report.seconds = elapsed();
  return report;
}

}  // namespace kb::synth
