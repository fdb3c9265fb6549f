// Tracing notices: when an official sends them, the case gets a message of their own (they are
// F0: isolate, what happens next, whom to call) and each open F1 of the case one saying where
// and when they met the case and what to do — in the inbox of the account that manages the
// person, worded for that reader (cases/notice_text.h), and by SMS through the outbox when the
// person has a phone. People who are cases themselves get no F1 notice. Idempotent: a
// message's dedupe key is the (case, person) pair, so sending again only reaches contacts
// found since.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "accounts/accounts.h"
#include "areas/area_directory.h"
#include "cases/case.h"
#include "core/result.h"
#include "store/database.h"

namespace kb::cases {

struct NoticesSent {
  int64_t sent = 0;                      // new F1 notices
  int64_t already = 0;                   // F1 notified before
  bool case_sent = false;                // the case's own message is new
  std::vector<int64_t> notified_people;  // people with a new message (to wake their inbox streams)
};

// Sends the case's own message and the notices for its open F1 contacts (pending or
// confirmed); each links to `link` (the citizen's inbox page, an absolute http(s) URL).
// kNotFound for a case the official does not see, kConflict for a case marked as an error.
// Runs inside a writer job.
Result<NoticesSent> send_tracing_notices(store::Connection& c, const areas::AreaDirectory& areas,
                                         const accounts::User& official, int64_t case_id,
                                         std::string_view link, int64_t now);

// After a case was traced again without an official (a late visit, cases::retrace_for_visit):
// when its notices went out before, sends them to the contacts found since, as sent before — in
// the name of the official who recorded the case. When they have not gone out yet, nothing: the
// officials' sending will reach the new contacts too. Runs inside a writer job.
Result<NoticesSent> send_late_notices(store::Connection& c, const areas::AreaDirectory& areas,
                                      const Case& kase, std::string_view link, int64_t now);

// Whether the case's own message has been sent.
Result<bool> case_notice_sent(store::Connection& c, const Case& kase);

// Withdraws the messages sent for a case (marked as an error): they leave their inboxes, marked
// recalled with `reason`, and outside deliveries not yet made are cancelled. Returns the people
// whose inbox lost one; on PostgreSQL their streams in every server process are woken at
// commit (SQLite: the caller wakes them). Runs inside a writer job.
Result<std::vector<int64_t>> recall_tracing_notices(store::Connection& c, const Case& kase,
                                                    std::string_view reason, int64_t actor_id,
                                                    int64_t now);

}  // namespace kb::cases
