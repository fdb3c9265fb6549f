// The exposure rule: who counts as a contact of a confirmed case. One rule, in pure functions,
// so the indexed query (contacts.h), the brute-force check in the tests and the documentation
// all mean the same thing.
//
//   Infectious window  W = [onset − 2 days, isolation]        (onset known)
//                        = [test date − 3 days, isolation]    (no onset)
//                      isolation unknown (still in the community): up to now.
//   A stay             S = [t_in, out], out = t_out, or the venue's assumed_out when nobody
//                      checked out; a stay counts at most `max_stay` (a forgotten check-out
//                      does not make someone present for days), and never ends before it starts.
//   A case's stay      counts only its part inside W (clipped); a stay wholly outside W is ignored.
//   A contact          any other person's stay C at the same venue with
//                        overlap = min(C.out, S.out + margin) − max(C.in, S.in − margin)
//                        overlap ≥ min_overlap (and ≥ 0: intervals are closed, so stays that
//                        just touch the widened case stay, overlap 0, count when min_overlap is 0).
//
// Defaults: margin 60 minutes, min_overlap 0, max_stay 12 hours.
#pragma once

#include <cstdint>
#include <optional>

namespace kb::trace {

struct ExposureRule {
  int64_t margin_seconds = 3600;
  int64_t min_overlap_seconds = 0;
  int64_t max_stay_seconds = 12 * 3600;
  int64_t onset_lead_seconds = 2 * 86400;  // infectious before symptom onset
  int64_t test_lead_seconds = 3 * 86400;   // infectious before the test, when onset is unknown
  int64_t f1_quarantine_seconds =
      14 * 86400;                  // an F1's quarantine runs this long after the last exposure
  bool household_contacts = true;  // people managed by the case's account (their family) are F1
};

// A closed time interval [from, to] in Unix seconds.
struct ExposureWindow {
  int64_t from = 0;
  int64_t to = 0;
};

// The case's infectious window. `isolation` absent: the case is still in the community and the
// window runs to `now`. A window never ends before it starts.
ExposureWindow infectious_window(const ExposureRule& rule, int64_t test_date,
                                 std::optional<int64_t> onset, std::optional<int64_t> isolation,
                                 int64_t now);

struct Stay {
  int64_t in = 0;
  int64_t out = 0;
};

// The stay a visit row stands for (see the rule above).
inline Stay effective_stay(const ExposureRule& rule, int64_t t_in, std::optional<int64_t> t_out,
                           int64_t assumed_out) {
  int64_t out = t_out ? *t_out : assumed_out;
  if (out < t_in) out = t_in;
  if (out > t_in + rule.max_stay_seconds) out = t_in + rule.max_stay_seconds;
  return {t_in, out};
}

// The part of a case's stay inside the window, or nullopt when none of it is.
inline std::optional<Stay> case_stay_in_window(Stay s, ExposureWindow w) {
  Stay clipped{s.in > w.from ? s.in : w.from, s.out < w.to ? s.out : w.to};
  if (clipped.in > clipped.out) return std::nullopt;
  return clipped;
}

// Seconds of exposure of a contact's stay to a case's (clipped) stay, or nullopt when the
// rule says it is no contact.
inline std::optional<int64_t> exposure_overlap(const ExposureRule& rule, Stay case_stay,
                                               Stay contact) {
  int64_t lo = case_stay.in - rule.margin_seconds;
  int64_t hi = case_stay.out + rule.margin_seconds;
  int64_t start = contact.in > lo ? contact.in : lo;
  int64_t end = contact.out < hi ? contact.out : hi;
  int64_t overlap = end - start;
  if (overlap < 0 || overlap < rule.min_overlap_seconds) return std::nullopt;
  return overlap;
}

}  // namespace kb::trace
