#include "trace/contacts.h"

#include <algorithm>
#include <unordered_map>

#include "checkin/recent_visits.h"
#include "checkin/visit_days.h"

namespace kb::trace {
namespace {

using store::Sql;

// (person_id, t_in): a stay that reaches into the window began at most max_stay before it.
constexpr Sql kStaysOfPerson{"trace_stays_of_person",
                             "SELECT id, venue_id, t_in, t_out, assumed_out FROM visits WHERE "
                             "person_id = $1 AND t_in >= $2 AND t_in <= $3 "
                             "ORDER BY t_in, id"};
// Read from one day's table at a time (checkin/visit_days.h): the range spans a day or two, and a
// statement on one table is planned for it alone (on PostgreSQL a prepared statement on the
// partitioned parent is planned generically and opens every partition on each run: measured
// at 10 M visits, F1 p99 108 ms that way). The day's (venue_id, t_in, person_id, t_out,
// assumed_out) index bounds the range and holds every column read, so the table is never
// touched; the end test only spares rows that cannot overlap (a stay's counted end is never
// after its recorded end, nor before its start).
#define KB_STAYS_AT_VENUE_WHERE                                             \
  " WHERE venue_id = $1 AND t_in >= $2 AND t_in <= $3 AND person_id <> $4 " \
  "AND (COALESCE(t_out, assumed_out) >= $5 OR t_in >= $5)"
constexpr Sql kStaysAtVenue{
    "trace_stays_at_venue",
    "SELECT id, person_id, t_in, t_out, assumed_out FROM {visits}" KB_STAYS_AT_VENUE_WHERE};
// SQLite: the check-ins not yet moved to their day table (checkin/recent_visits.h), a small
// table with no index, read only for a stretch of time that its rows' times reach.
constexpr Sql kRecentStaysAtVenue{
    "trace_recent_stays_at_venue",
    "SELECT id, person_id, t_in, t_out, assumed_out FROM visits_recent" KB_STAYS_AT_VENUE_WHERE};
constexpr Sql kRecentTimes{"trace_recent_times", "SELECT MIN(t_in), MAX(t_in) FROM visits_recent"};

}  // namespace

ExposureWindow infectious_window(const ExposureRule& rule, int64_t test_date,
                                 std::optional<int64_t> onset, std::optional<int64_t> isolation,
                                 int64_t now) {
  ExposureWindow w;
  w.from = onset ? *onset - rule.onset_lead_seconds : test_date - rule.test_lead_seconds;
  w.to = isolation ? *isolation : now;
  if (w.to < w.from) w.to = w.from;
  return w;
}

Result<std::vector<SourceStay>> source_stays(store::Connection& c, const ExposureRule& rule,
                                             int64_t person_id, ExposureWindow window) {
  KB_ASSIGN(store::Rows rows,
            c.query(kStaysOfPerson, {person_id, window.from - rule.max_stay_seconds, window.to}));
  std::vector<SourceStay> out;
  out.reserve(rows.size());
  for (const auto& r : rows) {
    Stay recorded = effective_stay(rule, r.i64(2), r.opt_i64(3), r.i64(4));
    auto clipped = case_stay_in_window(recorded, window);
    if (!clipped) continue;
    out.push_back({r.i64(0), r.i64(1), *clipped, recorded, !r.is_null(3)});
  }
  return out;
}

void sort_by_risk(std::vector<Contact>& contacts) {
  std::sort(contacts.begin(), contacts.end(), [](const Contact& a, const Contact& b) {
    if (a.total_overlap_seconds != b.total_overlap_seconds)
      return a.total_overlap_seconds > b.total_overlap_seconds;
    if (a.first_exposure != b.first_exposure) return a.first_exposure < b.first_exposure;
    return a.person_id < b.person_id;
  });
}

Result<std::vector<Contact>> contacts_of_stays(store::Connection& c, const ExposureRule& rule,
                                               int64_t person_id,
                                               const std::vector<SourceStay>& stays) {
  // Group the source's stays by venue and merge their search ranges, so a venue visited often
  // is read once per stretch of time rather than once per stay.
  std::vector<const SourceStay*> order;
  order.reserve(stays.size());
  for (const auto& s : stays) order.push_back(&s);
  std::sort(order.begin(), order.end(), [](const SourceStay* a, const SourceStay* b) {
    return a->venue_id != b->venue_id ? a->venue_id < b->venue_id : a->stay.in < b->stay.in;
  });

  KB_ASSIGN(std::vector<int64_t> days, checkin::visit_days(c));
  std::optional<std::pair<int64_t, int64_t>> recent;  // t_in of the recent rows, first and last
  if (checkin::keeps_recent(c)) {
    KB_ASSIGN(auto times, c.query_one(kRecentTimes));
    if (times && !times->is_null(0)) recent.emplace(times->i64(0), times->i64(1));
  }
  std::vector<Contact> contacts;
  std::unordered_map<int64_t, size_t> index;  // person → position in contacts
  store::Rows rows;
  for (size_t i = 0; i < order.size();) {
    const int64_t venue = order[i]->venue_id;
    size_t j = i;
    int64_t lo = order[i]->stay.in - rule.margin_seconds - rule.max_stay_seconds;
    int64_t hi = order[i]->stay.out + rule.margin_seconds;
    int64_t end_lo = order[i]->stay.in - rule.margin_seconds;
    for (++j; j < order.size() && order[j]->venue_id == venue; ++j) {
      int64_t next_lo = order[j]->stay.in - rule.margin_seconds - rule.max_stay_seconds;
      if (next_lo > hi) break;
      hi = std::max(hi, order[j]->stay.out + rule.margin_seconds);
      end_lo = std::min(end_lo, order[j]->stay.in - rule.margin_seconds);
    }
    rows.clear();
    for (int64_t d = checkin::visit_day(lo); d <= checkin::visit_day(hi); ++d) {
      if (!std::binary_search(days.begin(), days.end(), d)) continue;
      KB_ASSIGN(store::Rows day_rows,
                c.query(checkin::for_day(c, kStaysAtVenue, d), {venue, lo, hi, person_id, end_lo}));
      rows.insert(rows.end(), std::make_move_iterator(day_rows.begin()),
                  std::make_move_iterator(day_rows.end()));
    }
    if (recent && recent->first <= hi && recent->second >= lo) {
      KB_ASSIGN(store::Rows recent_rows,
                c.query(kRecentStaysAtVenue, {venue, lo, hi, person_id, end_lo}));
      rows.insert(rows.end(), std::make_move_iterator(recent_rows.begin()),
                  std::make_move_iterator(recent_rows.end()));
    }
    for (const auto& r : rows) {
      Stay other = effective_stay(rule, r.i64(2), r.opt_i64(3), r.i64(4));
      for (size_t k = i; k < j; ++k) {
        const SourceStay& s = *order[k];
        auto overlap = exposure_overlap(rule, s.stay, other);
        if (!overlap) continue;
        int64_t person = r.i64(1);
        auto [it, inserted] = index.try_emplace(person, contacts.size());
        if (inserted) {
          contacts.push_back({});
          contacts.back().person_id = person;
          contacts.back().first_exposure = INT64_MAX;
          contacts.back().last_exposure = INT64_MIN;
        }
        Contact& ct = contacts[it->second];
        ct.total_overlap_seconds += *overlap;
        ct.first_exposure =
            std::min(ct.first_exposure, std::max(other.in, s.stay.in - rule.margin_seconds));
        ct.last_exposure =
            std::max(ct.last_exposure, std::min(other.out, s.stay.out + rule.margin_seconds));
        ct.exposures.push_back({venue, s.visit_id, r.i64(0), s.stay, other, *overlap});
      }
    }
    i = j;
  }
  for (auto& ct : contacts) {
    std::sort(ct.exposures.begin(), ct.exposures.end(), [](const Exposure& a, const Exposure& b) {
      if (a.contact_stay.in != b.contact_stay.in) return a.contact_stay.in < b.contact_stay.in;
      if (a.visit_id != b.visit_id) return a.visit_id < b.visit_id;
      return a.source_visit_id < b.source_visit_id;
    });
  }
  sort_by_risk(contacts);
  return contacts;
}

Result<std::vector<Contact>> find_contacts(store::Connection& c, const ExposureRule& rule,
                                           int64_t person_id, ExposureWindow window) {
  KB_ASSIGN(auto stays, source_stays(c, rule, person_id, window));
  return contacts_of_stays(c, rule, person_id, stays);
}

}  // namespace kb::trace
