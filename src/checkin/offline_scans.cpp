#include "checkin/offline_scans.h"

#include "cases/case.h"
#include "cases/notices.h"
#include "store/async_write.h"

namespace kb::checkin {
namespace {

using boost::asio::awaitable;

// Errors a scan's answer carries; anything else (the database failing) fails the batch.
bool refusal_of_scan(const Error& e) {
  return e.kind != ErrorKind::kInternal && e.kind != ErrorKind::kUnavailable;
}

struct Traced {
  std::vector<int64_t> cases;
  std::vector<int64_t> notified;
};

}  // namespace

std::string_view offline_result_name(OfflineResult r) {
  switch (r) {
    case OfflineResult::kRecorded:
      return "recorded";
    case OfflineResult::kDuplicate:
      return "duplicate";
    case OfflineResult::kRefused:
      return "refused";
  }
  return "refused";
}

awaitable<Result<OfflineBatchAnswer>> enter_offline_scans(Door& door, store::Database& db,
                                                          const LateTracing& tracing,
                                                          const accounts::User& staff,
                                                          std::vector<OfflineScan> scans,
                                                          int64_t now) {
  OfflineBatchAnswer out;
  for (auto& scan : scans) {
    OfflineAnswer answer{.client_id = scan.client_id};
    Result<int64_t> at = check_scan_time(scan.scanned_at, now);
    if (!at.ok() || !scan.visitor.ok()) {
      answer.refusal = !at.ok() ? at.error() : scan.visitor.error();
      out.scans.push_back(std::move(answer));
      continue;
    }
    Entry entry{.caller = staff,
                .venue_id = scan.venue_id,
                .visitor = std::move(*scan.visitor),
                .client_id = scan.client_id,
                .scanned_at = *at};
    Result<DoorAnswer> entered = co_await door.enter(entry, now);
    if (!entered.ok()) {
      if (!refusal_of_scan(entered.error())) co_return std::move(entered).error();
      answer.refusal = std::move(entered).error();
      out.scans.push_back(std::move(answer));
      continue;
    }
    PersonAtDoor& person = entered->people.front();
    answer.result = person.duplicate ? OfflineResult::kDuplicate : OfflineResult::kRecorded;
    if (!person.duplicate) {
      auto job = [&tracing, visit_id = person.visit.id,
                  now](store::Connection& c) -> Result<Traced> {
        KB_ASSIGN(auto cases, cases::retrace_for_visit(c, tracing.rule, visit_id, now));
        Traced t;
        for (const auto& kase : cases) {
          t.cases.push_back(kase.id);
          KB_ASSIGN(auto sent,
                    cases::send_late_notices(c, *tracing.areas, kase, tracing.link, now));
          t.notified.insert(t.notified.end(), sent.notified_people.begin(),
                            sent.notified_people.end());
        }
        return t;
      };
      KB_CO_ASSIGN(Traced traced, co_await store::write(db, job));
      answer.traced_cases = std::move(traced.cases);
      out.notified_people.insert(out.notified_people.end(), traced.notified.begin(),
                                 traced.notified.end());
    }
    answer.person = std::move(person);
    out.scans.push_back(std::move(answer));
  }
  co_return out;
}

}  // namespace kb::checkin
