// Broadcasts: one message to an area's people, stored once (see audience.h). The safety brake
// for mass alerts: a broadcast whose audience exceeds the approval threshold (or any national
// one) waits for a second official's approval before anyone sees it; a sent broadcast can be
// recalled, which removes it from inboxes and cancels its pending outside deliveries. Sending,
// approving and recalling are audited in the same transaction.
//
// Who may: health officials only (access::official), each inside their jurisdiction. Releasing
// or recalling a message belongs to the level that sent it and the levels above
// (access::over_sender): a ward official never recalls what the city sent to their ward.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "accounts/accounts.h"
#include "areas/area_directory.h"
#include "core/result.h"
#include "notify/audience.h"
#include "notify/delivery.h"
#include "notify/inbox.h"
#include "notify/messages.h"
#include "store/database.h"

namespace kb::notify {

struct BroadcastPolicy {
  int64_t approval_threshold = 1'000'000;  // people; above it a second official approves
  bool national_needs_approval = true;
};

struct NewBroadcast {
  Kind kind = Kind::kUrgent;
  std::string title, body, link;
  int64_t expires_at = 0;  // 0: never
  Audience audience;       // already checked (check_audience)
  int64_t audience_size = 0;
};

struct Broadcast {
  int64_t id = 0;
  std::string kind, title, body, link;
  std::string status;  // pending_approval | sent | recalled
  Audience audience;
  int64_t audience_size = 0;
  int64_t sender_id = 0;
  std::string sender_jurisdiction;
  std::optional<int64_t> approved_by;
  int64_t created_at = 0;
  int64_t published_at = 0;  // 0 until sent
  int64_t expires_at = 0;
  int64_t recalled_at = 0;
  std::optional<int64_t> recalled_by;
  std::string recall_reason;
  DeliveryCounts deliveries;
  int64_t reads = 0;  // accounts that opened it
};

bool needs_approval(const BroadcastPolicy& policy, const Audience& audience, int64_t audience_size);

// Stores the broadcast: sent at once (coverage rows, one outside delivery, a pg_notify) or
// pending approval. Text errors name the field.
Result<Broadcast> create_broadcast(store::Connection& c, const BroadcastPolicy& policy,
                                   const accounts::User& sender, const NewBroadcast& b,
                                   int64_t now);

// Whether the official may release / recall the broadcast, whatever its status: approving is
// for an official over the sender's level other than the sender (same_official), recalling
// for the sender and the officials over their level (above_your_level otherwise).
Status may_approve(const accounts::User& official, const Broadcast& b,
                   const areas::AreaDirectory& areas);
Status may_recall(const accounts::User& official, const Broadcast& b,
                  const areas::AreaDirectory& areas);

// Releases a pending broadcast (may_approve). kNotFound, kForbidden, kConflict (not pending),
// kGone (expired while waiting).
Result<Broadcast> approve_broadcast(store::Connection& c, const areas::AreaDirectory& areas,
                                    const accounts::User& approver, int64_t id, int64_t now);
// Recalls a pending or sent broadcast (may_recall). `reason` is required (field reason).
// kConflict when already recalled.
Result<Broadcast> recall_broadcast(store::Connection& c, const areas::AreaDirectory& areas,
                                   const accounts::User& actor, int64_t id, std::string_view reason,
                                   int64_t now);
// kNotFound (also for a personal message's id).
Result<Broadcast> find_broadcast(store::Connection& c, int64_t id);

// A sent broadcast as it shows in every inbox it covers (unread: it is new).
InboxItem inbox_item(const Broadcast& b);
// The broadcast if the official sent it or its audience lies inside their jurisdiction
// (kNotFound otherwise).
Result<Broadcast> visible_broadcast(store::Connection& c, const areas::AreaDirectory& areas,
                                    const accounts::User& official, int64_t id);
// Recent broadcasts (newest first) whose audience lies inside the official's jurisdiction.
Result<std::vector<Broadcast>> list_broadcasts(store::Connection& c,
                                               const areas::AreaDirectory& areas,
                                               const accounts::User& official, int limit);

// Sends one official message to each of `people` (personal messages, idempotent per
// `request_key`), after checking that every person's address lies inside the official's
// jurisdiction (kForbidden, nothing written) and auditing the send.
Result<std::vector<Sent>> send_to_people(store::Connection& c, const accounts::User& sender,
                                         const std::vector<int64_t>& people,
                                         const PersonalMessage& message,
                                         std::string_view request_key, int64_t now);

std::string jurisdiction_text(const areas::Jurisdiction& j);  // "national" or the code

}  // namespace kb::notify
