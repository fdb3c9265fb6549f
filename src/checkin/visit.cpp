#include "checkin/visit.h"

#include <fmt/format.h>

#include <algorithm>

#include "checkin/recent_visits.h"
#include "checkin/visit_days.h"
#include "core/clock.h"
#include "core/crypto.h"
#include "crypto/sealing.h"

namespace kb::checkin {
namespace {

using store::Param;
using store::Sql;

#define KB_VISIT_COLUMNS                                                               \
  "v.id, v.venue_id, v.person_id, v.t_in, v.t_out, v.assumed_out, v.source, v.trust, " \
  "v.recorded_by"

// The day table's (person_id, venue_id, t_in, …) index finds the recent visit in one seek.
constexpr Sql kSelectRecent{
    "select_recent_visit",
    "SELECT " KB_VISIT_COLUMNS
    " FROM {visits} v WHERE v.person_id = $1 AND v.venue_id = $3 AND v.t_in >= $2 "
    "AND v.t_out IS NULL ORDER BY v.t_in DESC LIMIT 1"};
constexpr Sql kInsertVisit{"insert_visit",
                           "INSERT INTO {visits}(id, venue_id, person_id, t_in, assumed_out, "
                           "source, trust, recorded_by, created_at) "
                           "VALUES ({next_id}, $1, $2, $3, $4, $5, $6, $7, $3) RETURNING id"};
constexpr Sql kRecordPg{
    "record_visit_pg",
    "WITH recent AS (SELECT " KB_VISIT_COLUMNS
    " FROM {visits} v WHERE v.person_id = $1 AND v.venue_id = $3 "
    "AND v.t_in >= $2 AND v.t_out IS NULL ORDER BY v.t_in DESC LIMIT 1), "
    "added AS (INSERT INTO {visits}(id, venue_id, person_id, t_in, assumed_out, source, trust, "
    "recorded_by, created_at) "
    "SELECT {next_id}, $3, $1, $4::bigint, $5::bigint, $6::smallint, $7::smallint, $8::bigint, "
    "$4::bigint "
    "WHERE NOT EXISTS (SELECT 1 FROM recent) "
    "RETURNING id, venue_id, person_id, t_in, t_out, assumed_out, source, trust, recorded_by) "
    "SELECT *, true FROM recent UNION ALL SELECT *, false FROM added"};
// Many check-ins of one day in one statement (record_all): each input row k finds its recent
// visit as kRecordPg does; of the rest, the first of each person and venue is inserted, and a
// later one of the same pair is answered in code as a duplicate of it.
constexpr Sql kRecordAllPg{
    "record_visits_pg",
    "WITH input AS (SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], "
    "$5::smallint[], "
    "$6::smallint[], $7::bigint[]) WITH ORDINALITY AS i(person_id, venue_id, t_in, assumed_out, "
    "source, trust, "
    "recorded_by, k)), "
    "recent AS (SELECT i.k, v.* FROM input i CROSS JOIN LATERAL (SELECT " KB_VISIT_COLUMNS
    " FROM {visits} v "
    "WHERE v.person_id = i.person_id AND v.venue_id = i.venue_id AND v.t_in >= i.t_in - $8 AND "
    "v.t_out IS NULL "
    "ORDER BY v.t_in DESC LIMIT 1) v), "
    "fresh AS (SELECT DISTINCT ON (i.person_id, i.venue_id) {next_id} AS id, i.* FROM input i "
    "WHERE NOT EXISTS (SELECT 1 FROM recent r WHERE r.k = i.k) ORDER BY i.person_id, i.venue_id, "
    "i.k), "
    "added AS (INSERT INTO {visits}(id, venue_id, person_id, t_in, assumed_out, source, trust, "
    "recorded_by, created_at) "
    "SELECT id, venue_id, person_id, t_in, assumed_out, source, trust, recorded_by, t_in FROM "
    "fresh) "
    "SELECT id, venue_id, person_id, t_in, t_out, assumed_out, source, trust, recorded_by, true, k "
    "FROM recent "
    "UNION ALL SELECT id, venue_id, person_id, t_in, NULL::bigint, assumed_out, source, trust, "
    "recorded_by, false, k "
    "FROM fresh"};
constexpr Sql kSelectVisit{"select_visit",
                           "SELECT " KB_VISIT_COLUMNS " FROM visits v WHERE v.id = $1"};
constexpr Sql kCheckOut{"check_out_visit",
                        "UPDATE {visits} SET t_out = $2 WHERE id = $1 AND t_out IS NULL RETURNING "
                        "id, venue_id, person_id, t_in, t_out, "
                        "assumed_out, source, trust, recorded_by"};
constexpr Sql kSelectOpen{
    "select_open_visits",
    "SELECT " KB_VISIT_COLUMNS
    " FROM visits v WHERE v.person_id = $1 AND v.t_in >= $2 AND v.venue_id + 0 = $3 "
    "AND v.t_out IS NULL ORDER BY v.t_in"};
constexpr Sql kSelectOfPerson{
    "select_visits_of_person",
    "SELECT " KB_VISIT_COLUMNS
    ", w.name, w.code FROM visits v JOIN venues w ON w.id = v.venue_id "
    "WHERE v.person_id = $1 AND v.t_in >= $2 ORDER BY v.t_in DESC LIMIT $3"};
constexpr Sql kSelectAtVenue{
    "select_visits_at_venue",
    "SELECT " KB_VISIT_COLUMNS
    ", p.full_name, p.phone, o.received_at FROM visits v JOIN people p ON p.id = v.person_id "
    "LEFT JOIN offline_scans o ON o.visit_id = v.id "
    "WHERE v.venue_id = $1 AND v.t_in >= $2 AND v.t_in < $3 ORDER BY v.t_in, v.id"};
constexpr Sql kSelectDayCounts{
    "select_visit_day_counts",
    "SELECT (t_in + 25200) / 86400 AS d, COUNT(*), COUNT(t_out) FROM visits "
    "WHERE venue_id = $1 AND t_in >= $2 AND t_in < $3 GROUP BY (t_in + 25200) / 86400 ORDER BY d"};
constexpr Sql kSelectInside{"select_visits_inside",
                            "SELECT COUNT(*) FROM visits WHERE venue_id = $1 AND t_in >= $2 AND "
                            "t_in <= $3 AND t_out IS NULL "
                            "AND assumed_out > $3"};

static_assert(kVietnamOffsetSeconds == 25200, "the day SQL above hard-codes UTC+07:00");

Result<Visit> from_row(const store::Row& r) {
  Visit v;
  v.id = r.i64(0);
  v.venue_id = r.i64(1);
  v.person_id = r.i64(2);
  v.t_in = r.i64(3);
  v.t_out = r.opt_i64(4);
  v.assumed_out = r.i64(5);
  int64_t source = r.i64(6);
  int64_t trust = r.i64(7);
  if (source < 1 || source > 3)
    return internal(fmt::format("visit {} has unknown source {}", v.id, source));
  if (trust < 1 || trust > 8)
    return internal(fmt::format("visit {} has unknown trust {}", v.id, trust));
  v.source = static_cast<Source>(source);
  v.trust = static_cast<Trust>(trust);
  v.recorded_by = r.opt_i64(8);
  return v;
}

}  // namespace

std::string_view source_name(Source source) {
  switch (source) {
    case Source::kSelf:
      return "self";
    case Source::kStaffScan:
      return "staff_scan";
    case Source::kManual:
      return "manual";
  }
  return "self";
}

std::string_view trust_name(Trust trust) {
  switch (trust) {
    case Trust::kGuestForm:
      return "guest_form";
    case Trust::kManual:
      return "manual";
    case Trust::kSelfPoster:
      return "self_poster";
    case Trust::kPhoneOtp:
      return "phone_otp";
    case Trust::kSelfKiosk:
      return "self_kiosk";
    case Trust::kBhyt:
      return "bhyt";
    case Trust::kCccd:
      return "cccd";
    case Trust::kPersonalQr:
      return "personal_qr";
  }
  return "manual";
}

int trust_level(Trust trust) {
  switch (trust) {
    case Trust::kGuestForm:
    case Trust::kManual:
      return 1;
    case Trust::kSelfPoster:
      return 2;
    case Trust::kPhoneOtp:
    case Trust::kSelfKiosk:
      return 3;
    case Trust::kBhyt:
    case Trust::kCccd:
      return 4;
    case Trust::kPersonalQr:
      return 5;
  }
  return 1;
}

Result<Recorded> record(store::Connection& c, const NewVisit& n) {
  const int64_t since = n.at - kDuplicateWindowSeconds;
  const int64_t day = checkin::visit_day(n.at);
  KB_TRY(checkin::ensure_visit_day(c, day));
  Param by = n.recorded_by ? Param{*n.recorded_by} : Param{nullptr};
  if (c.dialect() == store::Dialect::kPostgres && checkin::visit_day(since) == day) {
    // One round trip instead of two: the duplicate check and the insert in one statement.
    KB_ASSIGN(auto row,
              c.query_one(checkin::for_day(c, kRecordPg, day),
                          {n.person_id, since, n.venue_id, n.at, n.at + n.stay_seconds,
                           static_cast<int64_t>(n.source), static_cast<int64_t>(n.trust), by}));
    if (!row) return internal("recording a visit returned no row");
    KB_ASSIGN(Visit v, from_row(*row));
    return Recorded{std::move(v), row->str(9) == "t"};
  }
  if (checkin::keeps_recent(c)) {  // SQLite: the rows not yet moved to the day table first
    KB_ASSIGN(auto recent, checkin::recent_open_visit(c, n.person_id, n.venue_id, since));
    if (recent) {
      KB_ASSIGN(Visit v, from_row(*recent));
      return Recorded{std::move(v), true};
    }
  }
  for (int64_t d = day; d >= checkin::visit_day(since); --d) {  // the window may begin yesterday
    if (d != day) KB_TRY(checkin::ensure_visit_day(c, d));
    KB_ASSIGN(auto recent,
              c.query_one(checkin::for_day(c, kSelectRecent, d), {n.person_id, since, n.venue_id}));
    if (recent) {
      KB_ASSIGN(Visit v, from_row(*recent));
      return Recorded{std::move(v), true};
    }
  }
  Visit v;
  v.venue_id = n.venue_id;
  v.person_id = n.person_id;
  v.t_in = n.at;
  v.assumed_out = n.at + n.stay_seconds;
  v.source = n.source;
  v.trust = n.trust;
  v.recorded_by = n.recorded_by;
  if (checkin::keeps_recent(c)) {
    KB_ASSIGN(v.id, checkin::append_recent(c, {n.venue_id, n.person_id, n.at, v.assumed_out,
                                               static_cast<int64_t>(n.source),
                                               static_cast<int64_t>(n.trust), n.recorded_by}));
    return Recorded{std::move(v), false};
  }
  KB_ASSIGN(auto row,
            c.query_one(checkin::for_day(c, kInsertVisit, day),
                        {n.venue_id, n.person_id, n.at, v.assumed_out,
                         static_cast<int64_t>(n.source), static_cast<int64_t>(n.trust), by}));
  if (!row) return internal("insert into visits returned no id");
  v.id = row->i64(0);
  return Recorded{std::move(v), false};
}

namespace {

// One day's check-ins (at least two) through kRecordAllPg; `at[i]` indexes `visits`.
void record_day_pg(store::Connection& c, int64_t day, std::span<const NewVisit> visits,
                   std::span<const size_t> at, std::vector<std::optional<Result<Recorded>>>& out) {
  auto fail = [&](const Error& e) {
    for (size_t i : at) out[i].emplace(e);
  };
  if (auto st = checkin::ensure_visit_day(c, day); !st.ok()) return fail(st.error());
  // Each column as a PostgreSQL array literal: {1,2,NULL}.
  auto array = [&](auto value_of) {
    std::string out = "{";
    for (size_t i : at) {
      if (out.size() > 1) out += ',';
      std::optional<int64_t> v = value_of(visits[i]);
      if (v) {
        fmt::format_to(std::back_inserter(out), "{}", *v);
      } else {
        out += "NULL";
      }
    }
    return out + '}';
  };
  using V = std::optional<int64_t>;
  std::string person = array([](const NewVisit& n) { return V(n.person_id); });
  std::string venue = array([](const NewVisit& n) { return V(n.venue_id); });
  std::string t_in = array([](const NewVisit& n) { return V(n.at); });
  std::string assumed = array([](const NewVisit& n) { return V(n.at + n.stay_seconds); });
  std::string source = array([](const NewVisit& n) { return V(static_cast<int64_t>(n.source)); });
  std::string trust = array([](const NewVisit& n) { return V(static_cast<int64_t>(n.trust)); });
  std::string by = array([](const NewVisit& n) { return n.recorded_by; });
  auto rows = c.query(checkin::for_day(c, kRecordAllPg, day),
                      {person, venue, t_in, assumed, source, trust, by, kDuplicateWindowSeconds});
  if (!rows.ok()) return fail(rows.error());
  for (const auto& r : *rows) {
    int64_t k = r.i64(10);  // 1-based position in `at`
    if (k < 1 || k > static_cast<int64_t>(at.size()))
      return fail(internal("recording visits returned a bad row"));
    auto v = from_row(r);
    if (!v.ok()) return fail(v.error());
    out[at[k - 1]].emplace(Recorded{std::move(*v), r.str(9) == "t"});
  }
  // A later check-in of a person and venue inserted earlier in the group is its duplicate.
  for (size_t i : at) {
    if (out[i]) continue;
    for (size_t j : at) {
      const auto& first = out[j];
      if (first && first->ok() && (*first)->visit.person_id == visits[i].person_id &&
          (*first)->visit.venue_id == visits[i].venue_id) {
        out[i].emplace(Recorded{(*first)->visit, true});
        break;
      }
    }
    if (!out[i]) out[i].emplace(internal("recording visits lost a check-in"));
  }
}

}  // namespace

std::vector<Result<Recorded>> record_all(store::Connection& c, std::span<const NewVisit> visits) {
  std::vector<std::optional<Result<Recorded>>> out(visits.size());
  // A duplicate window reaching into the day before (the first minute after midnight) needs two
  // day tables: then every check-in goes through record(), in turn.
  bool one_day_each = std::all_of(visits.begin(), visits.end(), [](const NewVisit& n) {
    return checkin::visit_day(n.at - kDuplicateWindowSeconds) == checkin::visit_day(n.at);
  });
  if (c.dialect() == store::Dialect::kPostgres && visits.size() > 1 && one_day_each) {
    std::vector<std::pair<int64_t, size_t>> by_day;
    for (size_t i = 0; i < visits.size(); ++i)
      by_day.emplace_back(checkin::visit_day(visits[i].at), i);
    std::stable_sort(by_day.begin(), by_day.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<size_t> at;
    for (size_t i = 0; i < by_day.size();) {
      at.clear();
      size_t j = i;
      for (; j < by_day.size() && by_day[j].first == by_day[i].first; ++j)
        at.push_back(by_day[j].second);
      if (at.size() > 1) record_day_pg(c, by_day[i].first, visits, at, out);
      i = j;
    }
  }
  std::vector<Result<Recorded>> results;
  results.reserve(visits.size());
  for (size_t i = 0; i < visits.size(); ++i) {
    results.push_back(out[i] ? std::move(*out[i]) : record(c, visits[i]));
  }
  return results;
}

Result<std::optional<Visit>> find(store::Connection& c, int64_t id) {
  KB_ASSIGN(auto row, c.query_one(kSelectVisit, {id}));
  if (!row) return std::optional<Visit>{};
  KB_ASSIGN(Visit v, from_row(*row));
  return std::optional<Visit>{std::move(v)};
}

Result<Visit> check_out(store::Connection& c, int64_t visit_id, int64_t now) {
  KB_ASSIGN(auto existing, find(c, visit_id));
  if (!existing) return Error{ErrorKind::kNotFound, "visit_not_found", "no such visit", "visit_id"};
  if (existing->t_out) {
    return Error{ErrorKind::kConflict, "already_checked_out", "this visit was already checked out",
                 "visit_id"};
  }
  // SQLite: the visit may still be in the recent table (checkin/recent_visits.h).
  KB_ASSIGN(auto row, checkin::check_out_recent(c, visit_id, now));
  if (!row) {
    KB_ASSIGN(row, c.query_one(checkin::for_day(c, kCheckOut, checkin::visit_day(existing->t_in)),
                               {visit_id, now}));
  }
  if (!row) {  // checked out meanwhile through another server process
    return Error{ErrorKind::kConflict, "already_checked_out", "this visit was already checked out",
                 "visit_id"};
  }
  return from_row(*row);
}

Result<std::vector<Visit>> open_visits(store::Connection& c, int64_t venue_id,
                                       std::span<const int64_t> person_ids, int64_t now) {
  std::vector<Visit> out;
  for (int64_t person : person_ids) {
    KB_ASSIGN(store::Rows rows, c.query(kSelectOpen, {person, now - 86400, venue_id}));
    for (const auto& r : rows) {
      KB_ASSIGN(Visit v, from_row(r));
      out.push_back(std::move(v));
    }
  }
  return out;
}

Result<std::vector<VisitAtVenue>> visits_of(store::Connection& c,
                                            std::span<const int64_t> person_ids, int64_t since,
                                            int64_t limit) {
  std::vector<VisitAtVenue> out;
  for (int64_t person : person_ids) {
    KB_ASSIGN(store::Rows rows, c.query(kSelectOfPerson, {person, since, limit}));
    for (const auto& r : rows) {
      KB_ASSIGN(Visit v, from_row(r));
      out.push_back({std::move(v), r.str(9), r.str(10)});
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const VisitAtVenue& a, const VisitAtVenue& b) {
    return a.visit.t_in > b.visit.t_in;
  });
  return out;
}

Result<std::vector<GuestLogEntry>> visits_at(store::Connection& c, int64_t venue_id, int64_t from,
                                             int64_t to) {
  KB_ASSIGN(store::Rows rows, c.query(kSelectAtVenue, {venue_id, from, to}));
  std::vector<GuestLogEntry> out;
  out.reserve(rows.size());
  for (const auto& r : rows) {
    KB_ASSIGN(Visit v, from_row(r));
    // Name and phone sealed at rest.
    out.push_back(
        {std::move(v), sealing::reveal(r.str(9)), sealing::reveal(r.str(10)), r.opt_i64(11)});
  }
  return out;
}

Result<std::vector<DayCount>> day_counts(store::Connection& c, int64_t venue_id, int64_t from,
                                         int64_t to) {
  KB_ASSIGN(store::Rows rows, c.query(kSelectDayCounts, {venue_id, from, to}));
  std::vector<DayCount> out;
  out.reserve(rows.size());
  for (const auto& r : rows)
    out.push_back({day_of(r.i64(0) * 86400 - kVietnamOffsetSeconds), r.i64(1), r.i64(2)});
  return out;
}

Result<int64_t> inside_now(store::Connection& c, int64_t venue_id, int64_t now) {
  KB_ASSIGN(store::Rows rows, c.query(kSelectInside, {venue_id, now - 86400, now}));
  return rows.empty() ? 0 : rows[0].i64(0);
}

std::optional<int64_t> day_start(std::string_view date) {
  if (date.size() != 10 || date[4] != '-' || date[7] != '-') return std::nullopt;
  auto t = parse_rfc3339(fmt::format("{}T00:00:00+07:00", date));
  if (!t || day_of(*t) != date) return std::nullopt;  // 2026-02-30 and the like
  return t;
}

std::string checkout_token(std::string_view secret, const Visit& v) {
  return keyed_hash(fmt::format("checkout|{}|{}|{}", v.id, v.person_id, v.t_in), secret)
      .substr(0, 32);
}

std::string day_of(int64_t t) { return format_rfc3339(t).substr(0, 10); }

}  // namespace kb::checkin
