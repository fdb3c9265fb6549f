// The words monitoring sends to people (Vietnamese; the inbox of the account that manages the
// person, and an SMS to their phone): the order placed on them, what to do after a report that
// trips a red flag, the daily reminder. A text speaks to its reader as tracing notices do
// (cases::addressee_of: "bạn", or the name of someone the reader manages).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cases/notice_text.h"
#include "monitoring/rules.h"

namespace kb::monitoring {

struct OrderNoticeFacts {
  cases::Addressee person;
  Kind kind = Kind::kF1Quarantine;
  bool at_facility = false;
  std::string facility_name;
  int64_t quarantine_until = 0;
  int64_t ends_at = 0;
  int reports_per_day = 1;
  std::string health_station;  // "Trạm Y tế Phường X"
};
cases::NoticeText order_notice(const OrderNoticeFacts& f);

// After a report with red flags: which ones, and to call the station or 115 now.
cases::NoticeText red_flag_notice(const cases::Addressee& person,
                                  const std::vector<std::string>& flags,
                                  const std::string& health_station);

// The reminder of a report not sent yet (slot 1: the afternoon one).
cases::NoticeText reminder_notice(int slot, int reports_per_day);

// "Trạm Y tế Phường X" for a ward's name, or the generic words when unknown.
std::string station_of(const std::string& ward_name);

}  // namespace kb::monitoring
