#include "checkin/guest_log.h"

#include <fmt/format.h>

#include "audit/audit_log.h"
#include "core/clock.h"
#include "core/csv.h"
#include "core/phone.h"
#include "people/person.h"
#include "store/async_write.h"

namespace kb::checkin {

Result<GuestLogView> guest_log_view(access::VenueRole role,
                                    const std::optional<std::string>& reason) {
  using access::VenueRole;
  switch (role) {
    case VenueRole::kStaff:
      if (reason) {
        return Error{ErrorKind::kForbidden, "not_venue_manager",
                     "only a manager reads the full guest log", "reason"};
      }
      return GuestLogView::kMasked;
    case VenueRole::kManager:
      return reason ? GuestLogView::kFull : GuestLogView::kMasked;
    case VenueRole::kOfficial:
      if (!reason)
        return invalid("reason", "reason_required", "officials give a reason to read a guest log");
      return GuestLogView::kFull;
    case VenueRole::kNone:
      break;
  }
  return make_error(ErrorKind::kForbidden, "not_venue_staff", "you do not work at this venue");
}

boost::asio::awaitable<Result<GuestLog>> read_guest_log(store::Database& db,
                                                        const accounts::User& user,
                                                        const GuestLogQuery& q, int64_t now) {
  KB_CO_ASSIGN(GuestLog log, db.read([&](store::Connection& c) -> Result<GuestLog> {
    KB_ASSIGN(auto venue, access::venue_for(c, user, q.venue_id));
    GuestLog l;
    l.venue = std::move(venue.venue);
    KB_ASSIGN(l.view, guest_log_view(venue.role, q.reason));
    KB_ASSIGN(l.entries, visits_at(c, q.venue_id, q.day_start, q.day_start + 86400));
    KB_ASSIGN(l.days, day_counts(c, q.venue_id, q.day_start - 13 * 86400, q.day_start + 86400));
    KB_ASSIGN(l.inside, inside_now(c, q.venue_id, now));
    return l;
  }));
  if (log.view == GuestLogView::kMasked) {
    for (auto& e : log.entries) {
      e.full_name = people::mask_name(e.full_name);
      if (!e.phone.empty()) e.phone = mask_phone(e.phone);
    }
    co_return log;
  }
  auto job = [by = user.id, q, n = log.entries.size(), now](store::Connection& c) {
    std::string subject = fmt::format("venue:{}", q.venue_id);
    std::string detail = fmt::format("guest log {} ({} visits, {})", q.date, n, q.format);
    return audit::record(c, {.at = now,
                             .actor_id = by,
                             .action = "venue.visits.read",
                             .subject = subject,
                             .reason = *q.reason,
                             .detail = detail});
  };
  KB_CO_TRY(co_await store::write(db, job));
  co_return log;
}

std::string guest_log_csv(std::span<const GuestLogEntry> entries) {
  std::string out(csv::kBom);
  out +=
      "visit_id,date,time_in,time_out,assumed_out,full_name,phone,source,trust,trust_level,"
      "offline_received_at\r\n";
  for (const auto& e : entries) {
    const Visit& v = e.visit;
    out += fmt::format("{},{},{},{},{},{},{},{},{},{},{}\r\n", v.id, day_of(v.t_in),
                       format_rfc3339(v.t_in), v.t_out ? format_rfc3339(*v.t_out) : std::string(),
                       format_rfc3339(v.assumed_out), csv::cell(e.full_name), csv::cell(e.phone),
                       source_name(v.source), trust_name(v.trust), trust_level(v.trust),
                       e.received_at ? format_rfc3339(*e.received_at) : std::string());
  }
  return out;
}

}  // namespace kb::checkin
