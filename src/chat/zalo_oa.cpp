#include "chat/zalo_oa.h"

#include <openssl/evp.h>
#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <charconv>
#include <thread>

#include "chat/followers.h"
#include "core/crypto.h"
#include "core/text.h"
#include "store/writer.h"

namespace kb::chat {
namespace json = boost::json;
namespace {

using store::Sql;

constexpr Sql kSelectToken{"chat_select_token",
                           "SELECT access_token, refresh_token, expires_at FROM chat_tokens "
                           "WHERE platform = $1"};
constexpr Sql kSaveToken{"chat_save_token",
                         "INSERT INTO chat_tokens(platform, access_token, refresh_token, "
                         "expires_at, updated_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT "
                         "(platform) DO UPDATE SET access_token = $2, refresh_token = $3, "
                         "expires_at = $4, updated_at = $5"};

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

// A string member, or "" when absent or not a string.
std::string str(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}
const json::object* obj(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_object() ? &v->as_object() : nullptr;
}

Result<std::string> user_of(const json::object& o, std::string_view member) {
  const json::object* who = obj(o, member);
  std::string id = who ? str(*who, "id") : "";
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
    e.text = message ? str(*message, "text") : "";
    if (e.text.size() > kMaxTextBytes)
      return invalid("message.text", "too_long", "a text message is at most 2000 bytes");
    auto clean = clean_text(e.text);
    if (!clean || clean->empty())
      return invalid("message.text", "invalid_text", "the message holds no readable text");
    e.text = *clean;
    e.key = message ? str(*message, "msg_id") : "";
    return e;
  }
  if (name == "user_send_location") {
    e.kind = EventKind::kLocation;
    e.key = message ? str(*message, "msg_id") : "";
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
    if (!lat || !lon || *lat < -90 || *lat > 90 || *lon < -180 || *lon > 180)
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
      std::string v = str(*info, field);
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
  std::string app_id = str(o, "app_id");
  std::string timestamp = str(o, "timestamp");
  // The signature covers the app id and the timestamp as the body spells them.
  if (app_id != config.app_id) return bad_signature();
  std::string expected = zalo_signature(app_id, body, timestamp, config.oa_secret_key);
  if (!constant_time_equal(expected, signature_header)) return bad_signature();
  int64_t millis = 0;
  auto [p, conv] = std::from_chars(timestamp.data(), timestamp.data() + timestamp.size(), millis);
  if (conv != std::errc() || p != timestamp.data() + timestamp.size())
    return invalid("timestamp", "invalid_timestamp", "the event's timestamp is not a number");
  int64_t at = millis / 1000;
  if (at < now - config.max_event_age_seconds || at > now + config.max_event_age_seconds)
    return invalid("timestamp", "stale_event", "the event is too old (or from the future)");
  std::string name = str(o, "event_name");
  if (!config.oa_id.empty() && name != "follow" && name != "unfollow") {
    const json::object* recipient = obj(o, "recipient");
    if (!recipient || str(*recipient, "id") != config.oa_id) return bad_signature();
  }
  KB_ASSIGN(ChatEvent event, parse_event(o, name));
  event.at = at;
  // Events without an id of their own (follow, unfollow, submitted info) are known by what
  // they say and when.
  if (event.key.empty()) event.key = name + ":" + event.user_id + ":" + timestamp;
  if (event.key.size() > 200) return invalid("message.msg_id", "too_long", "msg_id is too long");
  return event;
}

// ---- outgoing ----

std::string zalo_cs_message(std::string_view user_id, const ChatReply& reply) {
  json::object message;
  if (!reply.image_url.empty()) {
    // An image message: a media template with the image, the text as its caption.
    message["text"] = reply.text;
    message["attachment"] = json::object{
        {"type", "template"},
        {"payload",
         json::object{{"template_type", "media"},
                      {"elements", json::array{json::object{{"media_type", "image"},
                                                            {"url", reply.image_url}}}}}}};
  } else if (!reply.buttons.empty() || !reply.link_url.empty()) {
    // Buttons under the text: "oa.query.hide" sends its payload back as the user's text.
    json::array buttons;
    for (size_t i = 0; i < reply.buttons.size() && i < 5; ++i) {
      buttons.push_back(json::object{{"title", reply.buttons[i].title},
                                     {"type", "oa.query.hide"},
                                     {"payload", reply.buttons[i].payload}});
    }
    if (!reply.link_url.empty()) {
      buttons.push_back(json::object{{"title", reply.link_title},
                                     {"type", "oa.open.url"},
                                     {"payload", json::object{{"url", reply.link_url}}}});
    }
    message["text"] = reply.text;
    message["attachment"] = json::object{
        {"type", "template"},
        {"payload", json::object{{"template_type", "button"}, {"buttons", std::move(buttons)}}}};
  } else {
    message["text"] = reply.text;
  }
  json::object body{{"recipient", json::object{{"user_id", user_id}}},
                    {"message", std::move(message)}};
  return json::serialize(body);
}

std::string zalo_template_message(std::string_view e164, std::string_view template_id,
                                  std::string_view title, std::string_view body,
                                  std::string_view tracking_id) {
  std::string phone(e164.starts_with("+") ? e164.substr(1) : e164);
  json::object o{{"phone", phone},
                 {"template_id", template_id},
                 {"template_data", json::object{{"title", title}, {"content", body}}},
                 {"tracking_id", tracking_id}};
  return json::serialize(o);
}

void ZaloChannel::wait_for_rate() {
  for (;;) {
    {
      std::lock_guard lock(rate_mu_);
      int64_t second = clock_.now();
      if (second != rate_second_) {
        rate_second_ = second;
        rate_used_ = 0;
      }
      if (rate_used_ < config_.sends_per_second) {
        ++rate_used_;
        return;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

Result<std::string> ZaloChannel::access_token() {
  KB_ASSIGN(auto row,
            db_.read([](store::Connection& c) { return c.query_one(kSelectToken, {kZalo}); }));
  if (row) return row->str(0);
  if (config_.access_token.empty())
    return make_error(ErrorKind::kUnavailable, "no_access_token", "no Zalo OA access token");
  return config_.access_token;
}

Status ZaloChannel::post(std::string_view path, const std::string& body) {
  KB_ASSIGN(std::string token, access_token());
  wait_for_rate();
  notify::HttpPost request{.body = body, .headers = {{"access_token", token}}};
  KB_ASSIGN(notify::HttpReply reply, notify::http_post(api_, path, request));
  if (reply.status != 200)
    return make_error(ErrorKind::kUnavailable, "zalo_refused",
                      "Zalo answered HTTP " + std::to_string(reply.status));
  boost::system::error_code ec;
  json::value v = json::parse(reply.body, ec);
  const json::value* error = !ec && v.is_object() ? v.as_object().if_contains("error") : nullptr;
  if (!error || !error->is_int64() || error->as_int64() != 0) {
    return make_error(ErrorKind::kUnavailable, "zalo_refused",
                      "Zalo refused the message: " + reply.body.substr(0, 200));
  }
  return {};
}

Status ZaloChannel::deliver(const notify::DueDelivery& d) {
  if (d.message_id == 0) {  // a conversation's reply
    auto reply = parse_reply_json(d.body);
    if (!reply) return internal("a chat reply row holds no reply");
    return post("/v3.0/oa/message/cs", zalo_cs_message(d.recipient, *reply));
  }
  // A notice: by the sending rules as they stand now.
  KB_ASSIGN(auto follower,
            db_.read([&](store::Connection& c) { return find_follower(c, kZalo, d.recipient); }));
  SendingRules rules;
  int64_t now = clock_.now();
  Route route = follower ? route_notice(*follower, rules, now, !config_.notice_template_id.empty())
                         : Route::kSms;
  if (route == Route::kChat) {
    ChatReply notice{.text = d.title + "\n" + d.body};
    if (!d.link.empty()) {
      notice.link_url = d.link;
      notice.link_title = "Xem chi tiết";
    }
    KB_TRY(post("/v3.0/oa/message/cs", zalo_cs_message(d.recipient, notice)));
    return db_.writer().write_sync(
        [&](store::Connection& c) { return spend_reply(c, kZalo, d.recipient); });
  }
  if (route == Route::kTemplate) {
    return post("/message/template",
                zalo_template_message(follower->phone, config_.notice_template_id, d.title, d.body,
                                      d.idempotency_id()));
  }
  // Neither: the notice falls back to an SMS to the linked phone (a row of its own, with its
  // own retries); this row has done its part.
  std::string phone = follower ? follower->phone : "";
  if (phone.empty())
    return Error{ErrorKind::kConflict, "no_chat_route", "the follower cannot be reached"};
  return db_.writer().write_sync([&](store::Connection& c) {
    return notify::queue_delivery(c, d.message_id, notify::kChannelSms, phone, now, d.lane);
  });
}

Result<bool> ZaloChannel::refresh_token_if_due(int64_t margin) {
  int64_t now = clock_.now();
  KB_ASSIGN(auto row,
            db_.read([](store::Connection& c) { return c.query_one(kSelectToken, {kZalo}); }));
  std::string refresh = row ? row->str(1) : config_.refresh_token;
  int64_t expires_at = row ? row->i64(2) : 0;
  if (refresh.empty() || (row && expires_at - now > margin)) return false;
  std::string form = "app_id=" + config_.app_id + "&grant_type=refresh_token&refresh_token=" +
                     refresh;  // both are URL-safe tokens
  notify::HttpPost request{.content_type = "application/x-www-form-urlencoded",
                           .body = form,
                           .headers = {{"secret_key", config_.app_secret}}};
  KB_ASSIGN(notify::HttpReply reply, notify::http_post(api_, "/v4/oa/access_token", request));
  boost::system::error_code ec;
  json::value v = json::parse(reply.body, ec);
  if (reply.status != 200 || ec || !v.is_object())
    return make_error(ErrorKind::kUnavailable, "zalo_token_refused", "token refresh failed");
  const json::object& o = v.as_object();
  std::string access = str(o, "access_token"), next = str(o, "refresh_token");
  int64_t lifetime = 0;
  if (auto* e = o.if_contains("expires_in")) {
    if (e->is_int64()) lifetime = e->as_int64();
    if (e->is_string()) {
      std::string s(e->as_string());
      std::from_chars(s.data(), s.data() + s.size(), lifetime);
    }
  }
  if (access.empty() || next.empty() || lifetime <= 0)
    return make_error(ErrorKind::kUnavailable, "zalo_token_refused",
                      "token refresh answered without a token pair");
  KB_TRY(db_.writer().write_sync([&](store::Connection& c) -> Status {
    KB_TRY(c.exec(kSaveToken,
                  {kZalo, std::string_view(access), std::string_view(next), now + lifetime, now}));
    return {};
  }));
  spdlog::info("zalo: access token refreshed, valid {} s", lifetime);
  return true;
}

}  // namespace kb::chat
