#include "chat/zalo_event.h"

#include <openssl/evp.h>

#include <boost/json.hpp>
#include <charconv>
#include <optional>

#include "chat/json_member.h"
#include "core/crypto.h"
#include "core/json_input.h"
#include "core/text.h"

namespace kb::chat {
namespace json = boost::json;
namespace {

constexpr size_t kMaxTextBytes = 2000;  // the platform's limit on a text message

std::string sha256_hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), digest, &len, EVP_sha256(), nullptr);
  return to_hex(std::string_view(reinterpret_cast<const char*>(digest), len));
}

Error bad_signature() {
  return Error{ErrorKind::kUnauthenticated, "bad_signature",
               "the event is not signed by the official account", "X-ZEvent-Signature"};
}

const json::object* obj(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_object() ? &v->as_object() : nullptr;
}

Result<std::string> user_of(const json::object& o, std::string_view member) {
  const json::object* who = obj(o, member);
  std::string id = who ? string_member(*who, "id") : "";
  if (id.empty() || id.size() > 64 || !is_storable_text(id))
    return invalid(std::string(member) + ".id", "required", "the event names no user");
  return id;
}

Result<ChatEvent> parse_event(const json::object& o, std::string_view name) {
  ChatEvent e;
  if (name == "follow" || name == "unfollow") {
    e.kind = name == "follow" ? EventKind::kFollow : EventKind::kUnfollow;
    KB_ASSIGN(e.user_id, user_of(o, "follower"));
    return e;
  }
  KB_ASSIGN(e.user_id, user_of(o, "sender"));
  const json::object* message = obj(o, "message");
  if (name == "user_send_text") {
    e.kind = EventKind::kText;
    e.text = message ? string_member(*message, "text") : "";
    if (e.text.size() > kMaxTextBytes)
      return invalid("message.text", "too_long", "a text message is at most 2000 bytes");
    auto clean = clean_text(e.text);
    if (!clean || clean->empty())
      return invalid("message.text", "invalid_text", "the message holds no readable text");
    e.text = *clean;
    e.key = message ? string_member(*message, "msg_id") : "";
    return e;
  }
  if (name == "user_send_location") {
    e.kind = EventKind::kLocation;
    e.key = message ? string_member(*message, "msg_id") : "";
    auto* atts = message ? message->if_contains("attachments") : nullptr;
    if (!atts || !atts->is_array() || atts->as_array().empty() || !atts->as_array()[0].is_object())
      return invalid("message.attachments", "required", "a location event carries its place");
    const json::object* payload = obj(atts->as_array()[0].as_object(), "payload");
    const json::object* coords = payload ? obj(*payload, "coordinates") : nullptr;
    auto number = [&](std::string_view k) -> std::optional<double> {
      auto* v = coords ? coords->if_contains(k) : nullptr;
      if (!v) return std::nullopt;
      if (v->is_double()) return v->as_double();
      if (v->is_int64()) return static_cast<double>(v->as_int64());
      if (v->is_string()) {
        double d = 0;
        std::string s(v->as_string());
        auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
        if (ec == std::errc() && p == s.data() + s.size()) return d;
      }
      return std::nullopt;
    };
    auto lat = number("latitude"), lon = number("longitude");
    // Written so that NaN ("nan" as a string) fails too.
    if (!lat || !lon || !(*lat >= -90 && *lat <= 90 && *lon >= -180 && *lon <= 180))
      return invalid("message.attachments[0].payload.coordinates", "invalid_coordinates",
                     "latitude and longitude are required");
    e.latitude = *lat;
    e.longitude = *lon;
    return e;
  }
  if (name == "user_submit_info") {
    e.kind = EventKind::kSubmitInfo;
    const json::object* info = obj(o, "info");
    if (!info) return invalid("info", "required", "the event carries no information");
    for (auto [field, out] : {std::pair{"phone", &e.phone}, std::pair{"name", &e.name},
                              std::pair{"address", &e.address}}) {
      std::string v = string_member(*info, field);
      if (v.size() > 500 || !is_storable_text(v))
        return invalid(std::string("info.") + field, "invalid_text", "unreadable text");
      *out = std::move(v);
    }
    return e;
  }
  return Error{ErrorKind::kInvalidArgument, "unknown_event",
               "this event is not one the channel takes", "event_name"};
}

}  // namespace

std::string zalo_signature(std::string_view app_id, std::string_view body,
                           std::string_view timestamp, std::string_view oa_secret_key) {
  std::string signed_text;
  signed_text.reserve(app_id.size() + body.size() + timestamp.size() + oa_secret_key.size());
  signed_text.append(app_id).append(body).append(timestamp).append(oa_secret_key);
  return "mac=" + sha256_hex(signed_text);
}

Result<ChatEvent> read_zalo_event(const ZaloConfig& config, std::string_view body,
                                  std::string_view signature_header, int64_t now) {
  if (signature_header.empty()) return bad_signature();
  boost::system::error_code ec;
  json::value parsed = json::parse(body, ec);
  if (ec || !parsed.is_object())
    return invalid("body", "invalid_json", "the event is not a JSON object");
  const json::object& o = parsed.as_object();
  std::string app_id = string_member(o, "app_id");
  std::string timestamp = string_member(o, "timestamp");
  // The signature covers the app id and the timestamp as the body spells them.
  if (app_id != config.app_id) return bad_signature();
  std::string expected = zalo_signature(app_id, body, timestamp, config.oa_secret_key);
  if (!constant_time_equal(expected, signature_header)) return bad_signature();
  if (auto field = non_finite_field(o))
    return invalid(*field, "not_finite", "the event holds a number too large to represent");
  int64_t millis = 0;
  auto [p, conv] = std::from_chars(timestamp.data(), timestamp.data() + timestamp.size(), millis);
  if (conv != std::errc() || p != timestamp.data() + timestamp.size())
    return invalid("timestamp", "invalid_timestamp", "the event's timestamp is not a number");
  int64_t at = millis / 1000;
  if (at < now - config.max_event_age_seconds || at > now + config.max_event_age_seconds)
    return invalid("timestamp", "stale_event", "the event is too old (or from the future)");
  std::string name = string_member(o, "event_name");
  if (!config.oa_id.empty() && name != "follow" && name != "unfollow") {
    const json::object* recipient = obj(o, "recipient");
    if (!recipient || string_member(*recipient, "id") != config.oa_id) return bad_signature();
  }
  KB_ASSIGN(ChatEvent event, parse_event(o, name));
  event.at = at;
  // Events without an id of their own (follow, unfollow, submitted info) are known by what
  // they say and when.
  if (event.key.empty()) event.key = name + ":" + event.user_id + ":" + timestamp;
  if (event.key.size() > 200) return invalid("message.msg_id", "too_long", "msg_id is too long");
  return event;
}

}  // namespace kb::chat
