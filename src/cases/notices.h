// Tracing notices: each F1 of a case gets one personal message in their inbox (and an SMS
// through the outbox when they have a phone) saying where and when they met the case and what
// to do. Idempotent: the message's dedupe key is the (case, person) pair, so sending again
// only reaches contacts found since.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "areas/area_directory.h"
#include "core/result.h"
#include "store/database.h"

namespace kb::cases {

struct NoticesSent {
  int64_t sent = 0;     // new messages
  int64_t already = 0;  // contacts notified before
  std::vector<int64_t> notified_people;  // people with a new message (to wake their inbox streams)
};

// Sends the notices for the case's open F1 contacts (pending or confirmed); each links to
// `link` (the citizen's inbox page, an absolute http(s) URL). kConflict for a case marked as an
// error. Runs inside a writer job.
Result<NoticesSent> send_tracing_notices(store::Connection& c, const areas::AreaDirectory& areas, int64_t case_id,
                                         std::string_view link, int64_t sender_id, int64_t now);

// Withdraws the notices sent for a case (marked as an error): they leave their inboxes, marked
// recalled with `reason`, and outside deliveries not yet made are cancelled. Returns the people
// whose inbox lost one; on PostgreSQL their streams in every server process are woken at
// commit (SQLite: the caller wakes them). Runs inside a writer job.
Result<std::vector<int64_t>> recall_tracing_notices(store::Connection& c, int64_t case_id, std::string_view reason,
                                                    int64_t actor_id, int64_t now);

}  // namespace kb::cases
