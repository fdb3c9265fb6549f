// A citizen account's inbox: the merge, newest first, of the personal messages of the people
// it manages and the broadcasts whose areas cover their addresses (never a row per recipient
// of a broadcast). Read state is kept per account. Recalled and expired messages are left out.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "notify/messages.h"
#include "store/database.h"

namespace kb::notify {

struct InboxItem {
  int64_t id = 0;
  std::string kind;
  std::string title, body, link;
  int64_t published_at = 0;
  int64_t expires_at = 0;            // 0: never
  std::optional<int64_t> person_id;  // personal message: whose; broadcast: none
  std::string sender_jurisdiction;   // "national", a province or ward code; empty for the system
  bool read = false;
};

// Where a page ends: the next page starts strictly after it (published_at, id descending).
struct InboxCursor {
  int64_t published_at = 0;
  int64_t id = 0;
  std::string encode() const;  // "published_at.id"
  // Errors name `cursor`.
  static Result<InboxCursor> decode(std::string_view text);
};

struct InboxQuery {
  int64_t account_id = 0;
  int64_t person_id = 0;  // 0: every managed person; else one of them (kNotFound otherwise)
  int limit = 20;
  std::optional<InboxCursor> before;
};

struct InboxPage {
  std::vector<InboxItem> items;
  int64_t unread = 0;
  std::optional<InboxCursor> next;
};

Result<InboxPage> read_inbox(store::Connection& c, const InboxQuery& q, int64_t now);

// Messages published at or after `since`, oldest first (for live streams).
Result<std::vector<InboxItem>> published_since(store::Connection& c, int64_t account_id,
                                               int64_t since, int64_t now, int limit);
// Ids of messages recalled at or after `since` (any inbox: a client drops the ones it shows).
Result<std::vector<int64_t>> recalled_since(store::Connection& c, int64_t since);

// Marks one message read for the account; kNotFound (field id) when it is not in its inbox.
Status mark_read(store::Connection& c, int64_t account_id, int64_t message_id, int64_t now);
// Marks every unread message read; returns how many.
Result<int64_t> mark_all_read(store::Connection& c, int64_t account_id, int64_t now);

// What an account's live stream must listen to: its people and their address codes.
struct InboxKeys {
  std::vector<int64_t> people;
  std::vector<std::string> areas;
};
Result<InboxKeys> inbox_keys(store::Connection& c, int64_t account_id);

}  // namespace kb::notify
