// Mass testing rounds: who is invited, who is sampled into which tube, what the lab found, and
// what follows from it.
//
// A round belongs to one province (and, for a single ward, that ward): an official creates it for
// wards of their jurisdiction (everyone living there is invited), for a case's open contacts, or
// for walk-ins only (nobody invited). Invitations are personal messages in the bulk lane.
//
// Sampling: staff name a person by whatever they scan or type (testing/sampled_person.h) and put
// them into a tube by its label: a pool of up to the round's pool size, or an individual tube. A
// label names one tube everywhere. A person gives one sample per round, except that the members
// of a positive pool give one more, in an individual tube (attempt 1). A rapid antigen test is
// recorded with its result at once and has no tube.
//
// Results name tubes. A negative tube clears its members; a positive pool calls every member back
// for an individual retest with an urgent personal message; a positive individual tube (or rapid
// test) waits for an official to confirm it as a case (cases::record_case, which traces its F1)
// or to dismiss it. A result given again for the same tube is a no-op; a different one is refused.
//
// Who may act: health officials in charge of the round's area, for everything here (sampling
// staff and labs use officials' accounts until they have roles of their own). A round outside
// the official's jurisdiction answers kNotFound, as do its tubes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "accounts/accounts.h"
#include "areas/area_directory.h"
#include "core/result.h"
#include "store/database.h"
#include "testing/lab_result.h"
#include "testing/sampled_person.h"
#include "trace/exposure.h"

