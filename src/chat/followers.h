// Followers of the chat official account, the events already taken in, and the platform's
// sending rules (docs/ZALO.md):
//  - a free (customer-service) message only inside the window after the follower's last
//    message: 48 hours and at most 8 messages (Zalo's "reply" quota);
//  - outside it, a proactive notice only through a template registered in advance, sent by
//    phone number (ZNS);
//  - neither possible (no template, no linked phone, no consent, no longer following): SMS.
// Health data goes over the chat only once the follower agreed to it (consent_at).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "store/database.h"

namespace kb::chat {

struct Follower {
  std::string platform, user_id;
  bool following = false;
  std::optional<int64_t> account_id;
  std::string phone;  // E.164 once linked
  int64_t consent_at = 0;
  int64_t window_opened_at = 0;
  int64_t window_replies = 0;
  std::string state, state_data;  // the conversation (chat/conversation.h)
  int64_t state_at = 0;
};

Result<std::optional<Follower>> find_follower(store::Connection& c, std::string_view platform,
                                              std::string_view user_id);
// Following again after an unfollow keeps the link and the consent.
Status record_follow(store::Connection& c, std::string_view platform, std::string_view user_id,
                     int64_t now);
// An unfollow ends the link: the account gets nothing through the chat any more.
Status record_unfollow(store::Connection& c, std::string_view platform, std::string_view user_id,
                       int64_t now);
// Takes an event in once: false when its key was seen already (a replay).
Result<bool> take_event(store::Connection& c, std::string_view platform, std::string_view key,
                        int64_t now);
// Forgets event keys older than `before` (a replay that old is stale anyway).
Status forget_events(store::Connection& c, int64_t before);
// The follower wrote: the window opens again with no reply spent.
Status open_window(store::Connection& c, std::string_view platform, std::string_view user_id,
                   int64_t now);
// One free message spent in the window.
Status spend_reply(store::Connection& c, std::string_view platform, std::string_view user_id);
Status save_state(store::Connection& c, std::string_view platform, std::string_view user_id,
                  std::string_view state, std::string_view data, int64_t now);
Status link_account(store::Connection& c, std::string_view platform, std::string_view user_id,
                    int64_t account_id, std::string_view phone, int64_t now);
Status record_consent(store::Connection& c, std::string_view platform, std::string_view user_id,
                      bool agreed, int64_t now);
// The followers linked to an account who still follow and agreed to health data by chat.
Result<std::vector<Follower>> reachable_followers(store::Connection& c, int64_t account_id);

struct SendingRules {
  int64_t window_seconds = 48 * 3600;
  int64_t window_messages = 8;
};
enum class Route { kChat, kTemplate, kSms };
std::string_view route_name(Route route);
// How a notice reaches this follower now.
Route route_notice(const Follower& f, const SendingRules& rules, int64_t now,
                   bool template_registered);
// Whether a free reply is still allowed (the conversation's own replies).
bool in_window(const Follower& f, const SendingRules& rules, int64_t now);

}  // namespace kb::chat

namespace kb::chat {

// Benchmarks and tests: `count` citizens living in `ward` of `province`, each with an account
// that prefers the chat, linked to a following, consenting follower "synth-<n>" (n from
// `first`). Returns how many were made.
Result<int64_t> synthesize_followers(store::Connection& c, std::string_view platform,
                                     std::string_view province, std::string_view ward,
                                     int64_t first, int64_t count, int64_t now);

}  // namespace kb::chat
