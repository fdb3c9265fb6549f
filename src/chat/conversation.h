// The conversation a follower has with the official account, in Vietnamese: link a phone
// number by a one-time code (sent by SMS), agree that health data may go through the chat,
// then declare step by step (for themselves or a dependant, with quick-reply buttons for
// symptoms and exposures), get the personal QR as an image with a link, and ask for "mã QR",
// "lịch sử", "khai báo lại" or "hủy" at any time. The state lives in chat_followers (it
// survives a restart); a step left unanswered for `timeout_seconds` starts over with a word
// saying so; text that fits no step gets the menu, never silence. Declarations, people and the
// personal QR are the domain's own functions (declarations/, people/, qr/).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "accounts/accounts.h"
#include "areas/area_directory.h"
#include "chat/channel.h"
#include "chat/followers.h"
#include "core/result.h"
#include "store/database.h"

namespace kb::chat {

struct ConversationContext {
  const accounts::AuthConfig& auth;
  const accounts::Secrets& secrets;
  const areas::AreaDirectory& areas;
  std::string public_base_url;  // links and the QR image are absolute
  std::string platform;         // kZalo
  std::string channel;          // deliveries.channel of its replies
  int64_t timeout_seconds = 1800;
  SendingRules rules;
};

// What an event did: the reply rows queued (to attempt at once after the commit) and the
// sign-in code rows queued (likewise, notify::UrgentTexts).
struct Turn {
  std::vector<int64_t> replies;
  std::vector<int64_t> codes;
};

// Takes one checked event in, inside a writer job: refuses a replay (kConflict
// `replayed_event`) and an event from someone who never followed (kNotFound
// `unknown_follower`) before writing anything; otherwise records it, moves the conversation on
// and queues the replies.
Result<Turn> take_chat_event(store::Connection& c, const ConversationContext& ctx,
                             const ChatEvent& event, int64_t now);

// The signed address of a personal QR's image (valid `ttl` seconds), and the check of one.
std::string qr_image_url(const ConversationContext& ctx, std::string_view payload, int64_t now,
                         int64_t ttl = 3600);
bool qr_image_signature_ok(const accounts::Secrets& secrets, std::string_view payload,
                           int64_t expires, std::string_view signature, int64_t now);

}  // namespace kb::chat
