#include "notify/preferences.h"

#include <algorithm>

namespace kb::notify {
namespace {

using store::Sql;

constexpr Sql kSelectChoice{"select_preferred_channels",
                            "SELECT preferred_channels, (SELECT COUNT(*) FROM chat_followers f "
                            "WHERE f.account_id = u.id AND f.following = 1 AND f.consent_at > 0) "
                            "FROM users u WHERE u.id = $1"};
constexpr Sql kUpdateChoice{"update_preferred_channels",
                            "UPDATE users SET preferred_channels = $2 WHERE id = $1"};

}  // namespace

Result<ChannelChoice> preferred_channels(store::Connection& c, int64_t account_id) {
  KB_ASSIGN(auto row, c.query_one(kSelectChoice, {account_id}));
  if (!row) return make_error(ErrorKind::kNotFound, "not_found", "no such account");
  ChannelChoice choice;
  std::string stored = row->str(0);
  for (size_t from = 0; from < stored.size();) {
    size_t comma = stored.find(',', from);
    if (comma == std::string::npos) comma = stored.size();
    if (comma > from) choice.channels.push_back(stored.substr(from, comma - from));
    from = comma + 1;
  }
  if (choice.channels.empty()) choice.channels = {"sms"};
  choice.chat_linked = row->i64(1) > 0;
  return choice;
}

Status set_preferred_channels(store::Connection& c, int64_t account_id,
                              const std::vector<std::string>& channels) {
  if (channels.empty())
    return invalid("channels", "required", "choose at least one channel besides the inbox");
  std::string joined;
  for (size_t i = 0; i < channels.size(); ++i) {
    std::string field = "channels[" + std::to_string(i) + "]";
    if (std::find(std::begin(kPreferableChannels), std::end(kPreferableChannels), channels[i]) ==
        std::end(kPreferableChannels))
      return invalid(field, "unknown_channel", "a channel is sms or chat");
    if (std::find(channels.begin(), channels.begin() + i, channels[i]) != channels.begin() + i)
      return invalid(field, "repeated_channel", "each channel once");
    joined += (i ? "," : "") + channels[i];
  }
  KB_TRY(c.exec(kUpdateChoice, {account_id, std::string_view(joined)}));
  return {};
}

}  // namespace kb::notify
