#include "chat/zalo_oa.h"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <charconv>
#include <thread>

#include "chat/followers.h"
#include "chat/json_member.h"
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

}  // namespace

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
  std::string access = string_member(o, "access_token"), next = string_member(o, "refresh_token");
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