namespace kb::testing {

enum class RoundKind { kArea, kContacts, kWalkIn };
std::string_view round_kind_name(RoundKind k);

inline constexpr int64_t kMaxPoolSize = 30;

struct NewSite {
  std::string name;
  std::string day;  // YYYY-MM-DD
};

struct NewRound {
  std::string name;
  RoundKind kind = RoundKind::kArea;
  std::vector<std::string> ward_codes;  // kArea: one province's wards
  int64_t case_id = 0;                  // kContacts
  std::string province_code;            // kWalkIn (empty: the official's own province)
  std::string ward_code;                // kWalkIn, optional
  int64_t pool_size = 10;               // 1..kMaxPoolSize
  std::vector<NewSite> sites;
};

struct Site {
  int64_t id = 0;
  std::string name, day;
};

struct Round {
  int64_t id = 0;
  std::string name;
  RoundKind kind = RoundKind::kArea;
  std::string province_code, ward_code;
  std::vector<std::string> ward_codes;
  std::optional<int64_t> case_id;
  int64_t pool_size = 10;
  int64_t created_by = 0, created_at = 0;
  std::vector<Site> sites;
};

// What a round has done so far.
struct Figures {
  int64_t invited = 0;
  int64_t sampled = 0;    // people with a sample (any kind, any attempt)
  int64_t pools = 0;      // pooled tubes
  int64_t tubes = 0;      // all tubes with at least one member
  int64_t pending = 0;    // tubes with members and no result
  int64_t negative = 0;   // people cleared
  int64_t positive = 0;   // people positive (individual tube or rapid test)
  int64_t recalled = 0;   // people called back and not retested yet
  double positivity = 0;  // positive / (negative + positive), 0 when none
};

struct RoundView {
  Round round;
  Figures figures;
};

// A round's figures for the people living in one ward (people of a walk-in or contacts round may
// live anywhere; "" is an unknown address): pools holding a sample of theirs, and people (not
// tubes) awaiting a result.
struct WardFigures {
  std::string ward_code;
  int64_t invited = 0, sampled = 0, pools = 0, pending = 0, negative = 0, positive = 0;
  double positivity = 0;  // positive / (negative + positive), 0 when none
};

// Creates the round and sends its invitations (errors name the field: name, ward_codes, case_id,
// province_code, pool_size, sites). kForbidden outside the official's jurisdiction.
Result<RoundView> create_round(store::Connection& c, const areas::AreaDirectory& areas,
                               const accounts::User& official, const NewRound& n, int64_t now);
// The round if the official is in charge of it (kNotFound round_not_found otherwise).
Result<RoundView> round_for(store::Connection& c, const accounts::User& official, int64_t id);
// The rounds the official sees, newest first.
Result<std::vector<RoundView>> list_rounds(store::Connection& c, const accounts::User& official,
                                           int64_t limit);
// The round's figures by ward, in ward code order (kNotFound round_not_found as round_for).
Result<std::vector<WardFigures>> ward_figures(store::Connection& c, const accounts::User& official,
                                              int64_t round_id);
Result<Site> add_site(store::Connection& c, const accounts::User& official, int64_t round_id,
                      const NewSite& site);

// ---- sampling ----

enum class TubeKind { kPool, kIndividual };
std::string_view tube_kind_name(TubeKind k);

struct NewSample {
  SampledPerson person;
  std::string tube_label;                // RT-PCR: the tube's label
  TubeKind tube_kind = TubeKind::kPool;  // when the label is new: the tube opened
  std::optional<int64_t> site_id;
  std::optional<Finding> rapid_result;  // set: a rapid antigen test (no tube)
};

struct Tube {
  int64_t id = 0;
  int64_t round_id = 0;
  std::string label;
  TubeKind kind = TubeKind::kPool;
  int64_t capacity = 0, members = 0;
  std::optional<std::string> result;
  std::optional<int64_t> result_at;
  std::string lab;
};

struct Sample {
  int64_t id = 0;
  int64_t round_id = 0;
  int64_t person_id = 0;
  std::optional<int64_t> tube_id;
  std::string kind;  // "pcr" | "rapid"
  int attempt = 0;
  int64_t taken_at = 0;
  std::optional<std::string> result;  // negative | positive | recalled; none: pending
  std::optional<int64_t> result_at;
  std::optional<std::string> confirmation;
  std::optional<int64_t> case_id;
};

struct Sampled {
  Sample sample;
  std::optional<Tube> tube;
  std::string masked_name;
  bool retest = false;
};
// Records one sample (see above). Errors: tube (label_taken: the label belongs to another round;
// tube_full; tube_has_result; retest_individual: a retest goes into an individual tube),
// payload (already_sampled, person_not_found), site_id.
Result<Sampled> take_sample(store::Connection& c, const accounts::User& official, int64_t round_id,
                            const NewSample& n, int64_t now);
// The round's tubes, newest first.
Result<std::vector<Tube>> tubes_of_round(store::Connection& c, const accounts::User& official,
                                         int64_t round_id, int64_t limit);

// The round (visible to the official) and the labels `from` … from + count - 1 of it
// (testing/labels.h round_labels), for a label sheet. Errors: from (out_of_range: 1 to 99999),
// count (out_of_range: 1 to kMaxLabelsPrinted, and no label past 99999).
struct LabelsToPrint {
  std::string round_name;
  std::vector<std::string> labels;
};
Result<LabelsToPrint> labels_to_print(store::Connection& c, const accounts::User& official,
                                      int64_t round_id, int64_t from, int64_t count);

// ---- lab results ----

struct Applied {
  int64_t tubes = 0;              // results recorded now
  int64_t unchanged = 0;          // the same result again
  int64_t cleared = 0;            // people negative
  int64_t recalled = 0;           // people called back
  int64_t positives = 0;          // people awaiting confirmation
  std::vector<int64_t> messaged;  // people whose inbox got a message (to wake their streams)
};

// Applies results, all or none: any result for an unknown tube (or one outside the official's
// jurisdiction), an empty tube, or conflicting with a recorded one makes `errors` non-empty and
// writes nothing. `rows[i]` is the spreadsheet row of results[i] (empty for the API's single
// result).
struct ApplyOutcome {
  Applied applied;
  std::vector<ResultRowError> errors;
};
Result<ApplyOutcome> apply_results(store::Connection& c, const accounts::User& official,
                                   const std::vector<LabResult>& results,
                                   const std::vector<int64_t>& rows, int64_t now);

// ---- positives awaiting an official ----

struct Positive {
  Sample sample;
  std::string full_name, phone, round_name, tube_label;
};
Result<std::vector<Positive>> awaiting_confirmation(store::Connection& c,
                                                    const accounts::User& official, int64_t limit);
// Records the case (cases::record_case: the rules of cases apply, tracing included) and marks the
// sample confirmed; returns the case id. kConflict not_awaiting when already decided.
Result<int64_t> confirm_positive(store::Connection& c, const trace::ExposureRule& rule,
                                 const areas::AreaDirectory& areas, const accounts::User& official,
                                 int64_t sample_id, int64_t now);
Status dismiss_positive(store::Connection& c, const accounts::User& official, int64_t sample_id);

// ---- the person's own ----

struct MyTest {
  Sample sample;
  std::string person_name, round_name, tube_label;
};
// The open invitations of the people the citizen account manages (not sampled in that round yet),
// newest round first: the QR text to show at the site.
struct MyInvitation {
  int64_t round_id = 0;
  std::string round_name, person_name, qr_payload;
};
// Then those of the people nobody manages with the account's phone
// (people::unmanaged_with_phone).
Result<std::vector<MyInvitation>> invitations_of_account(store::Connection& c, int64_t account_id,
                                                         std::string_view phone);
// The tests of the people the citizen account manages, newest first.
Result<std::vector<MyTest>> tests_of_account(store::Connection& c, int64_t account_id);

}  // namespace kb::testing
