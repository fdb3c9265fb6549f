// A chat official-account channel (Zalo OA first; others later): what the rest of khaibao
// needs of a chat platform. A platform's adapter turns its signed webhook requests into
// ChatEvents and our ChatReplies into its send-message calls; everything else (followers, the
// sending rules, the conversation) is the platform's business no more.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kb::chat {

enum class EventKind { kFollow, kUnfollow, kText, kLocation, kSubmitInfo };

// One event from the platform, checked (signed, fresh) and parsed.
struct ChatEvent {
  EventKind kind = EventKind::kText;
  std::string key;      // the platform's id of the event, to drop a replay
  std::string user_id;  // the follower, as the platform names them for this account
  int64_t at = 0;       // Unix seconds, the platform's time
  std::string text;     // kText: what they typed (a quick-reply button sends its payload)
  double latitude = 0, longitude = 0;  // kLocation
  std::string phone, name, address;    // kSubmitInfo: what they agreed to share
};

struct QuickReply {
  std::string title;    // on the button
  std::string payload;  // sent back as the user's text when pressed
};

// One message to a follower, in the platform's neutral form.
struct ChatReply {
  std::string text;
  std::vector<QuickReply> buttons;   // at most 5 are shown
  std::string image_url;             // an image message (the personal QR)
  std::string link_url, link_title;  // a button that opens a page
};

// A ChatReply as the JSON a reply row carries (deliveries.text), and back.
std::string reply_json(const ChatReply& reply);
std::optional<ChatReply> parse_reply_json(std::string_view json);

}  // namespace kb::chat
