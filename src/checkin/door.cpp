#include "checkin/door.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "checkin/visit_days.h"
#include "checkin/visitors.h"
#include "core/phone.h"
#include "people/person.h"
#include "qr/personal_qr.h"
#include "store/async_write.h"
#include "store/client_writes.h"
#include "venues/kiosk.h"

namespace kb::checkin {
namespace {

using boost::asio::awaitable;
using store::Sql;

constexpr Sql kInsertDoorAlert{
    "insert_door_alert",
    "INSERT INTO door_alerts(visit_id, person_id, venue_id, path, colour, reason, at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7)"};
// The note that a visit came from an offline scan: when it was scanned and when it arrived.
constexpr Sql kInsertOfflineScan{
    "insert_offline_scan",
    "INSERT INTO offline_scans(visit_id, venue_id, scanned_at, received_at, recorded_by) "
    "VALUES ($1, $2, $3, $4, $5)"};
constexpr Sql kSelectOfflineScan{"select_offline_scan",
                                 "SELECT 1 FROM offline_scans WHERE visit_id = $1"};
constexpr Sql kSelectAlertsOfPerson{"select_door_alerts_of_person",
                                    "SELECT id, visit_id, person_id, venue_id, colour, reason, at "
                                    "FROM door_alerts WHERE person_id = $1 "
                                    "ORDER BY at DESC, id DESC LIMIT 100"};

Error forbidden(std::string code, std::string message) {
  return make_error(ErrorKind::kForbidden, std::move(code), std::move(message));
}

Error venue_closed(const venues::Venue& v) {
  return make_error(ErrorKind::kConflict, "venue_closed",
                    v.status == venues::VenueStatus::kSuspended
                        ? "this venue is suspended by the health authority"
                        : "this venue is closed for check-ins");
}

Trust trust_of(DoorPath path) {
  switch (path) {
    case DoorPath::kPoster:
      return Trust::kSelfPoster;
    case DoorPath::kKiosk:
      return Trust::kSelfKiosk;
    case DoorPath::kGuestForm:
      return Trust::kGuestForm;
    case DoorPath::kPersonalQr:
      return Trust::kPersonalQr;
    case DoorPath::kCccd:
      return Trust::kCccd;
    case DoorPath::kBhyt:
      return Trust::kBhyt;
    case DoorPath::kPhoneCode:
      return Trust::kPhoneOtp;
    case DoorPath::kManual:
      return Trust::kManual;
  }
  return Trust::kGuestForm;
}

Source source_of(DoorPath path) {
  if (path == DoorPath::kManual) return Source::kManual;
  return staff_path(path) ? Source::kStaffScan : Source::kSelf;
}

// A person found (or recorded) at the door, and the visit recorded for them.
struct Found {
  people::Person person;
  Recorded recorded;
};

NewVisit visit_of(const DoorPlan& plan, int64_t person_id, int64_t now) {
  return {.venue_id = plan.venue_id,
          .person_id = person_id,
          .at = now,
          .source = plan.source,
          .trust = plan.trust,
          .recorded_by = plan.recorded_by};
}

Result<Found> record_for(store::Connection& c, const DoorPlan& plan, Result<people::Person> person,
                         int64_t now) {
  if (!person.ok()) return std::move(person).error();
  KB_ASSIGN(Recorded rec, record(c, visit_of(plan, person->id, now)));
  return Found{std::move(*person), rec};
}

bool must_not_admit(const health::HealthStatus& s) {
  return s.instruction.starts_with("do_not_admit");
}

// Who a client-made id belongs to: the account that sent it, or guests; an offline scan's, the
// venue's scanners (any of its staff may send a queue again).
std::string client_scope(const Entry& e) {
  if (e.scanned_at) return "venue-scanner:" + std::to_string(e.venue_id);
  return e.caller ? "account:" + std::to_string(e.caller->id) : std::string("guest");
}

// A personal QR read at `at`: valid then, or revoked only since (a new colour, a lost phone
// reported after the scan) — it named its holder at the door.
bool valid_at_door(const qr::PersonalQrCheck& check, int64_t at) {
  if (check.verdict == qr::Verdict::kValid) return true;
  return check.verdict == qr::Verdict::kRevoked && check.revoked_at && *check.revoked_at > at &&
         at < check.expires_at;
}

}  // namespace

Result<int64_t> check_scan_time(int64_t scanned_at, int64_t now, std::string_view field) {
  if (scanned_at > now + kOfflineScanClockSkewSeconds) {
    return invalid(std::string(field), "scanned_at_in_future",
                   "the scan's time is later than now: check the scanner's clock");
  }
  if (scanned_at < now - kOfflineScanMaxAgeSeconds) {
    return invalid(std::string(field), "scanned_at_too_old",
                   "scans older than 72 hours are not accepted");
  }
  return std::min(scanned_at, now);
}

std::string_view path_name(DoorPath path) {
  switch (path) {
    case DoorPath::kPoster:
      return "poster";
    case DoorPath::kKiosk:
      return "kiosk";
    case DoorPath::kGuestForm:
      return "guest_form";
    case DoorPath::kPersonalQr:
      return "personal_qr";
    case DoorPath::kCccd:
      return "cccd";
    case DoorPath::kBhyt:
      return "bhyt";
    case DoorPath::kPhoneCode:
      return "phone_code";
    case DoorPath::kManual:
      return "manual";
  }
  return "poster";
}

bool staff_path(DoorPath path) {
  return path != DoorPath::kPoster && path != DoorPath::kKiosk && path != DoorPath::kGuestForm;
}

Result<DoorPlan> plan(const DoorFacts& f) {
  if (!f.venue)
    return Error{ErrorKind::kNotFound, "venue_not_found", "no such venue", "venue_code"};
  if (staff_path(f.path)) {
    if (!f.caller)
      return make_error(ErrorKind::kUnauthenticated, "unauthenticated", "sign in first");
    KB_TRY(access::scans_at_venue(f.caller_role));
  } else if (f.path == DoorPath::kGuestForm) {
    if (f.caller)
      return invalid("guest", "guest_signed_in", "signed-in citizens check in as themselves");
  } else {
    if (!f.caller)
      return make_error(ErrorKind::kUnauthenticated, "unauthenticated",
                        "sign in, or check in as a guest");
    if (f.caller->role != accounts::Role::kCitizen) {
      return forbidden("citizens_only",
                       "staff record visitors with the scanner, not by checking in");
    }
    for (int64_t id : f.chosen) {
      if (std::find(f.managed.begin(), f.managed.end(), id) == f.managed.end()) {
        return Error{ErrorKind::kForbidden, "not_your_person",
                     "you can check in only people you manage", "person_ids"};
      }
    }
  }
  if (f.venue->status != venues::VenueStatus::kOpen) return venue_closed(*f.venue);
  if (f.path == DoorPath::kKiosk) {
    KB_TRY(venues::check_kiosk_code(f.kiosk_secret, f.venue->code, f.kiosk_token, f.now));
  }
  DoorPlan p;
  p.venue_id = f.venue->id;
  p.province_code = f.venue->province_code;
  p.ward_code = f.venue->ward_code;
  p.source = source_of(f.path);
  p.trust = trust_of(f.path);
  if (f.caller) p.recorded_by = f.caller->id;
  return p;
}

DoorPath path_of(const Entry& e) {
  struct Of {
    const Entry& e;
    DoorPath operator()(const AccountHolder&) const {
      return e.kiosk_token.empty() ? DoorPath::kPoster : DoorPath::kKiosk;
    }
    DoorPath operator()(const Guest&) const { return DoorPath::kGuestForm; }
    DoorPath operator()(const ScannedQr&) const { return DoorPath::kPersonalQr; }
    DoorPath operator()(const scan::CccdCard&) const { return DoorPath::kCccd; }
    DoorPath operator()(const scan::BhytCard&) const { return DoorPath::kBhyt; }
    DoorPath operator()(const VerifiedPhone&) const { return DoorPath::kPhoneCode; }
    DoorPath operator()(const TypedIn&) const { return DoorPath::kManual; }
  };
  return std::visit(Of{e}, e.visitor);
}

// --- Door ---------------------------------------------------------------------------------

Door::Door(store::Database& db, DoorConfig config, notify::UrgentTexts& texts,
           dashboard::CheckinTally* tally)
    : db_(db), config_(std::move(config)), texts_(texts), tally_(tally) {}

Result<std::optional<venues::Venue>> Door::venue_by_code(const venues::VenueCode& code,
                                                         int64_t now) {
  if (auto cached = venues_.find(code.str(), now))
    return std::optional<venues::Venue>(std::move(*cached));
  auto found = db_.read([&](store::Connection& c) { return venues::find_by_code(c, code.str()); });
  if (!found.ok() || !*found) return found;  // unknown codes are not cached: guessing costs a read
  venues_.put(code.str(), **found, now + kVenueCacheSeconds);
  return found;
}

struct Door::Planned {
  DoorPlan plan;
  venues::Venue venue;
};

Result<Door::Planned> Door::read_and_plan(const Entry& e, int64_t now) {
  const DoorPath path = path_of(e);
  const auto* holder = std::get_if<AccountHolder>(&e.visitor);
  const bool chosen = holder && !holder->chosen.empty();
  std::optional<venues::Venue> venue;
  if (e.venue_code) {
    KB_ASSIGN(venue, venue_by_code(*e.venue_code, now));
  }
  DoorFacts f{.path = path,
              .caller = e.caller ? &*e.caller : nullptr,
              .kiosk_token = e.kiosk_token,
              .now = now};
  std::vector<int64_t> managed;
  std::string kiosk_secret;
  // The common case — a citizen at a cached venue, checking in themselves — reads nothing more.
  if (!e.venue_code || chosen || path == DoorPath::kKiosk) {
    KB_TRY(db_.read([&](store::Connection& c) -> Status {
      if (!e.venue_code) {
        KB_ASSIGN(venue, venues::find(c, e.venue_id));
        if (venue && e.caller) {
          KB_ASSIGN(f.caller_role, access::venue_role(c, *e.caller, *venue));
        }
      }
      if (chosen && e.caller) {
        KB_ASSIGN(auto people, people::managed_by(c, e.caller->id));
        for (const auto& p : people) managed.push_back(p.id);
      }
      if (path == DoorPath::kKiosk) {
        KB_ASSIGN(kiosk_secret, venues::load_kiosk_secret(c));
      }
      return {};
    }));
  }
  f.venue = venue ? &*venue : nullptr;
  if (holder) f.chosen = holder->chosen;
  f.managed = managed;
  f.kiosk_secret = kiosk_secret;
  KB_ASSIGN(DoorPlan p, plan(f));
  if (!e.venue_code && !staff_path(path))
    return internal("a visitor's own path needs a venue code");
  return Planned{p, std::move(*venue)};
}

awaitable<Result<DoorAnswer>> Door::enter(const Entry& entry, int64_t now) {
  KB_CO_ASSIGN(Planned planned, read_and_plan(entry, now));
  KB_CO_ASSIGN(std::vector<PersonAtDoor> people, co_await record(entry, planned.plan, now));
  const bool via_card = std::holds_alternative<scan::CccdCard>(entry.visitor) ||
                        std::holds_alternative<scan::BhytCard>(entry.visitor);
  KB_CO_TRY(db_.read([&](store::Connection& c) -> Status {
    for (auto& p : people) {
      KB_ASSIGN(p.status, health::door_status(c, config_.status, p.visit.person_id, now, via_card));
    }
    return {};
  }));
  KB_CO_TRY(co_await flag(planned.plan, path_of(entry), people, now));
  if (tally_) {
    const venues::Venue& v = planned.venue;
    for (const auto& p : people) {
      if (!p.duplicate)
        tally_->count(checkin::visit_day(p.visit.t_in), v.id, v.province_code, v.ward_code);
    }
  }
  DoorAnswer answer{std::move(planned.venue), std::move(people), {}};
  if (const auto* card = std::get_if<scan::BhytCard>(&entry.visitor)) {
    if (!card->valid_to.empty() && card->valid_to < day_of(now)) answer.warning = "card_expired";
  }
  co_return answer;
}

awaitable<Result<std::vector<PersonAtDoor>>> Door::record_self(const accounts::User& user,
                                                               const DoorPlan& plan, int64_t now) {
  // The account holder's own person id never changes once made. A known one checks in with one
  // duplicate check and at most one insert, depending on no other write: the hottest write there
  // is, which the writer records in batches (on PostgreSQL in one statement, record_all).
  std::string key = std::to_string(user.id);
  if (auto known = self_people_.find(key, now)) {
    NewVisit visit = visit_of(plan, *known, now);
    Result<Recorded> rec = co_await store::ingest<CheckinGroup>(db_, visit);
    if (!rec.ok()) co_return std::move(rec).error();
    co_return std::vector<PersonAtDoor>{{.visit = rec->visit, .duplicate = rec->duplicate}};
  }
  auto job = [plan, account = user.id, phone = user.phone, now](store::Connection& c) {
    return record_for(c, plan, people::self_of(c, account, phone, now), now);
  };
  KB_CO_ASSIGN(Found f, co_await store::write(db_, job));
  self_people_.put(key, f.person.id, now + 3600);
  co_return std::vector<PersonAtDoor>{{.visit = f.recorded.visit,
                                       .duplicate = f.recorded.duplicate,
                                       .full_name = f.person.full_name,
                                       .masked_name = masked_identity(f.person)}};
}

namespace {

// What a door's write job did: the people found and their visits, or a refusal whose
// bookkeeping (a counted wrong code) must still commit — so a refusal is a value here.
struct Outcome {
  std::vector<Found> found;
  std::optional<Error> refusal;
  std::vector<int64_t> offline;  // the visits noted as offline scans
};

Result<Outcome> found_one(Result<Found> f) {
  if (!f.ok()) return std::move(f).error();
  Outcome o;
  o.found.push_back(std::move(*f));
  return o;
}

// A repeat of a client-named write: the people and visits it recorded, answered as duplicates.
Result<Outcome> replay(store::Connection& c, std::string_view reference) {
  Outcome o;
  size_t from = 0;
  while (from < reference.size()) {
    size_t comma = reference.find(',', from);
    if (comma == std::string_view::npos) comma = reference.size();
    int64_t visit_id = std::stoll(std::string(reference.substr(from, comma - from)));
    from = comma + 1;
    KB_ASSIGN(auto visit, find(c, visit_id));
    if (!visit) continue;  // purged since
    KB_ASSIGN(auto person, people::find(c, visit->person_id));
    if (!person) continue;
    o.found.push_back({std::move(*person), Recorded{*visit, true}});
  }
  return o;
}

std::string reference_of(const Outcome& o) {
  std::string ref;
  for (const auto& f : o.found) {
    if (!ref.empty()) ref += ',';
    ref += std::to_string(f.recorded.visit.id);
  }
  return ref;
}

}  // namespace

awaitable<Result<std::vector<PersonAtDoor>>> Door::record(const Entry& e, const DoorPlan& plan,
                                                          int64_t now) {
  const auto* holder = std::get_if<AccountHolder>(&e.visitor);
  if (holder && holder->chosen.empty() && !e.client_id)
    co_return co_await record_self(*e.caller, plan, now);
  const int64_t at = e.scanned_at.value_or(now);  // when the visitor came through the door
  std::optional<int64_t> qr_person;
  if (const auto* qr = std::get_if<ScannedQr>(&e.visitor)) {
    KB_CO_ASSIGN(auto check, db_.read([&](store::Connection& c) {
      return qr::check_personal_qr(c, qr->payload, at);
    }));
    if (!valid_at_door(check, at)) co_return qr::refusal(check.verdict);
    qr_person = check.person_id;
  }
  // Finds (or records) the person the visitor is, and records the visit: one write job.
  auto enter = [this, &e, plan, qr_person, now, at](store::Connection& c) -> Result<Outcome> {
    struct Enter {
      store::Connection& c;
      const Door& door;
      const Entry& e;
      const DoorPlan& plan;
      std::optional<int64_t> qr_person;
      int64_t now;
      int64_t at;  // the visit's time: now, or an offline scan's own
      DoorPlace place() const { return {plan.venue_id, plan.province_code, plan.ward_code}; }
      Result<Outcome> operator()(const AccountHolder& h) const {
        if (h.chosen.empty())
          return found_one(
              record_for(c, plan, people::self_of(c, e.caller->id, e.caller->phone, now), at));
        Outcome o;
        for (int64_t id : h.chosen) {
          KB_ASSIGN(auto person, people::find(c, id));
          if (!person)
            return make_error(ErrorKind::kNotFound, "person_not_found", "no such person");
          KB_ASSIGN(Found f, record_for(c, plan, std::move(*person), at));
          o.found.push_back(std::move(f));
        }
        return o;
      }
      Result<Outcome> operator()(const Guest& g) const {
        return found_one(
            record_for(c, plan, guest(c, g.full_name, g.phone, "guest_form", place(), now), at));
      }
      Result<Outcome> operator()(const ScannedQr&) const {
        KB_ASSIGN(auto person, people::find(c, *qr_person));
        if (!person)
          return Error{ErrorKind::kNotFound, "person_not_found", "this QR names no recorded person",
                       "payload"};
        return found_one(record_for(c, plan, std::move(*person), at));
      }
      Result<Outcome> operator()(const scan::CccdCard& card) const {
        return found_one(record_for(c, plan, person_for_cccd(c, card, place(), now), at));
      }
      Result<Outcome> operator()(const scan::BhytCard& card) const {
        return found_one(record_for(c, plan, person_for_bhyt(c, card, place(), now), at));
      }
      Result<Outcome> operator()(const VerifiedPhone& v) const {
        const DoorConfig& cfg = door.config();
        KB_ASSIGN(auto check, check_phone_code(c, cfg.phone_check, cfg.secret, plan.venue_id,
                                               v.phone, v.code, now));
        if (!check.ok) return Outcome{{}, std::move(check.refusal)};
        return found_one(
            record_for(c, plan, person_for_phone(c, v.phone, v.full_name, place(), now), at));
      }
      Result<Outcome> operator()(const TypedIn& t) const {
        return found_one(
            record_for(c, plan, guest(c, t.full_name, t.phone, "typed_in", place(), now), at));
      }
    };
    return std::visit(Enter{c, *this, e, plan, qr_person, now, at}, e.visitor);
  };
  // A write the client named records once: a repeat is answered from what the first recorded.
  auto job = [&enter, &e, scope = client_scope(e), now](store::Connection& c) -> Result<Outcome> {
    if (e.client_id) {
      KB_ASSIGN(auto reference, store::recall_client_write(c, scope, *e.client_id));
      if (reference) {
        KB_ASSIGN(Outcome o, replay(c, *reference));
        for (const auto& f : o.found) {
          KB_ASSIGN(auto noted, c.query_one(kSelectOfflineScan, {f.recorded.visit.id}));
          if (noted) o.offline.push_back(f.recorded.visit.id);
        }
        return o;
      }
    }
    KB_ASSIGN(Outcome o, enter(c));
    if (o.refusal) return o;
    if (e.scanned_at) {
      store::Param by = e.caller ? store::Param{e.caller->id} : store::Param{nullptr};
      for (const auto& f : o.found) {
        if (f.recorded.duplicate) continue;
        const Visit& v = f.recorded.visit;
        KB_TRY(c.exec(kInsertOfflineScan, {v.id, v.venue_id, v.t_in, now, by}));
        o.offline.push_back(v.id);
      }
    }
    if (e.client_id)
      KB_TRY(store::remember_client_write(c, scope, *e.client_id, reference_of(o), now));
    return o;
  };
  KB_CO_ASSIGN(Outcome o, co_await store::write(db_, job));
  if (o.refusal) co_return std::move(*o.refusal);
  std::vector<PersonAtDoor> out;
  for (auto& f : o.found) {
    const int64_t id = f.recorded.visit.id;
    out.push_back({.visit = f.recorded.visit,
                   .offline = std::find(o.offline.begin(), o.offline.end(), id) != o.offline.end(),
                   .duplicate = f.recorded.duplicate,
                   .full_name = f.person.full_name,
                   .masked_name = masked_identity(f.person)});
  }
  co_return out;
}

awaitable<Status> Door::flag(const DoorPlan& plan, DoorPath path, std::vector<PersonAtDoor>& people,
                             int64_t now) {
  struct Alert {
    int64_t visit_id, person_id;
    std::string_view colour, reason;
  };
  std::vector<Alert> alerts;
  for (auto& p : people) {
    if (!must_not_admit(p.status) || p.duplicate) continue;
    p.flagged = true;
    alerts.push_back(
        {p.visit.id, p.visit.person_id, health::colour_name(p.status.colour), p.status.reason});
  }
  if (alerts.empty()) co_return Status{};
  auto job = [alerts, venue_id = plan.venue_id, path = path_name(path),
              now](store::Connection& c) -> Status {
    for (const auto& a : alerts) {
      KB_TRY(c.exec(kInsertDoorAlert,
                    {a.visit_id, a.person_id, venue_id, path, a.colour, a.reason, now}));
    }
    return {};
  };
  co_return co_await store::write(db_, job);
}

awaitable<Result<PhoneCodeSent>> Door::send_phone_code(const accounts::User& staff,
                                                       int64_t venue_id, std::string phone,
                                                       int64_t now) {
  KB_CO_ASSIGN(auto venue, db_.read([&](store::Connection& c) -> Result<access::VenueAndRole> {
    return access::venue_for(c, staff, venue_id);
  }));
  KB_CO_TRY(access::scans_at_venue(venue.role));
  if (venue.venue.status != venues::VenueStatus::kOpen) co_return venue_closed(venue.venue);
  // The code and its text are written together; the text goes out at once, in the urgent lane.
  struct Queued {
    int expires_in = 0;
    int64_t delivery_id = 0;
  };
  auto job = [this, venue_id, phone, code = venue.venue.code,
              now](store::Connection& c) -> Result<Queued> {
    KB_ASSIGN(PhoneCodeIssued issued,
              issue_phone_code(c, config_.phone_check, config_.secret, venue_id, phone, now));
    std::string text = fmt::format(
        "Ma xac nhan khaibao: {}. Doc ma nay cho nhan vien dia diem de check-in (ma dia diem {}). "
        "Hieu luc {} phut.",
        issued.code, code, issued.expires_in / 60);
    KB_ASSIGN(int64_t id, notify::queue_urgent_text(c, phone, text, now));
    return Queued{issued.expires_in, id};
  };
  KB_CO_ASSIGN(Queued queued, co_await store::write(db_, job));
  if (auto sent = texts_.attempt(queued.delivery_id); !sent.ok()) {
    spdlog::warn("a check-in code's first attempt failed (it will be retried): {}",
                 sent.error().message);
  }
  PhoneCodeIssued issued{{}, queued.expires_in};
  co_return PhoneCodeSent{mask_phone(phone), issued.expires_in};
}

Result<VenuePage> venue_page(store::Connection& c, const venues::VenueCode& code,
                             const std::optional<accounts::User>& caller, int64_t now) {
  KB_ASSIGN(auto venue, venues::find_by_code(c, code.str()));
  if (!venue)
    return Error{ErrorKind::kNotFound, "venue_not_found", "no venue has this code", "code"};
  VenuePage page{std::move(*venue), {}, {}};
  if (!caller || caller->role != accounts::Role::kCitizen) return page;
  KB_ASSIGN(page.people, people::managed_by(c, caller->id));
  std::vector<int64_t> ids;
  ids.reserve(page.people.size());
  for (const auto& p : page.people) ids.push_back(p.id);
  KB_ASSIGN(page.open_visits, open_visits(c, page.venue.id, ids, now));
  return page;
}

Result<std::vector<DoorAlert>> door_alerts_of_person(store::Connection& c, int64_t person_id) {
  KB_ASSIGN(auto rows, c.query(kSelectAlertsOfPerson, {person_id}));
  std::vector<DoorAlert> out;
  out.reserve(rows.size());
  for (const auto& r : rows) {
    out.push_back({r.i64(0), r.i64(1), r.i64(2), r.i64(3), r.str(4), r.str(5), r.i64(6)});
  }
  return out;
}

}  // namespace kb::checkin
