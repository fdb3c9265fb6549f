#include "chat/channel.h"

#include <boost/json.hpp>

#include "chat/json_member.h"

namespace kb::chat {
namespace json = boost::json;
std::string reply_json(const ChatReply& reply) {
  json::array buttons;
  for (const QuickReply& b : reply.buttons)
    buttons.push_back(json::object{{"title", b.title}, {"payload", b.payload}});
  json::object o{{"text", reply.text}, {"buttons", std::move(buttons)}};
  if (!reply.image_url.empty()) o["image_url"] = reply.image_url;
  if (!reply.link_url.empty()) {
    o["link_url"] = reply.link_url;
    o["link_title"] = reply.link_title;
  }
  return json::serialize(o);
}

std::optional<ChatReply> parse_reply_json(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return std::nullopt;
  const json::object& o = v.as_object();
  ChatReply r;
  r.text = string_member(o, "text");
  r.image_url = string_member(o, "image_url");
  r.link_url = string_member(o, "link_url");
  r.link_title = string_member(o, "link_title");
  if (auto* b = o.if_contains("buttons"); b && b->is_array()) {
    for (const auto& item : b->as_array()) {
      if (!item.is_object()) continue;
      r.buttons.push_back(
          {string_member(item.as_object(), "title"), string_member(item.as_object(), "payload")});
    }
  }
  return r;
}

}  // namespace kb::chat
