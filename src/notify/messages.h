// Messages to citizens: personal ones (a tracing notice for one person) stored once per
// person, and area broadcasts stored once per area whatever its population — a citizen's
// inbox is the merge of the two (see inbox.h). Outside delivery (SMS gateway, chat official
// account bridge) is queued in the same transaction and carried out by delivery.h's worker.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "notify/delivery.h"
#include "store/database.h"

namespace kb::notify {

enum class Kind { kUrgent, kTracing, kVaccination, kQuarantine, kInfo };
std::string_view kind_name(Kind kind);
// Errors name `field` (invalid_kind).
Result<Kind> parse_kind(std::string_view text, std::string_view field = "kind");

// Limits on what a message may hold (bytes of UTF-8; plain text only).
inline constexpr size_t kMaxTitleBytes = 200;
inline constexpr size_t kMaxBodyBytes = 2000;
inline constexpr size_t kMaxLinkBytes = 500;

struct PersonalMessage {
  int64_t person_id = 0;
  Kind kind = Kind::kInfo;
  std::string title, body, link;
  std::string dedupe_key;  // idempotency: a second message with the same key for the same person is
                           // not stored again
  std::optional<int64_t> sender_id;  // the official, if any
  int64_t expires_at = 0;            // 0: never
  Lane lane = Lane::kNotice;  // outside delivery: kBulk for invitations, kUrgent for call-backs
};

// Stores the message in the person's inbox (idempotent by dedupe_key) and queues outside
// delivery (SMS to the person's phone when they have one). Returns the message id, and
// whether it was new. Errors: kInvalidArgument naming `title`/`body`/`link`/`expires_at`
// (empty, too long, control characters, already expired), kNotFound (field person_id).
//
// Call it inside a writer job. On PostgreSQL it also runs `pg_notify` in the same transaction,
// so every server process's InboxHub wakes the person's open streams once it commits. On
// SQLite (one process) — and harmlessly on PostgreSQL too — the caller wakes the streams
// itself after the write has committed, from the coroutine that awaited app.write():
//
//   auto job = [msg, now](store::Connection& c) { return notify::send_personal(c, msg, now); };
//   auto sent = co_await app.write(job);
//   if (sent.ok() && sent->created) app.inbox_hub().notify_people({msg.person_id});
//
// (InboxHub is declared in notify/inbox_hub.h; App::inbox_hub() returns the process's hub.
// notify_people is thread-safe and never blocks on I/O; waking a person with no open stream
// is a no-op.) Background threads may call it the same way after write_sync() returns.
struct Sent {
  int64_t id = 0;
  bool created = false;
};
Result<Sent> send_personal(store::Connection& c, const PersonalMessage& m, int64_t now);

// The same message (m.person_id is ignored) to each of `people` at once: reminders to
// thousands of people cost a few statements per chunk of them, not a few per person. Idempotent
// per person by m.dedupe_key (required) as send_personal is; outside delivery in `lane`. Returns
// the people it was new for (the others had it already); wake their streams after the commit as
// for send_personal. Unknown people are skipped.
Result<std::vector<int64_t>> send_personal_to_many(store::Connection& c,
                                                   const std::vector<int64_t>& people,
                                                   const PersonalMessage& m, Lane lane,
                                                   int64_t now);

}  // namespace kb::notify
