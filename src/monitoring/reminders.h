// Reminders of the daily report: the scheduled job "monitoring-reminders" (jobs::Scheduler, on
// one process at a time, every minute) sends, once the reminder hour of a slot has passed
// (rules.h), one message to each person under an open order who has not reported in that slot —
// and to each resident with an account in a ward under an open area order who has not reported
// today. Exactly one per person per slot, even across restarts and over several runs: the
// message's dedupe key is the day and the slot (notify::send_personal_to_many), so a second run,
// or a run after a crash part way, sends only what was not sent. Messages go in the bulk lane.
//
// Nobody is reminded of a slot whose reminder hour had passed when they were placed under
// monitoring (the order's own message asked them to report), nor after their period ended.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "core/result.h"
#include "monitoring/rules.h"
#include "store/database.h"

namespace kb::monitoring {

struct ReminderRun {
  int64_t reminded = 0;  // messages sent by this run
  int slots = 0;         // slots whose reminder hour had passed
  double seconds = 0;
};

// Sends the reminders due at `now` through the writer, a few thousand people per transaction;
// `sent(people)` is told of each committed chunk (to wake their inbox streams).
Result<ReminderRun> send_reminders(store::Database& db, const Rules& rules, int64_t now,
                                   const std::function<void(const std::vector<int64_t>&)>& sent);

}  // namespace kb::monitoring
