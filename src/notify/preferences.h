// The channels a citizen wants notices on, besides the inbox (which always has them): "sms"
// and "chat" (the official account's chat, once a follower is linked and agreed). No choice
// made: SMS, as before the chat existed. Choosing the chat alone still falls back to SMS
// whenever the chat cannot reach them (chat/followers.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"
#include "store/database.h"

namespace kb::notify {

inline constexpr std::string_view kPreferableChannels[] = {"sms", "chat"};

struct ChannelChoice {
  std::vector<std::string> channels;  // in the order given, e.g. {"chat", "sms"}
  bool chat_linked = false;           // a follower of the chat account is linked and agreed
};
Result<ChannelChoice> preferred_channels(store::Connection& c, int64_t account_id);
// Errors name "channels" (empty) or "channels[i]" (unknown, repeated).
Status set_preferred_channels(store::Connection& c, int64_t account_id,
                              const std::vector<std::string>& channels);

}  // namespace kb::notify
